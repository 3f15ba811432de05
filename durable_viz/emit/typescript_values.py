"""Values written as TypeScript: string literals, names with runtime parts as template literals,
durations, and expression texts carried over from the source language when TypeScript can read
them as they are.

A workflow converted from Python or C# carries expression texts in its labels
(``process-{item.id}``, a tenant ``{order["merchant_id"]}``). Such a text is kept when it is
one plain TypeScript expression over variables (checked with the TypeScript grammar, never by
pattern): the emitter then declares each variable it reads. Anything else (a C# index from the
end, a Python f-string, a call of a free function) is replaced by a placeholder variable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from durable_viz.emit.common import camel, name_pattern, split_label

if TYPE_CHECKING:
    from tree_sitter import Node as Syntax

__all__ = [
    "RESERVED",
    "comment",
    "Expression",
    "duration_object",
    "expression",
    "quote",
    "split_label",
    "template",
]

RESERVED = frozenset(
    {
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "let",
        "static",
        "implements",
        "interface",
        "package",
        "private",
        "protected",
        "public",
        "await",
        "async",
        "of",
        "any",
        "unknown",
        "never",
        "undefined",
        "arguments",
        "eval",
    }
)
"""Words a generated identifier must not be."""

GLOBALS = frozenset(
    {"Math", "JSON", "String", "Number", "Object", "Array", "Date", "Boolean", "BigInt", "Symbol"}
)
"""Globals an expression may read without the emitter declaring them."""

_REFUSED = frozenset(
    {
        "arrow_function",
        "function_expression",
        "assignment_expression",
        "augmented_assignment_expression",
        "update_expression",
        "as_expression",
        "satisfies_expression",
        "type_assertion",
        "await_expression",
        "yield_expression",
        "new_expression",
        "this",
        "super",
        "class",
        "template_string",
        "regex",
        "sequence_expression",
        "spread_element",
        "object",
        "import",
        "meta_property",
        "generator_function",
    }
)
"""Syntax a carried-over expression may not hold: it would not compile against ``any`` values,
would change state, or needs types the skeleton does not declare."""


def quote(text: str) -> str:
    """A double-quoted TypeScript string literal of ``text``."""
    return (
        json.dumps(text, ensure_ascii=False)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _template_text(text: str) -> str:
    """Literal text inside a template literal: backslashes, backticks, ``${`` and carriage
    returns escaped (a template literal reads a raw CR LF as LF)."""
    escaped = text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
    return escaped.replace("\r", "\\r")


def comment(text: str) -> str:
    """Text safe in a ``//`` or ``/* */`` comment: one line, no comment end."""
    return " ".join(text.split()).replace("*/", "* /")


def is_identifier(text: str) -> bool:
    """An ASCII identifier TypeScript takes as a name (not a reserved word)."""
    return text.isascii() and text.isidentifier() and text not in RESERVED


@dataclass(frozen=True, slots=True)
class Expression:
    """A TypeScript expression and the variables it reads (which the emitter declares)."""

    code: str
    reads: tuple[str, ...] = ()


def expression(text: str | None) -> Expression | None:
    """``text`` as a TypeScript expression when it is one plain expression over variables, with
    the variables it reads; None when TypeScript cannot take it as it is."""
    if text is None or not text.strip() or "\n" in text:
        return None
    return _checked(text.strip())


@cache
def _checked(text: str) -> Expression | None:
    from durable_viz.parsers.treesitter import Source

    source = Source(f"({text});", "typescript")
    root = source.root
    if root.has_error or root.named_child_count != 1:
        return None
    statement = root.named_children[0]
    if statement.type != "expression_statement" or statement.named_child_count != 1:
        return None
    wrapped = statement.named_children[0]
    if wrapped.type != "parenthesized_expression" or wrapped.named_child_count != 1:
        return None
    reads: list[str] = []
    stack: list[Syntax] = [wrapped.named_children[0]]
    while stack:
        node = stack.pop()
        if node.type in _REFUSED or node.is_missing:
            return None
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            if function is None or function.type == "identifier":
                return None  # a free function the skeleton cannot declare with a type
        if node.type == "identifier":
            name = source.text_of(node)
            if name in RESERVED and name not in ("undefined",):
                return None
            if name not in GLOBALS and name != "undefined" and name not in reads:
                reads.append(name)
        stack.extend(reversed(node.named_children))
    return Expression(text, tuple(reads))


def template(
    name: str, label: str | None, dynamic: bool, placeholder: str = "value"
) -> tuple[str, tuple[str, ...]]:
    """A name as TypeScript code (a string literal, or a template literal for a dynamic name)
    and the variables it reads.

    Each runtime part is the label's expression when TypeScript can read it as it is, else a
    variable named after it (``placeholder`` when nothing better is known).
    """
    pattern = name_pattern(name, label, dynamic=dynamic)
    if pattern.is_literal:
        return quote(name), ()
    reads: list[str] = []
    parts: list[str] = []
    for position, text in enumerate(pattern.texts):
        parts.append(_template_text(text))
        if position < len(pattern.holes):
            hole = pattern.holes[position]
            found = expression(hole)
            if found is None:
                fallback = camel(hole or "", fallback=placeholder, reserved=RESERVED)
                found = Expression(fallback, (fallback,))
            parts.append("${" + found.code + "}")
            reads.extend(r for r in found.reads if r not in reads)
    return "`" + "".join(parts) + "`", tuple(reads)


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def duration_object(text: str | None) -> str | None:
    """A ``Duration`` literal for a duration text (``1h 30m`` -> ``{ hours: 1, minutes: 30 }``),
    None when the text is not one :func:`~durable_viz.parsers.base.duration_text` writes."""
    if not text:
        return None
    pieces = text.split()
    fields: list[str] = []
    for piece in pieces:
        matched = _DURATION_PART.fullmatch(piece)
        if matched is None:
            return None
        amount, unit = matched.groups()
        fields.append(f"{_UNITS[unit]}: {amount}")
    return "{ " + ", ".join(fields) + " }" if fields else None
