// Which command runs the CLI: the `durableViz.command` setting when it is set, else `durable-viz`
// on PATH, else `python -m durable_viz` with the Python extension's selected interpreter, else
// `python3` / `python` on PATH. `serve` is always appended. The choice is pure logic over an
// injected environment, tested without VS Code; `pythonFromExtension` is the one vscode part.

import * as vscode from "vscode";
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import * as path from "node:path";
import type { ServeCommand } from "./server";

/** What the resolution needs to know about the machine. */
export interface CommandEnvironment {
  /** The raw `durableViz.command` setting (string, string array, or anything a user typed). */
  setting: unknown;
  /** Finds an executable on PATH. */
  which(name: string): Promise<string | undefined>;
  /** The Python extension's selected interpreter, if that extension is there. */
  pythonInterpreter(): Promise<string | undefined>;
}

/** Splits a command line on spaces, keeping "quoted parts" (with spaces) whole. */
export function splitCommandLine(text: string): string[] {
  const parts: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    parts.push(match[1] ?? match[2] ?? match[3] ?? "");
  }
  return parts;
}

/** The setting as a list of arguments; empty when unset (auto). */
export function commandFromSetting(setting: unknown): string[] {
  if (Array.isArray(setting)) return setting.filter((part): part is string => typeof part === "string" && part.length > 0);
  if (typeof setting === "string") return splitCommandLine(setting.trim());
  return [];
}

/**
 * Resolves the serve command.
 *
 * A string setting is split like a command line ("python3 -m durable_viz"); quote a path that
 * holds spaces, or use the array form.
 */
export async function resolveCommand(env: CommandEnvironment): Promise<ServeCommand> {
  const configured = commandFromSetting(env.setting);
  if (configured.length > 0) {
    const [program, ...args] = configured as [string, ...string[]];
    return { program, args: [...args, "serve"], origin: "setting" };
  }
  const onPath = await env.which("durable-viz");
  if (onPath) return { program: onPath, args: ["serve"], origin: "path" };
  const interpreter = await env.pythonInterpreter().catch(() => undefined);
  if (interpreter) return { program: interpreter, args: ["-m", "durable_viz", "serve"], origin: "python" };
  for (const name of ["python3", "python"]) {
    const found = await env.which(name);
    if (found) return { program: found, args: ["-m", "durable_viz", "serve"], origin: "fallback" };
  }
  // Nothing found: try the plain name so the error names what we looked for.
  return { program: "durable-viz", args: ["serve"], origin: "path" };
}

/** Finds an executable on PATH (with PATHEXT on Windows). */
export async function which(
  name: string,
  pathVariable: string = process.env.PATH ?? "",
  platform: NodeJS.Platform = process.platform,
  pathExt: string = process.env.PATHEXT ?? ".EXE;.CMD;.BAT;.COM",
): Promise<string | undefined> {
  const extensions = platform === "win32" ? ["", ...pathExt.split(";").filter(Boolean)] : [""];
  const separator = platform === "win32" ? ";" : ":";
  for (const dir of pathVariable.split(separator)) {
    if (!dir) continue;
    for (const extension of extensions) {
      const candidate = path.join(dir, name + extension);
      if (await isExecutable(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

async function isExecutable(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, platform === "win32" ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface PythonEnvironmentPath {
  id: string;
  path: string;
}

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): PythonEnvironmentPath;
    resolveEnvironment?(
      environment: PythonEnvironmentPath | string,
    ): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
}

/** The interpreter the Python extension (`ms-python.python`) has selected for a resource, if any. */
export async function pythonFromExtension(resource?: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!extension) return undefined;
  const api = extension.isActive ? extension.exports : await extension.activate();
  const environments = api?.environments;
  if (!environments) return undefined;
  const active = environments.getActiveEnvironmentPath(resource);
  // The path may be an environment folder (conda): resolving gives the interpreter itself.
  const resolved = await environments.resolveEnvironment?.(active).catch(() => undefined);
  return resolved?.executable?.uri?.fsPath ?? active?.path ?? undefined;
}

/** The environment as VS Code sees it now. */
export function vscodeCommandEnvironment(resource?: vscode.Uri): CommandEnvironment {
  return {
    setting: vscode.workspace.getConfiguration("durableViz", resource).get<unknown>("command"),
    which: (name) => which(name),
    pythonInterpreter: () => pythonFromExtension(resource),
  };
}
