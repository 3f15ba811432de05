// Runs Mermaid's own parser over diagram texts, for the Python tests.
//
// stdin:  a JSON array of diagram texts.
// stdout: a JSON array with one entry per text, in order:
//         {"ok": true} or {"ok": false, "error": "<first line of the parser's message>"}; when
//         the message has several lines, its last one (Mermaid's "Expecting ..., got ...") follows
//         the first after " | ".
//
// Everything is parsed in one process because starting Node and loading Mermaid takes most of a
// second. Mermaid expects a browser, so a jsdom window stands in for one.

import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
for (const name of ["window", "document", "navigator", "Element", "HTMLElement", "SVGElement",
  "DOMParser", "Node"]) {
  if (!(name in globalThis) || name === "window" || name === "document") {
    Object.defineProperty(globalThis, name, {
      value: name === "window" ? dom.window : dom.window[name],
      configurable: true,
      writable: true,
    });
  }
}

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function summary(error) {
  const message = error && error.message ? String(error.message) : String(error);
  const lines = message.split("\n").filter((line) => line.trim() !== "");
  if (lines.length === 0) {
    return "parse error";
  }
  return lines.length === 1 ? lines[0] : `${lines[0]} | ${lines[lines.length - 1]}`;
}

const texts = JSON.parse(await readStdin());
if (!Array.isArray(texts) || texts.some((text) => typeof text !== "string")) {
  process.stderr.write("mermaid_check: expected a JSON array of strings on stdin\n");
  process.exit(2);
}

const results = [];
for (const text of texts) {
  try {
    await mermaid.parse(text);
    results.push({ ok: true });
  } catch (error) {
    results.push({ ok: false, error: summary(error) });
  }
}
process.stdout.write(JSON.stringify(results) + "\n");
