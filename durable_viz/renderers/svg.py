"""The SVG renderer: our own structured layout (:mod:`.layout`) written as SVG text.

``render`` gives the ``--format svg`` file (every workflow of the document stacked, each in a
titled group); ``render_view`` gives one workflow in one direction for the HTML page, which
inlines it (DOM shape and class names: see the module's contract, summarised here):

- ``svg.dv-diagram[data-workflow][data-direction]`` holding ``<style>``, ``<defs>`` (arrow
  markers, ids prefixed per workflow and direction, their paths ``path.dv-arrow`` and
  ``path.dv-arrow-error``), then ``g.dv-frames``, ``g.dv-edges``, ``g.dv-nodes``;
- ``g.dv-frame.dv-KIND[data-id]`` with a dashed rounded ``rect``; a ``try``'s frame also holds
  ``text.dv-frame-label`` ("try"), a container's frame holds no text (its node, right above the
  frame, names it) (``g.dv-frame.dv-frame-part`` for a try body's inner frame;
  ``text.dv-block-label`` for branch names);
- ``g.dv-edge[.dv-back][.dv-error][.dv-stub][data-from][data-to][data-label]`` with one
  ``path`` per polyline (``path.dv-feed``, without arrowhead, where it merges into another edge
  to the same target: ``data-join="K I"`` says its route goes on along the diagram's ``K``-th
  edge ``path``, counted from 0 in document order, from that path's point ``I``) and
  ``text.dv-edge-label``; a stub ends at ``g.dv-jump`` naming its target.
  A try's error edges are drawn as one edge per handler from the try's frame
  (``data-from`` = the try's id);
- ``g.dv-node.dv-KIND[.dv-dynamic][data-id][data-kind][data-line][data-column][data-file]`` with
  ``title``, the shape (class ``dv-shape``), ``text.dv-label`` (one ``tspan`` per line) and
  ``text.dv-annotation`` lines. Start/End/Fail carry no line.

Colours come from CSS custom properties with light defaults, so a page can theme them:
``--dv-{terminal,step,invoke,fanout,wait,decision,context,fail}-{fill,stroke}``, ``--dv-text``,
``--dv-muted``, ``--dv-edge``, ``--dv-error``, ``--dv-frame``, ``--dv-try``, ``--dv-dynamic``,
``--dv-jump-fill``.

Output is deterministic: no random ids, numbers written with at most one decimal. No element
carries a ``style`` attribute (a host's nonce policy, as in the VS Code webview, refuses them):
everything is styled by class from the SVG's own ``<style>``.
"""

from __future__ import annotations

import hashlib
import re

from durable_viz.edges import END_ID, FAIL_ID
from durable_viz.graph import Kind
from durable_viz.render import Document, WorkflowView
from durable_viz.renderers import metrics
from durable_viz.renderers.layout import DrawnEdge, Frame, Label, Layout, NodeBox, layout_view
from durable_viz.renderers.shapes import (
    ANNOTATION_LINE,
    ANNOTATION_SIZE,
    LABEL_LINE,
    LABEL_SIZE,
    SMALL_SIZE,
    SUBROUTINE_INSET,
    Shape,
)

__all__ = ["STYLE", "render", "render_view", "text_width"]

_FAMILIES: dict[str, tuple[tuple[Kind, ...], str, str]] = {
    "terminal": ((Kind.START, Kind.END, Kind.RETURN), "#dbe7f3", "#4a7293"),
    "step": ((Kind.STEP,), "#e0efe8", "#3d7360"),
    "invoke": ((Kind.INVOKE,), "#f5edd8", "#967032"),
    "fanout": (
        (
            Kind.PARALLEL,
            Kind.MAP,
            Kind.PROMISE_ALL,
            Kind.PROMISE_ANY,
            Kind.PROMISE_RACE,
            Kind.PROMISE_ALL_SETTLED,
        ),
        "#e8e3f0",
        "#655883",
    ),
    "wait": (
        (Kind.WAIT, Kind.CREATE_CALLBACK, Kind.WAIT_FOR_CALLBACK, Kind.WAIT_FOR_CONDITION),
        "#f2e0e0",
        "#8f4a4a",
    ),
    "decision": ((Kind.CONDITION, Kind.LOOP), "#e3e4f0", "#575c8a"),
    "context": ((Kind.CHILD_CONTEXT, Kind.WITH_RETRY), "#e0f0ee", "#33736f"),
    "fail": ((Kind.RAISE,), "#fbe9e7", "#962d22"),
}


