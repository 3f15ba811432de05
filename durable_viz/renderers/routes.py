"""Long edges to End and Fail where they cross nothing; stubs stay where they would.

After the structured layout, an exit the structure could not route (a ``return`` or ``raise``
inside a block) is a stub. Often a full edge would still be clear, a guard clause's ``raise``
being the usual case: nothing lies to its right. For each such stub to End or Fail, in graph
order, this tries the route: right from the node's side to a channel beyond the whole diagram,
down that channel to just above the terminal, across and into its top. The route is kept only if
it touches no other edge (edges sharing its source or target excepted: they merge), no box and
no label; otherwise the stub stays. Every path here is axis-aligned, so two segments touch
exactly when their bounding boxes do.

The check is a scan over every segment, so it runs only while the number of candidates times
the number of segments stays small; a diagram beyond that keeps its stubs (still correct, and
the layout stays linear).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from durable_viz.edges import END_ID, FAIL_ID
from durable_viz.renderers.layout import CHANNEL, GAP, label_size

if TYPE_CHECKING:
    from durable_viz.renderers.flow import FlowLayout

__all__ = ["BUDGET", "route_exits"]

BUDGET = 400_000
"""Most candidate-segment comparisons spent on long routes for one diagram."""

Point = tuple[float, float]
Rect = tuple[float, float, float, float]
_EPS = 0.05


def route_exits(flow: FlowLayout) -> None:
    """Turn stubs to End/Fail into long edges where those cross nothing (sets ``flow.long``)."""
    candidates = [i for i, m in enumerate(flow.markers) if m[0].target in (END_ID, FAIL_ID)]
    if not candidates:
        return
    segments: list[tuple[str, str, Point, Point]] = []
    for edge in flow.edges.values():
        for path in edge.paths + edge.feeds:
            segments.extend((edge.source, edge.target, a, b) for a, b in itertools.pairwise(path))
    if len(candidates) * (len(segments) + len(flow.boxes)) > BUDGET:
        return
    stub_segments = {
        i: [(m[0].source, m[0].target, a, b) for a, b in itertools.pairwise(p)]
        for i, (m, p) in enumerate(zip(flow.markers, flow.stub_paths, strict=True))
    }
    boxes: list[tuple[str, Rect]] = []
    for graph_node, u, v in flow.boxes:
        cu, cv = flow.size(graph_node.id)
        boxes.append((graph_node.id, (u - cu / 2, v, cu, cv)))
    labels = [
        (lab.x, lab.y, lab.width, lab.height) for e in flow.edges.values() for lab in e.labels
    ]
    labels += [(t[1], t[2], t[3], t[4]) for t in flow.lane_labels]
    labels += [(t[1], t[2], t[3], t[4]) for f in flow.frames if (t := f[3]) is not None]
    right = max(
        [r[0] + r[2] for _, r in boxes]
        + [r[0] + r[2] for r in labels]
        + [f[2][0] + f[2][2] for f in flow.frames]
        + [m[2][0] + m[2][2] for m in flow.markers]
        + [max(a[0], b[0]) for _, _, a, b in segments]
    )
    ends = {g.id: (u, v) for g, u, v in flow.boxes if g.id in (END_ID, FAIL_ID)}
    # Every check below is a rectangle test, so each segment's rectangle is computed once here,
    # not once per candidate (a handler with a dozen early exits asks a dozen times).
    segment_boxes = [(s, t, *_corners(a, b, _EPS)) for s, t, a, b in segments]
    stub_boxes = {
        i: [(s, t, *_corners(a, b, _EPS)) for s, t, a, b in segs]
        for i, segs in stub_segments.items()
    }
    solid = [(box_id, _shrink(rect, 0.5)) for box_id, rect in boxes]
    kept: list[_Box] = []
    for index in candidates:
        stubbed, _, _ = flow.markers[index]
        target_u, target_v = ends[stubbed.target]
        failing = stubbed.target == FAIL_ID
        channel = right + (2 if failing else 1) * CHANNEL
        v_cross = target_v - (GAP / 4 if failing else GAP / 2)
        start = flow.stub_paths[index][0]
        path = [
            start,
            (channel, start[1]),
            (channel, v_cross),
            (target_u, v_cross),
            (target_u, target_v),
        ]
        route = [(stubbed.source, stubbed.target, a, b) for a, b in itertools.pairwise(path)]
        others = [*segment_boxes, *kept]
        for other, segs in stub_boxes.items():
            if other != index:
                others += segs
        own_boxes = {stubbed.source, stubbed.target}
        if _clear(route, others, solid, own_boxes, labels, flow, index):
            flow.long[index] = path
            kept.extend((s, t, *_corners(a, b, _EPS)) for s, t, a, b in route)
            del stub_boxes[index]
            if stubbed.label:
                # The label ("return", "raise") sits above the first stretch, if there is room.
                text, cu, cv = label_size(stubbed.label, flow.lr)
                rect = (start[0] + 6, start[1] - 2 - cv, cu, cv)
                if _free(rect, others, boxes, labels, flow):
                    flow.long_labels[index] = (text, *rect)
                    labels.append(rect)


_Box = tuple[str, str, float, float, float, float]
"""A segment's source and target ids and its rectangle as (left, top, right, bottom)."""


