// The diagrams: one view per workflow and direction, pan and zoom (wheel toward the cursor,
// drag, fit, actual size).

// -- views and pan/zoom ------------------------------------------------------------------------

const views = new Map();

// Register one div.dv-view (an update adds new ones the same way).
function addView(element) {
  const svg = element.querySelector("svg");
  if (!svg) return;
  const box = (svg.getAttribute("viewBox") || "0 0 100 100").split(/[\s,]+/).map(Number);
  svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
  const key = element.dataset.index + ":" + element.dataset.direction;
  views.set(key, { element, svg, box, scale: 1, x: box[0], y: box[1], fitted: false });
}

for (const element of viewport.querySelectorAll(".dv-view")) addView(element);

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
  saveState();
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
