"""Loops and ``try`` statements in the structured layout (see :mod:`.flow`, whose methods
measure and place every other element; these two are the largest, so they live here).

Each function both measures (``incoming`` is ``None``: returns the extent only) and places (with
``incoming``: returns the extent and the pending edges that leave the element), like the
methods of :class:`~durable_viz.renderers.flow.FlowLayout` it is called from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from durable_viz.graph import Kind, Node
from durable_viz.renderers.layout import (
    CHANNEL,
    GAP,
    LANE_GAP,
    PAD,
    block_nodes,
    blocks_with,
    drawn,
    label_size,
)
from durable_viz.renderers.pending import Pending, merge

if TYPE_CHECKING:
    from durable_viz.renderers.flow import FlowLayout

__all__ = ["loop", "try_"]

Ext = tuple[float, float, float]
_NONE: frozenset[str] = frozenset()


def loop(
    flow: FlowLayout,
    node: Node,
    u: float,
    v: float,
    incoming: list[Pending] | None,
    tail: frozenset[str],
) -> tuple[Ext, list[Pending]]:
    """A loop: the body below its node, the back edge in a channel on one side and ``done``
    in a channel on the other (a do-while: the body first, the node after it)."""
    node_id = flow.gid[id(node)].id
    cu, cv = flow.size(node_id)
    hl, hr, hh = flow.head(node_id)
    body = block_nodes(node, "body")
    orelse = block_nodes(node, "else")
    bl, br, bh = flow.measure_seq(body)
    again = "repeat" if node.do_while or node.infinite else "next item"
    atext, acu, acv = label_size(again, flow.lr)
    u_left = -(max(bl, hl) + CHANNEL)
    left = -u_left + 4 + acu
    ol, orr, oh = flow.measure_seq(orelse)
    if node.do_while:
        v_body, v_loop = GAP, GAP + bh + GAP
        dtext, dcu, dcv = label_size("done", flow.lr)
        v_done = v_loop + hh + dcv + 8
        right = max(br, hr, dcu + 4)
    else:
        v_body = hh + GAP
        v_loop = 0.0
        v_back = v_body + bh + GAP / 2
        dtext, dcu, dcv = label_size("done", flow.lr)
        u_right = max(br, hr, cu / 2 + 4 + dcu) + CHANNEL
        v_done = v_back + GAP / 2 if not node.infinite else v_back
        right = u_right if not node.infinite else max(br, hr)
    height = v_done
    if drawn(orelse):  # unreachable after a loop left only by break, but still drawn
        height = v_done + GAP + oh
        left, right = max(left, ol), max(right, orr)
    ext = (left, right, height)
    if incoming is None:
        return ext, []
    side_v = v + v_loop + cv / 2
    mid = (side_v + v + (v_body + bh + GAP / 2)) / 2 - acv / 2
    back_label = (atext, u + u_left - 4 - acu, mid, acu, acv)
    if node.do_while:
        body_in = list(incoming)
        if drawn(body):
            back = Pending(node_id, [(u - cu / 2, side_v)], again, back=True)
            back.to(u + u_left, side_v).to(u + u_left, v + GAP / 2).to(u, v + GAP / 2)
            back.labels.append((atext, u + u_left - 4 - acu, v + (GAP + v_loop) / 2, acu, acv))
            body_in.append(back)
        exits = flow.place_seq(body, u, v + v_body, body_in, _NONE)
        flow.connect(exits, node_id, u, v + v_loop)
        flow.place_head(node_id, u, v + v_loop)
        done = flow.out(node_id, u, v + v_loop, "done")
        done.labels.append((dtext, u + 4, v + v_loop + cv + 4, dcu, dcv))
    else:
        flow.connect(incoming, node_id, u, v)
        flow.place_head(node_id, u, v)
        into = flow.out(node_id, u, v)
        exits = flow.place_seq(body, u, v + v_body, [into.to(u, v + v_body)], _NONE)
        labelled = False
        exits = merge(exits)
        for p in exits:
            p.to(u, v + v_back).to(u + u_left, v + v_back).to(u + u_left, side_v)
            for member in p.members():
                member.back = True
                if member.label is None:
                    member.label = again
                    if not labelled:
                        member.labels.append(back_label)
                        labelled = True
        flow.connect(exits, node_id, u - cu / 2, side_v)
        done = Pending(node_id, [(u + cu / 2, side_v)], "done")
        done.to(u + u_right, side_v).to(u + u_right, v + v_done).to(u, v + v_done)
        done.labels.append((dtext, u + cu / 2 + 4, side_v - 2 - dcv, dcu, dcv))
    if node.infinite:
        if drawn(orelse):
            flow.place_seq(orelse, u, v + v_done + GAP, [], tail)
        return ext, []
    done.to(u, v + v_done)
    if drawn(orelse):
        return ext, flow.place_seq(orelse, u, v + v_done + GAP, [done], tail)
    return ext, [done]


def try_(
    flow: FlowLayout,
    node: Node,
    u: float,
    v: float,
    incoming: list[Pending] | None,
    tail: frozenset[str],
) -> tuple[Ext, list[Pending]]:
    """A ``try``: a frame around the body (in its own inner frame), the handlers beside it with
    one error edge each from the body's frame, ``else`` below the body, ``finally`` after all."""
    node_id = flow.gid[id(node)].id
    body = block_nodes(node, "body")
    handlers = blocks_with(node, "handler")
    orelse = block_nodes(node, "else")
    final = block_nodes(node, "finally")
    bl, br, bh = flow.measure_seq(body)
    el, er, eh = flow.measure_seq(orelse)
    fl, fr, fh = flow.measure_seq(final)
    labels = [label_size(h.label or "error", flow.lr) for h in handlers]
    step = max((lab[2] for lab in labels), default=0.0) + 6
    ttext, tcu, tcv = label_size("try", flow.lr)
    v_sub = tcv + 10
    v_body = v_sub + PAD
    sub_bottom = v_body + max(bh, len(handlers) * step + 8) + PAD
    sub_right = max(br, 6.0) + PAD
    v_errors = [
        v_sub + PAD + step - 4 + (len(handlers) - 1 - i) * step for i in range(len(handlers))
    ]
    v_handlers = (v_errors[0] if handlers else v_sub) + GAP / 2
    exts = [flow.measure_seq(h.nodes) for h in handlers]
    axes: list[float] = []
    # Handlers sit right of the body's column, which holds the else block too.
    edge = max(sub_right, er if drawn(orelse) else 0.0)
    for (hl, hr, _), lab in zip(exts, labels, strict=True):
        axis = max(edge + LANE_GAP + max(hl, 6.0), sub_right + 8 + lab[1])
        axes.append(axis)
        edge = axis + max(hr, 6.0)
    col_bottom = sub_bottom + (GAP + eh if drawn(orelse) else 0)
    v_merge = max([col_bottom] + [v_handlers + e[2] for e in exts]) + GAP / 2
    bottom = v_merge + (GAP + fh if drawn(final) else 0)
    frame_bottom = bottom + PAD
    frame_left = -(max(bl + PAD, el, fl, tcu + 10 - PAD) + PAD)
    frame_right = max(edge, er, fr) + PAD
    ext = (-frame_left, frame_right, frame_bottom)
    if incoming is None:
        return ext, []
    rect = (u + frame_left, v, frame_right - frame_left, frame_bottom)
    flow.frames.append((node_id, Kind.TRY, rect, (ttext, rect[0] + 6, v + 5, tcu, tcv)))
    sub = (u - bl - PAD, v + v_sub, bl + PAD + sub_right, sub_bottom - v_sub)
    flow.frames.append(("", Kind.TRY, sub, None))
    simple = not drawn(orelse) and not drawn(final)
    exits = flow.place_seq(body, u, v + v_body, incoming, tail if simple else _NONE)
    if drawn(orelse):
        exits = flow.place_seq(orelse, u, v + sub_bottom + GAP, exits, _NONE)
    merged = [p.to(u, v + v_merge) for p in merge(exits)]
    handler_tail = tail if not drawn(final) else _NONE
    for block, lab, axis, v_error in zip(handlers, labels, axes, v_errors, strict=True):
        p = Pending(node_id, [(u + sub_right, v + v_error)], block.label or "error")
        p.error = True
        p.labels.append((lab[0], u + sub_right + 4, v + v_error - 2 - lab[2], lab[1], lab[2]))
        p.to(u + axis, v + v_error).to(u + axis, v + v_handlers)
        handled = flow.place_seq(block.nodes, u + axis, v + v_handlers, [p], handler_tail)
        for out in merge(handled):
            merged.append(out.to(u + axis, v + v_merge).to(u, v + v_merge))
    merged = merge(merged)
    if drawn(final):
        merged = merge(flow.place_seq(final, u, v + v_merge + GAP, merged, tail))
    return ext, [p.to(u, v + frame_bottom) for p in merged]
