"""The edge builder: turns a workflow's block tree into nodes and edges, once, for every renderer.

Every path a run can take through the code is a path from Start to End (or Fail) in the result:
sequence, fan-out and join, condition outcomes (including the implicit path around a block that
may not run), loops with their back edge and exit, try bodies with an error edge to each handler,
``finally`` after both, and exits that leave early. The construction is the usual one for
structured control flow: each element receives the list of pending edges that lead into it and
returns the pending edges that leave it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from durable_viz.graph import CONTAINER_KINDS, Kind, Node, Workflow, walk

__all__ = ["END_ID", "FAIL_ID", "START_ID", "Edge", "Graph", "GraphNode", "build_graph"]

START_ID = "start"
END_ID = "end"
FAIL_ID = "fail"

_HIDDEN = frozenset({Kind.BREAK, Kind.CONTINUE, Kind.SCOPE})
_JUMP_KINDS = frozenset({Kind.BREAK, Kind.CONTINUE})
_JUMPS = frozenset({"break", "continue"})
_SELF_ROUTED = _JUMP_KINDS | {Kind.LOOP}
_GROUPS = frozenset({Kind.TRY})


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A node of the drawn graph: a tree node with its id and where it sits."""

    id: str
    kind: Kind
    label: str
    node: Node | None = None
    parent: str | None = None
    block: str | None = None
    block_index: int | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    """A directed edge between two node ids."""

    source: str
    target: str
    label: str | None = None
    back: bool = False
    error: bool = False


@dataclass(frozen=True, slots=True)
class Graph:
    """A workflow drawn as nodes (pre-order, Start first, End/Fail last) and edges.

    ``workflow`` is the tree renderers walk: the parser's, with each labelled block (a ``scope``
    with a ``jump_label``) replaced by its statements, since only the edges need its bounds.
    """

    workflow: Workflow
    nodes: tuple[GraphNode, ...]
    edges: tuple[Edge, ...]

    def node(self, node_id: str) -> GraphNode:
        """The node with this id."""
        for graph_node in self.nodes:
            if graph_node.id == node_id:
                return graph_node
        raise KeyError(node_id)


# The builder's own bookkeeping: plain slotted classes, which cost nothing to define at import
# (dataclasses generate code for each class, which shows in a command-line tool's start-up).


class _Pending:
    """An edge whose source is known and whose target is whatever comes next."""

    __slots__ = ("back", "error", "label", "source")

    def __init__(
        self, source: str, label: str | None = None, back: bool = False, error: bool = False
    ) -> None:
        self.source = source
        self.label = label
        self.back = back
        self.error = error


class _LoopFrame:
    """A loop, or (``loop_id`` None) another statement a labelled ``break`` may leave."""

    __slots__ = ("breaks", "label", "loop_id")

    def __init__(self, loop_id: str | None, label: str | None = None) -> None:
        self.loop_id = loop_id
        self.label = label
        self.breaks: list[_Pending] = []

    def takes(self, how: str, label: str | None) -> bool:
        """Whether a ``break``/``continue`` (naming ``label``, if any) stops at this frame."""
        if how == "continue" and self.loop_id is None:
            return False
        return self.label == label if label is not None else self.loop_id is not None


class _FunctionFrame:
    __slots__ = ("returns",)

    def __init__(self) -> None:
        self.returns: list[_Pending] = []


class _TryFrame:
    __slots__ = ("escapes", "has_finally", "in_body", "node", "sources")

    def __init__(self, node: Node, has_finally: bool = False) -> None:
        self.node = node
        self.in_body = True
        self.has_finally = has_finally
        self.sources: list[str] = []
        self.escapes: dict[str, list[_Pending]] = {}


_Frame = _LoopFrame | _FunctionFrame | _TryFrame


def build_graph(workflow: Workflow) -> Graph:
    """Build the drawn graph of one workflow."""
    return _Builder(_unshared(workflow)).build()


def _unshared(workflow: Workflow) -> Workflow:
    """The workflow with a node object of its own in every place.

    Ids are keyed by object identity while the graph is built. A parser may put one node object
    in two places (a case body repeated where another case falls through into it); each place
    is still a node of its own, so such a tree is copied with every node fresh. Trees without
    sharing, which is all of them in practice, are returned as they are.
    """
    seen: set[int] = set()
    stack = list(workflow.nodes)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return replace(workflow, nodes=_fresh(workflow.nodes))
        seen.add(id(node))
        for block in node.blocks:
            stack.extend(block.nodes)
    return workflow


