// Page messages: reveal selects the right line in the right file, save writes the bytes the
// user chose to keep, the cursor's line is posted as a highlight.

import { strict as assert } from "node:assert";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import type * as vscode from "vscode";
import { decodeDataUrl, MessageRouter, resolveFile, type PageMessage } from "../src/messages";
import { fake, FakeDocument, FakeEditor, Uri, ViewColumn, window } from "./fake-vscode";

const HANDLER = ["import x", "", "def handler(event, context):", "    context.step(validate)", "    helper(context)"].join("\n");
const HELPER = ["def helper(context):", "    pass", "    context.wait(seconds=5)"].join("\n");

function setup(debounceMs = 50) {
  fake.reset();
  const handler = fake.document("/work/app/handler.py", HANDLER, "python");
  const helper = fake.document("/work/app/lib/helpers.py", HELPER, "python");
  const posted: PageMessage[] = [];
  let ready = 0;
  const directions: string[] = [];
  const router = new MessageRouter(
    {
      document: () => handler as unknown as vscode.TextDocument,
      post: (message) => posted.push(message),
      pageReady: () => {
        ready += 1;
      },
      directionChanged: (direction) => directions.push(direction),
      editorColumn: () => ViewColumn.One as unknown as vscode.ViewColumn,
      log: () => undefined,
    },
    () => debounceMs,
  );
  return { handler, helper, posted, router, directions, ready: () => ready };
}

describe("reveal", () => {
  it("selects the node's line in the handler's own file, from its column, and scrolls to it", async () => {
    const { handler, router } = setup();
    await router.handle({ type: "reveal", file: null, line: 4, column: 5 });
    assert.equal(fake.shown.length, 1);
    assert.equal(fake.shown[0]?.uri.toString(), handler.uri.toString());
    assert.deepEqual(fake.shown[0]?.options, { viewColumn: ViewColumn.One, preserveFocus: false, preview: false });
    const editor = window.activeTextEditor as FakeEditor;
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [3, 4]);
    assert.deepEqual([editor.selection.anchor.line, editor.selection.anchor.character], [3, "    context.step(validate)".length]);
    assert.equal(editor.revealed?.start.line, 3);
  });

  it("opens a helper file named relative to the document's folder, and remembers it", async () => {
    const { helper, router } = setup();
    await router.handle({ type: "reveal", file: "lib/helpers.py", line: 3, column: 5 });
    assert.equal(fake.shown[0]?.uri.toString(), helper.uri.toString());
    const editor = window.activeTextEditor as FakeEditor;
    assert.equal(editor.document, helper);
    assert.equal(editor.selection.active.line, 2);
    assert.equal(router.isHelper(helper.uri as unknown as vscode.Uri), true);
  });

  it("opens a helper file named by an absolute path; a line past the end goes to the last line", async () => {
    const { helper, router } = setup();
    await router.handle({ type: "reveal", file: "/work/app/lib/helpers.py", line: 99 });
    const editor = window.activeTextEditor as FakeEditor;
    assert.equal(editor.document, helper);
    assert.equal(editor.selection.active.line, 2);
    assert.equal(editor.selection.active.character, 4, "no column: the line's first non-blank");
  });

  it("ignores a reveal without a usable line", async () => {
    const { router } = setup();
    for (const line of [undefined, 0, -1, 2.5, "3"]) await router.handle({ type: "reveal", line });
    await router.handle(null);
    await router.handle("reveal");
    assert.equal(fake.shown.length, 0);
  });

  it("resolves files the way the page names them", () => {
    const doc = Uri.file("/a/b/handler.ts") as unknown as vscode.Uri;
    assert.equal(resolveFile(doc, null).toString(), "file:///a/b/handler.ts");
    assert.equal(resolveFile(doc, "../c/helpers.ts").fsPath, "/a/c/helpers.ts");
    assert.equal(resolveFile(doc, "/x/y.ts").fsPath, "/x/y.ts");
  });
});

describe("direction", () => {
  it("passes a toggled direction to the panel; anything else is dropped", async () => {
    const { router, directions } = setup();
    await router.handle({ type: "direction", direction: "LR" });
    await router.handle({ type: "direction", direction: "TD" });
    for (const direction of ["lr", "sideways", undefined, 3]) await router.handle({ type: "direction", direction });
    assert.deepEqual(directions, ["LR", "TD"]);
  });
});

