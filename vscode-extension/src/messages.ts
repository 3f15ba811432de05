// Messages between the page and the editor. From the page: `ready` (send the cursor's line),
// `reveal` (a node was clicked: select its line, in a helper file when the node came from one),
// `direction` (the user toggled it: draw in that one from now on), `save` (export: a save
// dialog, then the bytes of the data URL written with workspace.fs). To the page: `highlight`
// when the cursor moves (debounced), in the handler's file or in a helper file the drawing read.

import * as vscode from "vscode";
import * as path from "node:path";
import { debounce, type Debounced } from "./debounce";

/** A message for the page. */
export type PageMessage =
  | { type: "highlight"; line: number; file?: string }
  | { type: "update"; payload: unknown }
  | { type: "error"; message: string; hint?: string }
  | { type: "clear-error" };

/** What the router needs from the panel. */
export interface RouterHost {
  /** The document the panel draws. */
  document(): vscode.TextDocument | undefined;
  /** Posts to the page (the panel holds it back until the page is ready). */
  post(message: PageMessage): void;
  /** The page said it is ready. */
  pageReady(): void;
  /** The user toggled the page's direction: draw in this one from now on. */
  directionChanged(direction: "TD" | "LR"): void;
  /** The editor column to open revealed lines in (the one the user last typed in). */
  editorColumn(): vscode.ViewColumn | undefined;
  log(line: string): void;
}

const FILTERS: Record<string, string> = { svg: "SVG image", png: "PNG image", json: "JSON", mmd: "Mermaid", md: "Markdown" };

/**
 * Decodes a `data:` URL (base64 or percent-encoded) to bytes; undefined when it is not one.
 */
export function decodeDataUrl(url: string): Uint8Array | undefined {
  const match = /^data:([^,]*),(.*)$/s.exec(url);
  if (!match) return undefined;
  const meta = match[1] ?? "";
  const body = match[2] ?? "";
  if (/;base64$/i.test(meta)) {
    if (!/^[A-Za-z0-9+/=\s]*$/.test(body)) return undefined;
    return new Uint8Array(Buffer.from(body, "base64"));
  }
  try {
    return new Uint8Array(Buffer.from(decodeURIComponent(body), "utf8"));
  } catch {
    return undefined;
  }
}

/** The file a page's `file` names: the document itself when null, else relative to its folder. */
export function resolveFile(document: vscode.Uri, file: unknown): vscode.Uri {
  if (typeof file !== "string" || file === "") return document;
  if (path.isAbsolute(file)) return vscode.Uri.file(file);
  if (document.scheme !== "file") return vscode.Uri.file(path.resolve(file));
  return vscode.Uri.file(path.resolve(path.dirname(document.fsPath), file));
}

function sameFile(a: vscode.Uri, b: vscode.Uri): boolean {
  return a.toString() === b.toString();
}

/** Routes page messages and cursor moves. */
export class MessageRouter implements vscode.Disposable {
  /** Helper files opened from the page: their URI -> the name the page gave them. */
  private readonly helpers = new Map<string, string>();
  /** Helper files the last drawing read (its response's `files`): URI -> the name the JSON gives. */
  private readonly drawn = new Map<string, string>();
  private readonly highlightSoon: Debounced<[vscode.TextEditor]>;

  constructor(
    private readonly host: RouterHost,
    debounceMs: () => number,
  ) {
    this.highlightSoon = debounce((editor: vscode.TextEditor) => {
      const message = this.highlightFor(editor);
      if (message) this.host.post(message);
    }, debounceMs);
  }

  /** Handles one message from the page; unknown or malformed ones are logged and dropped. */
  async handle(message: unknown): Promise<void> {
    if (typeof message !== "object" || message === null) return;
    const data = message as Record<string, unknown>;
    try {
      switch (data.type) {
        case "ready":
          this.host.pageReady();
          this.sendCurrentHighlight();
          return;
        case "reveal":
          await this.reveal(data.file, data.line, data.column);
          return;
        case "direction":
          if (data.direction === "TD" || data.direction === "LR") this.host.directionChanged(data.direction);
          else this.host.log(`page message ignored: direction ${String(data.direction)}`);
          return;
        case "save":
          await this.save(data.name, data.dataUrl);
          return;
        default:
          this.host.log(`page message ignored: ${String(data.type)}`);
      }
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.host.log(`page message ${String(data.type)} failed: ${text}`);
      void vscode.window.showErrorMessage(`Durable Viz: ${text}`);
    }
  }

