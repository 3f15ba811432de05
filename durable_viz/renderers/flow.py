"""The structured layout itself: measure every element, then place it and route its edges.

See :mod:`durable_viz.renderers.layout` for the picture this draws. Positions here are in flow
coordinates: ``u`` across the flow (x in ``TD``), ``v`` along it (y in ``TD``). Each element is
measured as an extent around its axis, ``(left, right, height)``; an element's incoming edges
arrive at its top on the axis and its exits leave at its bottom on the axis.

Loops and ``try`` statements are measured and placed in :mod:`.structures`.

Routing mirrors the edge builder (:mod:`durable_viz.edges`): each element receives the pending
edges that lead into it, with the polyline drawn so far, and hands back the pending edges that
leave it. Edges the structure does not route are found afterwards by comparing with the graph
and drawn as stubs.
"""

from __future__ import annotations

from durable_viz.edges import END_ID, FAIL_ID, START_ID, Edge, Graph, GraphNode
from durable_viz.graph import Kind, Node
from durable_viz.renderers.layout import (
    GAP,
    LANE_GAP,
    MARGIN,
    PAD,
    STUB,
    DrawnEdge,
    Label,
    Layout,
    Tree,
    label_size,
)
from durable_viz.renderers.pending import LabelSpec, Pending, merge
from durable_viz.renderers.shapes import size_node
from durable_viz.renderers.structures import loop, try_

__all__ = ["FlowLayout"]

Ext = tuple[float, float, float]
Rect = tuple[float, float, float, float]
_HIDDEN = frozenset({Kind.BREAK, Kind.CONTINUE})
_EXITS = frozenset({Kind.RETURN, Kind.RAISE, Kind.BREAK, Kind.CONTINUE})
_NONE: frozenset[str] = frozenset()
_WORKFLOW = frozenset({"workflow"})


