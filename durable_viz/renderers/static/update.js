// What an editor host adds: new content swapped in place (`update`), an error shown over the
// last good picture (`error`, `clear-error`), and the view kept across a hidden panel
// (`getState`/`setState`). In a browser tab none of these messages ever come.

// -- view state --------------------------------------------------------------------------------

let restoring = false;

function saveState() {
  if (restoring || !host.setState) return;
  const workflow = data.workflows[state.index];
  const view = current();
  host.setState({
    given: data.direction,
    direction: state.direction,
    workflow: workflow ? { name: workflow.name, file: workflow.file } : null,
    tab: openPanel(),
    theme: chosenTheme,
    view: view && view.fitted ? { scale: view.scale, x: view.x, y: view.y } : null,
  });
}

// The index of the workflow `wanted` ({name, file}) names, or -1. The file counts: "handler" is
// the name of many a workflow.
function workflowIndex(wanted) {
  if (!wanted || typeof wanted !== "object") return -1;
  return data.workflows.findIndex((w) => w.name === wanted.name && w.file === wanted.file);
}

// Called once by main.js, before the first picture: the view as it was when the panel was hidden.
// The host keeps one state per panel, also when the panel goes on to draw another file: the
// zoom only comes back for the same workflow, and the direction only while the page is given
// the same one (a changed setting wins).
function restoreState() {
  const saved = host.getState ? host.getState() : null;
  if (!saved || typeof saved !== "object") return null;
  // Only a direction this page holds (the editor's page is given one).
  const held = (direction) => [...views.values()].some((view) => view.element.dataset.direction === direction);
  if (saved.given === data.direction && (saved.direction === "TD" || saved.direction === "LR") && held(saved.direction)) {
    state.direction = saved.direction;
  }
  const index = workflowIndex(saved.workflow);
  if (index >= 0) {
    state.index = index;
    const picker = $("dv-workflow");
    if (picker) picker.value = String(index);
  }
  if (saved.theme === "dark" || saved.theme === "light") chosenTheme = saved.theme;
  const view = current();
  const kept = saved.view;
  if (index >= 0 && view && kept && [kept.scale, kept.x, kept.y].every(Number.isFinite) && kept.scale > 0) {
    view.scale = Math.min(Math.max(kept.scale, MIN_SCALE), MAX_SCALE);
    view.x = kept.x;
    view.y = kept.y;
    view.fitted = true;
  }
  return typeof saved.tab === "string" && $("dv-panel-" + saved.tab) ? saved.tab : null;
}

// -- update ------------------------------------------------------------------------------------

const SVG_TYPE = "image/svg+xml";

// A div.dv-view holding the SVG text `svg` (our own renderer's output), parsed as XML: no markup
// is ever parsed as HTML. Its stylesheet (`style`, the same for every diagram) is added here, with
// our script's nonce, as the host's policy requires.
function viewElement(diagram, css) {
  const parsed = new DOMParser().parseFromString(diagram.svg, SVG_TYPE);
  const svg = parsed.documentElement;
  if (!svg || svg.localName !== "svg" || parsed.querySelector("parsererror")) {
    throw new Error("update: a diagram is not valid SVG");
  }
  for (const unwanted of svg.querySelectorAll("script, style, foreignObject")) unwanted.remove();
  const element = document.createElement("div");
  element.className = "dv-view";
  element.dataset.index = String(diagram.index);
  element.dataset.direction = diagram.direction;
  element.hidden = true;
  const imported = document.importNode(svg, true);
  const style = document.createElementNS(SVG_NS, "style");
  if (NONCE) style.nonce = NONCE;
  style.textContent = css;
  imported.insertBefore(style, imported.firstChild);
  element.append(imported);
  return element;
}

function identity(workflow, direction) {
  return workflow ? workflow.name + "\n" + workflow.file + "\n" + direction : "";
}

