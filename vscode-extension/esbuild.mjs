// Bundles the extension (dist/extension.js, CommonJS, `vscode` left to the host) and, with
// --tests, each test file with the fake `vscode` module in place of the real one (out/test/).
import { build } from "esbuild";
import { readdirSync } from "node:fs";

const tests = process.argv.includes("--tests");
const common = { bundle: true, platform: "node", format: "cjs", target: "node18", sourcemap: true, logLevel: "warning" };

if (tests) {
  const entryPoints = readdirSync("test").filter((f) => f.endsWith(".test.ts")).map((f) => `test/${f}`);
  await build({ ...common, entryPoints, outdir: "out/unit", alias: { vscode: "./test/fake-vscode.ts" } });
  // The check of the packaged .vsix sits beside it in out/ (run by `npm run package`).
  await build({ ...common, entryPoints: ["test/vsix.check.ts"], outfile: "out/vsix.check.js" });
} else {
  await build({ ...common, entryPoints: ["src/extension.ts"], outfile: "dist/extension.js", external: ["vscode"], minify: true });
}
