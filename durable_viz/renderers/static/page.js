// The durable-viz page script: pan and zoom, search, themes, directions, node details, export.
// It never writes markup built from data (textContent only) and never makes a request. Everything
// the host provides (revealing a source line, saving a file, messages from an editor) goes
// through `host`, so the VS Code webview runs this file unchanged.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("dv-data").textContent);
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
    return {
      kind: "browser",
      ready() {},
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
      if (classes.contains("vscode-dark") || classes.contains("vscode-high-contrast")) return "dark";
      return classes.contains("vscode-light") || classes.contains("vscode-high-contrast-light") ? "light" : null;
    };
    return {
      kind: "vscode",
      // Tells the extension it can send messages (a cursor line to highlight) from now on.
      ready() {
        api.postMessage({ type: "ready" });
      },
      theme: editorTheme,
      onThemeChange(handler) {
        new MutationObserver(handler).observe(document.body, { attributes: true, attributeFilter: ["class"] });
      },
      reveal(file, line, column) {
        api.postMessage({ type: "reveal", file, line, column });
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

  // -- views and pan/zoom ------------------------------------------------------------------------

  const views = new Map();
  for (const element of viewport.querySelectorAll(".dv-view")) {
    const svg = element.querySelector("svg");
    if (!svg) continue;
    const box = (svg.getAttribute("viewBox") || "0 0 100 100").split(/[\s,]+/).map(Number);
    svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
    const key = element.dataset.index + ":" + element.dataset.direction;
    views.set(key, { element, svg, box, scale: 1, x: box[0], y: box[1], fitted: false });
  }

  const state = {
    index: 0,
    direction: data.direction === "LR" ? "LR" : "TD",
    selected: null,
    matches: [],
    matchAt: -1,
  };

  function current() {
    return views.get(state.index + ":" + state.direction);
  }

  function size() {
    return { w: viewport.clientWidth || 1, h: viewport.clientHeight || 1 };
  }

  function apply(view) {
    const { w, h } = size();
    view.svg.setAttribute(
      "viewBox",
      [view.x, view.y, w / view.scale, h / view.scale].map((v) => +v.toFixed(3)).join(" ")
    );
  }

  function fit(view) {
    if (!view) return;
    const { w, h } = size();
    const [bx, by, bw, bh] = view.box;
    const pad = 16;
    view.scale = Math.min(Math.max(Math.min((w - 2 * pad) / bw, (h - 2 * pad) / bh), MIN_SCALE), 1.5);
    view.x = bx - (w / view.scale - bw) / 2;
    view.y = by - (h / view.scale - bh) / 2;
    view.fitted = true;
    apply(view);
  }

  // The first view of a diagram: all of it when it stays readable; otherwise readable size,
  // fitted across the flow and starting where the flow starts (Start at the top or left).
  function start(view) {
    fit(view);
    if (view.scale >= READABLE) return;
    const { w, h } = size();
    const [bx, by, bw, bh] = view.box;
    const pad = 16;
    const across = state.direction === "TD" ? (w - 2 * pad) / bw : (h - 2 * pad) / bh;
    view.scale = Math.min(1, Math.max(READABLE, across));
    const place = (origin, extent, room) =>
      extent * view.scale <= room - 2 * pad
        ? origin - (room / view.scale - extent) / 2
        : origin - pad / view.scale;
    view.x = place(bx, bw, w);
    view.y = place(by, bh, h);
    apply(view);
  }

  // Zoom by `factor`, keeping the diagram point under (px, py) (viewport pixels) where it is.
  function zoomAt(view, factor, px, py) {
    if (!view) return;
    const scale = Math.min(Math.max(view.scale * factor, MIN_SCALE), MAX_SCALE);
    const dx = px / view.scale - px / scale;
    const dy = py / view.scale - py / scale;
    view.x += dx;
    view.y += dy;
    view.scale = scale;
    apply(view);
  }

  function zoomCenter(factor) {
    const { w, h } = size();
    zoomAt(current(), factor, w / 2, h / 2);
  }

  function actualSize() {
    const view = current();
    if (!view) return;
    const { w, h } = size();
    zoomAt(view, 1 / view.scale, w / 2, h / 2);
  }

  function panBy(dx, dy) {
    const view = current();
    if (!view) return;
    view.x -= dx / view.scale;
    view.y -= dy / view.scale;
    apply(view);
  }

  // Bring a node into view (centred) when it is outside the visible part.
  function showNode(view, node) {
    const box = node.getBBox();
    const { w, h } = size();
    const left = view.x, top = view.y, right = view.x + w / view.scale, bottom = view.y + h / view.scale;
    if (box.x >= left && box.y >= top && box.x + box.width <= right && box.y + box.height <= bottom) return;
    view.x = box.x + box.width / 2 - w / view.scale / 2;
    view.y = box.y + box.height / 2 - h / view.scale / 2;
    apply(view);
  }

  function show() {
    for (const view of views.values()) view.element.hidden = true;
    const view = current();
    if (!view) return;
    view.element.hidden = false;
    if (!view.fitted) start(view);
    else apply(view);
    $("dv-direction").textContent = state.direction;
    const workflow = data.workflows[state.index];
    if (workflow) $("dv-title").textContent = workflow.title;
    const mermaid = $("dv-mermaid-text");
    mermaid.textContent = mermaid.textContent.replace(/^flowchart (TD|LR)/, "flowchart " + state.direction);
    if (state.selected) select(state.selected.dataset.id, false);
    search($("dv-search").value);
  }

  viewport.addEventListener("wheel", (event) => {
    event.preventDefault();
    const rect = viewport.getBoundingClientRect();
    const step = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    zoomAt(current(), Math.exp(-step * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
  }, { passive: false });

  let drag = null;
  viewport.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = { id: event.pointerId, x: event.clientX, y: event.clientY, moved: false };
  });
  viewport.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!drag.moved) {
      drag.moved = true;
      viewport.setPointerCapture(event.pointerId);
      viewport.classList.add("dv-dragging");
    }
    drag.x = event.clientX;
    drag.y = event.clientY;
    panBy(dx, dy);
  });
  function endDrag(event) {
    if (!drag || event.pointerId !== drag.id) return;
    const moved = drag.moved;
    drag = null;
    viewport.classList.remove("dv-dragging");
    if (moved) {
      // The click that follows a drag is not a node click.
      viewport.addEventListener("click", (e) => e.stopPropagation(), { capture: true, once: true });
    }
  }
  viewport.addEventListener("pointerup", endDrag);
  viewport.addEventListener("pointercancel", endDrag);

  window.addEventListener("resize", () => {
    const view = current();
    if (view) apply(view);
  });

  // -- node details ------------------------------------------------------------------------------

  function nodeInfo(id) {
    const workflow = data.workflows[state.index];
    const row = workflow && workflow.nodes[id];
    if (!row) return null;
    const [kind, label, name, file, line, column, annotations] = row;
    return { id, kind, label, name, file, line, column, annotations };
  }

  function select(id, reveal) {
    const view = current();
    if (!view) return;
    for (const old of view.svg.querySelectorAll(".dv-node.dv-selected")) old.classList.remove("dv-selected");
    const node = findNode(view, id);
    state.selected = node;
    if (!node) {
      $("dv-details-body").hidden = true;
      $("dv-details-empty").hidden = false;
      return;
    }
    node.classList.add("dv-selected");
    const info = nodeInfo(id) || { id, kind: node.dataset.kind || "", label: "", annotations: [] };
    $("dv-details-empty").hidden = true;
    $("dv-details-body").hidden = false;
    $("dv-details-kind").textContent = (info.kind || "").replace(/_/g, " ");
    $("dv-details-label").textContent = info.label;
    $("dv-details-meta").textContent = info.name && info.name !== info.label ? "name: " + info.name : "";
    const annotations = $("dv-details-annotations");
    annotations.replaceChildren(...(info.annotations || []).map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
    const where = $("dv-details-where");
    const source = $("dv-details-source");
    if (info.line == null) {
      where.textContent = "";
      source.replaceChildren();
      source.hidden = true;
      return;
    }
    where.textContent = info.file + ":" + info.line + ":" + info.column;
    where.dataset.id = id;
    sourceLines(source, info.file, info.line);
    if (reveal) host.reveal(info.file, info.line, info.column);
  }

  function sourceLines(target, file, line) {
    const lines = (data.sources || {})[file];
    const rows = [];
    if (lines) {
      for (let number = Math.max(1, line - 3); number <= line + 6; number++) {
        const text = lines[String(number)];
        if (text === undefined) continue;
        const row = document.createElement("span");
        row.className = number === line ? "dv-line dv-current" : "dv-line";
        const gutter = document.createElement("span");
        gutter.className = "dv-gutter";
        gutter.textContent = String(number);
        row.append(gutter, document.createTextNode(text));
        rows.push(row);
      }
    }
    if (!rows.length) {
      const note = document.createElement("span");
      note.className = "dv-empty";
      note.textContent = "(source not included in this page)";
      rows.push(note);
    }
    target.replaceChildren(...rows);
    target.hidden = false;
  }

  function findNode(view, id) {
    if (id == null) return null;
    for (const node of view.svg.querySelectorAll(".dv-node")) if (node.dataset.id === id) return node;
    return null;
  }

  viewport.addEventListener("click", (event) => {
    const node = event.target.closest && event.target.closest(".dv-node");
    if (node) select(node.dataset.id, true);
  });
  viewport.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const node = event.target.closest && event.target.closest(".dv-node");
    if (!node) return;
    event.preventDefault();
    select(node.dataset.id, true);
  });
  $("dv-details-where").addEventListener("click", (event) => {
    event.preventDefault();
    const info = nodeInfo(event.currentTarget.dataset.id);
    if (info && info.line != null) host.reveal(info.file, info.line, info.column);
  });

  // An editor's cursor moved: highlight the node(s) starting on that line.
  function highlightLine(line, file) {
    const view = current();
    if (!view) return;
    let first = null;
    for (const node of view.svg.querySelectorAll(".dv-node")) {
      const hit = node.dataset.line === String(line) && (!file || !node.dataset.file || node.dataset.file === file);
      node.classList.toggle("dv-cursor", hit);
      if (hit && !first) first = node;
    }
    if (first) showNode(view, first);
  }

  host.onMessage((message) => {
    if (!message || typeof message !== "object") return;
    if (message.type === "highlight" && Number.isFinite(message.line)) highlightLine(message.line, message.file);
  });

  // -- search ------------------------------------------------------------------------------------

  function search(query) {
    const view = current();
    const text = (query || "").trim().toLowerCase();
    state.matches = [];
    state.matchAt = -1;
    for (const other of views.values()) {
      other.svg.classList.remove("dv-searching");
      for (const node of other.svg.querySelectorAll(".dv-match")) node.classList.remove("dv-match");
    }
    const count = $("dv-search-count");
    if (!view || !text) {
      count.textContent = "";
      return;
    }
    view.svg.classList.add("dv-searching");
    for (const node of view.svg.querySelectorAll(".dv-node")) {
      const info = nodeInfo(node.dataset.id);
      const title = node.querySelector("title");
      const haystack = [
        info ? info.label : "",
        info && info.name ? info.name : "",
        info ? info.kind : "",
        title ? title.textContent : "",
      ].join("\n").toLowerCase();
      if (haystack.includes(text)) {
        node.classList.add("dv-match");
        state.matches.push(node);
      }
    }
    count.textContent = state.matches.length === 1 ? "1 match" : state.matches.length + " matches";
  }

  function nextMatch() {
    const view = current();
    if (!view || !state.matches.length) return;
    state.matchAt = (state.matchAt + 1) % state.matches.length;
    const node = state.matches[state.matchAt];
    showNode(view, node);
    select(node.dataset.id, false);
  }

  const searchBox = $("dv-search");
  searchBox.addEventListener("input", () => search(searchBox.value));
  searchBox.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      nextMatch();
    } else if (event.key === "Escape") {
      searchBox.value = "";
      search("");
      searchBox.blur();
    }
  });

  // -- theme, direction, workflow, tabs ----------------------------------------------------------

  const dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  let chosenTheme = null;

  function effectiveTheme() {
    const system = (host.theme && host.theme()) || (dark && dark.matches ? "dark" : "light");
    return chosenTheme || system;
  }

  function showTheme() {
    const theme = effectiveTheme();
    // Without a choice and without a host theme, the stylesheet follows the system by itself.
    if (chosenTheme || (host.theme && host.theme())) root.dataset.theme = theme;
    $("dv-theme").textContent = theme === "dark" ? "Dark" : "Light";
    $("dv-theme").setAttribute("aria-pressed", String(theme === "dark"));
  }

  function toggleTheme() {
    chosenTheme = effectiveTheme() === "dark" ? "light" : "dark";
    showTheme();
  }

  if (dark && dark.addEventListener) dark.addEventListener("change", showTheme);
  if (host.onThemeChange) host.onThemeChange(showTheme);

  function toggleDirection() {
    state.direction = state.direction === "TD" ? "LR" : "TD";
    show();
  }

  function chooseWorkflow(index) {
    if (index < 0 || index >= data.workflows.length) return;
    state.index = index;
    state.selected = null;
    select(null, false);
    const picker = $("dv-workflow");
    if (picker) picker.value = String(index);
    show();
  }

  function showPanel(name) {
    for (const tab of document.querySelectorAll(".dv-tabs [role=tab]")) {
      const on = tab.dataset.panel === name;
      tab.setAttribute("aria-selected", String(on));
      $("dv-panel-" + tab.dataset.panel).hidden = !on;
    }
    if (name === "diagram") show();
  }

  for (const tab of document.querySelectorAll(".dv-tabs [role=tab]")) {
    tab.addEventListener("click", () => showPanel(tab.dataset.panel));
  }
  for (const button of document.querySelectorAll(".dv-copy")) {
    button.addEventListener("click", () => copyText($(button.dataset.copy), button));
  }
  for (const item of document.querySelectorAll(".dv-diagnostic")) {
    const open = () => {
      const d = data.diagnostics[Number(item.dataset.index)];
      if (d) host.reveal(d.file, d.line, d.column);
    };
    item.addEventListener("click", open);
    item.addEventListener("keydown", (event) => {
      if (event.key === "Enter") open();
    });
  }

  function copyText(element, button) {
    const done = () => {
      button.textContent = "Copied";
      setTimeout(() => (button.textContent = "Copy"), 1200);
    };
    const fallback = () => {
      const range = document.createRange();
      range.selectNodeContents(element);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(element.textContent).then(done, fallback);
    } else {
      fallback();
    }
  }

  $("dv-zoom-in").addEventListener("click", () => zoomCenter(1.25));
  $("dv-zoom-out").addEventListener("click", () => zoomCenter(0.8));
  $("dv-fit").addEventListener("click", () => fit(current()));
  $("dv-direction").addEventListener("click", toggleDirection);
  $("dv-theme").addEventListener("click", toggleTheme);
  const picker = $("dv-workflow");
  if (picker) picker.addEventListener("change", () => chooseWorkflow(Number(picker.value)));

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) return;
    const actions = {
      "+": () => zoomCenter(1.25),
      "=": () => zoomCenter(1.25),
      "-": () => zoomCenter(0.8),
      "_": () => zoomCenter(0.8),
      "0": actualSize,
      f: () => fit(current()),
      t: toggleTheme,
      d: toggleDirection,
      w: () => chooseWorkflow((state.index + 1) % data.workflows.length),
      "/": () => searchBox.focus(),
      ArrowLeft: () => panBy(60, 0),
      ArrowRight: () => panBy(-60, 0),
      ArrowUp: () => panBy(0, 60),
      ArrowDown: () => panBy(0, -60),
      Escape: () => {
        searchBox.value = "";
        search("");
        select(null, false);
      },
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  // -- export ------------------------------------------------------------------------------------

  // The --dv-* custom properties our stylesheet defines, so an export keeps the current theme.
  function themeProperties() {
    const names = new Set();
    const visit = (rules) => {
      for (const rule of rules) {
        if (rule.cssRules) visit(rule.cssRules);
        if (!rule.style) continue;
        for (const name of rule.style) if (name.startsWith("--dv-")) names.add(name);
      }
    };
    for (const sheet of document.styleSheets) {
      try {
        visit(sheet.cssRules);
      } catch (error) {
        // A stylesheet we cannot read is not ours.
      }
    }
    return [...names].sort();
  }

  // The diagram as a standalone SVG file; `scale` sets its size in pixels, so a PNG is drawn from
  // the vectors at full resolution rather than enlarged from a small bitmap.
  function exportedSvg(view, transparent, scale = 1) {
    const clone = view.svg.cloneNode(true);
    clone.setAttribute("viewBox", view.box.join(" "));
    clone.removeAttribute("preserveAspectRatio");
    clone.setAttribute("width", String(Math.round(view.box[2] * scale)));
    clone.setAttribute("height", String(Math.round(view.box[3] * scale)));
    clone.classList.remove("dv-searching");
    for (const node of clone.querySelectorAll(".dv-match, .dv-selected, .dv-cursor")) {
      node.classList.remove("dv-match", "dv-selected", "dv-cursor");
    }
    for (const style of clone.querySelectorAll("style")) style.removeAttribute("nonce");
    const computed = getComputedStyle(view.svg);
    const declarations = themeProperties()
      .map((name) => name + ":" + computed.getPropertyValue(name).trim())
      .filter((text) => !text.endsWith(":"));
    const theme = document.createElementNS("http://www.w3.org/2000/svg", "style");
    theme.textContent = "svg{" + declarations.join(";") + "}";
    clone.insertBefore(theme, clone.firstChild);
    if (!transparent) {
      const background = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      background.setAttribute("x", String(view.box[0]));
      background.setAttribute("y", String(view.box[1]));
      background.setAttribute("width", String(view.box[2]));
      background.setAttribute("height", String(view.box[3]));
      background.setAttribute("fill", pageBackground());
      clone.insertBefore(background, theme.nextSibling);
    }
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone) + "\n";
  }

  function pageBackground() {
    return getComputedStyle(root).getPropertyValue("--dv-page-bg").trim() || "#ffffff";
  }

  function fileName(extension) {
    const workflow = data.workflows[state.index];
    const base = ((workflow && workflow.name) || "workflow").replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
    return base + "-" + state.direction + "." + extension;
  }

  function transparent() {
    return $("dv-transparent").checked;
  }

  function exportSvg() {
    const view = current();
    if (!view) return;
    host.save(fileName("svg"), new Blob([exportedSvg(view, transparent())], { type: "image/svg+xml" }));
  }

  function exportPng() {
    const view = current();
    if (!view) return Promise.resolve(null);
    const [, , width, height] = view.box;
    // 2x, less only when the canvas would be larger than the browser allows.
    const scale = Math.min(PNG_SCALE, PNG_MAX_SIDE / width, PNG_MAX_SIDE / height, Math.sqrt(PNG_MAX_AREA / (width * height)));
    const blob = new Blob([exportedSvg(view, true, scale)], { type: "image/svg+xml" });
    const url = URL.createObjectURL(blob);
    const background = transparent() ? null : pageBackground();
    return new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => {
        const canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(width * scale));
        canvas.height = Math.max(1, Math.round(height * scale));
        const context = canvas.getContext("2d");
        if (background) {
          context.fillStyle = background;
          context.fillRect(0, 0, canvas.width, canvas.height);
        }
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob((png) => {
          if (!png) return reject(new Error("PNG export failed"));
          host.save(fileName("png"), png);
          resolve(png);
        }, "image/png");
      };
      image.onerror = () => {
        URL.revokeObjectURL(url);
        reject(new Error("PNG export failed: the SVG did not load as an image"));
      };
      image.src = url;
    });
  }

  $("dv-export-svg").addEventListener("click", exportSvg);
  $("dv-export-png").addEventListener("click", () => {
    exportPng().catch((error) => console.warn(error.message));
  });

  // -- start -------------------------------------------------------------------------------------

  showTheme();
  show();
  // For tests and the editor: the page is interactive from here on.
  window.durableViz = {
    host,
    state,
    fit: () => fit(current()),
    showNode: (id) => {
      const view = current();
      const node = view && findNode(view, id);
      if (node) showNode(view, node);
    },
    highlightLine,
    select,
    search,
    exportPng,
    exportedSvg: () => exportedSvg(current(), transparent()),
  };
  root.dataset.ready = String(Math.round(performance.now()));
  host.ready();
})();
