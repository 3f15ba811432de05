// The page's shared ground: its data, a few constants, and the host it runs in. Everything the
// host provides (revealing a source line, saving a file, messages from an editor) goes through
// `host`, so the VS Code webview runs these files unchanged. The script (html.py inlines these
// files, in its SCRIPTS order, into one function) never writes markup built from data
// (textContent only), never sets a style attribute (a nonce policy refuses them: it toggles
// classes) and never makes a request.

const data = JSON.parse(document.getElementById("dv-data").textContent);
// The nonce the host gave our script; an update's SVG styles need it under the host's policy.
const NONCE = (document.currentScript && document.currentScript.nonce) || "";
const root = document.documentElement;
const $ = (id) => document.getElementById(id);
const viewport = $("dv-viewport");
const MIN_SCALE = 0.02;
const MAX_SCALE = 8;
const READABLE = 0.75;
const PNG_SCALE = 2;
const PNG_MAX_SIDE = 16384;
const PNG_MAX_AREA = 120e6;

// -- host --------------------------------------------------------------------------------------

function browserHost() {
  // A browser tab keeps its view as long as it lives; nothing is stored anywhere.
  let saved;
  return {
    kind: "browser",
    ready() {},
    getState: () => saved,
    setState(value) {
      saved = value;
    },
    // The page itself shows the source lines; a browser has no editor to move.
    reveal() {},
    save(name, blob) {
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    },
    onMessage(handler) {
      window.addEventListener("message", (event) => handler(event.data));
    },
  };
}

function vscodeHost() {
  const api = window.acquireVsCodeApi();
  // The editor's theme is the "system" theme here: VS Code marks it on <body>.
  const editorTheme = () => {
    const classes = document.body.classList;
    // High Contrast Light carries both "vscode-high-contrast-light" and "vscode-high-contrast":
    // the light classes are asked first.
    if (classes.contains("vscode-light") || classes.contains("vscode-high-contrast-light")) return "light";
    return classes.contains("vscode-dark") || classes.contains("vscode-high-contrast") ? "dark" : null;
  };
  return {
    kind: "vscode",
    // Tells the extension it can send messages (a cursor line to highlight) from now on.
    ready() {
      api.postMessage({ type: "ready" });
    },
    theme: editorTheme,
    // The view (direction, zoom, workflow, tab) outlives the webview when the panel is hidden.
    getState: () => (api.getState ? api.getState() : undefined),
    setState(value) {
      if (api.setState) api.setState(value);
    },
    onThemeChange(handler) {
      new MutationObserver(handler).observe(document.body, { attributes: true, attributeFilter: ["class"] });
    },
    reveal(file, line, column) {
      api.postMessage({ type: "reveal", file, line, column });
    },
    // The page holds the direction shown only: the extension draws the other one when asked,
    // and remembers it for the panel's later drawings.
    direction(direction) {
      api.postMessage({ type: "direction", direction });
    },
    save(name, blob) {
      // A webview cannot download: the extension writes the file the user picks.
      const reader = new FileReader();
      reader.onload = () => api.postMessage({ type: "save", name, dataUrl: reader.result });
      reader.readAsDataURL(blob);
    },
    onMessage(handler) {
      window.addEventListener("message", (event) => handler(event.data));
    },
  };
}

const host = window.acquireVsCodeApi ? vscodeHost() : browserHost();