def _style() -> str:
    rules = [
        f".dv-diagram{{font-family:{metrics.FONT_STACK};font-size:{LABEL_SIZE:g}px}}",
        ".dv-shape{stroke-width:1.5}",
        ".dv-label{fill:var(--dv-text,#1f2328);text-anchor:middle}",
        f".dv-annotation{{fill:var(--dv-muted,#57606a);font-size:{ANNOTATION_SIZE:g}px;"
        "text-anchor:middle}",
        ".dv-dynamic .dv-label{font-style:italic}",
        ".dv-dynamic .dv-shape{stroke-dasharray:5 3;stroke:var(--dv-dynamic,#8250df)}",
        ".dv-edge path{fill:none;stroke:var(--dv-edge,#6e7781);stroke-width:1.4}",
        # Arrowheads are styled by class, never by a style attribute: a host's nonce policy
        # (the VS Code webview) blocks style attributes, which would leave them black.
        ".dv-arrow{fill:var(--dv-edge,#6e7781);stroke:none}",
        ".dv-arrow-error{fill:var(--dv-error,#c0392b);stroke:none}",
        ".dv-error path{stroke:var(--dv-error,#c0392b);stroke-dasharray:5 4}",
        ".dv-back path{stroke-dasharray:2 3}",
        f".dv-edge-label,.dv-block-label,.dv-frame-label,.dv-jump text{{font-size:{SMALL_SIZE:g}px;"
        "fill:var(--dv-muted,#57606a)}",
        ".dv-error .dv-edge-label{fill:var(--dv-error,#c0392b)}",
        ".dv-frame rect{fill:none;stroke:var(--dv-frame,#8c959f);stroke-dasharray:6 4}",
        ".dv-frame.dv-try rect{stroke:var(--dv-try,#c0392b)}",
        ".dv-jump rect{fill:var(--dv-jump-fill,#f6f8fa);stroke:var(--dv-edge,#6e7781)}",
        ".dv-jump-end rect{stroke:var(--dv-terminal-stroke,#4a7293)}",
        ".dv-jump-fail rect{stroke:var(--dv-fail-stroke,#962d22)}",
        ".dv-jump text{text-anchor:middle}",
        ".dv-inner{fill:none;stroke-width:1.5}",
        ".dv-title{font-size:15px;font-weight:600;fill:var(--dv-text,#1f2328)}",
    ]
    for family, (kinds, fill, stroke) in _FAMILIES.items():
        selector = ",".join(f".dv-{k.value} .dv-shape,.dv-{k.value} .dv-inner" for k in kinds)
        if family == "fail":
            selector += ",.dv-fail .dv-shape"
        rules.append(
            f"{selector}{{fill:var(--dv-{family}-fill,{fill});"
            f"stroke:var(--dv-{family}-stroke,{stroke})}}"
        )
    return "".join(rules)


STYLE = _style()
"""The stylesheet every SVG carries (light defaults behind CSS custom properties)."""

_INVALID_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def text_width(text: str, size: float) -> float:
    """Width in px of ``text`` at ``size`` px, from the measured char-width table."""
    return metrics.text_width(text, size)