function applyUpdate(payload) {
  if (!payload || !Array.isArray(payload.diagrams) || !payload.data || !Array.isArray(payload.data.workflows)) {
    throw new Error("update: not an update payload");
  }
  const elements = payload.diagrams.map((diagram) => viewElement(diagram, String(payload.style || "")));
  // What the user looks at, to find it again in the new content.
  const before = data.workflows[state.index];
  const kept = new Map();
  for (const view of views.values()) {
    const workflow = data.workflows[Number(view.element.dataset.index)];
    kept.set(identity(workflow, view.element.dataset.direction), view);
  }
  const selected = state.selected ? nodeInfo(state.selected.dataset.id) : null;

  for (const key of Object.keys(data)) delete data[key];
  Object.assign(data, payload.data);
  for (const view of views.values()) view.element.remove();
  views.clear();
  viewport.append(...elements);
  for (const element of elements) addView(element);
  for (const view of views.values()) {
    const workflow = data.workflows[Number(view.element.dataset.index)];
    const old = kept.get(identity(workflow, view.element.dataset.direction));
    if (old && old.fitted) Object.assign(view, { scale: old.scale, x: old.x, y: old.y, fitted: true });
  }
  state.index = Math.max(0, workflowIndex(before));
  directionAfterUpdate(payload.diagrams);

  updateWorkflowPicker();
  $("dv-mermaid-text").textContent = String(payload.mermaid || "");
  $("dv-json-text").textContent = String(payload.json || "");
  updateDiagnostics();
  if (typeof payload.title === "string") document.title = payload.title + " - durable-viz";

  // The selection stays when the same node is still there (ids follow the tree's shape).
  const now = selected ? nodeInfo(selected.id) : null;
  const same = now && now.kind === selected.kind && now.label === selected.label;
  state.selected = null;
  if (!same) select(null, false);
  clearError();
  show();
  if (same) select(selected.id, false);
  if (cursor) highlightLine(cursor.line, cursor.file);
  saveState();
}

function updateWorkflowPicker() {
  let picker = $("dv-workflow");
  if (data.workflows.length < 2) {
    if (picker) picker.closest("label").remove();
    return;
  }
  if (!picker) {
    const label = document.createElement("label");
    label.className = "dv-field";
    picker = document.createElement("select");
    picker.id = "dv-workflow";
    label.append("Workflow ", picker);
    $("dv-title").after(label);
  }
  picker.replaceChildren(...data.workflows.map((workflow, index) => {
    const option = document.createElement("option");
    option.value = String(index);
    option.textContent = workflow.title + " (" + workflow.file + ":" + workflow.line + ")";
    return option;
  }));
  picker.value = String(state.index);
}

function updateDiagnostics() {
  const list = data.diagnostics || [];
  $("dv-tab-diagnostics").textContent = "Diagnostics (" + list.length + ")";
  const panel = $("dv-panel-diagnostics");
  if (!list.length) {
    const empty = document.createElement("p");
    empty.className = "dv-empty";
    empty.textContent = "No diagnostics: every construct was understood.";
    panel.replaceChildren(empty);
    return;
  }
  const items = list.map((d, index) => {
    const item = document.createElement("li");
    item.className = "dv-diagnostic dv-severity-" + d.severity;
    item.dataset.index = String(index);
    item.tabIndex = 0;
    const part = (tag, className, text) => {
      const element = document.createElement(tag);
      if (className) element.className = className;
      element.textContent = text;
      return element;
    };
    item.append(
      part("span", "dv-severity", d.severity), " ",
      part("code", "", d.code), " ",
      part("span", "dv-where", d.file + ":" + d.line + ":" + d.column), " ",
      part("span", "dv-message", d.message)
    );
    return item;
  });
  const ordered = document.createElement("ol");
  ordered.className = "dv-diagnostics";
  ordered.id = "dv-diagnostics";
  ordered.append(...items);
  panel.replaceChildren(ordered);
}

// -- errors ------------------------------------------------------------------------------------

function showError(message, hint) {
  $("dv-error-message").textContent = String(message || "durable-viz could not draw this file");
  $("dv-error-hint").textContent = hint ? String(hint) : "";
  $("dv-error-hint").hidden = !hint;
  $("dv-error").hidden = false;
  root.classList.add("dv-stale");
}

function clearError() {
  $("dv-error").hidden = true;
  root.classList.remove("dv-stale");
}

// Only an editor host sends these: a browser tab takes no new content from other windows.
host.onMessage((message) => {
  if (host.kind !== "vscode" || !message || typeof message !== "object") return;
  if (message.type === "update") {
    try {
      applyUpdate(message.payload);
    } catch (error) {
      console.warn(error.message);
      showError(error.message, "The diagram shown is the last one drawn.");
    }
  } else if (message.type === "error") {
    showError(message.message, message.hint);
  } else if (message.type === "clear-error") {
    clearError();
  }
});
