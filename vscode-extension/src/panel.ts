// The workflow panel: one webview beside the editor, following the active editor. The first
// drawing of a document sets the page (the CLI's `html` format, with a fresh nonce and a strict
// policy); later drawings of the same document post `update`, so the page keeps its view. An
// error is shown over the page when one is showing, else as a page of its own: never blank.

import * as vscode from "vscode";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { KeyedDebounce } from "./debounce";
import { MessageRouter, type PageMessage } from "./messages";
import { ServeError, type RenderParams, type ServeResponse } from "./server";

export const VIEW_TYPE = "durableViz.workflow";

/** Languages the CLI reads, and the file extension an unsaved document of each gets. */
export const LANGUAGES: Readonly<Record<string, string>> = {
  python: ".py",
  typescript: ".ts",
  typescriptreact: ".tsx",
  javascript: ".js",
  javascriptreact: ".jsx",
  java: ".java",
  csharp: ".cs",
};

export function isSupported(document: vscode.TextDocument): boolean {
  return Object.prototype.hasOwnProperty.call(LANGUAGES, document.languageId);
}

/** Settings the panel reads at each drawing. */
export interface PanelSettings {
  refresh: "onType" | "onSave";
  debounceMs: number;
  direction: "TD" | "LR";
}

export interface PanelDeps {
  render(key: string, params: RenderParams): Promise<ServeResponse>;
  settings(): PanelSettings;
  log(line: string): void;
  /** A fresh CSP nonce (tests pass their own). */
  nonce?: () => string;
}

/** The policy the webview enforces, on top of the page's own. */
export function contentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data: blob:`;
}

/** Adds our policy to a page, first thing in its head (before any script or style). */
export function withPolicy(html: string, nonce: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(nonce)}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (!head) return meta + html;
  const at = head.index + head[0].length;
  return html.slice(0, at) + "\n" + meta + html.slice(at);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page of our own (loading, nothing to draw, an error): no script, the same strict policy. */
export function messagePage(nonce: string, title: string, message: string, hint?: string, error = false): string {
  const style =
    "body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:1.5em 2em;line-height:1.5}" +
    "h2{font-weight:600;font-size:1.2em}" +
    ".message{font-family:var(--vscode-editor-font-family);white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".error .message{color:var(--vscode-errorForeground)}" +
    ".hint{opacity:.85}";
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(nonce)}">`,
    `<style nonce="${nonce}">${style}</style>`,
    `<title>${escapeHtml(title)}</title></head>`,
    `<body class="${error ? "error" : "info"}"><h2>${escapeHtml(title)}</h2>`,
    `<p class="message">${escapeHtml(message)}</p>`,
    hint ? `<p class="hint">${escapeHtml(hint)}</p>` : "",
    "</body></html>",
  ].join("\n");
}

function newNonce(): string {
  return randomBytes(18).toString("base64");
}

/** The path the CLI is given: the file, or for an unsaved document a name with its language's extension. */
export function documentPath(document: vscode.TextDocument): string {
  if (document.uri.scheme === "file") return document.uri.fsPath;
  const name = path.posix.basename(document.uri.path) || "untitled";
  const extension = LANGUAGES[document.languageId] ?? "";
  return name.endsWith(extension) ? name : name + extension;
}

const HINTS: Record<string, string> = {
  no_handler: "Open a file with a durable handler (a function using the durable context), or pick another editor.",
  input: "Fix the code at that position; the picture comes back as soon as it can be read.",
  usage: "The extension and the CLI may be from different releases: `pip install -U durable-viz`.",
  internal: "This is a bug in durable-viz; the Durable Viz output channel has details.",
};

