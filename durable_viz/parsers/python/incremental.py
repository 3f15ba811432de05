"""Re-parsing only what changed, for ``durable-viz serve``: a libcst module put together from
cached trees of the parts of the file that did not change.

An editor sends the whole file at every pause in typing, and libcst's parse is most of the time a
redraw takes (it builds a Python object for every token). Between two keystrokes usually one
statement changes. So the module is cut before each top-level ``def``/``class`` (at its first
decorator), and a function that changed is cut again at its body's statements; each part is
parsed on its own (a statement inside a stand-in ``def _():`` written with the file's own lines,
so that every node keeps its whitespace exactly) and kept in a small cache keyed by its text. The
result prints as exactly the same code and holds the same statements in the same order; only
blank lines and comments between top-level pieces may sit in a different, equivalent place (the
leading lines of the next statement instead of the footer of the previous piece), which the
analysis never reads. No node object appears twice in one module: the parser keeps positions
per object, so a text met twice in one file gets a tree of its own.

The command line parses each file once and does not use this (a cold cache is only overhead);
a process serving an editor does (:func:`durable_viz.parsers.entry.editor_session`). Whenever a
part does not fit the whole (an indent or a newline style different from the file's, a part
libcst refuses on its own), that part or the whole source is parsed instead, so the result is
never worse than a full parse.
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

_CACHE_SIZE = 2048
"""Texts kept: the top-level functions and the handler statements of the files an editor session
redraws (a few per file, a few hundred statements)."""

Key = tuple[str, str, int]
"""A cached text: what it is (a top-level piece, a function's header, a statement), the text, and
which occurrence of that text in one file it is (each occurrence needs its own nodes)."""

_cache: OrderedDict[Key, cst.Module] = OrderedDict()

_parts: dict[Key, frozenset[Key]] = {}
"""For a piece put together from statements, the keys of the cached texts it shares nodes with."""


class _Use:
    """The cached texts one parse holds. No node object may appear twice in one module (the
    parser keeps positions per object), so a text met again gets the next occurrence's key."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], int] = {}
        self.used: set[Key] = set()

    def key(self, what: str, text: str) -> Key:
        occurrence = self.counts.get((what, text), 0)
        self.counts[(what, text)] = occurrence + 1
        key = (what, text, occurrence)
        self.used.add(key)
        return key

    def take(self, parts: frozenset[Key]) -> None:
        """Count ``parts`` as held (a cached piece built from them is being used)."""
        self.used |= parts
        for what, text, occurrence in parts:
            counted = self.counts.get((what, text), 0)
            self.counts[(what, text)] = max(counted, occurrence + 1)


def clear() -> None:
    """Forget every piece."""
    _cache.clear()
    _parts.clear()


def parse(source: str, tree: ast.Module) -> cst.Module:
    """The libcst module of ``source``, whose ``ast`` is ``tree``.

    Raises what ``libcst.parse_module(source)`` raises.
    """
    if not editor_session():
        return cst.parse_module(source)
    starts, functions = _piece_starts(tree)
    # Lines as ast counts them: ends of line are \n, \r\n and \r only (not \f or \u2028).
    lines = io.StringIO(source, newline="").readlines()
    ends = [*starts[1:], len(lines)]
    modules: list[cst.Module] = []
    use = _Use()
    for start, end in zip(starts, ends, strict=True):
        text = "".join(lines[start:end])
        module = _piece(text, functions.get(start), start, use)
        if module is None:
            return cst.parse_module(source)
        modules.append(module)
    assembled = _assemble(modules)
    if assembled is None:
        return cst.parse_module(source)
    return assembled


def _first_line(statement: ast.stmt) -> int:
    """The 1-based line a statement starts on (its first decorator's, for a decorated one)."""
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    return min([statement.lineno, *(d.lineno for d in decorators)])


def _piece_starts(tree: ast.Module) -> tuple[list[int], dict[int, ast.stmt]]:
    """0-based line numbers where pieces start (0, then each top-level function or class), and
    the function each function piece holds, by its start."""
    import ast

    starts = [0]
    functions: dict[int, ast.stmt] = {}
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = _first_line(statement) - 1
            if first > starts[-1]:
                starts.append(first)
                if not isinstance(statement, ast.ClassDef):
                    functions[first] = statement
    return starts, functions


def _parsed(what: str, text: str, use: _Use) -> cst.Module | None:
    """The module of ``text``, from the cache when this occurrence of it was parsed before;
    None when libcst refuses the text."""
    key = use.key(what, text)
    cached = _cache.get(key)
    if cached is not None:
        _cache.move_to_end(key)
        return cached
    module = _faithful(text)
    if module is None:
        return None
    _remember(key, module)
    return module


def _faithful(text: str) -> cst.Module | None:
    """libcst's module of ``text`` when it prints as ``text`` again; None when libcst refuses
    the text or loses some of it (it drops a blank line before an indented comment at the end
    of a module, for one: a part ending there cannot stand on its own)."""
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, cst.CSTValidationError):
        return None
    return module if module.code == text else None


