"""Geometry of the SVG diagram, computed from the block tree (no SVG text here).

The layout follows the structure of the code rather than running a generic graph layout, so
structured control flow never crosses itself and the picture is the same on every run:

- a sequence stacks its elements along the main axis (down in ``TD``, right in ``LR``);
- a parallel, map or combinator puts its blocks side by side in a dashed frame, between a fork
  below the container node and a join after the frame;
- a condition splits into one lane per outcome, plus an empty lane for the implicit ``no``
  (a bypass), and merges below them;
- a loop draws its back edge in a channel on one side of the body and its ``done`` edge in a
  channel on the other side;
- a ``try`` is a dashed frame holding the body (in its own inner frame) with the handlers beside
  it: one dashed error edge leaves the body's frame for each handler; ``finally`` follows.

Everything is computed in *flow* coordinates (``u`` across the flow, ``v`` along it) and turned
into ``x``/``y`` at the end, which is all that differs between ``TD`` and ``LR``.

Exits the structure does not route (``return``/``raise`` from inside a block, ``break``/
``continue``, exits that pass through a ``finally``):

- a ``return`` that is the last thing on its way out (nothing would run after it anyway) flows
  into ``End`` like any other exit;
- an exit to End or Fail gets a full edge, out to a channel beside the whole diagram and down,
  when that edge touches nothing else (:mod:`.routes`); lanes ending in an exit are placed last
  (rightmost in ``TD``) so that this is the common case, a guard clause's ``raise`` for one;
- anything else is a short *stub*: an edge from the node's side to a small marker naming where it
  goes (``End``, ``Fail`` or the target's label), with the real target id in ``data-to``. A long
  edge from deep inside nested lanes cannot avoid crossing the lanes beside it in general; the
  stub keeps the picture free of crossings and still names the target.

Edges that merge on their way to one target (the exits of a condition's lanes, say) share the
route from the merge point: one of them carries on with the arrowhead, the others stop there
(``feeds``). Drawing every edge in full would repeat the shared route once per edge and level,
which is quadratic in the nesting depth.

Sizes: :func:`layout_view` measures every element once (bottom-up, memoised), then places them
(top-down) while routing the edges, so the whole layout is linear in the number of nodes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from durable_viz.edges import Edge, Graph, GraphNode
from durable_viz.graph import Block, Kind, Node, walk
from durable_viz.renderers.metrics import text_width
from durable_viz.renderers.shapes import SMALL_LINE, SMALL_SIZE, TextBlock, ellipsize

__all__ = [
    "DrawnEdge",
    "Frame",
    "Label",
    "Layout",
    "NodeBox",
    "Stub",
    "Tree",
    "block_nodes",
    "blocks_with",
    "drawn",
    "label_size",
    "layout_view",
    "positions",
]

Point = tuple[float, float]

GAP = 32.0
"""Space between elements along the flow."""
LANE_GAP = 28.0
"""Space between lanes side by side."""
CHANNEL = 18.0
"""Distance from a body to the loop channel beside it."""
PAD = 12.0
"""Padding inside a frame."""
STUB = 26.0
"""Length of a stub edge."""
MARGIN = 16.0
LABEL_MAX = 150.0
"""Edge labels, lane labels and frame labels are ellipsised beyond this width."""

_HIDDEN = frozenset({Kind.BREAK, Kind.CONTINUE})
_UNNUMBERED = frozenset({Kind.BREAK, Kind.CONTINUE, Kind.SCOPE})
"""Kinds the edge builder gives no graph node (it numbers every other node in pre-order)."""


@dataclass(slots=True)
class NodeBox:
    """A drawn node: where it is and its text. ``x``/``y`` is the top-left corner."""

    id: str
    kind: Kind
    graph_node: GraphNode
    text: TextBlock
    x: float = 0.0
    y: float = 0.0

    @property
    def width(self) -> float:
        """Outer width in px."""
        return self.text.width

    @property
    def height(self) -> float:
        """Outer height in px."""
        return self.text.height


@dataclass(slots=True)
class Label:
    """A piece of text on an edge, a lane or a frame; ``x``/``y`` is the top-left corner."""

    text: str
    x: float
    y: float
    width: float
    height: float


@dataclass(slots=True)
class Frame:
    """A dashed rounded frame around a container's blocks, or around a ``try``.

    ``part`` marks the inner frame around a ``try`` body (no id of its own).
    """

    id: str
    kind: Kind
    x: float
    y: float
    width: float
    height: float
    label: Label | None
    part: bool = False


@dataclass(slots=True)
class Stub:
    """The marker at the end of a stub edge, naming where the edge goes."""

    target: str
    text: str
    x: float
    y: float
    width: float
    height: float


@dataclass(slots=True)
class DrawnEdge:
    """An edge as drawn: one or more polylines (several when lanes merge into the same edge)."""

    source: str
    target: str
    label: str | None
    back: bool = False
    error: bool = False
    stub: Stub | None = None
    paths: list[list[Point]] = field(default_factory=list)
    feeds: list[list[Point]] = field(default_factory=list)
    """Polylines that end where they join another drawn edge to the same target (no arrow)."""
    labels: list[Label] = field(default_factory=list)
    path_ids: list[int] = field(default_factory=list)
    """A number for each of ``paths`` (-1: nothing joins it), unique in the layout."""
    feed_ids: list[int] = field(default_factory=list)
    """A number for each of ``feeds``, unique in the layout."""
    joins: list[tuple[int, int]] = field(default_factory=list)
    """For each of ``feeds``: the polyline it joins (its number) and the index of the point
    there, so the feed's whole route is itself, then that polyline from that point on."""