class FlowLayout:
    """One layout run over a graph; ``stubs`` lists the edges to draw as stubs, by source;
    ``tree`` is the tree to walk, with the graph node at each place in it; ``longs`` names the
    stubbed edges an earlier run drew in full, which reserve no room for a marker here."""

    def __init__(
        self,
        graph: Graph,
        lr: bool,
        stubs: dict[str, list[Edge]],
        tree: Tree,
        longs: frozenset[tuple[str, str, str | None]] = frozenset(),
    ) -> None:
        self.graph = graph
        self.lr = lr
        self.stubs = stubs
        self.longs = longs
        """Stubbed edges expected to be drawn in full (see routes.py): no marker, no room."""
        self.tree = tree
        # By place in the tree (see Tree): never by node equality.
        self.gid: dict[int, GraphNode] = tree.ids
        self.by_id = {g.id: g for g in graph.nodes}
        self.graph_keys = {(e.source, e.target, e.label) for e in graph.edges}
        self.error_keys = {(e.label, e.target) for e in graph.edges if e.error}
        self.texts = {
            g.id: size_node(g.kind, g.label, g.node.annotations if g.node else ())
            for g in graph.nodes
            if g.kind is not Kind.TRY
        }
        self.ext: dict[int, Ext] = {}
        self.boxes: list[tuple[GraphNode, float, float]] = []
        self.frames: list[tuple[str, Kind, Rect, LabelSpec | None]] = []
        self.lane_labels: list[LabelSpec] = []
        self.edges: dict[tuple[str, str, str | None], DrawnEdge] = {}
        self.markers: list[tuple[Edge, str, Rect]] = []
        self.stub_paths: list[list[tuple[float, float]]] = []
        self.long: dict[int, list[tuple[float, float]]] = {}
        """Stubs (by index in ``markers``) drawn as full edges instead: see routes.py."""
        self.long_labels: dict[int, LabelSpec] = {}
        self.lines = 0
        """Polylines drawn so far (numbers them for ``DrawnEdge.joins``)."""

    # -- sizes -----------------------------------------------------------------------------------

    def size(self, node_id: str) -> tuple[float, float]:
        """Flow size ``(across, along)`` of a node's box."""
        text = self.texts[node_id]
        return (text.height, text.width) if self.lr else (text.width, text.height)

    def _marker_texts(self, node_id: str) -> list[tuple[Edge, str, float, float]]:
        out = []
        for edge in self.stubs.get(node_id, ()):
            if (edge.source, edge.target, edge.label) in self.longs:
                continue
            name = self.by_id[edge.target].label  # "End", "Fail", or the target's label
            text = f"{edge.label} \u2192 {name}" if edge.label else f"\u2192 {name}"
            text, cu, cv = label_size(text, self.lr)
            out.append((edge, text, cu + (0 if self.lr else 8), cv + (8 if self.lr else 6)))
        return out

    def _marker_start(self, node_id: str, cv: float, first: float) -> float:
        # A loop's "done" edge leaves from its side: its stubs go below that.
        if self.by_id[node_id].kind is Kind.LOOP:
            return cv / 2 + 8
        # Centred on the node's side, but never reaching before the node's own start.
        return max(0.0, cv / 2 - first / 2)

    def head(self, node_id: str) -> Ext:
        """Extent of a node's box together with its stub markers."""
        cu, cv = self.size(node_id)
        markers = self._marker_texts(node_id)
        if not markers:
            return cu / 2, cu / 2, cv
        start = self._marker_start(node_id, cv, markers[0][3])
        total = sum(m[3] for m in markers) + 6 * (len(markers) - 1)
        return cu / 2, cu / 2 + STUB + max(m[2] for m in markers), max(cv, start + total)

    def place_head(self, node_id: str, u: float, v: float) -> None:
        """Place a node's box with its top centre at ``(u, v)``, and its stubs."""
        graph_node = self.by_id[node_id]
        self.boxes.append((graph_node, u, v))
        stubs = self.stubs.get(node_id)
        if not stubs:
            return
        cu, cv = self.size(node_id)
        side = (u + cu / 2, v + cv / 2)
        for edge in stubs:
            if (edge.source, edge.target, edge.label) in self.longs:
                # To be drawn in full from the node's side: an empty marker, which the route
                # replaces (see routes.py; the layout is redone with room if it does not).
                self.stub_paths.append([side, side])
                self.markers.append((edge, "", (side[0], side[1], 0.0, 0.0)))
        markers = self._marker_texts(node_id)
        if not markers:
            return
        mv = v + self._marker_start(node_id, cv, markers[0][3])
        for edge, text, mcu, mcv in markers:
            mid = mv + mcv / 2
            path = [side, (side[0] + STUB / 2, side[1])]
            if abs(mid - side[1]) > 1e-6:
                path.append((side[0] + STUB / 2, mid))
            path.append((side[0] + STUB, mid))
            self.stub_paths.append(path)
            self.markers.append((edge, text, (side[0] + STUB, mv, mcu, mcv)))
            mv += mcv + 6

    # -- measuring -------------------------------------------------------------------------------

    def measure_seq(self, nodes: tuple[Node, ...]) -> Ext:
        """Extent of a sequence: its elements stacked with a gap between them."""
        left = right = height = 0.0
        first = True
        for node in nodes:
            if node.kind in _HIDDEN:
                continue
            el, er, eh = self.measure(node)
            if eh == 0:
                continue
            height += eh if first else eh + GAP
            left, right, first = max(left, el), max(right, er), False
        return left, right, height

    def measure(self, node: Node) -> Ext:
        """Extent of one element (memoised: every element is measured once)."""
        key = id(node)
        found = self.ext.get(key)
        if found is not None:
            return found
        kind = node.kind
        if kind is Kind.SCOPE:
            ext = self.measure_seq(node.blocks[0].nodes if node.blocks else ())
        elif kind is Kind.TRY:
            ext = try_(self, node, 0, 0, None, _NONE)[0]
        elif kind is Kind.LOOP:
            ext = loop(self, node, 0, 0, None, _NONE)[0]
        elif kind is Kind.CONDITION:
            ext = self._condition(node, 0, 0, None, _NONE)[0]
        elif node.blocks:
            ext = self._container(node, 0, 0, None, _NONE)[0]
        else:
            ext = self.head(self.gid[key].id)
        self.ext[key] = ext
        return ext

    # -- placing ---------------------------------------------------------------------------------

    def connect(self, pending: list[Pending], target: str, u: float, v: float) -> None:
        """End pending edges at ``target``, whose entry point is ``(u, v)``."""
        for p in pending:
            p.to(u, v)
            numbers: dict[int, int] = {}  # id of a drawn member -> its polyline's number
            for member in p.members():
                if not self._valid(member, target):
                    continue  # not an edge of the graph (code no run reaches, for one)
                # A follower is drawn up to where it meets a drawn edge it merged into; with
                # none (every edge it joined is not drawn), all the way to the target.
                points = list(member.points)
                child = member
                while child.parent is not None and not self._valid(child.parent, target):
                    points.extend(child.parent.points[child.join + 1 :])
                    child = child.parent
                key = (member.source, target, member.label)
                edge = self.edges.get(key)
                if edge is None:
                    edge = DrawnEdge(member.source, target, member.label, member.back, member.error)
                    self.edges[key] = edge
                number = numbers[id(member)] = self.lines
                self.lines += 1
                if child.parent is None:
                    edge.paths.append(points)
                    edge.path_ids.append(number)
                else:
                    # members() lists a bundle breadth-first: the polyline joined is drawn.
                    edge.feeds.append(points)
                    edge.feed_ids.append(number)
                    edge.joins.append((numbers[id(child.parent)], child.join))
                edge.labels.extend(Label(*item) for item in member.labels)

    def _valid(self, p: Pending, target: str) -> bool:
        """True when the graph has this edge (for a try, an error edge it stands for)."""
        if (p.source, target, p.label) in self.graph_keys:
            return True
        return self.by_id[p.source].kind is Kind.TRY and (p.label, target) in self.error_keys

    def place_seq(
        self,
        nodes: tuple[Node, ...],
        u: float,
        v: float,
        incoming: list[Pending],
        tail: frozenset[str],
    ) -> list[Pending]:
        """Place a sequence with its top centre at ``(u, v)``; returns its exits."""
        last = len(nodes) - 1
        first = True
        for index, node in enumerate(nodes):
            if node.kind in _HIDDEN:
                incoming = []  # break/continue jump away: drawn as stubs from their sources
                continue
            height = self.measure(node)[2]
            if height == 0 and node.kind is not Kind.SCOPE:
                continue
            if not first and height:
                v += GAP
            incoming = self.place(node, u, v, incoming, tail if index == last else _NONE)
            v += height
            first = first and not height
        return incoming

    def place(
        self, node: Node, u: float, v: float, incoming: list[Pending], tail: frozenset[str]
    ) -> list[Pending]:
        """Place one element with its top centre at ``(u, v)``; returns its exits."""
        kind = node.kind
        if kind is Kind.SCOPE:
            inner = node.blocks[0].nodes if node.blocks else ()
            return self.place_seq(inner, u, v, incoming, tail | {"function"})
        if kind is Kind.TRY:
            return try_(self, node, u, v, incoming, tail)[1]
        if kind is Kind.LOOP:
            return loop(self, node, u, v, incoming, tail)[1]
        if kind is Kind.CONDITION:
            return self._condition(node, u, v, incoming, tail)[1]
        if node.blocks:
            return self._container(node, u, v, incoming, tail)[1]
        node_id = self.gid[id(node)].id
        self.connect(incoming, node_id, u, v)
        self.place_head(node_id, u, v)
        height = self.measure(node)[2]
        if kind is Kind.RAISE or (kind is Kind.RETURN and node.scope not in tail):
            return []
        return [self.out(node_id, u, v).to(u, v + height)]

    def out(self, node_id: str, u: float, v: float, label: str | None = None) -> Pending:
        """A pending edge leaving a node's bottom (placed at top centre ``(u, v)``)."""
        return Pending(node_id, [(u, v + self.size(node_id)[1])], label)

    def _lane_axes(
        self, lanes: list[tuple[Ext, float]], centered: bool, start: float = 0.0
    ) -> tuple[list[float], float, float]:
        """Axes of lanes side by side, each lane ``(extent, label width)``; plus the extent."""
        axes: list[float] = []
        right_edge = 0.0
        for index, ((left, right, _), label_u) in enumerate(lanes):
            if index == 0:
                axes.append(start)
            else:
                axes.append(right_edge + LANE_GAP + max(left, 6.0))
            right_edge = axes[-1] + max(right, label_u + 4 if label_u else 6.0)
        first_left = max(lanes[0][0][0], 6.0)
        shift = 0.0
        if centered and len(axes) % 2:
            shift = -axes[len(axes) // 2]  # the middle lane continues the axis: no jog
        elif centered:
            shift = -(right_edge + (start - first_left)) / 2
        axes = [a + shift for a in axes]
        return axes, first_left - (start + shift), right_edge + shift

    def _condition(
        self, node: Node, u: float, v: float, incoming: list[Pending] | None, tail: frozenset[str]
    ) -> tuple[Ext, list[Pending]]:
        node_id = self.gid[id(node)].id
        hl, hr, hh = self.head(node_id)
        # An outcome that starts with break/continue leaves at once: its edge is a stub from the
        # condition, and an empty lane for it would only push the other outcomes aside.
        outcomes: list[tuple[tuple[Node, ...], str | None]] = [
            (b.nodes, b.label) for b in node.blocks if not (b.nodes and b.nodes[0].kind in _HIDDEN)
        ]
        if node.fallthrough is not None:
            outcomes.append(((), node.fallthrough))
        # Outcomes that end in an exit go last (rightmost): the path that carries on stays on the
        # axis, and the exit has open space on its right for a full edge to End or Fail.
        outcomes.sort(key=lambda outcome: bool(outcome[0]) and outcome[0][-1].kind in _EXITS)
        if not outcomes:
            outcomes.append(((), None))
        labels = [label_size(label, self.lr) if label else None for _, label in outcomes]
        exts = [self.measure_seq(nodes) for nodes, _ in outcomes]
        axes, left, right = self._lane_axes(
            [(e, lab[1] if lab else 0.0) for e, lab in zip(exts, labels, strict=True)], False
        )
        band = max((lab[2] for lab in labels if lab), default=0.0) + 8
        v_fork = hh + GAP / 2
        v_top = v_fork + band + 6
        v_join = v_top + max(e[2] for e in exts) + GAP / 2
        ext = (max(hl, left), max(hr, right), v_join)
        if incoming is None:
            return ext, []
        self.connect(incoming, node_id, u, v)
        self.place_head(node_id, u, v)
        exits: list[Pending] = []
        for (nodes, label), lab, axis in zip(outcomes, labels, axes, strict=True):
            p = self.out(node_id, u, v, label).to(u, v + v_fork).to(u + axis, v + v_fork)
            if lab:
                p.labels.append((lab[0], u + axis + 4, v + v_fork + 4, lab[1], lab[2]))
            p.to(u + axis, v + v_top)
            for out in merge(self.place_seq(nodes, u + axis, v + v_top, [p], tail)):
                exits.append(out.to(u + axis, v + v_join).to(u, v + v_join))
        return ext, merge(exits)

    def _container(
        self, node: Node, u: float, v: float, incoming: list[Pending] | None, tail: frozenset[str]
    ) -> tuple[Ext, list[Pending]]:
        node_id = self.gid[id(node)].id
        hl, hr, hh = self.head(node_id)
        several = len(node.blocks) > 1
        labels = [
            label_size(b.label, self.lr) if several and b.label else None for b in node.blocks
        ]
        exts = [self.measure_seq(b.nodes) for b in node.blocks]
        axes, left, right = self._lane_axes(
            [(e, lab[1] if lab else 0.0) for e, lab in zip(exts, labels, strict=True)], several
        )
        # The frame carries no label: the container's node, right above it, names it (and shows
        # its kind and annotations); a label would repeat the name just under it.
        frame_left = -(left + PAD)
        frame_right = right + PAD
        band = max((lab[2] for lab in labels if lab), default=-8.0) + 8
        v_frame = hh + GAP / 2
        v_fork = v_frame + PAD
        v_top = v_fork + band + 8
        v_bottom = v_top + max(e[2] for e in exts) + PAD
        v_join = v_bottom + GAP / 2
        ext = (max(hl, -frame_left), max(hr, frame_right), v_join)
        if incoming is None:
            return ext, []
        self.connect(incoming, node_id, u, v)
        self.place_head(node_id, u, v)
        rect = (u + frame_left, v + v_frame, frame_right - frame_left, v_bottom - v_frame)
        self.frames.append((node_id, node.kind, rect, None))
        inner_tail = tail | {"function"}
        exits: list[Pending] = []
        for block, lab, axis in zip(node.blocks, labels, axes, strict=True):
            p = self.out(node_id, u, v).to(u, v + v_fork).to(u + axis, v + v_fork)
            p.to(u + axis, v + v_top)
            if lab:
                self.lane_labels.append((lab[0], u + axis + 4, v + v_fork + 4, lab[1], lab[2]))
            for out in merge(self.place_seq(block.nodes, u + axis, v + v_top, [p], inner_tail)):
                exits.append(out.to(u + axis, v + v_join).to(u, v + v_join))
        return ext, merge(exits)

    # -- the whole workflow ----------------------------------------------------------------------

    def run(self) -> None:
        """Place Start, the workflow's elements, End and (when reached) Fail."""
        nodes = self.tree.nodes
        start_cv = self.head(START_ID)[2]  # with its stubs, if error edges leave from it
        self.place_head(START_ID, 0.0, 0.0)
        pending = [self.out(START_ID, 0.0, 0.0)]
        height = self.measure_seq(nodes)[2]
        exits = self.place_seq(nodes, 0.0, start_cv + GAP, pending, _WORKFLOW)
        v_end = start_cv + GAP + (height + GAP if height else 0.0)
        self.connect(exits, END_ID, 0.0, v_end)
        self.place_head(END_ID, 0.0, v_end)
        if FAIL_ID in self.by_id:
            end_cu = self.size(END_ID)[0]
            fail_cu = self.size(FAIL_ID)[0]
            self.place_head(FAIL_ID, end_cu / 2 + LANE_GAP + fail_cu / 2, v_end)

    def undrawn(self) -> list[Edge]:
        """Edges of the graph that the structure did not route (to be drawn as stubs)."""
        drawn_keys, covered = self._drawn()
        return [
            e
            for e in self.graph.edges
            if (e.source, e.target, e.label) not in drawn_keys
            and not (e.error and (e.label, e.target) in covered)
        ]

    def _drawn(self) -> tuple[set[tuple[str, str, str | None]], set[tuple[str | None, str]]]:
        keys = {(e.source, e.target, e.label) for e in self.graph.edges}
        drawn_keys = {k for k in self.edges if k in keys}
        covered = {(k[2], k[1]) for k in self.edges if self.by_id[k[0]].kind is Kind.TRY}
        return drawn_keys, covered

    def result(self) -> Layout:
        """The placed diagram in x/y px."""
        from durable_viz.renderers.assemble import assemble

        return assemble(self, MARGIN)
