"""Binding patterns (``x``, ``{ name, amount = 1 }``, ``[a, b]``, nested): what each name they
bind stands for, as far as the value they receive shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from durable_viz.parsers.typescript.module import text
from durable_viz.parsers.typescript.syntax import field, kids, string_value
from durable_viz.parsers.typescript.values import object_fields

if TYPE_CHECKING:
    from typing import TypeAlias

    from tree_sitter import Node

    from durable_viz.parsers.typescript.values import Scope

__all__ = ["MISSING", "Bound", "bind_pattern", "forget_names", "missing", "pattern_names"]


class _Missing:
    """Nothing is given for a parameter or a pattern's part (its default applies)."""


MISSING = _Missing()

Bound: TypeAlias = "tuple[Node, Scope] | _Missing | None"
"""What a pattern receives: an expression read in a scope, ``None`` when unknown, or
:data:`MISSING` when nothing is given."""

_NAMES = frozenset({"identifier", "shorthand_property_identifier_pattern"})
_NOT_BOUND = frozenset(
    {"number", "string", "property_identifier", "member_expression", "subscript_expression"}
)
"""Parts of a pattern that bind no local name (an assignment pattern may store into
``obj.field`` or ``items[i]``)."""


def forget_names(pattern: Node, scope: Scope) -> None:
    """Every name a binding pattern binds is forgotten (its value is unknown)."""
    for name in pattern_names(pattern):
        scope.forget(name)


def pattern_names(pattern: Node) -> list[str]:
    """The names a binding or assignment pattern (``x``, ``[a, b]``, ``{a, b: c = 1}``) binds."""
    names: list[str] = []
    stack = [pattern]
    while stack:
        current = stack.pop()
        kind = current.type
        if kind in _NAMES:
            names.append(text(current))
        elif kind == "pair_pattern":
            value = field(current, "value")
            if value is not None:
                stack.append(value)
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            left = field(current, "left")  # the default on the right binds nothing
            if left is not None:
                stack.append(left)
        elif kind not in _NOT_BOUND:
            stack.extend(kids(current))
    return names


def missing(value: Bound) -> bool:
    """Whether a value is absent or ``undefined`` (a default applies then)."""
    if isinstance(value, _Missing):
        return True
    if value is None:
        return False
    resolved = value[1].resolve(value[0])[0]
    return resolved.type == "undefined" or (
        resolved.type == "identifier" and text(resolved) == "undefined"
    )


def bind_pattern(pattern: Node, value: Bound, scope: Scope) -> None:
    """Bind the names of ``pattern`` in ``scope`` to the parts of ``value`` it shows."""
    kind = pattern.type
    if kind in _NAMES:
        name = text(pattern)
        scope.forget(name)
        if isinstance(value, tuple):
            scope.bind(name, value[0], value[1])
        return
    if kind in ("assignment_pattern", "object_assignment_pattern"):
        left, right = field(pattern, "left"), field(pattern, "right")
        if left is None:
            return
        if right is not None and missing(value):
            value = (right, scope)
        bind_pattern(left, value, scope)
    elif kind == "object_pattern":
        _bind_object(pattern, value, scope)
    elif kind == "array_pattern":
        _bind_array(pattern, value, scope)
    else:
        forget_names(pattern, scope)


def _bind_object(pattern: Node, value: Bound, scope: Scope) -> None:
    fields: dict[str, Node] | None = None
    where = scope
    if isinstance(value, tuple):
        literal, where = value[1].resolve(value[0])
        if literal.type == "object" and not any(k.type == "spread_element" for k in kids(literal)):
            fields = object_fields(literal)
    for part in kids(pattern):
        key: str | None = None
        target = part
        if part.type == "shorthand_property_identifier_pattern":
            key = text(part)
        elif part.type == "object_assignment_pattern":
            left = field(part, "left")
            key = text(left) if left is not None else None
        elif part.type == "pair_pattern":
            named, inside = field(part, "key"), field(part, "value")
            if named is None or inside is None:
                continue
            key = string_value(named) if named.type == "string" else text(named)
            if named.type == "computed_property_name":
                key = None  # ``{ [k]: v }``: which field is only known at run time
            target = inside
        if key is None:
            forget_names(part, scope)  # a rest element, or a computed key
            continue
        part_value: Bound = None
        if fields is not None:
            found = fields.get(key)
            part_value = (found, where) if found is not None else MISSING
        bind_pattern(target, part_value, scope)


def _bind_array(pattern: Node, value: Bound, scope: Scope) -> None:
    elements: list[Node] | None = None
    where = scope
    if isinstance(value, tuple):
        literal, where = value[1].resolve(value[0])
        if literal.type == "array":
            elements = kids(literal)
    for index, part in enumerate(kids(pattern)):
        if part.type == "rest_pattern":
            forget_names(part, scope)
            break
        part_value: Bound = None
        if elements is not None:
            if any(e.type == "spread_element" for e in elements[: index + 1]):
                elements = None  # positions after a spread are only known at run time
            else:
                part_value = (elements[index], where) if index < len(elements) else MISSING
        bind_pattern(part, part_value, scope)
