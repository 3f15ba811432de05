// Theme, direction, workflow selector, tabs, copy buttons, toolbar and keyboard shortcuts.

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
  saveState();
}

if (dark && dark.addEventListener) dark.addEventListener("change", showTheme);
if (host.onThemeChange) host.onThemeChange(showTheme);

// The direction asked of the host and not drawn yet (an editor's page holds one direction).
let pendingDirection = null;

function toggleDirection() {
  const next = (pendingDirection || state.direction) === "TD" ? "LR" : "TD";
  // The host is told either way: its next updates come in the direction shown.
  if (host.direction) host.direction(next);
  if (!views.has(state.index + ":" + next)) {
    // Not in this page: the old picture stays until the host's update brings the new one.
    pendingDirection = next;
    $("dv-direction").setAttribute("aria-busy", "true");
    return;
  }
  pendingDirection = null;
  $("dv-direction").removeAttribute("aria-busy");
  state.direction = next;
  show();
}

// After an update: the direction toggled to, once it has come; else one the update holds.
function directionAfterUpdate(diagrams) {
  if (pendingDirection && views.has(state.index + ":" + pendingDirection)) {
    state.direction = pendingDirection;
    pendingDirection = null;
    $("dv-direction").removeAttribute("aria-busy");
  }
  if (current()) return;
  const drawn = diagrams.find((diagram) => Number(diagram.index) === state.index) || diagrams[0];
  if (drawn) state.direction = drawn.direction;
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
  saveState();
}

function openPanel() {
  const tab = document.querySelector(".dv-tabs [aria-selected=true]");
  return tab ? tab.dataset.panel : "diagram";
}

for (const tab of document.querySelectorAll(".dv-tabs [role=tab]")) {
  tab.addEventListener("click", () => showPanel(tab.dataset.panel));
}
for (const button of document.querySelectorAll(".dv-copy")) {
  button.addEventListener("click", () => copyText($(button.dataset.copy), button));
}
// Delegated to the panel: an update replaces the list items.
function openDiagnostic(event) {
  const item = event.target.closest && event.target.closest(".dv-diagnostic");
  if (!item || (event.type === "keydown" && event.key !== "Enter")) return;
  const d = data.diagnostics[Number(item.dataset.index)];
  if (d) host.reveal(d.file, d.line, d.column);
}
$("dv-panel-diagnostics").addEventListener("click", openDiagnostic);
$("dv-panel-diagnostics").addEventListener("keydown", openDiagnostic);

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
// Delegated: an update adds or removes the selector.
document.addEventListener("change", (event) => {
  if (event.target && event.target.id === "dv-workflow") chooseWorkflow(Number(event.target.value));
});

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
