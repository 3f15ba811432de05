"""Geometric checks of a layout, shared by test_layout.py and test_svg.py.

Every check returns a list of human-readable problems (empty when the layout is clean), so a
failing test shows what is wrong and where.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

from durable_viz.renderers.layout import DrawnEdge, Layout, NodeBox
from durable_viz.renderers.shapes import SUBROUTINE_INSET, Shape

Point = tuple[float, float]
Rect = tuple[float, float, float, float]
EPS = 0.05


def node_rect(node: NodeBox) -> Rect:
    return node.x, node.y, node.width, node.height


def boxes(layout: Layout) -> dict[str, Rect]:
    """Every box an edge may not cross: nodes by id, stub markers as ``stub:<index>``."""
    out = {n.id: node_rect(n) for n in layout.nodes}
    for index, edge in enumerate(layout.edges):
        if edge.stub is not None:
            s = edge.stub
            out[f"stub:{index}"] = (s.x, s.y, s.width, s.height)
    return out


def segments(path: list[Point]) -> Iterable[tuple[Point, Point]]:
    return itertools.pairwise(path)


def _orient(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on(a: Point, b: Point, p: Point) -> bool:
    return (
        min(a[0], b[0]) - EPS <= p[0] <= max(a[0], b[0]) + EPS
        and min(a[1], b[1]) - EPS <= p[1] <= max(a[1], b[1]) + EPS
    )


def segments_touch(a: Point, b: Point, c: Point, d: Point) -> bool:
    """True when segments ab and cd share any point (crossing, touching or overlapping)."""
    o1, o2, o3, o4 = _orient(a, b, c), _orient(a, b, d), _orient(c, d, a), _orient(c, d, b)
    scale = max(1.0, math.dist(a, b), math.dist(c, d))
    tol = EPS * scale
    if ((o1 > tol and o2 < -tol) or (o1 < -tol and o2 > tol)) and (
        (o3 > tol and o4 < -tol) or (o3 < -tol and o4 > tol)
    ):
        return True
    return (
        (abs(o1) <= tol and _on(a, b, c))
        or (abs(o2) <= tol and _on(a, b, d))
        or (abs(o3) <= tol and _on(c, d, a))
        or (abs(o4) <= tol and _on(c, d, b))
    )


def segment_enters(a: Point, b: Point, rect: Rect, inset: float = 0.5) -> bool:
    """True when segment ab passes through the interior of ``rect`` (shrunk by ``inset``)."""
    x0, y0 = rect[0] + inset, rect[1] + inset
    x1, y1 = rect[0] + rect[2] - inset, rect[1] + rect[3] - inset
    if x1 <= x0 or y1 <= y0:
        return False
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if abs(p) < 1e-12:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return t1 - t0 > 1e-9


def rects_overlap(r: Rect, s: Rect) -> bool:
    return (
        r[0] < s[0] + s[2] - EPS
        and s[0] < r[0] + r[2] - EPS
        and r[1] < s[1] + s[3] - EPS
        and s[1] < r[1] + r[3] - EPS
    )


def edge_crossings(layout: Layout) -> list[str]:
    """Pairs of edges that touch though they share neither their source nor their target."""
    problems: list[str] = []
    edges = layout.edges
    for i, e in enumerate(edges):
        for f in edges[i + 1 :]:
            if e.source == f.source or e.target == f.target:
                continue
            if _edges_touch(e, f):
                problems.append(f"{_name(e)} touches {_name(f)}")
    return problems


def _edges_touch(e: DrawnEdge, f: DrawnEdge) -> bool:
    for p in e.paths + e.feeds:
        for a, b in segments(p):
            for q in f.paths + f.feeds:
                for c, d in segments(q):
                    if segments_touch(a, b, c, d):
                        return True
    return False


def _name(edge: DrawnEdge) -> str:
    return f"{edge.source}->{edge.target}[{edge.label}]"


def edges_through_boxes(layout: Layout) -> list[str]:
    """Edges passing through a box that is neither their source's nor their target's."""
    problems: list[str] = []
    all_boxes = boxes(layout)
    for index, edge in enumerate(layout.edges):
        own = {edge.source, edge.target, f"stub:{index}"}
        for box_id, rect in all_boxes.items():
            if box_id in own:
                continue
            for path in edge.paths + edge.feeds:
                if any(segment_enters(a, b, rect) for a, b in segments(path)):
                    problems.append(f"{_name(edge)} passes through {box_id}")
                    break
    return problems


def box_overlaps(layout: Layout) -> list[str]:
    """Boxes (nodes, stub markers, edge and block labels) that overlap one another."""
    items = list(boxes(layout).items())
    for index, edge in enumerate(layout.edges):
        items.extend((f"label:{index}:{lab.text}", _r(lab)) for lab in edge.labels)
    items.extend((f"block:{lab.text}", _r(lab)) for lab in layout.block_labels)
    problems: list[str] = []
    items.sort(key=lambda item: item[1][0])
    for i, (name, rect) in enumerate(items):
        for other, orect in items[i + 1 :]:
            if orect[0] >= rect[0] + rect[2]:
                break
            if rects_overlap(rect, orect):
                problems.append(f"{name} overlaps {other}")
    return problems


def _r(lab: object) -> Rect:
    return lab.x, lab.y, lab.width, lab.height  # type: ignore[attr-defined]


def labels_through_edges(layout: Layout) -> list[str]:
    """Edge and block labels that an edge passes through (other than the label's own edge)."""
    problems: list[str] = []
    labels = [(i, lab) for i, e in enumerate(layout.edges) for lab in e.labels]
    labels += [(-1, lab) for lab in layout.block_labels]
    for owner, lab in labels:
        for index, edge in enumerate(layout.edges):
            if index == owner:
                continue
            for path in edge.paths + edge.feeds:
                if any(segment_enters(a, b, _r(lab), 0.0) for a, b in segments(path)):
                    problems.append(f"label {lab.text!r} crossed by {_name(edge)}")
                    break
    return problems


def frame_problems(layout: Layout) -> list[str]:
    """Frames must nest or stay apart, and no node box may straddle a frame's border."""
    problems: list[str] = []
    frames = [(f.x, f.y, f.width, f.height) for f in layout.frames]
    for i, r in enumerate(frames):
        for s in frames[i + 1 :]:
            if rects_overlap(r, s) and not (_inside(r, s) or _inside(s, r)):
                problems.append(f"frames {r} and {s} overlap")
        for node in layout.nodes:
            n = node_rect(node)
            if rects_overlap(r, n) and not _inside(n, r):
                problems.append(f"node {node.id} straddles frame {r}")
    return problems


def _inside(inner: Rect, outer: Rect) -> bool:
    return (
        inner[0] >= outer[0] - EPS
        and inner[1] >= outer[1] - EPS
        and inner[0] + inner[2] <= outer[0] + outer[2] + EPS
        and inner[1] + inner[3] <= outer[1] + outer[3] + EPS
    )


def text_outside_shape(layout: Layout) -> list[str]:
    """Nodes whose text block is not inside their shape (checked on the shape's real outline)."""
    problems: list[str] = []
    for node in layout.nodes:
        t = node.text
        cx, cy = node.x + node.width / 2, node.y + node.height / 2
        hw, hh = t.text_width / 2, t.text_height / 2
        corners = [(cx + sx * hw, cy + sy * hh) for sx in (-1, 1) for sy in (-1, 1)]
        if not all(_in_shape(node, p) for p in corners):
            problems.append(f"text of {node.id} ({t.lines}) does not fit its {t.shape}")
    return problems


def _in_shape(node: NodeBox, p: Point) -> bool:
    w, h = node.width, node.height
    dx = abs(p[0] - (node.x + w / 2))
    dy = abs(p[1] - (node.y + h / 2))
    shape = node.text.shape
    if dx > w / 2 + EPS or dy > h / 2 + EPS:
        return False
    if shape == Shape.DIAMOND:
        return dx / (w / 2) + dy / (h / 2) <= 1 + 1e-6
    if shape == Shape.CIRCLE:
        return math.hypot(dx, dy) <= w / 2 + EPS
    if shape in (Shape.TRAPEZOID, Shape.HEXAGON):
        # Sides lean in by h/4 from the middle to the top and bottom.
        return dx <= w / 2 - (h / 4) * (dy / (h / 2)) + EPS
    if shape == Shape.SUBROUTINE:
        return dx <= w / 2 - SUBROUTINE_INSET + EPS
    if shape == Shape.STADIUM:
        return dx <= w / 2 - h / 2 + math.sqrt(max(0.0, (h / 2) ** 2 - dy**2)) + EPS
    return True


def outside_view(layout: Layout) -> list[str]:
    """Anything drawn outside the diagram's own width and height."""
    view = (0.0, 0.0, layout.width, layout.height)
    rects = list(boxes(layout).items())
    rects += [(f"frame {f.id}", (f.x, f.y, f.width, f.height)) for f in layout.frames]
    rects += [(f"label {lab.text}", _r(lab)) for e in layout.edges for lab in e.labels]
    rects += [(f"block {lab.text}", _r(lab)) for lab in layout.block_labels]
    for edge in layout.edges:
        for path in edge.paths + edge.feeds:
            rects += [(f"edge {_name(edge)}", (x, y, 0.0, 0.0)) for x, y in path]
    return [f"{name} is outside the view" for name, rect in rects if not _inside(rect, view)]


def loose_feeds(layout: Layout) -> list[str]:
    """Feeds (polylines without an arrowhead) must end on a line drawn to the same target."""
    lines: dict[str, list[list[Point]]] = {}
    for edge in layout.edges:
        lines.setdefault(edge.target, []).extend(edge.paths + edge.feeds)
    problems: list[str] = []
    for edge in layout.edges:
        for feed in edge.feeds:
            end = feed[-1]
            joined = any(
                path is not feed
                and any(_on(a, b, end) and abs(_orient(a, b, end)) < 1 for a, b in segments(path))
                for path in lines[edge.target]
            )
            if not joined:
                problems.append(f"{_name(edge)} stops at {end} without joining its target's line")
    return problems


def all_problems(layout: Layout) -> list[str]:
    """Every check at once."""
    return (
        outside_view(layout)
        + loose_feeds(layout)
        + edge_crossings(layout)
        + edges_through_boxes(layout)
        + box_overlaps(layout)
        + labels_through_edges(layout)
        + frame_problems(layout)
        + text_outside_shape(layout)
    )