def _corners(a: Point, b: Point, pad: float) -> tuple[float, float, float, float]:
    return (
        min(a[0], b[0]) - pad,
        min(a[1], b[1]) - pad,
        max(a[0], b[0]) + pad,
        max(a[1], b[1]) + pad,
    )


def _clear(
    route: list[tuple[str, str, Point, Point]],
    others: list[_Box],
    solid: list[tuple[str, Rect]],
    own: set[str],
    labels: list[Rect],
    flow: FlowLayout,
    index: int,
) -> bool:
    """True when no segment of ``route`` touches another edge (but those sharing its source or
    target), a box (but its own, ``solid`` boxes already inset), a stub or a label."""
    source, target = route[0][0], route[0][1]
    for _, _, a, b in route:
        inner = _bbox(a, b, 0.0)
        if any(_overlap(inner, rect) for box_id, rect in solid if box_id not in own):
            return False
        # The hot loop of the layout (every exit against every segment): plain comparisons.
        left, top, right, bottom = _corners(a, b, _EPS)
        for s, t, x0, y0, x1, y1 in others:
            if (
                x0 <= right
                and left <= x1
                and y0 <= bottom
                and top <= y1
                and s != source
                and t != target
            ):
                return False
        for i, (_, _, rect) in enumerate(flow.markers):
            if i != index and i not in flow.long and _overlap(inner, rect):
                return False
        if any(_overlap(inner, rect) for rect in labels):
            return False
    return True


def _free(
    rect: Rect,
    others: list[_Box],
    boxes: list[tuple[str, Rect]],
    labels: list[Rect],
    flow: FlowLayout,
) -> bool:
    """True when nothing drawn so far touches ``rect``."""
    left, top, right, bottom = rect[0], rect[1], rect[0] + rect[2], rect[1] + rect[3]
    if any(
        x0 <= right and left <= x1 and y0 <= bottom and top <= y1 for *_, x0, y0, x1, y1 in others
    ):
        return False
    if any(_overlap(rect, box) for _, box in boxes) or any(_overlap(rect, r) for r in labels):
        return False
    return not any(_overlap(rect, m[2]) for i, m in enumerate(flow.markers) if i not in flow.long)


def _bbox(a: Point, b: Point, pad: float) -> Rect:
    x0, x1 = min(a[0], b[0]), max(a[0], b[0])
    y0, y1 = min(a[1], b[1]), max(a[1], b[1])
    return x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad


def _shrink(rect: Rect, inset: float) -> Rect:
    return rect[0] + inset, rect[1] + inset, rect[2] - 2 * inset, rect[3] - 2 * inset


def _overlap(r: Rect, s: Rect) -> bool:
    return (
        r[0] <= s[0] + s[2] and s[0] <= r[0] + r[2] and r[1] <= s[1] + s[3] and s[1] <= r[1] + r[3]
    )
