"""Source positions for the libcst nodes the analysis reports, without a full position pass.

libcst's ``PositionProvider`` re-generates the code of the whole module while it tracks positions,
which costs two to three times the parse. CPython's ``ast`` gives positions for free and its
statement and expression nodes correspond one to one with libcst's for the kinds we report (calls,
compound statements, returns, raises, functions, conditional expressions, comprehensions). Both
trees list those nodes in the same pre-order, so pairing them in order gives every libcst node its
position. Each pair is checked (a call's callee name, a function's name); if any check fails, the
slow and exact ``PositionProvider`` is used instead.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from typing import Any

import libcst as cst
from libcst.metadata import PositionProvider

__all__ = ["Positions", "iter_preorder"]

Position = tuple[int, int]

_SKIPPED_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "trailing_whitespace",
        "newline",
        "comma",
        "semicolon",
        "lbrace",
        "rbrace",
        "lbracket",
        "rbracket",
        "asynchronous",
        "operator",
        "equal",
        "colon",
        "dot",
        "star",
        "posonly_ind",
        "default_comma",
        "whitespace",
        "quote",
        "prefix",
        "start",
        "end",
    }
)

_child_fields: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _fields_of(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of a node type that may hold child nodes, in source order.

    libcst visits children in source order; the string constants of a node type's
    ``_visit_and_replace_children`` name its fields in that order.
    """
    fields = _child_fields.get(node_type)
    if fields is None:
        names = {f.name for f in dataclasses.fields(node_type)}
        visit = node_type._visit_and_replace_children
        ordered = [c for c in visit.__code__.co_consts if isinstance(c, str) and c in names]
        if not ordered:
            ordered = [f.name for f in dataclasses.fields(node_type)]
        fields = tuple(
            f
            for f in dict.fromkeys(ordered)
            if f not in _SKIPPED_FIELDS and not f.startswith("whitespace")
        )
        _child_fields[node_type] = fields
    return fields


_is_node_type: dict[type, bool] = {}


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The child nodes of ``node`` that may hold code, in source order.

    ``isinstance`` against libcst's abstract base classes is slow, and so is a first
    ``issubclass`` (it walks every registered subclass); the MRO answers the same question for
    real subclasses, which all libcst nodes are, and a per-type cache keeps it to once a type.
    """
    found: list[cst.CSTNode] = []
    known = _is_node_type
    for name in _child_fields.get(type(node)) or _fields_of(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            for item in value:
                item_kind = type(item)
                is_node = known.get(item_kind)
                if is_node is None:
                    is_node = known[item_kind] = cst.CSTNode in item_kind.__mro__
                if is_node:
                    found.append(item)
            continue
        is_node = known.get(kind)
        if is_node is None:
            is_node = known[kind] = cst.CSTNode in kind.__mro__
        if is_node:
            found.append(value)
    return found


def iter_children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The child nodes of ``node`` that may hold code, in source order."""
    return iter(_children(node))


