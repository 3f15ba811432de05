"""What the tree-sitter parsers (TypeScript/JavaScript, Java, C#) share.

Grammars are loaded once per process and only when a file of their language is read. Positions
are reported the way every other part of durable-viz reports them: 1-based lines and 1-based
columns counted in characters (tree-sitter counts bytes), so a name with an accent or an emoji
earlier on the line does not shift the column. Error regions of a tree become diagnostics.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING

from durable_viz.graph import Diagnostic, Severity

if TYPE_CHECKING:
    from tree_sitter import Language, Node, Tree

__all__ = ["GRAMMARS", "SYNTAX_ERROR", "Source", "grammar", "syntax_diagnostics"]

GRAMMARS: dict[str, tuple[str, str]] = {
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "javascript": ("tree_sitter_javascript", "language"),
    "java": ("tree_sitter_java", "language"),
    "csharp": ("tree_sitter_c_sharp", "language"),
}
"""Grammar name -> (wheel module, function returning the language pointer)."""

SYNTAX_ERROR = "DV101"
"""The diagnostic code of a region tree-sitter could not read (the rest is still drawn)."""

MAX_SYNTAX_DIAGNOSTICS = 20
"""Past this many error regions in one file, one more diagnostic says how many were left out."""

_EXCERPT = 24


@cache
def grammar(name: str) -> Language:
    """The tree-sitter language called ``name`` (a key of ``GRAMMARS``), loaded once."""
    from tree_sitter import Language

    module_name, function = GRAMMARS[name]
    pointer = getattr(import_module(module_name), function)()
    return Language(pointer)


class Source:
    """One file's text, its UTF-8 bytes and the tree of one grammar, with char positions."""

    __slots__ = ("_line_starts", "ascii", "data", "text", "tree")

    def __init__(self, text: str, grammar_name: str) -> None:
        from tree_sitter import Parser

        if "\r" in text:
            # tree-sitter counts rows at "\n" only, but a "\r" on its own (old Mac files) ends
            # a line for every language read here, and for editors. One character for one
            # keeps every offset and column as it was.
            text = text.replace("\r\n", "\0\n").replace("\r", "\n").replace("\0\n", "\r\n")
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self.ascii = len(self.data) == len(text)
        self.tree: Tree = Parser(grammar(grammar_name)).parse(self.data)
        self._line_starts: list[int] | None = None

    @property
    def root(self) -> Node:
        """The tree's root node."""
        return self.tree.root_node

    def text_of(self, node: Node) -> str:
        """The source text a node covers."""
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def position(self, node: Node) -> tuple[int, int]:
        """Where a node starts: (line, column), both 1-based, the column in characters."""
        row, byte_column = node.start_point
        return row + 1, self.column(row, byte_column)

    def end_position(self, node: Node) -> tuple[int, int]:
        """Where a node ends (exclusive), as for ``position``."""
        row, byte_column = node.end_point
        return row + 1, self.column(row, byte_column)

    def column(self, row: int, byte_column: int) -> int:
        """The 1-based character column of a 0-based (row, byte column) point."""
        if self.ascii:
            return byte_column + 1
        start = self._line_start(row)
        return len(self.data[start : start + byte_column].decode("utf-8", "replace")) + 1

    def _line_start(self, row: int) -> int:
        if self._line_starts is None:
            starts = [0]
            find = self.data.find
            index = find(b"\n")
            while index >= 0:
                starts.append(index + 1)
                index = find(b"\n", index + 1)
            self._line_starts = starts
        return self._line_starts[min(row, len(self._line_starts) - 1)]

    def line_of_byte(self, offset: int) -> int:
        """The 1-based line holding a byte offset."""
        self._line_start(0)
        assert self._line_starts is not None
        return bisect_right(self._line_starts, offset)


def error_nodes(root: Node) -> Iterator[Node]:
    """Every ERROR and MISSING node, outermost first, without descending into error regions."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            yield node
            continue
        if node.has_error:
            stack.extend(reversed(node.children))


def syntax_diagnostics(source: Source, display: str | None) -> tuple[Diagnostic, ...]:
    """One warning per region tree-sitter could not read, naming its line and column."""
    found: list[Diagnostic] = []
    total = 0
    for node in error_nodes(source.root):
        total += 1
        if len(found) >= MAX_SYNTAX_DIAGNOSTICS:
            continue
        line, column = source.position(node)
        if node.is_missing:
            message = f"syntax error: missing {node.type!r}"
        else:
            excerpt = " ".join(source.text_of(node).split())
            if len(excerpt) > _EXCERPT:
                excerpt = excerpt[: _EXCERPT - 3] + "..."
            message = (
                f"syntax error: cannot read {excerpt!r}; drawn from the rest of the file"
                if excerpt
                else "syntax error; drawn from the rest of the file"
            )
        found.append(
            Diagnostic(
                severity=Severity.WARNING,
                code=SYNTAX_ERROR,
                message=message,
                line=line,
                column=column,
                file=display,
            )
        )
    if total > len(found):
        last = found[-1]
        found.append(
            Diagnostic(
                severity=Severity.WARNING,
                code=SYNTAX_ERROR,
                message=f"{total - len(found)} more syntax errors not listed",
                line=last.line,
                column=last.column,
                file=display,
            )
        )
    return tuple(found)
