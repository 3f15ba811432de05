// Run after `vsce package`: the .vsix holds the manifest with the command and settings, the
// bundle, the documents, and not the sources or node_modules. Read with yauzl (vsce's own
// zip reader, so no new dependency).

import { strict as assert } from "node:assert";
import * as path from "node:path";
import { describe, it } from "node:test";

// yauzl comes with @vscode/vsce and has no types here: the little we use, typed by hand.
interface Entry {
  fileName: string;
}
interface ZipFile {
  readEntry(): void;
  on(event: "entry", listener: (entry: Entry) => void): void;
  on(event: "end", listener: () => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  openReadStream(entry: Entry, callback: (error: Error | null, stream: NodeJS.ReadableStream) => void): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yauzl = require("yauzl") as { open(file: string, options: { lazyEntries: boolean }, callback: (error: Error | null, zip: ZipFile) => void): void };

const VSIX = path.resolve(__dirname, "durable-viz.vsix");

/** Every entry's name, and the text of the entries asked for. */
function readVsix(file: string, wanted: string[]): Promise<{ names: string[]; texts: Map<string, string> }> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const names: string[] = [];
      const texts = new Map<string, string>();
      zip.on("error", reject);
      zip.on("end", () => resolve({ names, texts }));
      zip.on("entry", (entry) => {
        names.push(entry.fileName);
        if (!wanted.includes(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("error", reject);
          stream.on("end", () => {
            texts.set(entry.fileName, Buffer.concat(chunks).toString("utf8"));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

describe("the packaged .vsix", () => {
  it("holds the manifest with the command and the settings, the bundle, and no sources", async () => {
    const { names, texts } = await readVsix(VSIX, ["extension/package.json", "extension/dist/extension.js"]);
    const manifest = JSON.parse(texts.get("extension/package.json") ?? "{}") as {
      main: string;
      contributes: { commands: Array<{ command: string }>; configuration: { properties: Record<string, unknown> } };
    };
    assert.deepEqual(
      manifest.contributes.commands.map((c) => c.command),
      ["durableViz.openWorkflow"],
    );
    assert.deepEqual(Object.keys(manifest.contributes.configuration.properties).sort(), ["durableViz.command", "durableViz.debounceMs", "durableViz.direction", "durableViz.refresh"]);
    assert.equal(manifest.main, "./dist/extension.js");
    assert.ok(names.includes("extension/dist/extension.js"));
    assert.match(texts.get("extension/dist/extension.js") ?? "", /durableViz\.openWorkflow/);
    for (const document of ["extension/readme.md", "extension/changelog.md", "extension/LICENSE.txt"]) {
      assert.ok(names.some((name) => name.toLowerCase() === document.toLowerCase()), `${document} in ${names.join(", ")}`);
    }
    assert.ok(!names.some((name) => name.startsWith("extension/src/")), "no sources");
    assert.ok(!names.some((name) => name.startsWith("extension/test/")), "no tests");
    assert.ok(!names.some((name) => name.includes("node_modules/")), "no node_modules");
    assert.ok(!names.some((name) => name.endsWith(".map") || name.endsWith(".ts")), "no maps or TypeScript");
  });
});