def _fresh(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    return tuple(
        replace(node, blocks=tuple(replace(b, nodes=_fresh(b.nodes)) for b in node.blocks))
        for node in nodes
    )


class _Builder:
    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow
        self.ids: dict[int, str] = {}
        self.graph_nodes: list[GraphNode] = [GraphNode(START_ID, Kind.START, "Start")]
        self.edges: list[Edge] = []
        self.seen_edges: set[tuple[str, str, str | None]] = set()
        self.frames: list[_Frame] = []
        # The function and try frames among them: what an operation's error reaches, without a
        # walk past every loop and labelled statement it sits in (deep nesting stays linear).
        self.catchers: list[_FunctionFrame | _TryFrame] = []
        self.pending_ends: list[_Pending] = []
        self.pending_fails: list[_Pending] = []
        self.reaches_fail = False
        # What renderers see of each node, where it differs (see ``Graph``).
        self.drawn: dict[int, Node] = {}
        self.drawn_nodes = _without_labelled_blocks(workflow.nodes, self.drawn)
        self._number(workflow.nodes, parent=None, block=None, index=None)

    # -- ids -------------------------------------------------------------------------------------

    def _number(
        self, nodes: tuple[Node, ...], parent: str | None, block: str | None, index: int | None
    ) -> None:
        for node in nodes:
            if node.kind in _HIDDEN:
                for sub in node.blocks:
                    self._number(sub.nodes, parent, block, index)
                continue
            node_id = f"n{len(self.graph_nodes)}"
            self.ids[id(node)] = node_id
            drawn = self.drawn.get(id(node), node)
            self.graph_nodes.append(
                GraphNode(node_id, node.kind, node.label, drawn, parent, block, index)
            )
            for i, sub in enumerate(node.blocks):
                self._number(sub.nodes, node_id, sub.label or sub.role, i)

    def _entry(self, nodes: tuple[Node, ...]) -> str | None:
        """The id of the first flow node a run reaches in ``nodes``."""
        for node in nodes:
            if node.kind in (Kind.BREAK, Kind.CONTINUE):
                return None
            if node.kind in _HIDDEN or node.kind in _GROUPS:
                if node.blocks and (first := self._entry(node.blocks[0].nodes)):
                    return first
                continue
            return self.ids[id(node)]
        return None

    # -- edges -----------------------------------------------------------------------------------

    def build(self) -> Graph:
        exits = self._sequence(self.workflow.nodes, [_Pending(START_ID)])
        self.graph_nodes.append(GraphNode(END_ID, Kind.END, "End"))
        self._connect(exits, END_ID)
        self._connect(self.pending_ends, END_ID)
        if self.reaches_fail:
            self.graph_nodes.append(GraphNode(FAIL_ID, Kind.END, "Fail"))
            self._connect(self.pending_fails, FAIL_ID)
        plain = {(e.source, e.target) for e in self.edges if e.label is None}
        edges = tuple(
            e for e in self.edges if not (e.label == "return" and (e.source, e.target) in plain)
        )
        workflow = self.workflow
        if self.drawn_nodes is not workflow.nodes:
            workflow = replace(workflow, nodes=self.drawn_nodes)
        return Graph(workflow, tuple(self.graph_nodes), edges)

    def _connect(self, pending: list[_Pending], target: str) -> None:
        for p in pending:
            if p.source == target and not p.back:
                continue
            key = (p.source, target, p.label)
            if key in self.seen_edges:
                continue
            self.seen_edges.add(key)
            self.edges.append(Edge(p.source, target, p.label, p.back, p.error))

    def _sequence(self, nodes: tuple[Node, ...], incoming: list[_Pending]) -> list[_Pending]:
        incoming = list(incoming)  # callers extend what they get back: never hand out theirs
        for node in nodes:
            incoming = self._visit(node, incoming)
        return incoming

    def _visit(self, node: Node, incoming: list[_Pending]) -> list[_Pending]:
        if node.jump_label is not None and node.kind not in _SELF_ROUTED:
            # A labelled statement that is not a loop (a switch, an if, a block): a ``break``
            # naming it goes on after it. (A loop's own frame carries its label.)
            frame = _LoopFrame(None, node.jump_label)
            self._enter(frame)
            exits = self._visit_node(node, incoming)
            self._leave()
            return exits + frame.breaks
        return self._visit_node(node, incoming)

    def _visit_node(self, node: Node, incoming: list[_Pending]) -> list[_Pending]:
        kind = node.kind
        if kind is Kind.SCOPE:
            inner = node.blocks[0].nodes if node.blocks else ()
            if node.jump_label is not None:
                return self._sequence(inner, incoming)  # a labelled block: ``_visit`` framed it
            return self._function_scope(inner, incoming)
        if kind in _JUMP_KINDS:
            self._route_jump(incoming, kind.value, node.jump_label)
            return []
        if kind is Kind.TRY:
            return self._try(node, incoming)
        node_id = self.ids[id(node)]
        if kind is Kind.LOOP:
            return self._loop(node, node_id, incoming)
        self._connect(incoming, node_id)
        if node.is_operation:
            self._record_error_source(node_id)
        if kind is Kind.RETURN:
            self._route_return(_Pending(node_id), node.scope)
            return []
        if kind is Kind.RAISE:
            self._route_raise([_Pending(node_id)], start=len(self.frames) - 1)
            return []
        if kind is Kind.CONDITION:
            return self._condition(node, node_id)
        if kind in CONTAINER_KINDS:
            return self._container(node, node_id)
        return [_Pending(node_id)]

    def _container(self, node: Node, node_id: str) -> list[_Pending]:
        exits: list[_Pending] = []
        for block in node.blocks:
            exits.extend(self._function_scope(block.nodes, [_Pending(node_id)]))
        # A block that raises on every path leaves no way on: no edge past the container then.
        return exits if node.blocks else [_Pending(node_id)]

    def _function_scope(self, nodes: tuple[Node, ...], incoming: list[_Pending]) -> list[_Pending]:
        frame = _FunctionFrame()
        self._enter(frame)
        exits = self._sequence(nodes, incoming)
        self._leave()
        return exits + frame.returns

    def _condition(self, node: Node, node_id: str) -> list[_Pending]:
        exits: list[_Pending] = []
        for block in node.blocks:
            exits.extend(self._sequence(block.nodes, [_Pending(node_id, block.label)]))
        if node.fallthrough is not None:
            exits.append(_Pending(node_id, node.fallthrough))
        return exits

    def _loop(self, node: Node, node_id: str, incoming: list[_Pending]) -> list[_Pending]:
        body = next((b.nodes for b in node.blocks if b.role == "body"), ())
        orelse = next((b.nodes for b in node.blocks if b.role == "else"), ())
        again = "repeat" if node.do_while or node.infinite else "next item"
        frame = _LoopFrame(node_id, node.jump_label)
        self._enter(frame)
        if node.do_while:
            # The body runs first; the loop node is the test at its end.
            entry = self._entry(body)
            self._connect(self._sequence(body, incoming), node_id)
            if entry:
                self._connect([_Pending(node_id, again, back=True)], entry)
        else:
            self._connect(incoming, node_id)
            body_exits = self._sequence(body, [_Pending(node_id)])
            self._connect(
                [
                    _Pending(p.source, p.label or again, back=True, error=p.error)
                    for p in body_exits
                ],
                node_id,
            )
        self._leave()
        exits = [] if node.infinite else self._sequence(orelse, [_Pending(node_id, "done")])
        return exits + frame.breaks

    def _try(self, node: Node, incoming: list[_Pending]) -> list[_Pending]:
        body = next((b for b in node.blocks if b.role == "body"), None)
        handlers = [b for b in node.blocks if b.role == "handler"]
        orelse = next((b for b in node.blocks if b.role == "else"), None)
        final = next((b for b in node.blocks if b.role == "finally"), None)
        frame = _TryFrame(node, has_finally=final is not None)
        self._enter(frame)
        exits = self._sequence(body.nodes if body else (), incoming)
        frame.in_body = False
        if orelse is not None:
            # The else block runs only when the body did not raise.
            exits = self._sequence(orelse.nodes, exits)
        # Plain code in the body can raise too: with no operation to blame, the error edges leave
        # from whatever led into the try.
        sources = frame.sources or [p.source for p in incoming]
        for handler in handlers:
            errors = [_Pending(s, handler.label or "error", error=True) for s in sources]
            exits.extend(self._sequence(handler.nodes, errors))
        self._leave()
        if final is None:
            return exits
        if not final.nodes:
            # Nothing durable in the finally block: every exit keeps its own way on.
            for how, group in frame.escapes.items():
                self._escape(group, how)
            return exits
        escaping = [p for group in frame.escapes.values() for p in group]
        final_exits = self._sequence(final.nodes, exits + escaping)
        for how in frame.escapes:
            text = "return" if how in ("workflow", "function") else how.split(" ", 1)[0]
            self._escape([_Pending(p.source, p.label or text) for p in final_exits], how)
        return final_exits if exits else []

    def _escape(self, labelled: list[_Pending], how: str) -> None:
        """Send exits that left a try early on to where they were going."""
        jump, _, label = how.partition(" ")
        if how == "raise":
            self._route_raise(labelled, start=len(self.frames) - 1)
        elif jump in _JUMPS:
            self._route_jump(labelled, jump, label or None)
        else:
            for p in labelled:
                self._route_return(p, how)

    # -- routing of exits ------------------------------------------------------------------------

    def _route_jump(self, pending: list[_Pending], how: str, label: str | None = None) -> None:
        """``break``/``continue``: to the innermost loop, or to the statement its label names,
        through any ``finally`` on the way. A label no enclosing statement carries is read as a
        plain jump."""
        if label is not None and not self._labelled(how, label):
            label = None
        for frame in reversed(self.frames):
            if isinstance(frame, _FunctionFrame):
                return
            if isinstance(frame, _TryFrame) and frame.has_finally:
                key = how if label is None else f"{how} {label}"
                frame.escapes.setdefault(key, []).extend(pending)
                return
            if isinstance(frame, _LoopFrame) and frame.takes(how, label):
                if how == "break":
                    frame.breaks.extend(pending)
                elif frame.loop_id is not None:
                    back = [_Pending(p.source, p.label, True, p.error) for p in pending]
                    self._connect(back, frame.loop_id)
                return

    def _labelled(self, how: str, label: str) -> bool:
        """Whether a statement of the current function carries ``label`` for this jump."""
        for frame in reversed(self.frames):
            if isinstance(frame, _FunctionFrame):
                return False
            if isinstance(frame, _LoopFrame) and frame.takes(how, label):
                return True
        return False

    def _enter(self, frame: _Frame) -> None:
        self.frames.append(frame)
        if not isinstance(frame, _LoopFrame):
            self.catchers.append(frame)

    def _leave(self) -> None:
        if not isinstance(self.frames.pop(), _LoopFrame):
            self.catchers.pop()

    def _record_error_source(self, node_id: str) -> None:
        for frame in reversed(self.catchers):
            if isinstance(frame, _FunctionFrame):
                return
            if isinstance(frame, _TryFrame) and frame.in_body:
                frame.sources.append(node_id)
                if frame.node.catch_all:
                    return

    def _route_return(self, pending: _Pending, scope: str) -> None:
        for frame in reversed(self.frames):
            if isinstance(frame, _TryFrame) and frame.has_finally:
                frame.escapes.setdefault(scope, []).append(pending)
                return
            if isinstance(frame, _FunctionFrame) and scope == "function":
                frame.returns.append(pending)
                return
        self.pending_ends.append(pending)

    def _route_raise(self, pending: list[_Pending], start: int) -> None:
        for index in range(start, -1, -1):
            frame = self.frames[index]
            if not isinstance(frame, _TryFrame):
                continue
            if frame.in_body:
                frame.sources.extend(p.source for p in pending)
                if frame.node.catch_all:
                    return
            if frame.has_finally:
                frame.escapes.setdefault("raise", []).extend(pending)
                return
        self.reaches_fail = True
        self.pending_fails.extend(pending)


def _without_labelled_blocks(nodes: tuple[Node, ...], drawn: dict[int, Node]) -> tuple[Node, ...]:
    """``nodes`` with every labelled block replaced by its statements, and in ``drawn`` the
    copy of each node that changed, by the original's id (``nodes`` itself when none is there).

    Renderers lay out the tree; a block that only bounds where a ``break`` goes draws nothing.
    """
    if not any(n.kind is Kind.SCOPE and n.jump_label is not None for n in walk(nodes)):
        return nodes
    return _splice(nodes, drawn)


def _splice(nodes: tuple[Node, ...], drawn: dict[int, Node]) -> tuple[Node, ...]:
    kept: list[Node] = []
    _splice_into(kept, nodes, drawn)
    return tuple(kept)


def _splice_into(kept: list[Node], nodes: tuple[Node, ...], drawn: dict[int, Node]) -> None:
    # Nested labelled blocks add to one list: each node is copied once, however deep they go.
    for node in nodes:
        if node.kind is Kind.SCOPE and node.jump_label is not None:
            for block in node.blocks:
                _splice_into(kept, block.nodes, drawn)
            continue
        if not node.blocks:
            kept.append(node)
            continue
        copy = replace(
            node, blocks=tuple(replace(b, nodes=_splice(b.nodes, drawn)) for b in node.blocks)
        )
        drawn[id(node)] = copy
        kept.append(copy)
