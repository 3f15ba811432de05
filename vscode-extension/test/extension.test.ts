// The manifest's contributions and what activate() registers.

import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import type * as vscode from "vscode";
import { activate, COMMAND, deactivate } from "../src/extension";
import { VIEW_TYPE } from "../src/panel";
import { fake, FakePanel, Uri, window } from "./fake-vscode";
import { envWithMode, FAKE_SERVE, ROOT, until } from "./helpers";

interface Manifest {
  main: string;
  publisher: string;
  license: string;
  engines: { vscode: string };
  activationEvents: string[];
  devDependencies: Record<string, string>;
  contributes: {
    commands: Array<{ command: string; title: string; category: string; icon?: string }>;
    menus: { "editor/title": Array<{ command: string; when: string; group: string }> };
    configuration: { properties: Record<string, { default: unknown; enum?: string[]; type: unknown }> };
  };
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as Manifest;

/** Evaluates the `resourceLangId =~ /.../` when-clause the way VS Code does for one language. */
function shownFor(when: string, languageId: string): boolean {
  const match = /^resourceLangId =~ \/(.+)\/$/.exec(when);
  assert.ok(match, `unexpected when clause: ${when}`);
  return new RegExp(match[1] as string).test(languageId);
}

function context(): vscode.ExtensionContext {
  return { subscriptions: [] as Array<{ dispose(): unknown }> } as unknown as vscode.ExtensionContext;
}

describe("manifest", () => {
  it("contributes the command to the palette and as an editor-title button for the supported languages", () => {
    const [command] = manifest.contributes.commands;
    assert.deepEqual({ ...command, icon: undefined }, { command: COMMAND, title: "Open Workflow", category: "Durable Viz", icon: undefined });
    assert.ok(command?.icon, "the title button has an icon");
    const [button] = manifest.contributes.menus["editor/title"];
    assert.equal(button?.command, COMMAND);
    assert.equal(button?.group, "navigation");
    for (const language of ["python", "typescript", "typescriptreact", "javascript", "javascriptreact", "java", "csharp"]) {
      assert.ok(shownFor(button?.when ?? "", language), language);
    }
    for (const language of ["markdown", "pythonx", "json", "java2", "c"]) assert.equal(shownFor(button?.when ?? "", language), false, language);
  });

  it("activates on the command and to restore the panel; declares the settings", () => {
    assert.deepEqual(manifest.activationEvents.sort(), [`onCommand:${COMMAND}`, `onWebviewPanel:${VIEW_TYPE}`].sort());
    const properties = manifest.contributes.configuration.properties;
    assert.deepEqual(Object.keys(properties).sort(), ["durableViz.command", "durableViz.debounceMs", "durableViz.direction", "durableViz.refresh"]);
    assert.deepEqual(properties["durableViz.command"]?.type, ["array", "string"]);
    assert.deepEqual(properties["durableViz.command"]?.default, []);
    assert.equal(properties["durableViz.refresh"]?.default, "onType");
    assert.deepEqual(properties["durableViz.refresh"]?.enum, ["onType", "onSave"]);
    assert.equal(properties["durableViz.debounceMs"]?.default, 300);
    assert.deepEqual(properties["durableViz.direction"]?.enum, ["TD", "LR"]);
    assert.equal(manifest.main, "./dist/extension.js");
    assert.equal(manifest.publisher, "durable-viz");
    assert.equal(manifest.license, "MIT");
    const typesVersion = manifest.devDependencies["@types/vscode"]?.replace(/^[~^]/, "");
    assert.equal(manifest.engines.vscode, `^${typesVersion}`, "engines.vscode matches @types/vscode");
  });
});

describe("activate", () => {
  it("registers the command, the serializer and the editor events; the command opens the panel; deactivate stops the CLI", async () => {
    fake.reset();
    // The real wiring, with the fake CLI as the command (the variable the test harness sets).
    const saved = process.env.DURABLE_VIZ_COMMAND;
    const savedMode = process.env.FAKE_SERVE_MODE;
    process.env.DURABLE_VIZ_COMMAND = `"${process.execPath}" "${FAKE_SERVE}"`;
    Object.assign(process.env, envWithMode("normal"));
    try {
      const ctx = context();
      activate(ctx);
      assert.ok(fake.commands.has(COMMAND));
      assert.ok(fake.serializers.has(VIEW_TYPE));
      assert.equal(fake.activeEditorChanged.count, 1);
      assert.equal(fake.selectionChanged.count, 1);
      assert.equal(fake.documentChanged.count, 1);
      assert.equal(fake.documentSaved.count, 1);
      assert.equal(fake.configurationChanged.count, 1);
      // From the editor title: the file's URI is the argument.
      fake.document("/w/flow.py", "HELLO", "python");
      await fake.commands.get(COMMAND)?.(Uri.file("/w/flow.py"));
      const panel = fake.panels[0] as FakePanel;
      await until(() => panel.webview.html.includes("HELLO"), 5000, "the page from the fake CLI");
      assert.match(panel.webview.html, /\/w\/flow\.py HELLO/);
      assert.equal(panel.title, "Workflow: flow.py");
      // A changed command restarts the CLI and draws the page again with the new process.
      const pages = panel.webview.htmlHistory.length;
      fake.configurationChanged.fire({ affectsConfiguration: (section: string) => section === "durableViz.command" });
      await until(() => panel.webview.htmlHistory.length > pages, 5000, "a new page after the restart");
      // From the palette with no editor: a message, not a blank panel.
      fake.panels.length = 0;
      window.activeTextEditor = undefined;
      panel.dispose();
      await fake.commands.get(COMMAND)?.();
      assert.match((fake.panels[0] as FakePanel).webview.html, /Open a Python, TypeScript/);
      await deactivate();
      for (const subscription of (ctx.subscriptions as Array<{ dispose(): unknown }>)) subscription.dispose();
      assert.equal(fake.commands.has(COMMAND), false);
    } finally {
      if (saved === undefined) delete process.env.DURABLE_VIZ_COMMAND;
      else process.env.DURABLE_VIZ_COMMAND = saved;
      if (savedMode === undefined) delete process.env.FAKE_SERVE_MODE;
      else process.env.FAKE_SERVE_MODE = savedMode;
    }
  });
});