def _remember(key: Key, module: cst.Module, parts: frozenset[Key] = frozenset()) -> None:
    _cache[key] = module
    if parts:
        _parts[key] = parts
    if len(_cache) > _CACHE_SIZE:
        old, _ = _cache.popitem(last=False)
        _parts.pop(old, None)


def _piece(text: str, function: ast.stmt | None, start: int, use: _Use) -> cst.Module | None:
    """The module of one piece. A function's is put together from its statements when it has
    changed, since a keystroke usually changes one statement of a long handler."""
    key = use.key("piece", text)
    parts = _parts.get(key, frozenset())
    cached = _cache.get(key)
    if cached is not None and not parts & use.used:
        _cache.move_to_end(key)
        use.take(parts)
        return cached
    module = None
    if function is not None:
        before = set(use.used)
        module = _function_piece(text, function, start, use)
        parts = frozenset(use.used - before)
    if module is None:
        module = _faithful(text)
        if module is None:
            return None
        parts = frozenset()
    _remember(key, module, parts)
    return module


def _function_piece(text: str, function: ast.stmt, start: int, use: _Use) -> cst.Module | None:
    """A top-level function's piece from its header and its body's statements, each statement
    parsed (or found in the cache) inside a stand-in ``def _():`` written with the same lines,
    so that every node keeps its own whitespace exactly. None when the function does not split
    (a one-line body, a single statement, indents the pieces do not agree on)."""
    lines = io.StringIO(text, newline="").readlines()
    body: list[ast.stmt] = getattr(function, "body", [])
    if len(body) < 2 or body[0].lineno <= function.lineno:
        return None
    first = _first_line(body[0]) - 1 - start
    line = lines[first]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    newline = lines[0][len(lines[0].rstrip("\r\n")) :]
    if not indent or not newline:
        return None
    # Chunks of whole lines: each starts right after the statement before it ends (so comments
    # and blank lines before a statement go with it, as libcst reads them); statements that
    # share a line (``a = 1; b = 2``) stay in one chunk. The last runs to the piece's end.
    chunk_starts = [first]
    end = (body[0].end_lineno or body[0].lineno) - 1 - start
    for statement in body[1:]:
        if _first_line(statement) - 1 - start > end:
            chunk_starts.append(end + 1)
        end = max(end, (statement.end_lineno or statement.lineno) - 1 - start)
    chunk_ends = [*chunk_starts[1:], len(lines)]
    skeleton = _parsed("head", "".join(lines[:first]) + indent + "pass" + newline, use)
    if skeleton is None or len(skeleton.body) != 1:
        return None
    header = skeleton.body[0]
    if not isinstance(header, cst.FunctionDef) or not isinstance(header.body, cst.IndentedBlock):
        return None
    statements: list[cst.BaseStatement] = []
    wrapper: cst.Module | None = None
    for index, (begin, stop) in enumerate(zip(chunk_starts, chunk_ends, strict=True)):
        wrapper = _parsed("body", "def _():" + newline + "".join(lines[begin:stop]), use)
        if wrapper is None or len(wrapper.body) != 1 or wrapper.header:
            return None
        stand_in = wrapper.body[0]
        if not isinstance(stand_in, cst.FunctionDef) or not isinstance(
            stand_in.body, cst.IndentedBlock
        ):
            return None
        last = index == len(chunk_starts) - 1
        if not last and (wrapper.footer or stand_in.body.footer):
            return None
        if (wrapper.default_indent, wrapper.default_newline) != (
            skeleton.default_indent,
            skeleton.default_newline,
        ):
            return None
        statements.extend(stand_in.body.body)
    assert wrapper is not None
    closing = wrapper.body[0]
    assert isinstance(closing, cst.FunctionDef) and isinstance(closing.body, cst.IndentedBlock)
    placeholder = header.body.body[0]
    lead = statements[0]
    if not isinstance(placeholder, cst.SimpleStatementLine) or not isinstance(
        lead, (cst.SimpleStatementLine, cst.BaseCompoundStatement)
    ):
        return None
    # Lines between the ``def`` and its first statement led the placeholder.
    statements[0] = lead.with_changes(
        leading_lines=[*placeholder.leading_lines, *lead.leading_lines]
    )
    block = header.body.with_changes(body=statements, footer=closing.body.footer)
    return skeleton.with_changes(
        body=[header.with_changes(body=block)],
        footer=wrapper.footer,
        has_trailing_newline=wrapper.has_trailing_newline,
    )


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