  /**
   * Whether a document is a helper file of the drawing shown: one the drawing read (the panel
   * keeps the drawing, follows the cursor there and redraws when it changes), or one the user
   * opened from the page.
   */
  isHelper(uri: vscode.Uri): boolean {
    return this.helperName(uri) !== undefined;
  }

  /** The name the page gives a helper file, or undefined when it is none. */
  helperName(uri: vscode.Uri): string | undefined {
    const key = uri.toString();
    return this.drawn.get(key) ?? this.helpers.get(key);
  }

  /**
   * Takes the files a drawing read (the serve response's `files`): every one but the drawn
   * document itself is a helper, named as the page names it.
   */
  setFiles(files: readonly unknown[]): void {
    const document = this.host.document();
    this.drawn.clear();
    if (!document) return;
    for (const file of files) {
      if (typeof file !== "string" || file === "") continue;
      const uri = resolveFile(document.uri, file);
      if (!sameFile(uri, document.uri) && !this.drawn.has(uri.toString())) this.drawn.set(uri.toString(), file);
    }
  }

  /** Forgets the helper files (the panel now draws another document). */
  forgetHelpers(): void {
    this.helpers.clear();
    this.drawn.clear();
  }

  /** The cursor moved in an editor: highlight its line soon, if the page draws that file. */
  selectionChanged(editor: vscode.TextEditor): void {
    if (this.highlightFor(editor)) this.highlightSoon(editor);
  }

  /** The highlight message for an editor's cursor, when the page draws its file. */
  highlightFor(editor: vscode.TextEditor): PageMessage | undefined {
    const document = this.host.document();
    if (!document) return undefined;
    const line = editor.selection.active.line + 1;
    if (sameFile(editor.document.uri, document.uri)) return { type: "highlight", line };
    const file = this.helperName(editor.document.uri);
    return file === undefined ? undefined : { type: "highlight", line, file };
  }

  /** Sends the highlight for the editor showing the drawn file (after the page loaded). */
  sendCurrentHighlight(): void {
    const editors = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors];
    for (const editor of editors) {
      const message = editor && this.highlightFor(editor);
      if (message) {
        this.host.post(message);
        return;
      }
    }
  }

  dispose(): void {
    this.highlightSoon.cancel();
  }

  private async reveal(file: unknown, line: unknown, column: unknown): Promise<void> {
    const document = this.host.document();
    if (!document || typeof line !== "number" || !Number.isInteger(line) || line < 1) return;
    const target = resolveFile(document.uri, file);
    const helper = !sameFile(target, document.uri);
    if (helper) this.helpers.set(target.toString(), file as string);
    const editor = await vscode.window.showTextDocument(target, {
      viewColumn: this.host.editorColumn() ?? vscode.ViewColumn.One,
      preserveFocus: false,
      preview: helper,
    });
    const lineIndex = Math.min(line - 1, Math.max(0, editor.document.lineCount - 1));
    const text = editor.document.lineAt(lineIndex).text;
    const indent = text.length - text.trimStart().length;
    const start = typeof column === "number" && column >= 1 ? Math.min(column - 1, text.length) : indent;
    // The node's line, selected from where its call starts; the cursor at that start.
    editor.selection = new vscode.Selection(lineIndex, text.length, lineIndex, start);
    const range = new vscode.Range(lineIndex, start, lineIndex, text.length);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async save(name: unknown, dataUrl: unknown): Promise<void> {
    if (typeof dataUrl !== "string") return;
    const bytes = decodeDataUrl(dataUrl);
    if (!bytes) throw new Error("the exported picture could not be read");
    // Only a file name is taken from the page, never a folder.
    const fileName = path.basename(typeof name === "string" && name.trim() ? name.trim() : "workflow");
    const extension = path.extname(fileName).slice(1).toLowerCase();
    const document = this.host.document();
    const folder = document?.uri.scheme === "file" ? path.dirname(document.uri.fsPath) : undefined;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.file(path.join(folder, fileName)) : undefined,
      filters: extension ? { [FILTERS[extension] ?? extension.toUpperCase()]: [extension] } : undefined,
      saveLabel: "Export",
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    this.host.log(`exported ${target.fsPath} (${bytes.length} bytes)`);
  }
}
