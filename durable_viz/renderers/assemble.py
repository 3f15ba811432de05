"""Turn a placed flow layout into the final :class:`~durable_viz.renderers.layout.Layout`.

Flow coordinates become x/y (``TD``: x = u, y = v; ``LR``: x = v, y = u), everything is shifted
so the diagram starts at the margin, and the routed edges are reconciled with the graph: edges
the graph has are kept, the one error edge drawn per ``try`` handler stands for the graph's error
edges from every operation of the body, and the graph's remaining edges become stubs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from durable_viz.graph import Kind
from durable_viz.renderers.layout import DrawnEdge, Frame, Label, Layout, NodeBox, Stub

if TYPE_CHECKING:
    from durable_viz.renderers.flow import FlowLayout

__all__ = ["assemble"]


def assemble(flow: FlowLayout, margin: float) -> Layout:
    """Build the final layout of a finished :class:`FlowLayout` run."""
    lr = flow.lr
    edges = _reconcile(flow)
    # Bounds in flow space, from everything drawn.
    us: list[float] = []
    vs: list[float] = []
    for graph_node, u, v in flow.boxes:
        cu, cv = flow.size(graph_node.id)
        us += [u - cu / 2, u + cu / 2]
        vs += [v, v + cv]
    rects = [f[2] for f in flow.frames]
    rects += [m[2] for i, m in enumerate(flow.markers) if i not in flow.long]
    rects += [(t[1], t[2], t[3], t[4]) for t in flow.lane_labels]
    rects += [(t[1], t[2], t[3], t[4]) for f in flow.frames if (t := f[3]) is not None]
    for u0, v0, cu, cv in rects:
        us += [u0, u0 + cu]
        vs += [v0, v0 + cv]
    for edge in edges:
        for path in edge.paths + edge.feeds:
            us += [p[0] for p in path]
            vs += [p[1] for p in path]
        for lab in edge.labels:
            us += [lab.x, lab.x + lab.width]
            vs += [lab.y, lab.y + lab.height]
    du = margin - min(us)
    dv = margin - min(vs)
    span_u = max(us) - min(us) + 2 * margin
    span_v = max(vs) - min(vs) + 2 * margin

    def point(p: tuple[float, float]) -> tuple[float, float]:
        return (p[1] + dv, p[0] + du) if lr else (p[0] + du, p[1] + dv)

    def rect(u0: float, v0: float, cu: float, cv: float) -> tuple[float, float, float, float]:
        if lr:
            return v0 + dv, u0 + du, cv, cu
        return u0 + du, v0 + dv, cu, cv

    def label(lab: Label) -> Label:
        x, y, w, h = rect(lab.x, lab.y, lab.width, lab.height)
        return Label(lab.text, x, y, w, h)

    nodes: list[NodeBox] = []
    for graph_node, u, v in flow.boxes:
        cu, cv = flow.size(graph_node.id)
        x, y, _, _ = rect(u - cu / 2, v, cu, cv)
        nodes.append(
            NodeBox(graph_node.id, graph_node.kind, graph_node, flow.texts[graph_node.id], x, y)
        )
    order = {g.id: i for i, g in enumerate(flow.graph.nodes)}
    nodes.sort(key=lambda n: order[n.id])
    frames: list[Frame] = []
    for frame_id, kind, (u0, v0, cu, cv), flabel in flow.frames:
        x, y, w, h = rect(u0, v0, cu, cv)
        text = None
        if flabel is not None:
            text = label(Label(flabel[0], flabel[1], flabel[2], flabel[3], flabel[4]))
        frames.append(Frame(frame_id or "", kind, x, y, w, h, text, part=not frame_id))
    block_labels = [label(Label(*t)) for t in flow.lane_labels]
    for edge in edges:
        edge.paths = [[point(p) for p in path] for path in edge.paths]
        edge.feeds = [[point(p) for p in path] for path in edge.feeds]
        edge.labels = [label(lab) for lab in edge.labels]
        if edge.stub is not None:
            s = edge.stub
            x, y, w, h = rect(s.x, s.y, s.width, s.height)
            edge.stub = Stub(s.target, s.text, x, y, w, h)
    width, height = (span_v, span_u) if lr else (span_u, span_v)
    return Layout("LR" if lr else "TD", width, height, nodes, frames, edges, block_labels)


def _reconcile(flow: FlowLayout) -> list[DrawnEdge]:
    """The edges to draw, in the graph's edge order (collapsed error edges after their try)."""
    drawn_keys, _ = flow._drawn()
    graph_keys = {(e.source, e.target, e.label): e for e in flow.graph.edges}
    # Several tries may have a handler for the same error leading to the same place: each
    # draws its own edge, all standing for the graph's error edges with that label and target.
    covering: dict[tuple[str | None, str], list[DrawnEdge]] = {}
    for key, edge in flow.edges.items():
        if flow.by_id[key[0]].kind is Kind.TRY:
            covering.setdefault((key[2], key[1]), []).append(edge)
    stubs = {(m[0].source, m[0].target, m[0].label): i for i, m in enumerate(flow.markers)}
    out: list[DrawnEdge] = []
    used: set[int] = set()
    for key, graph_edge in graph_keys.items():
        if key in drawn_keys:
            edge = flow.edges[key]
            edge.back, edge.error = graph_edge.back, graph_edge.error
            out.append(edge)
        elif graph_edge.error and (covers := covering.get((key[2], key[1]))):
            for cover in covers:
                if id(cover) not in used:
                    used.add(id(cover))
                    out.append(cover)
        elif key in stubs:
            index = stubs[key]
            _, text, (u0, v0, cu, cv) = flow.markers[index]
            edge = DrawnEdge(key[0], key[1], key[2], graph_edge.back, graph_edge.error)
            edge.path_ids.append(-1)
            if index in flow.long:
                edge.paths.append(flow.long[index])
                if index in flow.long_labels:
                    edge.labels.append(Label(*flow.long_labels[index]))
            else:
                edge.stub = Stub(key[1], text, u0, v0, cu, cv)
                edge.paths.append(flow.stub_paths[index])
            out.append(edge)
    return out
