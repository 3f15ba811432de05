"""The Mermaid renderer: flowchart text that the real Mermaid parser accepts whatever labels hold.

Layout of the output, in order: the ``flowchart`` header; node declarations (one top-level
subgraph per workflow when there are several, with ids prefixed ``w1_``, ``w2_``...; a single
workflow is drawn flat with the JSON ids); every edge; ``click`` lines for source navigation;
``classDef`` and ``class`` lines giving each kind its colour.

Containers are drawn as the container node followed by a subgraph holding its blocks, one nested
subgraph per block when there are several (parallel branches, combinators). A ``try`` has no flow
node: it is a dashed subgraph with one nested subgraph per part (``try``, ``except X``, ``else``,
``finally``). Conditions and loops are plain diamonds whose children are drawn inline.

All text from the source (labels, block names, error types, file names) goes through
:func:`escape`, which keeps only a small set of characters and writes every other one as
Mermaid's ``#<codepoint>;`` entity, so no name can end a string, open a markdown label, start a
comment, or inject HTML.
"""

from __future__ import annotations

import string
from collections import defaultdict
from dataclasses import dataclass, field

from durable_viz.edges import FAIL_ID, START_ID, Edge, Graph, GraphNode
from durable_viz.graph import Block, Kind
from durable_viz.render import Document, WorkflowView

__all__ = ["CLASS_STYLES", "escape", "node_class", "render"]

_SAFE = frozenset(string.ascii_letters + string.digits + " _.,/()+-=?!@*")
"""Characters written as they are (and ``:`` when a space follows it, see :func:`escape`)."""

_EMPTY = "#160;"
"""A no-break space: Mermaid refuses an empty quoted string."""

_RESERVED = frozenset({"end"})
"""Words Mermaid's lexer takes as keywords wherever they stand; ids and class names add ``_``."""

_INDENT = "    "

_SHAPES: dict[Kind, tuple[str, str]] = {
    Kind.START: ("([", "])"),
    Kind.END: ("([", "])"),
    Kind.RETURN: ("([", "])"),
    Kind.RAISE: ("([", "])"),
    Kind.STEP: ("[", "]"),
    Kind.INVOKE: ("[/", "\\]"),
    Kind.PARALLEL: ("{{", "}}"),
    Kind.MAP: ("{{", "}}"),
    Kind.PROMISE_ALL: ("{{", "}}"),
    Kind.PROMISE_ANY: ("{{", "}}"),
    Kind.PROMISE_RACE: ("{{", "}}"),
    Kind.PROMISE_ALL_SETTLED: ("{{", "}}"),
    Kind.WAIT: ("((", "))"),
    Kind.CREATE_CALLBACK: ("((", "))"),
    Kind.WAIT_FOR_CALLBACK: ("((", "))"),
    Kind.WAIT_FOR_CONDITION: ("((", "))"),
    Kind.CONDITION: ("{", "}"),
    Kind.LOOP: ("{", "}"),
    Kind.CHILD_CONTEXT: ("[[", "]]"),
    Kind.WITH_RETRY: ("[[", "]]"),
}
"""Opening and closing brackets per kind; anything not listed is a rectangle."""

_BLUE = "fill:#5b8ab4,stroke:#4a7293,color:#e8edf2"
_GREEN = "fill:#4a8c72,stroke:#3d7360,color:#e0efe8"
_PURPLE = "fill:#7b6b9e,stroke:#655883,color:#e8e3f0"
_AMBER = "fill:#b8873a,stroke:#967032,color:#f5edd8"
_INDIGO = "fill:#6b71a8,stroke:#575c8a,color:#e3e4f0"
_RED = "fill:#b05a5a,stroke:#8f4a4a,color:#f2e0e0"
_TEAL = "fill:#3f8f8a,stroke:#33736f,color:#e0f0ee"
_ALARM = "fill:#c0392b,stroke:#962d22,color:#fbe9e7"

CLASS_STYLES: dict[str, str] = {
    "start": _BLUE,
    "end_": _BLUE,
    "return": _BLUE,
    "step": _GREEN,
    "invoke": _AMBER,
    "parallel": _PURPLE,
    "map": _PURPLE,
    "promise_all": _PURPLE,
    "promise_any": _PURPLE,
    "promise_race": _PURPLE,
    "promise_all_settled": _PURPLE,
    "wait": _RED,
    "create_callback": _RED,
    "wait_for_callback": _RED,
    "wait_for_condition": _RED,
    "condition": _INDIGO,
    "loop": _INDIGO,
    "child_context": _TEAL,
    "with_retry": _TEAL,
    "raise": _ALARM,
    "fail": _ALARM,
    "try": "fill:none,stroke:#b05a5a,stroke-dasharray:6 4",
    "dynamic": "stroke-dasharray:5 5",
}
"""``classDef`` bodies by class name, in output order. Class names are the kind values (``end``
is written ``end_``, a Mermaid keyword), plus ``fail`` for the Fail terminal and ``dynamic`` for
operations whose name is only known at run time."""

