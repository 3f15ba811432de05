"""Re-parsing only what changed, for ``durable-viz serve``: a libcst module assembled from the
trees of its top-level functions and classes, each parsed once per distinct text.

An editor sends the whole file at every pause in typing, and libcst's parse is most of the time a
redraw takes (it builds a Python object for every token). Between two keystrokes only one
top-level function usually changes, so the module is cut before each top-level ``def``/``class``
(at its first decorator), each piece is parsed on its own and kept in a small cache keyed by its
text, and the module is put back together from the pieces. The result prints as exactly the same
code and holds the same statements in the same order; only blank lines and comments between
pieces may sit in a different, equivalent place (the leading lines of the next statement instead
of the footer of the previous piece), which the analysis never reads.

The command line parses each file once and does not use this (a cold cache is only overhead);
a process serving an editor does (:func:`durable_viz.parsers.entry.editor_session`). Whenever a
piece does not fit the whole (an indent or a newline style different from the file's, a piece
libcst refuses on its own), the whole source is parsed instead, so the result is never worse than
a full parse.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import libcst as cst

from durable_viz.parsers.entry import editor_session

if TYPE_CHECKING:
    import ast

__all__ = ["clear", "parse"]

_CACHE_SIZE = 256
"""Pieces kept: a few hundred top-level functions across the files an editor session redraws."""

_cache: OrderedDict[str, cst.Module] = OrderedDict()


def clear() -> None:
    """Forget every piece."""
    _cache.clear()


def parse(source: str, tree: ast.Module) -> cst.Module:
    """The libcst module of ``source``, whose ``ast`` is ``tree``.

    Raises what ``libcst.parse_module(source)`` raises.
    """
    if not editor_session():
        return cst.parse_module(source)
    starts = _piece_starts(tree)
    if len(starts) < 2:
        return cst.parse_module(source)
    # Lines as ast counts them: ends of line are \n, \r\n and \r only (not \f or \u2028).
    lines = io.StringIO(source, newline="").readlines()
    ends = [*starts[1:], len(lines)]
    pieces = ["".join(lines[start:end]) for start, end in zip(starts, ends, strict=True)]
    modules: list[cst.Module] = []
    seen: set[str] = set()
    for text in pieces:
        # The same text twice in one file gets two trees: positions are kept per node object.
        module = _piece(text, reuse=text not in seen)
        seen.add(text)
        if module is None:
            return cst.parse_module(source)
        modules.append(module)
    assembled = _assemble(modules)
    if assembled is None:
        return cst.parse_module(source)
    return assembled


def _piece_starts(tree: ast.Module) -> list[int]:
    """0-based line numbers where pieces start: 0, then each top-level function or class."""
    import ast

    starts = [0]
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([statement.lineno, *(d.lineno for d in statement.decorator_list)]) - 1
            if first > starts[-1]:
                starts.append(first)
    return starts


def _piece(text: str, *, reuse: bool) -> cst.Module | None:
    if reuse:
        cached = _cache.get(text)
        if cached is not None:
            _cache.move_to_end(text)
            return cached
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, cst.CSTValidationError):
        return None
    if reuse:
        _cache[text] = module
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return module


def _indents(module: cst.Module) -> bool:
    """True when some statement of the piece holds an indented block (the piece's default indent
    then says how its blocks print)."""
    return any(isinstance(s, cst.BaseCompoundStatement) for s in module.body)


def _assemble(modules: Sequence[cst.Module]) -> cst.Module | None:
    """One module from consecutive pieces, or None when they do not fit together exactly."""
    first = modules[0]
    indented = [m for m in modules if _indents(m)]
    indent = indented[0].default_indent if indented else first.default_indent
    newline = first.default_newline
    body: list[cst.BaseStatement | cst.BaseSmallStatement] = []
    carried: list[cst.EmptyLine] = []
    for index, module in enumerate(modules):
        if _indents(module) and module.default_indent != indent:
            return None
        if module.default_newline != newline:
            return None
        if index > 0 and module.encoding != first.encoding:
            return None
        statements = list(module.body)
        if index > 0:
            carried.extend(module.header)
        if carried:
            if not statements:
                continue
            lead = statements[0]
            if not isinstance(lead, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                return None
            statements[0] = lead.with_changes(leading_lines=[*carried, *lead.leading_lines])
            carried = []
        body.extend(statements)
        if index < len(modules) - 1:
            carried.extend(module.footer)
            if not module.has_trailing_newline:
                return None
    last = modules[-1]
    return first.with_changes(
        body=body,
        footer=[*carried, *last.footer] if carried else last.footer,
        default_indent=indent,
        default_newline=newline,
        has_trailing_newline=last.has_trailing_newline,
    )