def _esc(text: str) -> str:
    """Text safe as XML character data or a double-quoted attribute value."""
    text = _INVALID_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def _n(value: float) -> str:
    """A number with at most one decimal, never ``-0``."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _prefix(*parts: object) -> str:
    digest = hashlib.sha1("\0".join(str(p) for p in parts).encode("utf-8", "replace"))
    return "dv" + digest.hexdigest()[:8]


def render_view(view: WorkflowView, direction: str, *, standalone: bool = False) -> str:
    """The SVG of one workflow in one direction.

    Args:
        view: the workflow and its graph.
        direction: ``TD`` or ``LR``.
        standalone: start with an XML declaration (for a file of its own).

    Returns:
        One ``<svg>`` element as text; the same view always gives the same bytes.
    """
    layout = layout_view(view.graph, direction)
    prefix = _prefix(view.file.path, view.workflow.name, view.workflow.line, direction)
    width, height = _n(layout.width), _n(layout.height)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dv-diagram" '
        f'data-workflow="{_esc(view.title)}" data-direction="{direction}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{_esc(f"Workflow {view.title}")}">',
        f"<style>{STYLE}</style>",
        _defs(prefix),
        *_body(layout, view, prefix),
        "</svg>",
    ]
    text = "\n".join(out) + "\n"
    return _PROLOG + text if standalone else text


_PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n'
_TITLE_BAND = 30.0


def render(document: Document) -> str:
    """Every workflow of a document in one SVG file, stacked, each in a titled group.

    Args:
        document: the files and workflows of one run (its direction is used).

    Returns:
        A standalone SVG document ending with a newline.
    """
    direction = document.direction
    if direction not in ("TD", "LR"):
        raise ValueError(f"direction must be TD or LR, not {direction!r}")
    prefix = _prefix(document.path, direction)
    groups: list[str] = []
    y = 0.0
    width = 0.0
    for view in document.views:
        layout = layout_view(view.graph, direction)
        groups.append(
            f'<g class="dv-workflow" data-workflow="{_esc(view.title)}" '
            f'data-file="{_esc(view.file.path)}" transform="translate(0 {_n(y)})">'
        )
        groups.append(
            f'<text class="dv-title" x="16" y="22">{_esc(view.title)}</text>'
            f'<g transform="translate(0 {_n(_TITLE_BAND)})">'
        )
        groups.extend(_body(layout, view, prefix))
        groups.append("</g></g>")
        title_width = text_width(view.title, 15) + 32
        width = max(width, layout.width, title_width)
        y += layout.height + _TITLE_BAND
    w, h = _n(width), _n(y)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dv-diagram" '
        f'data-direction="{direction}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        f'role="img" aria-label="{_esc(f"Workflows of {document.path}")}">'
    )
    body = [head, f"<style>{STYLE}</style>", _defs(prefix), *groups, "</svg>"]
    return _PROLOG + "\n".join(body) + "\n"


def _defs(prefix: str) -> str:
    arrows = [
        f'<marker id="{prefix}-{name}" viewBox="0 0 10 10" refX="10" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path class="dv-{name}" d="M0 0L10 5L0 10z"/></marker>'
        for name in ("arrow", "arrow-error")
    ]
    return "<defs>" + "".join(arrows) + "</defs>"


def _body(layout: Layout, view: WorkflowView, prefix: str) -> list[str]:
    out = ['<g class="dv-frames">']
    out.extend(_frame(frame) for frame in layout.frames)
    out.extend(_text("dv-block-label", lab) for lab in layout.block_labels)
    out.append("</g>")
    out.append('<g class="dv-edges">')
    # Every polyline's position among the diagram's edge paths, for the feeds' data-join.
    position: dict[int, int] = {}
    count = 0
    for edge in layout.edges:
        for number in edge.path_ids + edge.feed_ids:
            if number >= 0:
                position[number] = count
            count += 1
    out.extend(_edge(edge, prefix, position) for edge in layout.edges)
    out.append("</g>")
    out.append('<g class="dv-nodes">')
    out.extend(_node(node, view) for node in layout.nodes)
    out.append("</g>")
    return out


def _text(cls: str, lab: Label) -> str:
    # Small text: 11 px on a 14 px line; the baseline sits about 11 px below the top.
    return f'<text class="{cls}" x="{_n(lab.x + 2)}" y="{_n(lab.y + 11)}">{_esc(lab.text)}</text>'


def _frame(frame: Frame) -> str:
    rect = (
        f'<rect x="{_n(frame.x)}" y="{_n(frame.y)}" width="{_n(frame.width)}" '
        f'height="{_n(frame.height)}" rx="8" stroke-dasharray="6 4"/>'
    )
    if frame.part:
        return f'<g class="dv-frame dv-frame-part dv-{frame.kind.value}">{rect}</g>'
    label = _text("dv-frame-label", frame.label) if frame.label else ""
    return f'<g class="dv-frame dv-{frame.kind.value}" data-id="{frame.id}">{rect}{label}</g>'


def _path(points: list[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in points)


def _edge(edge: DrawnEdge, prefix: str, position: dict[int, int]) -> str:
    classes = ["dv-edge"]
    if edge.back:
        classes.append("dv-back")
    if edge.error:
        classes.append("dv-error")
    if edge.stub is not None:
        classes.append("dv-stub")
    marker = f"{prefix}-arrow-error" if edge.error else f"{prefix}-arrow"
    label = f' data-label="{_esc(edge.label)}"' if edge.label is not None else ""
    parts = [
        f'<g class="{" ".join(classes)}" data-from="{edge.source}" data-to="{edge.target}"{label}>'
    ]
    parts.extend(
        f'<path d="{_path(points)}" marker-end="url(#{marker})"/>' for points in edge.paths
    )
    # Where edges to one target merge, the others stop at the merge point: no arrowhead there.
    # data-join="K I": the route goes on along the diagram's K-th edge path from its I-th point.
    for points, (number, point) in zip(edge.feeds, edge.joins, strict=True):
        join = f' data-join="{position[number]} {point}"' if number in position else ""
        parts.append(f'<path class="dv-feed" d="{_path(points)}"{join}/>')
    parts.extend(_text("dv-edge-label", lab) for lab in edge.labels)
    if edge.stub is not None:
        s = edge.stub
        jump = {END_ID: " dv-jump-end", FAIL_ID: " dv-jump-fail"}.get(s.target, "")
        parts.append(
            f'<g class="dv-jump{jump}"><rect x="{_n(s.x)}" y="{_n(s.y)}" width="{_n(s.width)}" '
            f'height="{_n(s.height)}" rx="{_n(min(s.width, s.height) / 2)}"/>'
            f'<text x="{_n(s.x + s.width / 2)}" y="{_n(s.y + s.height / 2 + 4)}">'
            f"{_esc(s.text)}</text></g>"
        )
    parts.append("</g>")
    return "".join(parts)


def _node(node: NodeBox, view: WorkflowView) -> str:
    graph_node = node.graph_node
    source = graph_node.node
    classes = ["dv-node", f"dv-{node.kind.value}"]
    if node.id == FAIL_ID:
        classes.append("dv-fail")
    if source is not None and source.dynamic:
        classes.append("dv-dynamic")
    attrs = f'class="{" ".join(classes)}" data-id="{node.id}" data-kind="{node.kind.value}"'
    if source is not None:
        path = source.file or view.file.path
        attrs += (
            f' data-line="{source.line}" data-column="{source.column}" data-file="{_esc(path)}"'
        )
    parts = [f'<g {attrs} tabindex="0">', f"<title>{_esc(_title(node, view))}</title>"]
    parts.append(_shape(node))
    parts.extend(_node_text(node))
    parts.append("</g>")
    return "".join(parts)


def _title(node: NodeBox, view: WorkflowView) -> str:
    graph_node = node.graph_node
    source = graph_node.node
    lines = [graph_node.label]
    if source is None:
        return lines[0]
    if source.name is not None and source.name != graph_node.label:
        lines.append(f"name: {source.name}")
    lines.extend(source.annotations)
    if source.target:
        lines.append(f"target: {source.target}")
    if source.via is not None:
        lines.append(f"via {source.via.name} (line {source.via.line})")
    lines.append(f"{source.file or view.file.path}:{source.line}")
    return "\n".join(lines)


def _shape(node: NodeBox) -> str:
    x, y, w, h = node.x, node.y, node.width, node.height
    shape = node.text.shape
    if shape in (Shape.RECT, Shape.STADIUM, Shape.SUBROUTINE):
        rx = h / 2 if shape == Shape.STADIUM else 4
        rect = (
            f'<rect class="dv-shape" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" '
            f'height="{_n(h)}" rx="{_n(rx)}"/>'
        )
        if shape == Shape.SUBROUTINE:
            i = SUBROUTINE_INSET
            rect += (
                f'<path class="dv-inner" d="M{_n(x + i)} {_n(y)}V{_n(y + h)}'
                f'M{_n(x + w - i)} {_n(y)}V{_n(y + h)}"/>'
            )
        return rect
    if shape == Shape.CIRCLE:
        return (
            f'<ellipse class="dv-shape" cx="{_n(x + w / 2)}" cy="{_n(y + h / 2)}" '
            f'rx="{_n(w / 2)}" ry="{_n(h / 2)}"/>'
        )
    s = h / 4
    if shape == Shape.DIAMOND:
        points = [(x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2)]
    elif shape == Shape.TRAPEZOID:
        points = [(x + s, y), (x + w - s, y), (x + w, y + h), (x, y + h)]
    else:  # hexagon
        points = [
            (x + s, y),
            (x + w - s, y),
            (x + w, y + h / 2),
            (x + w - s, y + h),
            (x + s, y + h),
            (x, y + h / 2),
        ]
    text = " ".join(f"{_n(px)},{_n(py)}" for px, py in points)
    return f'<polygon class="dv-shape" points="{text}"/>'


def _node_text(node: NodeBox) -> list[str]:
    t = node.text
    cx = node.x + node.width / 2
    top = node.y + (node.height - t.text_height) / 2
    # Baselines: 13 px text on 16 px lines sits about 12 px below the line's top.
    spans = "".join(
        f'<tspan x="{_n(cx)}" dy="{_n(0 if i == 0 else LABEL_LINE)}">{_esc(line)}</tspan>'
        for i, line in enumerate(t.lines)
    )
    out = [f'<text class="dv-label" x="{_n(cx)}" y="{_n(top + 12)}">{spans}</text>']
    y = top + len(t.lines) * LABEL_LINE + 10.5
    for note in t.annotations:
        out.append(f'<text class="dv-annotation" x="{_n(cx)}" y="{_n(y)}">{_esc(note)}</text>')
        y += ANNOTATION_LINE
    return out