describe("save", () => {
  it("shows a save dialog beside the document and writes the data URL's bytes", async () => {
    const { router } = setup();
    fake.saveDialogAnswer = Uri.file("/tmp/out/picked.svg");
    const svg = '<svg xmlns="http://www.w3.org/2000/svg">é</svg>';
    await router.handle({ type: "save", name: "handler.svg", dataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` });
    assert.equal(fake.saveDialogs.length, 1);
    const options = fake.saveDialogs[0] as { defaultUri: Uri; filters: Record<string, string[]> };
    assert.equal(options.defaultUri.fsPath, "/work/app/handler.svg");
    assert.deepEqual(options.filters, { "SVG image": ["svg"] });
    assert.equal(fake.written.length, 1);
    assert.equal(fake.written[0]?.uri.fsPath, "/tmp/out/picked.svg");
    assert.equal(Buffer.from(fake.written[0]?.bytes ?? []).toString("utf8"), svg);
  });

  it("writes nothing when the dialog is cancelled; takes only the file name from the page", async () => {
    const { router } = setup();
    await router.handle({ type: "save", name: "../../etc/evil.png", dataUrl: "data:image/png;base64,iVBORw0KGgo=" });
    const options = fake.saveDialogs[0] as { defaultUri: Uri };
    assert.equal(options.defaultUri.fsPath, "/work/app/evil.png");
    assert.equal(fake.written.length, 0);
  });

  it("reports a data URL it cannot read", async () => {
    const { router } = setup();
    await router.handle({ type: "save", name: "x.png", dataUrl: "http://example.invalid/x.png" });
    assert.equal(fake.written.length, 0);
    assert.equal(fake.errors.length, 1);
    assert.match(fake.errors[0] ?? "", /could not be read/);
  });

  it("decodes base64 and percent-encoded data URLs", () => {
    assert.deepEqual([...(decodeDataUrl("data:application/octet-stream;base64,AAEC/w==") ?? [])], [0, 1, 2, 255]);
    assert.equal(Buffer.from(decodeDataUrl("data:text/plain,a%20b%E2%86%92") ?? []).toString(), "a b→");
    assert.equal(decodeDataUrl("nope"), undefined);
    assert.equal(decodeDataUrl("data:;base64,!!!"), undefined);
  });
});

describe("cursor and ready", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
  afterEach(() => mock.timers.reset());

  it("posts the cursor's line as a highlight, debounced", () => {
    const { handler, posted, router } = setup(100);
    const editor = new FakeEditor(handler);
    for (const line of [1, 2, 3]) {
      fake.moveCursor(editor, line);
      router.selectionChanged(editor as unknown as vscode.TextEditor);
      mock.timers.tick(30);
    }
    assert.deepEqual(posted, []);
    mock.timers.tick(100);
    assert.deepEqual(posted, [{ type: "highlight", line: 4 }]);
  });

  it("posts nothing for an unrelated file; a helper file opened from the page gets its name", async () => {
    const { helper, posted, router } = setup(10);
    const other = new FakeEditor(new FakeDocument(Uri.file("/elsewhere.py"), "x", "python"));
    router.selectionChanged(other as unknown as vscode.TextEditor);
    mock.timers.tick(50);
    assert.deepEqual(posted, []);
    mock.timers.reset();
    await router.handle({ type: "reveal", file: "lib/helpers.py", line: 2 });
    mock.timers.enable({ apis: ["setTimeout"] });
    const editor = new FakeEditor(helper);
    fake.moveCursor(editor, 2);
    router.selectionChanged(editor as unknown as vscode.TextEditor);
    mock.timers.tick(50);
    assert.deepEqual(posted, [{ type: "highlight", line: 3, file: "lib/helpers.py" }]);
  });

  it("the helper files a drawing read: the cursor in one posts its line with the file's name", () => {
    const { helper, posted, router } = setup(10);
    assert.equal(router.isHelper(helper.uri as unknown as vscode.Uri), false);
    // As serve names them: the handler as the request named it first, then the helpers.
    router.setFiles(["/work/app/handler.py", "/work/app/lib/helpers.py", "", 7]);
    assert.equal(router.isHelper(helper.uri as unknown as vscode.Uri), true);
    const editor = new FakeEditor(helper);
    fake.moveCursor(editor, 2);
    router.selectionChanged(editor as unknown as vscode.TextEditor);
    mock.timers.tick(50);
    assert.deepEqual(posted, [{ type: "highlight", line: 3, file: "/work/app/lib/helpers.py" }]);
    // The handler itself is no helper, and a later drawing that no longer reads the helper
    // forgets it.
    assert.deepEqual(router.highlightFor(new FakeEditor(fake.documents.get(Uri.file("/work/app/handler.py").toString()) as FakeDocument) as unknown as vscode.TextEditor), { type: "highlight", line: 1 });
    router.setFiles(["/work/app/handler.py"]);
    assert.equal(router.isHelper(helper.uri as unknown as vscode.Uri), false);
    router.setFiles(["/work/app/handler.py", "lib/helpers.py"]);
    assert.deepEqual(router.highlightFor(editor as unknown as vscode.TextEditor), { type: "highlight", line: 3, file: "lib/helpers.py" });
    router.forgetHelpers();
    assert.equal(router.highlightFor(editor as unknown as vscode.TextEditor), undefined);
  });

  it("on ready, tells the panel and sends the current cursor line", async () => {
    const { handler, posted, router, ready } = setup();
    const editor = fake.activate(handler);
    editor.selection = new (await import("./fake-vscode")).Selection(2, 0, 2, 0);
    await router.handle({ type: "ready" });
    assert.equal(ready(), 1);
    assert.deepEqual(posted, [{ type: "highlight", line: 3 }]);
  });
});
