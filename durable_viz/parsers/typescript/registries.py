"""Registries: the entries of a module-level array or object that branches or map items are
built from (``Object.keys(SPECIALISTS).map(...)``, ``REGIONS.map(...)``), when the source shows
them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from durable_viz.parsers.typescript.module import text
from durable_viz.parsers.typescript.patterns import bind_pattern, forget_names
from durable_viz.parsers.typescript.syntax import arguments, callee, kids, member_parts
from durable_viz.parsers.typescript.values import Scope, evaluate_name, object_fields

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["Entry", "bind_entry", "registry"]


@dataclass(frozen=True)
class Entry:
    """One registry entry as a callback receives it.

    Attributes:
        label: what the diagram calls the branch or item (the key, or the value's text).
        key: the string the callback receives (an object key), when it receives a key.
        value: the expression it receives (an array element or object value) and its scope.
        pair: it receives ``[key, value]`` (``Object.entries``).
    """

    label: str
    key: str | None = None
    value: tuple[Node, Scope] | None = None
    pair: bool = False


def registry(iterable: Node, scope: Scope) -> list[Entry] | None:
    """The entries ``iterable`` holds, or None when they are only known at run time."""
    resolved, resolved_scope = scope.resolve(iterable)
    if resolved.type == "array":
        entries: list[Entry] = []
        for position, element in enumerate(kids(resolved)):
            if element.type == "spread_element":
                return None
            shown = evaluate_name(element, resolved_scope)
            known = not shown.dynamic and shown.label is not None
            entries.append(
                Entry(
                    shown.label if known and shown.label else str(position),
                    shown.name if known else None,
                    (element, resolved_scope),
                )
            )
        return entries
    if resolved.type != "call_expression":
        return None
    function = callee(resolved)
    parts = member_parts(function) if function is not None else None
    args = arguments(resolved)
    if (
        parts is None
        or parts[0].type != "identifier"
        or text(parts[0]) != "Object"
        or parts[1] not in ("keys", "values", "entries")
        or not args
    ):
        return None
    obj, obj_scope = resolved_scope.resolve(args[0])
    if obj.type != "object" or any(k.type == "spread_element" for k in kids(obj)):
        return None
    method = parts[1]
    found: list[Entry] = []
    for key, value in object_fields(obj).items():
        if method == "keys":
            found.append(Entry(key, key))
        elif method == "values":
            found.append(Entry(key, None, (value, obj_scope)))
        else:
            found.append(Entry(key, key, (value, obj_scope), pair=True))
    return found


def bind_entry(pattern: Node, entry: Entry, scope: Scope) -> None:
    """Bind a callback parameter (a name or ``[key, value]``) to what an entry gives it."""
    if pattern.type == "identifier":
        name = text(pattern)
        scope.forget(name)
        if entry.pair:
            return
        if entry.value is not None:
            scope.values[name] = entry.value
        elif entry.key is not None:
            scope.strings[name] = entry.key
        return
    if pattern.type != "array_pattern" or not entry.pair:
        # ``({ id, region }) => ...`` over a list of object literals: their fields.
        bind_pattern(pattern, entry.value, scope)
        return
    parts = kids(pattern)  # ``([key, value]) => ...`` over ``Object.entries(...)``
    if parts and parts[0].type == "identifier" and entry.key is not None:
        scope.forget(text(parts[0]))
        scope.strings[text(parts[0])] = entry.key
    elif parts:
        forget_names(parts[0], scope)
    if len(parts) > 1:
        bind_pattern(parts[1], entry.value, scope)
