"""Small typed helpers around tree-sitter's C# nodes (which are untyped to mypy's eyes)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = [
    "Argument",
    "arguments",
    "bind",
    "call_start",
    "callee",
    "descendants",
    "field",
    "named",
    "string_literal",
    "this_member",
    "unwrap",
]

FUNCTION_NODES = frozenset({"lambda_expression", "anonymous_method_expression"})
"""Expressions that define a function (run later, if at all)."""

LITERAL_STRINGS = frozenset({"string_literal", "verbatim_string_literal", "raw_string_literal"})

_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "0": "\0",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument of a call: its ``name:`` if written, and its value expression."""

    name: str | None
    value: Node


def bind(args: Sequence[Argument], params: Sequence[str]) -> dict[str, Node]:
    """A call's arguments by parameter name (``name:`` arguments by their name)."""
    bound: dict[str, Node] = {}
    position = 0
    for argument in args:
        if argument.name is not None:
            bound[argument.name] = argument.value
        elif position < len(params):
            bound[params[position]] = argument.value
            position += 1
    return bound


def named(node: Node) -> list[Node]:
    """The named children of a node (no punctuation or keywords)."""
    return node.named_children


def field(node: Node, name: str) -> Node | None:
    """A node's child under a grammar field name."""
    return node.child_by_field_name(name)


def text(node: Node) -> str:
    """The source text a node covers (for identifiers and short tokens)."""
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def unwrap(node: Node) -> Node:
    """Look through parentheses, casts, ``!`` (null-forgiving) and ``checked(...)``."""
    while True:
        kind = node.type
        if kind in ("parenthesized_expression", "checked_expression"):
            inner = named(node)
            if not inner:
                return node
            node = inner[-1]
        elif kind == "cast_expression":
            value = field(node, "value")
            if value is None:
                return node
            node = value
        elif kind == "postfix_unary_expression" and node.child_count == 2:
            last = node.children[1]
            if last.type != "!":
                return node
            node = node.children[0]
        else:
            return node


def arguments(node: Node) -> list[Argument]:
    """The arguments of an invocation or object creation, in order."""
    argument_list = field(node, "arguments")
    if argument_list is None:
        argument_list = next((c for c in named(node) if c.type == "argument_list"), None)
    if argument_list is None:
        return []
    found: list[Argument] = []
    for argument in named(argument_list):
        if argument.type != "argument":
            continue
        name_node = field(argument, "name")
        values = [c for c in named(argument) if c != name_node and c.type != "modifier"]
        if not values:
            continue
        found.append(Argument(text(name_node) if name_node is not None else None, values[-1]))
    return found


def callee(node: Node) -> tuple[Node | None, str | None]:
    """``(receiver, method name)`` of an invocation: ``ctx.StepAsync<T>(...)`` gives
    ``(ctx, "StepAsync")``, ``Helper(...)`` gives ``(None, "Helper")``."""
    function = field(node, "function")
    if function is None:
        return None, None
    if function.type == "member_access_expression":
        name = field(function, "name")
        return field(function, "expression"), simple_name(name) if name is not None else None
    if function.type == "conditional_access_expression":
        # ``ctx?.StepAsync(...)``: the call runs only when the receiver is not null, which a
        # durable context never is.
        binding = next((c for c in named(function) if c.type == "member_binding_expression"), None)
        name = field(binding, "name") if binding is not None else None
        return conditional_receiver(function), simple_name(name) if name is not None else None
    return None, simple_name(function)


def conditional_receiver(access: Node) -> Node | None:
    """The receiver of ``x?.Member``. tree-sitter reads ``await ctx?.StepAsync(...)`` as
    ``(await ctx)?.StepAsync(...)``: the receiver is then ``ctx``, under the ``await``."""
    receiver = field(access, "condition")
    if receiver is not None and receiver.type == "await_expression":
        operand = named(receiver)
        return operand[0] if operand else None
    return receiver


def call_start(call: Node) -> Node:
    """The node whose start is where a call is drawn from: the call itself, or for
    ``await ctx?.StepAsync(...)`` (read as ``(await ctx)?.StepAsync(...)``) its receiver."""
    function = field(call, "function")
    if function is not None and function.type == "conditional_access_expression":
        receiver = conditional_receiver(function)
        if receiver is not None and receiver.start_byte > call.start_byte:
            return receiver
    return call


def this_member(node: Node) -> str | None:
    """``X`` of ``this.X`` (a member access on ``this``); None for anything else."""
    receiver = field(node, "expression")
    name = field(node, "name")
    if receiver is None or name is None or receiver.type not in ("this_expression", "this"):
        return None
    return simple_name(name)


def simple_name(node: Node) -> str | None:
    """The identifier of an identifier or a generic name (``WrapAsync<A, B>``)."""
    if node.type == "identifier":
        return text(node)
    if node.type == "generic_name":
        first = next((c for c in named(node) if c.type == "identifier"), None)
        return text(first) if first is not None else None
    return None


def last_name(node: Node) -> str | None:
    """The last identifier of a (possibly qualified or generic) name: ``A.B.C<T>`` gives ``C``."""
    if node.type in ("qualified_name", "member_access_expression"):
        name = field(node, "name")
        return last_name(name) if name is not None else None
    if node.type == "alias_qualified_name":
        parts = named(node)
        return last_name(parts[-1]) if parts else None
    return simple_name(node)


def string_literal(node: Node) -> str | None:
    """The value of a plain, verbatim or raw string literal (``None`` for anything else)."""
    kind = node.type
    if kind == "string_literal":
        parts: list[str] = []
        for child in named(node):
            if child.type == "string_literal_content":
                parts.append(text(child))
            elif child.type == "escape_sequence":
                parts.append(unescape(text(child)))
        return "".join(parts)
    if kind == "verbatim_string_literal":
        body = text(node)
        return body[2:-1].replace('""', '"') if len(body) >= 3 else ""
    if kind == "raw_string_literal":
        body = text(node)
        quotes = len(body) - len(body.lstrip('"'))
        inner = body[quotes : len(body) - quotes]
        if "\n" in inner:
            lines = inner.split("\n")[1:-1]
            return "\n".join(line.strip() for line in lines)
        return inner
    return None


def unescape(sequence: str) -> str:
    """The character a C# escape sequence (``\\n``, ``\\u00e9``...) stands for."""
    if len(sequence) >= 2 and sequence[1] in _ESCAPES:
        return _ESCAPES[sequence[1]]
    if len(sequence) > 2 and sequence[1] in "uUx":
        try:
            return chr(int(sequence[2:], 16))
        except ValueError:
            return sequence
    return sequence


def descendants(node: Node, stop: frozenset[str] = frozenset()) -> Iterator[Node]:
    """Every named node under ``node`` in source order (not below types in ``stop``)."""
    stack = list(reversed(named(node)))
    while stack:
        current = stack.pop()
        yield current
        if current.type not in stop:
            stack.extend(reversed(named(current)))


def ancestors(node: Node) -> Iterator[Node]:
    """The parents of a node, innermost first."""
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent
