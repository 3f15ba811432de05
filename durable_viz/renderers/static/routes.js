// Edge highlighting: the edge under the pointer, and the edges in and out of the selected node.
// Where edges to one target merge, the SVG draws the shared route once: the other edges stop at
// the merge point, and their `path.dv-feed` says where they go on (`data-join="K I"`: the
// diagram's K-th edge path, from its point I). A highlight follows those joins, so it covers an
// edge's whole route up to its target, drawn on a layer of its own above the edges.

// -- edge routes -------------------------------------------------------------------------------

const SVG_NS = "http://www.w3.org/2000/svg";

function edgePaths(view) {
  if (!view.paths) view.paths = [...view.svg.querySelectorAll(".dv-edges > .dv-edge > path")];
  return view.paths;
}

function pathPoints(path) {
  return (path.getAttribute("d") || "").slice(1).split("L").map((pair) => pair.split(" ").map(Number));
}

// The whole route of one drawn polyline, and the path that ends it (with the arrowhead).
function wholeRoute(view, path) {
  const paths = edgePaths(view);
  let points = pathPoints(path);
  let last = path;
  // A join always points to a polyline drawn earlier in the bundle; the bound only guards
  // against a malformed document looping.
  for (let hops = 0; last.dataset.join && hops < paths.length; hops++) {
    const [k, i] = last.dataset.join.split(" ").map(Number);
    const next = paths[k];
    if (!next) break;
    points = points.concat(pathPoints(next).slice(i + 1));
    last = next;
  }
  return { points, last };
}

function routeLayer(view) {
  let layer = view.svg.querySelector(".dv-routes");
  if (!layer) {
    layer = document.createElementNS(SVG_NS, "g");
    layer.setAttribute("class", "dv-routes");
    // Above the edges, below the nodes: boxes stay on top of every line.
    const nodes = view.svg.querySelector(".dv-nodes");
    view.svg.insertBefore(layer, nodes);
  }
  return layer;
}

// Highlight `groups` (g.dv-edge elements) with `kind` ("hover" or "linked"), replacing the
// highlight of that kind shown before.
function lightEdges(view, groups, kind) {
  if (!view) return;
  const cls = "dv-lit-" + kind;
  for (const old of view.svg.querySelectorAll(".dv-route." + cls)) old.remove();
  for (const old of view.svg.querySelectorAll(".dv-edge." + cls)) old.classList.remove(cls);
  if (!groups.length) return;
  const layer = routeLayer(view);
  for (const group of groups) {
    group.classList.add(cls);
    for (const path of group.querySelectorAll(":scope > path")) {
      const { points, last } = wholeRoute(view, path);
      const route = document.createElementNS(SVG_NS, "path");
      const error = group.classList.contains("dv-error") ? " dv-route-error" : "";
      route.setAttribute("class", "dv-route " + cls + error);
      route.setAttribute("d", "M" + points.map((p) => p.join(" ")).join("L"));
      const marker = last.getAttribute("marker-end");
      if (marker) route.setAttribute("marker-end", marker);
      layer.append(route);
    }
  }
}

function edgesOf(view, id) {
  if (!view || id == null) return [];
  return [...view.svg.querySelectorAll(".dv-edges > .dv-edge")].filter(
    (group) => group.dataset.from === id || group.dataset.to === id
  );
}

let hovered = null;
viewport.addEventListener("pointerover", (event) => {
  const group = event.target.closest && event.target.closest(".dv-edge");
  if (group === hovered) return;
  hovered = group;
  lightEdges(current(), group ? [group] : [], "hover");
});
viewport.addEventListener("pointerleave", () => {
  hovered = null;
  lightEdges(current(), [], "hover");
});
