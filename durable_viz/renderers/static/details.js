// Node details (the source lines around a clicked node), the editor's cursor highlight, search.

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
  lightEdges(view, node ? edgesOf(view, id) : [], "linked");
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

// An editor's cursor moved: highlight the node(s) starting on that line of `file` (without
// one, of the workflow's own file). Kept, so that an update highlights it again.
let cursor = null;

function highlightLine(line, file) {
  cursor = { line, file };
  const view = current();
  if (!view) return;
  const workflow = data.workflows[state.index];
  const target = file || (workflow && workflow.file);
  let first = null;
  for (const node of view.svg.querySelectorAll(".dv-node")) {
    const hit = node.dataset.line === String(line) && (!target || !node.dataset.file || node.dataset.file === target);
    node.classList.toggle("dv-cursor", hit);
    if (hit && !first) first = node;
  }
  if (first) showNode(view, first);
}

host.onMessage((message) => {
  if (!message || typeof message !== "object") return;
  if (message.type === "highlight" && Number.isFinite(message.line)) {
    highlightLine(message.line, typeof message.file === "string" ? message.file : null);
  }
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