_DIRECTIONS = frozenset({"TD", "LR"})


def escape(text: str) -> str:
    """Make text safe inside a double-quoted Mermaid string.

    Args:
        text: any text, including quotes, brackets, newlines, HTML and emoji.

    Returns:
        The text with every character outside letters, digits, space, ``_.,/()+-=?!@*`` and
        ``:`` before a space written as ``#<decimal codepoint>;``, which Mermaid shows as that
        character.
    """
    # Before parsing, Mermaid drops the last ";" of any line matching "style.*:\S*#.*;" (and the
    # same with "classDef"), which would cut an entity short. A ":" followed by a space cannot
    # start such a match, so "retry: exponential x3" stays readable; any other ":" is escaped.
    return "".join(
        char
        if char in _SAFE or (char == ":" and text[index + 1 : index + 2] == " ")
        else f"#{ord(char)};"
        for index, char in enumerate(text)
    )


def node_class(graph_node: GraphNode) -> str:
    """The Mermaid class name giving a node its colour.

    Args:
        graph_node: a node of a built graph.

    Returns:
        The kind value (``end_`` for ``end``), or ``fail`` for the Fail terminal.
    """
    if graph_node.id == FAIL_ID:
        return "fail"
    return _safe_word(graph_node.kind.value)


def render(document: Document) -> str:
    """Render every workflow of a document as one Mermaid flowchart.

    Args:
        document: the files and workflows of one run.

    Returns:
        Mermaid text ending with a newline; the same document always gives the same text.

    Raises:
        ValueError: the document's direction is neither ``TD`` nor ``LR``.
    """
    if document.direction not in _DIRECTIONS:
        raise ValueError(f"direction must be TD or LR, not {document.direction!r}")
    views = document.views
    # Several workflows, or one given a title (``-n``), are drawn each in a titled subgraph.
    several = len(views) > 1 or document.title is not None
    writers = [
        _Writer(view, prefix=f"w{index}_" if several else "")
        for index, view in enumerate(views, start=1)
    ]
    lines = [f"flowchart {document.direction}"]
    for index, writer in enumerate(writers, start=1):
        if several:
            lines.append(f'{_INDENT}subgraph w{index}["{_text(writer.view.title)}"]')
            lines.extend(writer.declarations(depth=2))
            lines.append(f"{_INDENT}end")
        else:
            lines.extend(writer.declarations(depth=1))
    for writer in writers:
        lines.extend(writer.edge_lines())
    for writer in writers:
        lines.extend(writer.click_lines())
    classes: dict[str, list[str]] = defaultdict(list)
    for writer in writers:
        for name, ids in writer.classes.items():
            classes[name].extend(ids)
    used = [name for name in CLASS_STYLES if classes.get(name)]
    lines.extend(f"{_INDENT}classDef {name} {CLASS_STYLES[name]}" for name in used)
    lines.extend(f"{_INDENT}class {','.join(classes[name])} {name}" for name in used)
    return "\n".join(lines) + "\n"


def _safe_word(word: str) -> str:
    return f"{word}_" if word in _RESERVED else word


def _text(text: str) -> str:
    """Escaped text for a quoted string, never empty."""
    return escape(text) or _EMPTY


def _label(graph_node: GraphNode) -> str:
    parts = [_text(graph_node.label)]
    if graph_node.node is not None:
        parts.extend(_text(annotation) for annotation in graph_node.node.annotations)
    return "<br/>".join(parts)


