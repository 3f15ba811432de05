// The panel: the first drawing sets the page (nonce and policy), later ones post updates, errors
// go over the page or become a page of their own, and the panel follows the active editor.

import { strict as assert } from "node:assert";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import type * as vscode from "vscode";
import { contentSecurityPolicy, messagePage, VIEW_TYPE, withPolicy, WorkflowPanel, type PanelSettings } from "../src/panel";
import { ServeError, type RenderParams, type ServeResponse, type SuccessResponse } from "../src/server";
import { fake, FakeDocument, FakePanel, Selection, Uri, ViewColumn } from "./fake-vscode";

type Answer = (params: RenderParams) => ServeResponse | Promise<ServeResponse> | Error;

function page(nonce: string, body = "picture"): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="script-src 'nonce-${nonce}'"><script nonce="${nonce}">go()</script></head><body>${body}</body></html>`;
}

const ok = (params: RenderParams): ServeResponse => ({
  id: 1,
  ok: true,
  results: params.formats?.includes("html") ? { html: page(params.nonce ?? "", String(params.source)) } : { update: { source: params.source } },
  diagnostics: [],
  ms: 2,
});

function setup(settings: Partial<PanelSettings> = {}) {
  fake.reset();
  const calls: RenderParams[] = [];
  let answer: Answer = ok;
  let counter = 0;
  const panel = new WorkflowPanel({
    render: async (_key, params) => {
      calls.push(params);
      const result = answer(params);
      if (result instanceof Error) throw result;
      return result;
    },
    settings: () => ({ refresh: "onType", debounceMs: 100, direction: "LR", ...settings }),
    log: () => undefined,
    nonce: () => `nonce${++counter}`,
  });
  const handler = fake.document("/w/handler.ts", "export const handler = 1;", "typescript");
  return { panel, calls, handler, setAnswer: (a: Answer) => (answer = a) };
}

const asDoc = (d: FakeDocument) => d as unknown as vscode.TextDocument;
const onlyPanel = (): FakePanel => {
  assert.equal(fake.panels.length, 1);
  return fake.panels[0] as FakePanel;
};
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("WorkflowPanel", () => {
  it("opens one webview beside the editor with scripts, no local resources, no retained context", async () => {
    const { panel, handler } = setup();
    await panel.open(asDoc(handler));
    const created = onlyPanel();
    assert.equal(created.viewType, VIEW_TYPE);
    assert.deepEqual(created.showOptions, { viewColumn: ViewColumn.Beside, preserveFocus: true });
    assert.equal(created.options.enableScripts, true);
    assert.deepEqual(created.options.localResourceRoots, []);
    assert.equal("retainContextWhenHidden" in created.options, false);
    assert.equal(created.title, "Workflow: handler.ts");
    await panel.open(asDoc(handler));
    assert.equal(fake.panels.length, 1, "the command again reveals the same panel");
    assert.equal(created.revealed, 1);
  });

  it("first drawing sets the page with a fresh nonce, matching its policy; never a blank panel", async () => {
    const { panel, calls, handler } = setup();
    await panel.open(asDoc(handler));
    const webview = onlyPanel().webview;
    assert.equal(calls.length, 1);
    const request = calls[0] as RenderParams;
    assert.deepEqual(request.formats, ["html"]);
    assert.equal(request.path, "/w/handler.ts");
    assert.equal(request.source, "export const handler = 1;");
    assert.equal(request.direction, "LR");
    const nonce = request.nonce as string;
    assert.match(nonce, /^[A-Za-z0-9+/=_-]+$/);
    // A loading page first, then the picture with the webview's own policy added in its head.
    assert.equal(webview.htmlHistory.length, 2);
    assert.match(webview.htmlHistory[0] ?? "", /Drawing handler\.ts/);
    const policy = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(nonce)}">`;
    assert.ok(webview.html.startsWith(`<!DOCTYPE html><html><head>\n${policy}`), webview.html.slice(0, 200));
    assert.match(webview.html, new RegExp(`<script nonce="${nonce}">`));
    assert.equal(contentSecurityPolicy("N"), "default-src 'none'; script-src 'nonce-N'; style-src 'nonce-N'; img-src data: blob:");
    for (const html of webview.htmlHistory) assert.ok(html.trim().length > 0);
  });

  it("later drawings of the same document post updates, held until the page is ready", async () => {
    const { panel, calls, handler } = setup();
    await panel.open(asDoc(handler));
    const webview = onlyPanel().webview;
    handler.text = "v2";
    panel.documentChanged({ document: handler, contentChanges: [{}] } as unknown as vscode.TextDocumentChangeEvent);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(calls.length, 2);
    assert.deepEqual(calls[1]?.formats, ["update"]);
    assert.equal(calls[1]?.nonce, calls[0]?.nonce, "an update keeps the page's nonce");
    assert.deepEqual(webview.posted, [], "not before the page said ready");
    await webview.received.fire({ type: "ready" });
    await flush();
    assert.deepEqual(webview.posted, [{ type: "update", payload: { source: "v2" } }]);
    assert.equal(webview.htmlHistory.length, 2, "the page was not replaced");
  });

  describe("with fake timers", () => {
    beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
    afterEach(() => mock.timers.reset());

    it("typing is debounced: one drawing with the latest unsaved text", async () => {
      const { panel, calls, handler } = setup({ debounceMs: 300 });
      await panel.open(asDoc(handler));
      for (const text of ["a", "ab", "abc"]) {
        handler.text = text;
        panel.documentChanged({ document: handler, contentChanges: [{}] } as unknown as vscode.TextDocumentChangeEvent);
        mock.timers.tick(100);
      }
      assert.equal(calls.length, 1);
      mock.timers.tick(200);
      await flush();
      assert.equal(calls.length, 2);
      assert.equal(calls[1]?.source, "abc");
    });

    it("in onSave mode typing does nothing, saving draws", async () => {
      const { panel, calls, handler } = setup({ refresh: "onSave" });
      await panel.open(asDoc(handler));
      panel.documentChanged({ document: handler, contentChanges: [{}] } as unknown as vscode.TextDocumentChangeEvent);
      mock.timers.tick(1000);
      assert.equal(calls.length, 1);
      panel.documentSaved(asDoc(handler));
      await flush();
      assert.equal(calls.length, 2);
      assert.deepEqual(calls[1]?.formats, ["update"]);
    });
  });

  it("an error while the page shows is posted over it with its hint; the next success clears it", async () => {
    const { panel, handler, setAnswer } = setup();
    await panel.open(asDoc(handler));
    const webview = onlyPanel().webview;
    await webview.received.fire({ type: "ready" });
    setAnswer(() => ({ id: 2, ok: false, error: { kind: "input", message: "/w/handler.ts:1:7: syntax error", hint: "Fix the syntax error." } }));
    await panel.refresh();
    assert.deepEqual(webview.posted, [{ type: "error", message: "/w/handler.ts:1:7: syntax error", hint: "Fix the syntax error." }]);
    setAnswer(ok);
    await panel.refresh();
    assert.deepEqual(webview.posted.slice(1), [{ type: "clear-error" }, { type: "update", payload: { source: "export const handler = 1;" } }]);
    assert.equal(webview.htmlHistory.length, 2);
  });

  it("an error with no page showing becomes an error page: message, hint, strict policy, no script", async () => {
    const { panel, handler, setAnswer } = setup();
    setAnswer(() => ({ id: 1, ok: false, error: { kind: "no_handler", message: "/w/handler.ts: no durable handler found <here>" } }));
    await panel.open(asDoc(handler));
    const html = onlyPanel().webview.html;
    assert.match(html, /no durable handler found &#60;here&#62;/);
    assert.match(html, /Open a file with a durable handler/, "a hint of our own when the CLI gives none");
    assert.match(html, /default-src 'none'; script-src 'nonce-nonce\d+'; style-src 'nonce-nonce\d+'; img-src data: blob:/);
    assert.doesNotMatch(html, /<script/);
  });

  it("the CLI missing shows the install hint in the panel", async () => {
    const { panel, handler, setAnswer } = setup();
    setAnswer(() => new ServeError("missing", "Could not run the durable-viz CLI: `durable-viz serve` was not found (ENOENT)", "Install the CLI with `pip install durable-viz`"));
    await panel.open(asDoc(handler));
    const html = onlyPanel().webview.html;
    assert.match(html, /Cannot draw this workflow/);
    assert.match(html, /was not found \(ENOENT\)/);
    assert.match(html, /pip install durable-viz/);
  });

  it("a page answer without html is an error page, not a blank panel", async () => {
    const { panel, handler, setAnswer } = setup();
    setAnswer(() => ({ id: 1, ok: true, results: { html: "" } }));
    await panel.open(asDoc(handler));
    assert.match(onlyPanel().webview.html, /answered without a page/);
  });

  it("a superseded or deliberately stopped drawing changes nothing; an overtaken one is dropped", async () => {
    const { panel, handler, setAnswer } = setup();
    await panel.open(asDoc(handler));
    const webview = onlyPanel().webview;
    await webview.received.fire({ type: "ready" });
    setAnswer(() => new ServeError("superseded", "newer"));
    await panel.refresh();
    setAnswer(() => new ServeError("stopped", "restarted on purpose"));
    await panel.refresh();
    assert.deepEqual(webview.posted, []);
    assert.equal(webview.htmlHistory.length, 2);
    let release: (r: ServeResponse) => void = () => undefined;
    setAnswer(() => new Promise<ServeResponse>((resolve) => (release = resolve)));
    const slow = panel.refresh();
    setAnswer(ok);
    await panel.refresh();
    release({ id: 9, ok: true, results: { update: "old" } });
    await slow;
    assert.deepEqual(webview.posted, [{ type: "update", payload: { source: "export const handler = 1;" } }]);
  });

  it("follows the active editor for supported languages, with a new page and nonce", async () => {
    const { panel, calls, handler } = setup();
    await panel.open(asDoc(handler));
    const other = fake.document("/w/Flow.java", "class Flow {}", "java");
    const text = fake.document("/w/notes.md", "# notes", "markdown");
    panel.activeEditorChanged(fake.activate(text) as unknown as vscode.TextEditor);
    panel.activeEditorChanged(undefined);
    await flush();
    assert.equal(calls.length, 1, "markdown and no editor are not followed");
    panel.activeEditorChanged(fake.activate(other, ViewColumn.One) as unknown as vscode.TextEditor);
    await flush();
    assert.equal(calls.length, 2);
    assert.equal(calls[1]?.path, "/w/Flow.java");
    assert.deepEqual(calls[1]?.formats, ["html"]);
    assert.notEqual(calls[1]?.nonce, calls[0]?.nonce);
    assert.equal(onlyPanel().title, "Workflow: Flow.java");
    assert.equal(panel.current, asDoc(other));
  });

  it("does not follow into a helper file opened from the page", async () => {
    const { panel, calls, handler } = setup();
    fake.document("/w/lib/steps.ts", "export function helper() {}", "typescript");
    await panel.open(asDoc(handler));
    await onlyPanel().webview.received.fire({ type: "reveal", file: "lib/steps.ts", line: 1, column: 1 });
    panel.activeEditorChanged(fake.activate(fake.documents.get(Uri.file("/w/lib/steps.ts").toString()) as FakeDocument) as unknown as vscode.TextEditor);
    await flush();
    assert.equal(calls.length, 1);
    assert.equal(panel.current, asDoc(handler));
  });

  it("stays with the drawing in a helper file it read: highlights there, redraws the handler when it changes", async () => {
    const { panel, calls, handler, setAnswer } = setup({ debounceMs: 20 });
    const helper = fake.document("/w/lib/steps.ts", "export async function ship(context) {}", "typescript");
    setAnswer((params) => ({ ...(ok(params) as SuccessResponse), files: ["/w/handler.ts", "/w/lib/steps.ts"] }));
    await panel.open(asDoc(handler));
    const webview = onlyPanel().webview;
    await webview.received.fire({ type: "ready" });
    // Switching to the helper's editor keeps the drawing (no "no durable handler" for it).
    const editor = fake.activate(helper);
    panel.activeEditorChanged(editor as unknown as vscode.TextEditor);
    await flush();
    assert.equal(calls.length, 1);
    assert.equal(panel.current, asDoc(handler));
    assert.equal(onlyPanel().webview.htmlHistory.length, 2);
    // The cursor in the helper highlights its nodes, by the helper's name.
    editor.selection = new Selection(0, 0, 0, 0);
    panel.selectionChanged({ textEditor: editor } as unknown as vscode.TextEditorSelectionChangeEvent);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(webview.posted.at(-1), { type: "highlight", line: 1, file: "/w/lib/steps.ts" });
    // Typing in the helper redraws the handler: the handler's text is sent (the CLI reads the
    // helper from disk).
    helper.text = "export async function ship(context) { /* typing */ }";
    panel.documentChanged({ document: helper, contentChanges: [{}] } as unknown as vscode.TextDocumentChangeEvent);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(calls.length, 2);
    assert.equal(calls[1]?.path, "/w/handler.ts");
    assert.equal(calls[1]?.source, "export const handler = 1;");
    assert.deepEqual(calls[1]?.formats, ["update"]);
    // Saving it redraws too (its saved text is what the CLI reads), also when refreshing on type.
    panel.documentSaved(asDoc(helper));
    await flush();
    assert.equal(calls.length, 3);
    assert.equal(calls[2]?.path, "/w/handler.ts");
    // A file the drawing did not read is followed as before.
    const unrelated = fake.document("/w/other.ts", "export const x = 1;", "typescript");
    panel.documentChanged({ document: unrelated, contentChanges: [{}] } as unknown as vscode.TextDocumentChangeEvent);
    panel.documentSaved(asDoc(unrelated));
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(calls.length, 3);
    panel.activeEditorChanged(fake.activate(unrelated) as unknown as vscode.TextEditor);
    await flush();
    assert.equal(calls.at(-1)?.path, "/w/other.ts");
  });

  it("in onSave mode, typing in a helper does nothing and saving it redraws the handler", async () => {
    const { panel, calls, handler, setAnswer } = setup({ refresh: "onSave", debounceMs: 10 });
    const helper = fake.document("/w/lib/steps.ts", "export async function ship(context) {}", "typescript");
    setAnswer((params) => ({ ...(ok(params) as SuccessResponse), files: ["/w/handler.ts", "lib/steps.ts"] }));
    await panel.open(asDoc(handler));
    panel.documentChanged({ document: helper, contentChanges: [{}] } as unknown as vscode.TextDocumentChangeEvent);
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(calls.length, 1);
    panel.documentSaved(asDoc(helper));
    await flush();
    assert.equal(calls.length, 2);
    assert.equal(calls[1]?.path, "/w/handler.ts");
  });

  it("the page's direction toggle draws in that direction at once, and later drawings keep it", async () => {
    const { panel, calls, handler } = setup({ debounceMs: 10 });
    await panel.open(asDoc(handler));
    const webview = onlyPanel().webview;
    await webview.received.fire({ type: "ready" });
    assert.equal(calls[0]?.direction, "LR", "the setting's direction first");
    await webview.received.fire({ type: "direction", direction: "TD" });
    await flush();
    assert.equal(calls.length, 2, "no debounce: the user waits for it");
    assert.deepEqual([calls[1]?.direction, calls[1]?.formats], ["TD", ["update"]]);
    assert.deepEqual(webview.posted.at(-1), { type: "update", payload: { source: "export const handler = 1;" } });
    handler.text = "v2";
    panel.documentChanged({ document: handler, contentChanges: [{}] } as unknown as vscode.TextDocumentChangeEvent);
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(calls[2]?.direction, "TD", "remembered for the panel");
    // Another document in the same panel: still the toggled direction.
    const other = fake.document("/w/Flow.java", "class Flow {}", "java");
    panel.activeEditorChanged(fake.activate(other) as unknown as vscode.TextEditor);
    await flush();
    assert.deepEqual([calls[3]?.direction, calls[3]?.formats], ["TD", ["html"]]);
    // A changed setting wins, with a whole page.
    panel.directionSettingChanged();
    await flush();
    assert.deepEqual([calls[4]?.direction, calls[4]?.formats], ["LR", ["html"]]);
    // A new panel starts from the setting.
    await webview.received.fire({ type: "direction", direction: "TD" });
    await flush();
    onlyPanel().dispose();
    await panel.open(asDoc(handler));
    assert.equal(calls.at(-1)?.direction, "LR");
  });

  it("while hidden it does not draw; shown again it draws the whole page", async () => {
    const { panel, calls, handler } = setup();
    await panel.open(asDoc(handler));
    const created = onlyPanel();
    created.visible = false;
    await panel.refresh();
    assert.equal(calls.length, 1);
    created.setVisible(true);
    await flush();
    assert.equal(calls.length, 2);
    assert.deepEqual(calls[1]?.formats, ["html"]);
    assert.equal(created.webview.htmlHistory.length, 3);
  });

  it("shown again after updates, the reloaded page is drawn whole; messages wait for its ready", async () => {
    const { panel, calls, handler } = setup();
    await panel.open(asDoc(handler));
    const created = onlyPanel();
    await created.webview.received.fire({ type: "ready" });
    handler.text = "v2";
    await panel.refresh();
    assert.deepEqual(created.webview.posted, [{ type: "update", payload: { source: "v2" } }]);
    created.setVisible(false);
    created.visible = true;
    handler.text = "v3";
    await panel.refresh();
    assert.equal(created.webview.posted.length, 1, "held: the page is reloading");
    created.setVisible(true);
    await flush();
    assert.deepEqual(calls.at(-1)?.formats, ["html"], "the reloaded page is replaced by one with the latest text");
    assert.match(created.webview.html, /v3/);
    // Shown again with nothing posted since its html: nothing to redraw.
    const drawn = calls.length;
    created.setVisible(false);
    created.setVisible(true);
    await flush();
    assert.equal(calls.length, drawn);
  });

  it("restores a panel from the last session and draws the active editor's document", async () => {
    const { panel, calls, handler } = setup();
    fake.activate(handler);
    const restored = new FakePanel(VIEW_TYPE, "Workflow", {}, {});
    await panel.restore(restored as unknown as vscode.WebviewPanel);
    assert.deepEqual(restored.webview.options, { enableScripts: true, localResourceRoots: [] });
    assert.equal(calls.length, 1);
    assert.match(restored.webview.html, /picture|export const handler/);
    const empty = setup();
    const another = new FakePanel(VIEW_TYPE, "Workflow", {}, {});
    await empty.panel.restore(another as unknown as vscode.WebviewPanel);
    assert.match(another.webview.html, /Open a Python, TypeScript/, "nothing to draw: a message, not a blank panel");
  });

  it("closing the panel forgets the document; the command opens a new one", async () => {
    const { panel, handler } = setup();
    await panel.open(asDoc(handler));
    onlyPanel().dispose();
    assert.equal(panel.webviewPanel, undefined);
    await panel.open(asDoc(handler));
    assert.equal(fake.panels.length, 2);
  });

  it("policy helpers: the meta goes first in the head, or first of all without one", () => {
    assert.ok(withPolicy("<html><head lang=x><title>t</title></head></html>", "n").startsWith('<html><head lang=x>\n<meta http-equiv="Content-Security-Policy"'));
    assert.ok(withPolicy("<p>x</p>", "n").startsWith("<meta"));
    const own = messagePage("abc", "T", "<b>m</b>", "h&i", true);
    assert.match(own, /<style nonce="abc">/);
    assert.match(own, /&#60;b&#62;m&#60;\/b&#62;/);
    assert.match(own, /h&#38;i/);
  });
});
