"""Reading values out of C# expressions without running them: names bound in a scope,
operation names, numbers, durations and the collections a registry is written in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from durable_viz.parsers.base import NONE_NAME, NameValue, duration_text, finite
from durable_viz.parsers.csharp.scope import Binding, Entry, Known, Scope
from durable_viz.parsers.csharp.syntax import (
    LITERAL_STRINGS,
    arguments,
    callee,
    last_name,
    named,
    simple_name,
    string_literal,
    text,
    unwrap,
)
from durable_viz.parsers.csharp.syntax import field as child
from durable_viz.parsers.sums import plus

if TYPE_CHECKING:
    from tree_sitter import Node


__all__ = [
    "Registered",
    "elements",
    "evaluate_name",
    "evaluate_number",
    "read_duration",
    "registry",
]

_MAX_DEPTH = 24


def evaluate_name(node: Node, scope: Scope, depth: int = 0) -> NameValue:
    """The name an expression gives an operation, as far as the source shows it."""
    return name_of((node, scope), depth)


def name_of(binding: Binding, depth: int = 0) -> NameValue:
    """The name a bound value gives an operation."""
    if isinstance(binding, Known):
        return NameValue.literal(binding.text)
    if isinstance(binding, Entry):
        return NameValue.runtime("entry")
    node, scope = binding
    node = unwrap(node)
    if depth > _MAX_DEPTH:
        return NameValue.runtime(scope.file.code(node))
    kind = node.type
    literal = string_literal(node) if kind in LITERAL_STRINGS else None
    if literal is not None:
        return NameValue.literal(literal)
    if kind == "null_literal":
        return NONE_NAME
    if kind in ("identifier", "member_access_expression"):
        resolved = scope.resolve(node)
        if resolved != (node, scope):
            return name_of(resolved, depth + 1)
        return NameValue.runtime(scope.file.code(node))
    if kind == "interpolated_string_expression":
        return _interpolated(node, scope, depth)
    if kind in ("integer_literal", "real_literal", "boolean_literal", "character_literal"):
        return NameValue.literal(text(node).strip("'"))
    if kind == "conditional_expression":
        choices = [
            name_of((part, scope), depth + 1)
            for part in (child(node, "consequence"), child(node, "alternative"))
            if part is not None
        ]
        labels = " | ".join(c.label or "null" for c in choices)
        return NameValue("{}", "{" + labels + "}", True)
    if kind == "binary_expression" and _operator(node) == "+":
        left, right = child(node, "left"), child(node, "right")
        if left is not None and right is not None:
            numbers = [number_of((side, scope), depth + 1) for side in (left, right)]
            parts = [name_of((left, scope), depth + 1), name_of((right, scope), depth + 1)]
            return plus(numbers, parts, scope.file.code(node))
    if kind == "invocation_expression":
        return _call_name(node, scope, depth)
    return NameValue.runtime(scope.file.code(node))


def _operator(node: Node) -> str | None:
    operator = child(node, "operator")
    return text(operator) if operator is not None else None


def _interpolated(node: Node, scope: Scope, depth: int) -> NameValue:
    """``$"item-{i}"``: literal text with each hole read from its expression."""
    parts: list[NameValue] = []
    for part in named(node):
        if part.type == "string_content":
            parts.append(NameValue.literal(text(part).replace("{{", "{").replace("}}", "}")))
        elif part.type == "escape_sequence":
            parts.append(NameValue.literal(_unescaped(text(part))))
        elif part.type == "interpolation":
            inner = next((c for c in named(part) if c.type not in _INTERPOLATION_PARTS), None)
            if inner is None:
                continue
            value = name_of((inner, scope), depth + 1)
            parts.append(value if value.name is not None else NameValue.literal(""))
    return NameValue.join(parts)


_INTERPOLATION_PARTS = frozenset(
    {"interpolation_brace", "interpolation_alignment_clause", "interpolation_format_clause"}
)


def _unescaped(sequence: str) -> str:
    from durable_viz.parsers.csharp.syntax import unescape

    return unescape(sequence)


def _call_name(node: Node, scope: Scope, depth: int) -> NameValue:
    receiver, method = callee(node)
    args = arguments(node)
    if receiver is None and method == "nameof" and len(args) == 1:
        return NameValue.literal(last_name(args[0].value) or scope.file.code(args[0].value))
    if method == "ToString" and receiver is not None and not args:
        return name_of((receiver, scope), depth + 1)
    is_string = receiver is not None and text(receiver) in ("string", "String")
    if method == "Format" and is_string and args:
        template = name_of((args[0].value, scope), depth + 1)
        if not template.dynamic and template.name is not None:
            return _format_pattern(template.name, [a.value for a in args[1:]], scope, depth)
    if method == "Concat" and receiver is not None and text(receiver) in ("string", "String"):
        return NameValue.join(name_of((a.value, scope), depth + 1) for a in args)
    return NameValue.runtime(scope.file.code(node))


def _format_pattern(template: str, values: list[Node], scope: Scope, depth: int) -> NameValue:
    """``string.Format("a-{0}", x)``: literal text with each numbered hole read."""
    parts: list[NameValue] = []
    rest = template
    while rest:
        start = rest.find("{")
        if start < 0 or rest[start : start + 2] == "{{":
            cut = len(rest) if start < 0 else start + 2
            parts.append(NameValue.literal(rest[:cut].replace("{{", "{")))
            rest = rest[cut:]
            continue
        end = rest.find("}", start)
        if end < 0:
            parts.append(NameValue.literal(rest))
            break
        parts.append(NameValue.literal(rest[:start]))
        hole = rest[start + 1 : end].split(":")[0].split(",")[0].strip()
        if hole.isdigit() and int(hole) < len(values):
            parts.append(name_of((values[int(hole)], scope), depth + 1))
        else:
            parts.append(NameValue.runtime(hole or "?"))
        rest = rest[end + 1 :]
    return NameValue.join(parts)


def evaluate_number(node: Node, scope: Scope, depth: int = 0) -> float | None:
    """A number written out, through constants and simple arithmetic."""
    return number_of((node, scope), depth)


def number_of(binding: Binding, depth: int = 0) -> float | None:
    """The number a bound value stands for, when the source shows it (a finite one)."""
    return finite(lambda: _number_of(binding, depth))


def _number_of(binding: Binding, depth: int = 0) -> float | None:
    if isinstance(binding, Known):
        try:
            return float(binding.text)
        except ValueError:
            return None
    if isinstance(binding, Entry) or depth > _MAX_DEPTH:
        return None
    node, scope = binding
    node = unwrap(node)
    kind = node.type
    if kind in ("integer_literal", "real_literal"):
        digits = text(node).replace("_", "").rstrip("uUlLmMdDfF")
        try:
            return float(int(digits, 16)) if digits.lower().startswith("0x") else float(digits)
        except ValueError:
            return None
    if kind in ("identifier", "member_access_expression"):
        resolved = scope.resolve(node)
        if resolved != (node, scope):
            return number_of(resolved, depth + 1)
        return _size(node, scope) if kind == "member_access_expression" else None
    if kind == "prefix_unary_expression" and text(node).startswith("-"):
        inner = named(node)
        value = number_of((inner[-1], scope), depth + 1) if inner else None
        return -value if value is not None else None
    if kind == "binary_expression":
        left, right = child(node, "left"), child(node, "right")
        if left is None or right is None:
            return None
        a = number_of((left, scope), depth + 1)
        b = number_of((right, scope), depth + 1)
        if a is None or b is None:
            return None
        operator = _operator(node)
        if operator == "+":
            return a + b
        if operator == "-":
            return a - b
        if operator == "*":
            return a * b
        if operator == "/" and b:
            return a / b
    return None


def _size(node: Node, scope: Scope) -> float | None:
    """``Registry.Count`` or ``Names.Length`` of a collection written out in the source."""
    name = child(node, "name")
    receiver = child(node, "expression")
    if name is None or receiver is None or text(name) not in ("Count", "Length"):
        return None
    resolved = scope.resolve(receiver)
    if not isinstance(resolved, tuple):
        return None
    found = elements(resolved[0])
    return float(len(found)) if found else None


_UNITS = {
    "FromMilliseconds": 0.001,
    "FromSeconds": 1,
    "FromMinutes": 60,
    "FromHours": 3600,
    "FromDays": 86400,
}


def seconds_of(node: Node, scope: Scope) -> float | None:
    """``TimeSpan.FromMinutes(15)``, ``new TimeSpan(1, 30, 0)`` or ``TimeSpan.Zero`` in seconds."""
    resolved = scope.resolve(node)
    if not isinstance(resolved, tuple):
        return None
    node, scope = resolved
    if node.type == "member_access_expression" and text(node).endswith("TimeSpan.Zero"):
        return 0.0
    args = arguments(node)
    if node.type == "invocation_expression":
        _, method = callee(node)
        unit = _UNITS.get(method or "")
        if unit is None or not args:
            return None
        amount = evaluate_number(args[0].value, scope)
        return amount * unit if amount is not None else None
    if node.type == "object_creation_expression":
        type_node = child(node, "type")
        if type_node is None or last_name(type_node) != "TimeSpan":
            return None
        numbers = [evaluate_number(a.value, scope) for a in args]
        if any(n is None for n in numbers):
            return None
        values = [n for n in numbers if n is not None]
        sizes = {3: (3600, 60, 1), 4: (86400, 3600, 60, 1), 5: (86400, 3600, 60, 1, 0.001)}
        if len(values) in sizes:
            return sum(v * s for v, s in zip(values, sizes[len(values)], strict=True))
        if len(values) == 1:
            return values[0] / 10_000_000  # ticks
    return None


def read_duration(node: Node, scope: Scope) -> str | None:
    """A ``TimeSpan`` expression as ``15m``, ``1h 30m``."""
    seconds = seconds_of(node, scope)
    return duration_text(seconds) if seconds is not None else None


# -- collections written out in the source -------------------------------------------------------

_CREATIONS = frozenset(
    {
        "object_creation_expression",
        "implicit_object_creation_expression",
        "array_creation_expression",
        "implicit_array_creation_expression",
        "stackalloc_expression",
    }
)


def elements(node: Node) -> list[Node] | None:
    """The elements of a collection written out (``new[] {...}``, ``new List<T> {...}``,
    ``[a, b]``, ``{ a, b }``), or ``None`` when the expression is not one."""
    kind = node.type
    if kind == "collection_expression":
        found: list[Node] = []
        for element in named(node):
            inner = named(element)
            if element.type != "collection_element" or not inner:
                continue
            if inner[0].type == "spread_element":
                return None
            found.extend(named(inner[0])[:1] if inner[0].type == "expression_element" else inner)
        return found
    if kind in _CREATIONS:
        initializer = child(node, "initializer") or next(
            (c for c in named(node) if c.type == "initializer_expression"), None
        )
        if initializer is None:
            return (
                []
                if kind in ("object_creation_expression", "implicit_object_creation_expression")
                else None
            )
        return named(initializer)
    if kind == "initializer_expression":
        return named(node)
    return None


@dataclass(frozen=True, slots=True)
class Registered:
    """One entry of a registry: its label and what an iteration over it binds."""

    label: str
    item: Binding


def registry(node: Node, scope: Scope) -> list[Registered] | None:
    """The entries a loop or map runs over, when they are written out in a collection
    (directly, through a name or constant, ``.Keys`` or ``.Values``)."""
    part: str | None = None
    resolved = scope.resolve(node)
    if isinstance(resolved, tuple) and resolved[0].type == "member_access_expression":
        name_node = child(resolved[0], "name")
        receiver = child(resolved[0], "expression")
        member = simple_name(name_node) if name_node is not None else None
        if member in ("Keys", "Values") and receiver is not None:
            part = member
            resolved = resolved[1].resolve(receiver)
    if not isinstance(resolved, tuple):
        return None
    collection, where = resolved
    found = elements(collection)
    if found is None:
        return None
    entries: list[Registered] = []
    for index, element in enumerate(found):
        pair = _pair(element)
        if pair is not None:
            key: Binding = (pair[0], where)
            value: Binding = (pair[1], where)
            label = name_of(key)
            shown = label.label if not label.dynamic and label.label else str(index)
            item: Binding = (
                key if part == "Keys" else value if part == "Values" else Entry(key, value)
            )
            entries.append(Registered(shown, item))
        else:
            if part is not None:
                return None
            label = name_of((element, where))
            shown = label.label if not label.dynamic and label.label else str(index)
            entries.append(Registered(shown, (element, where)))
    return entries


def _pair(element: Node) -> tuple[Node, Node] | None:
    """``["k"] = v`` or ``{ "k", v }`` in a dictionary initializer."""
    if element.type == "assignment_expression":
        left, right = child(element, "left"), child(element, "right")
        if left is not None and right is not None and left.type == "element_binding_expression":
            argument = next((c for c in named(left) if c.type == "argument"), None)
            key = named(argument)[-1] if argument is not None and named(argument) else None
            return (key, right) if key is not None else None
        return None
    if element.type == "initializer_expression":
        parts = named(element)
        if len(parts) == 2:
            return parts[0], parts[1]
    return None