@dataclass
class _Writer:
    """Writes one workflow's lines; ``prefix`` keeps ids apart when several share a chart."""

    view: WorkflowView
    prefix: str
    declared: list[GraphNode] = field(default_factory=list)
    classes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    children: dict[tuple[str | None, int | None], list[GraphNode]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def __post_init__(self) -> None:
        for graph_node in self.graph.nodes:
            if graph_node.node is not None:
                self.children[(graph_node.parent, graph_node.block_index)].append(graph_node)

    @property
    def graph(self) -> Graph:
        return self.view.graph

    def mid(self, node_id: str) -> str:
        """The Mermaid id of a graph node id."""
        return _safe_word(self.prefix + node_id)

    # -- declarations ----------------------------------------------------------------------------

    def declarations(self, depth: int) -> list[str]:
        out: list[str] = []
        terminals = [g for g in self.graph.nodes if g.node is None]
        for graph_node in terminals:
            if graph_node.id == START_ID:
                self._declare(graph_node, depth, out)
        self._level((None, None), depth, out)
        for graph_node in terminals:
            if graph_node.id != START_ID:
                self._declare(graph_node, depth, out)
        return out

    def _declare(self, graph_node: GraphNode, depth: int, out: list[str]) -> None:
        opening, closing = _SHAPES.get(graph_node.kind, ("[", "]"))
        mid = self.mid(graph_node.id)
        out.append(f'{_INDENT * depth}{mid}{opening}"{_label(graph_node)}"{closing}')
        self.declared.append(graph_node)
        self.classes[node_class(graph_node)].append(mid)
        if graph_node.node is not None and graph_node.node.dynamic:
            self.classes["dynamic"].append(mid)

    def _level(self, key: tuple[str | None, int | None], depth: int, out: list[str]) -> None:
        for graph_node in self.children.get(key, ()):
            if graph_node.kind is Kind.TRY:
                self._try(graph_node, depth, out)
                continue
            self._declare(graph_node, depth, out)
            count = len(graph_node.node.blocks) if graph_node.node is not None else 0
            if graph_node.kind in (Kind.CONDITION, Kind.LOOP):
                for index in range(count):
                    self._level((graph_node.id, index), depth, out)
            elif self._filled(graph_node.id, count):
                self._group(graph_node, count, depth, out)

    def _filled(self, node_id: str, count: int) -> list[int]:
        """Indexes of the blocks of ``node_id`` that hold at least one drawn node."""
        return [index for index in range(count) if self.children.get((node_id, index))]

    def _group(self, graph_node: GraphNode, count: int, depth: int, out: list[str]) -> None:
        mid = self.mid(graph_node.id)
        pad = _INDENT * depth
        out.append(f'{pad}subgraph {mid}_g["{_text(graph_node.label)}"]')
        if count == 1:
            self._level((graph_node.id, 0), depth + 1, out)
        else:
            blocks = graph_node.node.blocks if graph_node.node is not None else ()
            for index in self._filled(graph_node.id, count):
                label = blocks[index].label or blocks[index].role
                self._block(graph_node, index, label, depth + 1, out)
        out.append(f"{pad}end")

    def _try(self, graph_node: GraphNode, depth: int, out: list[str]) -> None:
        blocks = graph_node.node.blocks if graph_node.node is not None else ()
        filled = self._filled(graph_node.id, len(blocks))
        if not filled:
            return
        mid = self.mid(graph_node.id)
        pad = _INDENT * depth
        out.append(f'{pad}subgraph {mid}_g["try"]')
        for index in filled:
            self._block(graph_node, index, self._try_label(blocks[index]), depth + 1, out)
        out.append(f"{pad}end")
        self.classes["try"].append(f"{mid}_g")

    def _block(
        self, graph_node: GraphNode, index: int, label: str, depth: int, out: list[str]
    ) -> None:
        pad = _INDENT * depth
        out.append(f'{pad}subgraph {self.mid(graph_node.id)}_b{index}["{_text(label)}"]')
        self._level((graph_node.id, index), depth + 1, out)
        out.append(f"{pad}end")

    def _try_label(self, block: Block) -> str:
        if block.role == "body":
            return "try"
        if block.role == "handler":
            keyword = "except" if self.view.file.language == "python" else "catch"
            return f"{keyword} {block.label}" if block.label else keyword
        return block.label or block.role

    # -- edges and navigation --------------------------------------------------------------------

    def edge_lines(self) -> list[str]:
        return [self._edge(edge) for edge in self.graph.edges]

    def _edge(self, edge: Edge) -> str:
        arrow = "-.->" if edge.error else "-->"
        label = f'|"{_text(edge.label)}"|' if edge.label else ""
        return f"{_INDENT}{self.mid(edge.source)} {arrow}{label} {self.mid(edge.target)}"

    def click_lines(self) -> list[str]:
        lines: list[str] = []
        for graph_node in self.declared:
            if graph_node.node is None:
                continue
            path = graph_node.node.file or self.view.file.path
            line = graph_node.node.line
            tooltip = _text(f"{path}:{line}")
            lines.append(f'{_INDENT}click {self.mid(graph_node.id)} href "#L{line}" "{tooltip}"')
        return lines