/** The one workflow panel of the window. */
export class WorkflowPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private document: vscode.TextDocument | undefined;
  /** The rendered page showing (document key and its nonce); none while our own page shows. */
  private page: { key: string; nonce: string } | undefined;
  private pageIsReady = false;
  /** What to post once the page is ready (the latest update and/or error). */
  private held: PageMessage[] = [];
  private errorShown = false;
  /**
   * The page showing is not what its html says: updates were posted since (a hidden webview is
   * reloaded from its html when shown again), or the document changed while hidden.
   */
  private stale = false;
  private generation = 0;
  /** The direction the user toggled to in this panel's page; the setting's until then. */
  private direction: "TD" | "LR" | undefined;
  private lastColumn: vscode.ViewColumn | undefined;
  private readonly panelSubscriptions: vscode.Disposable[] = [];
  readonly router: MessageRouter;
  private readonly typing: KeyedDebounce<[]>;

  constructor(private readonly deps: PanelDeps) {
    this.router = new MessageRouter(
      {
        document: () => this.document,
        post: (message) => this.post(message),
        pageReady: () => this.onPageReady(),
        directionChanged: (direction) => this.directionChanged(direction),
        editorColumn: () => this.editorColumn(),
        log: deps.log,
      },
      () => deps.settings().debounceMs,
    );
    this.typing = new KeyedDebounce((key) => {
      if (this.document?.uri.toString() === key) void this.refresh();
    }, () => deps.settings().debounceMs);
  }

  /** The webview panel, while open (for tests and the extension's wiring). */
  get webviewPanel(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  /** The document drawn. */
  get current(): vscode.TextDocument | undefined {
    return this.document;
  }

  /** The command: open the panel beside the editor (or reveal it) and draw the document. */
  async open(document: vscode.TextDocument | undefined): Promise<void> {
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        VIEW_TYPE,
        "Workflow",
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [], enableFindWidget: true },
      );
      this.attach(panel);
    } else {
      this.panel.reveal(undefined, true);
    }
    await this.show(document);
  }

  /** The serializer's call: VS Code restored the panel of a previous session. */
  async restore(panel: vscode.WebviewPanel): Promise<void> {
    if (this.panel && this.panel !== panel) this.panel.dispose();
    panel.webview.options = { enableScripts: true, localResourceRoots: [] };
    this.attach(panel);
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors.find((e) => isSupported(e.document));
    await this.show(editor && isSupported(editor.document) ? editor.document : undefined);
  }

  /** The active editor changed: follow it when it shows a file we can draw. */
  activeEditorChanged(editor: vscode.TextEditor | undefined): void {
    if (!editor) return;
    if (editor.viewColumn !== undefined) this.lastColumn = editor.viewColumn;
    if (!this.panel || !isSupported(editor.document)) return;
    // A helper file of the drawing (its nodes are in the picture), or the same document in
    // another editor: keep the drawing.
    if (editor.document === this.document || this.router.isHelper(editor.document.uri)) return;
    void this.show(editor.document);
  }

  /**
   * A document changed (typing): redraw soon when refreshing on type. A helper file of the
   * drawing redraws the handler (its text sent; the CLI reads the helper from disk, so unsaved
   * edits to a helper show once it is saved).
   */
  documentChanged(event: vscode.TextDocumentChangeEvent): void {
    const drawn = this.document;
    if (!this.panel || !drawn || event.contentChanges.length === 0) return;
    if (event.document !== drawn && !this.router.isHelper(event.document.uri)) return;
    if (this.deps.settings().refresh !== "onType") return;
    this.typing.call(drawn.uri.toString());
  }

  /**
   * A document was saved: redraw when refreshing on save; and, in either mode, when it is a
   * helper file of the drawing (the CLI reads helpers from disk: the saved text is the new one).
   */
  documentSaved(document: vscode.TextDocument): void {
    if (!this.panel || !this.document) return;
    const helper = document !== this.document && this.router.isHelper(document.uri);
    if (!helper && (document !== this.document || this.deps.settings().refresh !== "onSave")) return;
    void this.refresh();
  }

  /** The user toggled the page's direction: remember it for this panel and draw in it now. */
  directionChanged(direction: "TD" | "LR"): void {
    if (!this.panel) return;
    this.direction = direction;
    void this.refresh();
  }

  /** The direction setting changed: it wins over a direction toggled in the page. */
  directionSettingChanged(): void {
    this.direction = undefined;
    void this.refresh(true);
  }

  /** The cursor moved: highlight its node. */
  selectionChanged(event: vscode.TextEditorSelectionChangeEvent): void {
    if (event.textEditor.viewColumn !== undefined) this.lastColumn = event.textEditor.viewColumn;
    if (this.panel) this.router.selectionChanged(event.textEditor);
  }

  /**
   * Draws the current document: the whole page when none of it is showing (or `whole`), else an
   * update. Results of a drawing overtaken by a newer one are dropped.
   */
  async refresh(whole = false): Promise<void> {
    const panel = this.panel;
    const document = this.document;
    if (!panel || !document) return;
    if (!panel.visible) {
      // Messages to a hidden webview are lost; draw it whole when it shows again.
      this.stale = true;
      return;
    }
    const key = document.uri.toString();
    const full = whole || this.page?.key !== key;
    const nonce = full || !this.page ? (this.deps.nonce ?? newNonce)() : this.page.nonce;
    const generation = ++this.generation;
    const settings = this.deps.settings();
    let response: ServeResponse;
    try {
      response = await this.deps.render(key, {
        path: documentPath(document),
        source: document.getText(),
        direction: this.direction ?? settings.direction,
        nonce,
        formats: full ? ["html"] : ["update"],
      });
    } catch (error) {
      // A newer drawing replaced this one, or the CLI is being restarted on purpose (a changed
      // setting: a new drawing follows) or stopped (the window closes): nothing to show.
      if (error instanceof ServeError && (error.kind === "superseded" || error.kind === "stopped")) return;
      if (generation !== this.generation || this.panel !== panel) return;
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log(`render failed: ${message}`);
      this.showError(key, message, error instanceof ServeError ? error.hint : undefined);
      return;
    }
    if (generation !== this.generation || this.panel !== panel) return;
    if (!response.ok) {
      this.showError(key, response.error.message, response.error.hint ?? HINTS[response.error.kind]);
      return;
    }
    // The helper files this drawing read: the panel stays with it in their editors.
    if (Array.isArray(response.files)) this.router.setFiles(response.files);
    const count = response.diagnostics?.length ?? 0;
    this.deps.log(`drew ${documentPath(document)} (${full ? "page" : "update"}, ${response.ms ?? "?"} ms, ${count} diagnostics)`);
    if (full) {
      const html = response.results.html;
      if (typeof html !== "string" || html.trim() === "") {
        this.showError(key, "durable-viz serve answered without a page.", HINTS.usage);
        return;
      }
      this.setHtml(withPolicy(html, nonce), { key, nonce });
    } else {
      if (this.errorShown) this.post({ type: "clear-error" });
      this.errorShown = false;
      this.post({ type: "update", payload: response.results.update });
    }
  }

  /** Closes the panel. */
  dispose(): void {
    this.typing.cancel();
    this.router.dispose();
    this.panel?.dispose();
  }

  // -- internals -------------------------------------------------------------------------------

  private async show(document: vscode.TextDocument | undefined): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    if (!document) {
      // Nothing to follow (no editor, or not a language we read): say so rather than stay blank.
      if (!this.document) {
        const message = "Open a Python, TypeScript, JavaScript, Java or C# file with a durable handler to see its workflow.";
        this.setHtml(this.ownPage("Durable Viz", message));
      }
      return;
    }
    if (document !== this.document) {
      this.typing.cancel();
      this.router.forgetHelpers();
      this.document = document;
    }
    panel.title = `Workflow: ${path.basename(documentPath(document))}`;
    if (this.page?.key !== document.uri.toString()) {
      // Something to see while the CLI starts (the first start can take a second or two).
      this.setHtml(this.ownPage("Durable Viz", `Drawing ${path.basename(documentPath(document))}…`));
    }
    await this.refresh();
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.page = undefined;
    this.direction = undefined;
    this.pageIsReady = false;
    this.held = [];
    this.panelSubscriptions.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.router.handle(message)),
      panel.onDidChangeViewState((event) => {
        if (!event.webviewPanel.visible) {
          // Without retainContextWhenHidden the page is gone; shown again, it reloads and says
          // ready again. Until then, hold messages.
          this.pageIsReady = false;
        } else if (this.stale) {
          this.stale = false;
          void this.refresh(true);
        }
      }),
      panel.onDidDispose(() => {
        if (this.panel !== panel) return;
        this.panel = undefined;
        this.page = undefined;
        this.document = undefined;
        this.typing.cancel();
        for (const subscription of this.panelSubscriptions.splice(0)) subscription.dispose();
      }),
    );
  }

  private ownPage(title: string, message: string, hint?: string, error = false): string {
    return messagePage((this.deps.nonce ?? newNonce)(), title, message, hint, error);
  }

  private setHtml(html: string, page?: { key: string; nonce: string }): void {
    if (!this.panel) return;
    this.page = page;
    this.pageIsReady = false;
    this.held = [];
    this.errorShown = false;
    this.stale = false;
    this.panel.webview.html = html;
  }

  private showError(key: string, message: string, hint?: string): void {
    if (this.page?.key === key) {
      this.errorShown = true;
      this.post({ type: "error", message, hint: hint ?? "" });
    } else {
      this.setHtml(this.ownPage("Cannot draw this workflow", message, hint, true));
    }
  }

  private post(message: PageMessage): void {
    if (!this.panel || !this.page) return;
    // The reloaded page would show the html as it was set, without this: redraw it when shown.
    if (message.type !== "highlight") this.stale = true;
    if (!this.pageIsReady) {
      // The page has not said it listens yet: keep the latest of each kind (a highlight is
      // sent anyway once it is ready).
      if (message.type !== "highlight") {
        const drop = message.type === "clear-error" ? ["error", "clear-error"] : [message.type];
        this.held = this.held.filter((held) => !drop.includes(held.type));
        this.held.push(message);
      }
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private onPageReady(): void {
    this.pageIsReady = true;
    for (const message of this.held.splice(0)) this.post(message);
  }

  private editorColumn(): vscode.ViewColumn | undefined {
    if (this.lastColumn !== undefined) return this.lastColumn;
    const uri = this.document?.uri.toString();
    return vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === uri)?.viewColumn;
  }
}
