// Activation: wiring only. The serve client (server.ts), the command choice (command.ts), the
// panel (panel.ts) and the page messages (messages.ts) hold the logic.

import * as vscode from "vscode";
import { commandFromSetting, resolveCommand, vscodeCommandEnvironment } from "./command";
import { isSupported, VIEW_TYPE, WorkflowPanel, type PanelSettings } from "./panel";
import { ServeClient, type ServeCommand } from "./server";

export const COMMAND = "durableViz.openWorkflow";

let client: ServeClient | undefined;

function settings(): PanelSettings {
  const config = vscode.workspace.getConfiguration("durableViz");
  const debounceMs = Number(config.get<number>("debounceMs", 300));
  return {
    refresh: config.get<string>("refresh") === "onSave" ? "onSave" : "onType",
    debounceMs: Number.isFinite(debounceMs) && debounceMs >= 0 ? debounceMs : 300,
    direction: config.get<string>("direction") === "LR" ? "LR" : "TD",
  };
}

/** Called by VS Code on the command or to restore the panel. */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("Durable Viz");
  const log = (line: string): void => output.appendLine(`${new Date().toISOString().slice(11, 23)} ${line}`);
  // The test harness (and a developer) can point at a CLI without touching settings: a command
  // line, like a string setting.
  const fromEnv = commandFromSetting(process.env.DURABLE_VIZ_COMMAND);
  const serveClient = new ServeClient({
    resolveCommand: async (): Promise<ServeCommand> =>
      fromEnv.length > 0
        ? { program: fromEnv[0] as string, args: [...fromEnv.slice(1), "serve"], origin: "env" }
        : resolveCommand(vscodeCommandEnvironment(vscode.window.activeTextEditor?.document.uri)),
    cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    log,
  });
  client = serveClient;
  const panel = new WorkflowPanel({ render: (key, params) => serveClient.render(key, params), settings, log });

  context.subscriptions.push(
    output,
    panel,
    vscode.commands.registerCommand(COMMAND, async (resource?: unknown) => {
      // From the editor title the file's URI comes along; from the palette, nothing.
      let document = vscode.window.activeTextEditor?.document;
      if (resource instanceof vscode.Uri && resource.toString() !== document?.uri.toString()) {
        document = await vscode.workspace.openTextDocument(resource);
      }
      await panel.open(document && isSupported(document) ? document : undefined);
    }),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: (webviewPanel: vscode.WebviewPanel) => panel.restore(webviewPanel),
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => panel.activeEditorChanged(editor)),
    vscode.workspace.onDidChangeTextDocument((event) => panel.documentChanged(event)),
    vscode.workspace.onDidSaveTextDocument((document) => panel.documentSaved(document)),
    vscode.window.onDidChangeTextEditorSelection((event) => panel.selectionChanged(event)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("durableViz.command")) {
        void serveClient.restart().then(() => panel.refresh(true));
      } else if (event.affectsConfiguration("durableViz.direction")) {
        panel.directionSettingChanged();
      }
    }),
  );
}

/** Stops the CLI process (VS Code waits for the returned promise). */
export function deactivate(): Promise<void> | undefined {
  const stopping = client?.dispose();
  client = undefined;
  return stopping;
}
