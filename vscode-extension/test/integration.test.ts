// The panel and the serve client together, with the fake CLI process: what the user sees when
// the CLI crashes in the middle of typing, and when it is missing.

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import type * as vscode from "vscode";
import { WorkflowPanel } from "../src/panel";
import { ServeClient } from "../src/server";
import { fake, FakePanel } from "./fake-vscode";
import { envWithMode, fakeServeCommand } from "./helpers";

function setup(client: ServeClient) {
  fake.reset();
  const document = fake.document("/w/handler.py", "first", "python");
  const panel = new WorkflowPanel({
    render: (key, params) => client.render(key, params),
    settings: () => ({ refresh: "onType", debounceMs: 10, direction: "TD" }),
    log: () => undefined,
  });
  return { document, panel };
}

describe("panel with the serve client", () => {
  it("a crash while typing shows an error over the picture; the next keystroke draws again", async () => {
    const client = new ServeClient({ resolveCommand: fakeServeCommand, env: envWithMode("normal"), restartDelaysMs: [20] });
    const { document, panel } = setup(client);
    await panel.open(document as unknown as vscode.TextDocument);
    const webview = (fake.panels[0] as FakePanel).webview;
    assert.match(webview.html, /\/w\/handler\.py first/);
    await webview.received.fire({ type: "ready" });
    document.text = "CRASH";
    await panel.refresh();
    const error = webview.posted.at(-1) as { type: string; message: string; hint: string };
    assert.equal(error.type, "error");
    assert.match(error.message, /stopped unexpectedly \(exit code 3\)/);
    assert.match(error.hint, /restarted by itself/);
    document.text = "second";
    await panel.refresh();
    assert.deepEqual(webview.posted.slice(-2).map((m) => (m as { type: string }).type), ["clear-error", "update"]);
    assert.equal((webview.posted.at(-1) as { payload: { source: string } }).payload.source, "second");
    assert.equal(webview.htmlHistory.length, 2, "the page was kept throughout");
    panel.dispose();
    await client.dispose();
  });

  it("the CLI missing: an error page naming the command and the setting, with the install hint", async () => {
    const client = new ServeClient({ resolveCommand: () => ({ program: "/no/such/durable-viz", args: ["serve"], origin: "setting" }) });
    const { document, panel } = setup(client);
    await panel.open(document as unknown as vscode.TextDocument);
    const html = (fake.panels[0] as FakePanel).webview.html;
    assert.match(html, /Cannot draw this workflow/);
    assert.match(html, /\/no\/such\/durable-viz serve/);
    assert.match(html, /durableViz\.command/);
    assert.match(html, /pip install durable-viz/);
    panel.dispose();
    await client.dispose();
  });

  it("a file without a handler: an error page with the CLI's message", async () => {
    const client = new ServeClient({ resolveCommand: fakeServeCommand, env: envWithMode("normal") });
    const { document, panel } = setup(client);
    document.text = "NOHANDLER";
    await panel.open(document as unknown as vscode.TextDocument);
    const html = (fake.panels[0] as FakePanel).webview.html;
    assert.match(html, /\/w\/handler\.py:1:1: no durable handler found/);
    assert.match(html, /Open a file with a durable handler/);
    panel.dispose();
    await client.dispose();
  });
});