def iter_preorder(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under ``root`` (inclusive) in source pre-order, without recursion."""
    stack = [root]
    pop = stack.pop
    while stack:
        node = pop()
        yield node
        children = _children(node)
        children.reverse()
        stack.extend(children)


# libcst node types paired with the ast node types they correspond to.
_CATEGORIES: dict[type[cst.CSTNode], str] = {
    cst.Call: "call",
    cst.If: "if",
    cst.For: "for",
    cst.While: "while",
    cst.Try: "try",
    cst.TryStar: "try",
    cst.Match: "match",
    cst.Return: "return",
    cst.Raise: "raise",
    cst.FunctionDef: "def",
    cst.IfExp: "ifexp",
    cst.ListComp: "comp",
    cst.SetComp: "comp",
    cst.DictComp: "comp",
    cst.GeneratorExp: "comp",
    cst.Lambda: "lambda",
    cst.With: "with",
}

_AST_CATEGORIES: dict[type[ast.AST], str] = {
    ast.Call: "call",
    ast.If: "if",
    ast.For: "for",
    ast.AsyncFor: "for",
    ast.While: "while",
    ast.Try: "try",
    ast.Match: "match",
    ast.Return: "return",
    ast.Raise: "raise",
    ast.FunctionDef: "def",
    ast.AsyncFunctionDef: "def",
    ast.IfExp: "ifexp",
    ast.ListComp: "comp",
    ast.SetComp: "comp",
    ast.DictComp: "comp",
    ast.GeneratorExp: "comp",
    ast.Lambda: "lambda",
    ast.With: "with",
    ast.AsyncWith: "with",
}
if hasattr(ast, "TryStar"):  # Python 3.11+
    _AST_CATEGORIES[ast.TryStar] = "try"


def _ast_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of an ast tree, in no particular order (partners are sorted by position).

    ``ast.walk`` makes a generator per node for its children; reading the fields directly is
    about twice as fast, and this runs over every node of the module.
    """
    found: list[ast.AST] = []
    stack: list[ast.AST] = [tree]
    node_type = ast.AST
    while stack:
        node = stack.pop()
        found.append(node)
        for field in node._fields:
            value = getattr(node, field, None)
            if type(value) is list:
                stack.extend(item for item in value if isinstance(item, node_type))
            elif isinstance(value, node_type):
                stack.append(value)
    return found


def _callee(node: cst.Call) -> str | None:
    func = node.func
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _ast_callee(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


class Positions:
    """1-based (line, column) of the reported libcst nodes of one module."""

    def __init__(self, module: cst.Module, tree: ast.Module | None, source: str) -> None:
        self._positions: dict[int, Position] = {}
        self._lines = source.splitlines()
        if tree is None or not self._pair(module, tree):
            self._exact(module)

    def get(self, node: cst.CSTNode) -> Position:
        """The position of ``node``; (1, 1) for a node the analysis never reports."""
        return self._positions.get(id(node), (1, 1))

    def line(self, node: cst.CSTNode) -> int:
        """The 1-based line of ``node``."""
        return self.get(node)[0]

    def _column(self, line: int, byte_offset: int) -> int:
        """ast columns count UTF-8 bytes; ours count characters."""
        text = self._lines[line - 1] if 0 < line <= len(self._lines) else ""
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1

    def _pair(self, module: cst.Module, tree: ast.Module) -> bool:
        ours: dict[str, list[cst.CSTNode]] = {}
        for node in iter_preorder(module):
            category = _CATEGORIES.get(type(node))
            if category is not None:
                ours.setdefault(category, []).append(node)
        theirs: dict[str, list[Any]] = {}
        for partner in _ast_nodes(tree):
            category = _AST_CATEGORIES.get(type(partner))
            if category is not None:
                theirs.setdefault(category, []).append(partner)
        if ours.keys() != theirs.keys():
            return False
        for category, nodes in ours.items():
            partners = sorted(
                theirs[category],
                key=lambda n: (
                    n.lineno,
                    n.col_offset,
                    -(n.end_lineno or 0),
                    -(n.end_col_offset or 0),
                ),
            )
            if len(partners) != len(nodes):
                return False
            for node, partner in zip(nodes, partners, strict=True):
                if isinstance(node, cst.Call):
                    if _callee(node) != _ast_callee(partner):
                        return False
                elif isinstance(node, cst.FunctionDef) and node.name.value != partner.name:
                    return False
                line = partner.lineno
                column = self._column(line, partner.col_offset)
                if isinstance(node, cst.GeneratorExp) and not node.lpar:
                    column += 1  # ast starts a call's bare generator argument at the "("
                self._positions[id(node)] = (line, column)
        return True

    def _exact(self, module: cst.Module) -> None:
        wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
        positions = wrapper.resolve(PositionProvider)
        for node, code_range in positions.items():
            if type(node) in _CATEGORIES:
                start = code_range.start
                self._positions[id(node)] = (start.line, start.column + 1)
