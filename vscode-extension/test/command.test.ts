// Which command runs the CLI.

import { strict as assert } from "node:assert";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { commandFromSetting, pythonFromExtension, resolveCommand, splitCommandLine, which, type CommandEnvironment } from "../src/command";
import { fake, Uri } from "./fake-vscode";

function env(found: Record<string, string>, interpreter?: string, setting: unknown = []): CommandEnvironment {
  return {
    setting,
    which: async (name) => found[name],
    pythonInterpreter: async () => interpreter,
  };
}

describe("resolveCommand", () => {
  it("uses the setting first: an array as arguments, a string split like a command line", async () => {
    assert.deepEqual(await resolveCommand(env({ "durable-viz": "/bin/durable-viz" }, "/py", ["/venv/bin/durable-viz"])), {
      program: "/venv/bin/durable-viz",
      args: ["serve"],
      origin: "setting",
    });
    assert.deepEqual(await resolveCommand(env({}, undefined, 'python3 -m durable_viz')), {
      program: "python3",
      args: ["-m", "durable_viz", "serve"],
      origin: "setting",
    });
    assert.deepEqual(splitCommandLine('"/opt/my tools/durable-viz" --x \'a b\''), ["/opt/my tools/durable-viz", "--x", "a b"]);
    assert.deepEqual(commandFromSetting(""), []);
    assert.deepEqual(commandFromSetting(["", 3, "a"]), ["a"]);
    assert.deepEqual(commandFromSetting(null), []);
  });

  it("then durable-viz on PATH, then the Python extension's interpreter, then python3/python", async () => {
    assert.deepEqual(await resolveCommand(env({ "durable-viz": "/usr/bin/durable-viz", python3: "/usr/bin/python3" }, "/venv/bin/python")), {
      program: "/usr/bin/durable-viz",
      args: ["serve"],
      origin: "path",
    });
    assert.deepEqual(await resolveCommand(env({ python3: "/usr/bin/python3" }, "/venv/bin/python")), {
      program: "/venv/bin/python",
      args: ["-m", "durable_viz", "serve"],
      origin: "python",
    });
    assert.deepEqual(await resolveCommand(env({ python3: "/usr/bin/python3", python: "/usr/bin/python" })), {
      program: "/usr/bin/python3",
      args: ["-m", "durable_viz", "serve"],
      origin: "fallback",
    });
    assert.deepEqual(await resolveCommand(env({ python: "/usr/bin/python" })), { program: "/usr/bin/python", args: ["-m", "durable_viz", "serve"], origin: "fallback" });
    assert.deepEqual(await resolveCommand(env({})), { program: "durable-viz", args: ["serve"], origin: "path" });
  });

  it("a failing Python extension falls through to PATH", async () => {
    const broken: CommandEnvironment = { setting: undefined, which: async (n) => (n === "python3" ? "/usr/bin/python3" : undefined), pythonInterpreter: () => Promise.reject(new Error("boom")) };
    assert.equal((await resolveCommand(broken)).program, "/usr/bin/python3");
  });
});

describe("which", () => {
  it("finds executables on PATH, not plain files or folders", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dv-which-"));
    const other = mkdtempSync(path.join(tmpdir(), "dv-which-"));
    writeFileSync(path.join(dir, "durable-viz"), "#!/bin/sh\n");
    writeFileSync(path.join(other, "durable-viz"), "#!/bin/sh\n");
    chmodSync(path.join(other, "durable-viz"), 0o755);
    assert.equal(await which("durable-viz", `${dir}:${other}`, "linux"), path.join(other, "durable-viz"));
    assert.equal(await which("nothing-here", `${dir}:${other}`, "linux"), undefined);
    assert.equal(await which("dv-which-x", tmpdir(), "linux"), undefined);
  });
});

describe("pythonFromExtension", () => {
  it("asks ms-python.python for the active environment and resolves it to the interpreter", async () => {
    fake.reset();
    assert.equal(await pythonFromExtension(), undefined, "no Python extension");
    const asked: unknown[] = [];
    fake.extensions.set("ms-python.python", {
      isActive: false,
      activate: async () => ({
        environments: {
          getActiveEnvironmentPath: (resource: unknown) => {
            asked.push(resource);
            return { id: "conda", path: "/envs/conda-env" };
          },
          resolveEnvironment: async () => ({ executable: { uri: Uri.file("/envs/conda-env/bin/python") } }),
        },
      }),
    });
    const resource = Uri.file("/w/handler.py");
    assert.equal(await pythonFromExtension(resource as never), "/envs/conda-env/bin/python");
    assert.deepEqual(asked, [resource]);
    fake.extensions.set("ms-python.python", {
      isActive: true,
      exports: { environments: { getActiveEnvironmentPath: () => ({ id: "x", path: "/usr/bin/python3.12" }) } },
    });
    assert.equal(await pythonFromExtension(), "/usr/bin/python3.12");
  });
});