@dataclass(slots=True)
class Layout:
    """The whole diagram of one workflow in one direction."""

    direction: str
    width: float
    height: float
    nodes: list[NodeBox]
    frames: list[Frame]
    edges: list[DrawnEdge]
    block_labels: list[Label] = field(default_factory=list)
    """Branch names written beside the top of their lane."""


def layout_view(graph: Graph, direction: str) -> Layout:
    """Lay out one workflow's graph.

    Args:
        graph: the edge builder's graph of the workflow.
        direction: ``TD`` (flow downwards) or ``LR`` (flow to the right).

    Returns:
        Boxes, frames and edge polylines in px, with the origin at the top-left corner.
    """
    if direction not in ("TD", "LR"):
        raise ValueError(f"direction must be TD or LR, not {direction!r}")
    # The layout allocates many small, short-lived objects and frees none of them until the
    # end: cyclic garbage collection passes over them find nothing and, as the heap grows, make
    # the run grow faster than the graph. Pause the collector for the run (reference counting
    # still frees everything), as long as the caller had it on.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _layout(graph, direction)
    finally:
        if paused:
            gc.enable()


def _layout(graph: Graph, direction: str) -> Layout:
    from durable_viz.renderers.flow import FlowLayout
    from durable_viz.renderers.routes import route_exits

    tree = positions(graph)
    first = FlowLayout(graph, direction == "LR", {}, tree)
    first.run()
    missing = first.undrawn()
    if not missing:
        return first.result()
    stubs: dict[str, list[Edge]] = {}
    for edge in missing:
        stubs.setdefault(edge.source, []).append(edge)
    second = FlowLayout(graph, direction == "LR", stubs, tree)
    second.run()
    route_exits(second)
    if not second.long:
        return second.result()
    # Stubs drawn in full need no room for their marker: lay out again without it, and keep
    # that layout if every one of those edges is still clear in it (it nearly always is: the
    # routes run beside the whole diagram, which only gets smaller).
    longs = frozenset(_key(second.markers[i][0]) for i in second.long)
    third = FlowLayout(graph, direction == "LR", stubs, tree, longs)
    third.run()
    route_exits(third)
    if longs <= {_key(third.markers[i][0]) for i in third.long}:
        return third.result()
    return second.result()


def _key(edge: Edge) -> tuple[str, str, str | None]:
    return edge.source, edge.target, edge.label


@dataclass(slots=True)
class Tree:
    """The tree the layout walks, and the graph node drawn at each place in it.

    ``ids`` maps ``id()`` of a node *in ``nodes``* to the graph node numbered at that place.
    Keys are object identities, never node equality (two equal nodes in two places are two
    boxes), and every place holds its own object: a tree that holds one node object in two
    places is copied first, so each place gets its own key.
    """

    nodes: tuple[Node, ...]
    ids: dict[int, GraphNode]


def positions(graph: Graph) -> Tree:
    """The tree of ``graph.workflow`` (the edge builder's, labelled blocks spliced out) with
    the graph node of every place in it, matched by position: the edge builder numbers the
    tree's nodes in pre-order, skipping ``break``, ``continue`` and ``scope``."""
    nodes = graph.workflow.nodes
    seen: set[int] = set()
    for node in walk(nodes):
        if id(node) in seen:
            nodes = tuple(_fresh(n) for n in nodes)
            break
        seen.add(id(node))
    numbered = iter(graph.nodes[1:])
    ids: dict[int, GraphNode] = {}
    for node in walk(nodes):
        if node.kind not in _UNNUMBERED:
            graph_node = next(numbered, None)
            if graph_node is None or graph_node.kind is not node.kind:
                raise ValueError("the graph does not number its workflow's tree")
            ids[id(node)] = graph_node
    return Tree(nodes, ids)


def _fresh(node: Node) -> Node:
    """A copy of a subtree in which every place holds a new object."""
    if not node.blocks:
        return replace(node)
    blocks = tuple(replace(b, nodes=tuple(_fresh(n) for n in b.nodes)) for b in node.blocks)
    return replace(node, blocks=blocks)


def label_size(text: str, lr: bool) -> tuple[str, float, float]:
    """Ellipsised small text and its flow-space size ``(across, along)``."""
    text = ellipsize(" ".join(text.split()), LABEL_MAX, SMALL_SIZE)
    width = text_width(text, SMALL_SIZE) + 4
    return (text, SMALL_LINE, width) if lr else (text, width, SMALL_LINE)


def block_nodes(node: Node, role: str) -> tuple[Node, ...]:
    """The nodes of ``node``'s first block with this role (empty when there is none)."""
    return next((b.nodes for b in node.blocks if b.role == role), ())


def blocks_with(node: Node, role: str) -> list[Block]:
    """Every block of ``node`` with this role, in order."""
    return [b for b in node.blocks if b.role == role]


def drawn(nodes: Iterable[Node]) -> bool:
    """True when a sequence holds anything that gets a box."""
    return any(n.kind not in _HIDDEN for n in nodes)
