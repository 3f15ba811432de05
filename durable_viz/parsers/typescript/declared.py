"""What the TypeScript types written in the source say about a value: whether it is a string.

``context.invoke`` decides between its overloads at run time by ``typeof arg2 === "string"``
(SDK-API.md section 1). When the value of that argument cannot be read, its declared type often
can: ``const fn: string``, a parameter ``payload: Order``, ``x as string``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from durable_viz.parsers.typescript.module import text
from durable_viz.parsers.typescript.syntax import field, kids, member_parts, params

if TYPE_CHECKING:
    from tree_sitter import Node

    from durable_viz.parsers.typescript.module import ModuleInfo
    from durable_viz.parsers.typescript.values import Scope

__all__ = ["declare_params", "string_typed", "type_is_string"]

_MAX_DEPTH = 16
_NOT_STRINGS = frozenset(
    {"object_type", "array_type", "tuple_type", "function_type", "constructor_type"}
)
_STRING_GENERICS = frozenset({"Uppercase", "Lowercase", "Capitalize", "Uncapitalize"})
_OTHER_GENERICS = frozenset(
    {"Array", "ReadonlyArray", "Record", "Map", "Set", "Promise", "Partial", "Readonly"}
)
_DECLARED_OBJECTS = frozenset(
    {"interface_declaration", "class_declaration", "abstract_class_declaration"}
)
_UNSAID = frozenset({"any", "unknown", "never"})
_CASTS = frozenset({"as_expression", "satisfies_expression"})
_STRING_CALLS = frozenset({"String", "JSON.stringify"})


def declare_params(function: Node, scope: Scope, module: ModuleInfo) -> None:
    """Record the declared types of a function's plain parameters in ``scope``."""
    for param in params(function):
        pattern = field(param, "pattern")
        annotation = field(param, "type")
        if pattern is not None and annotation is not None and pattern.type == "identifier":
            scope.types[text(pattern)] = (annotation, module)


def string_typed(expression: Node, scope: Scope, depth: int = 0) -> bool | None:
    """Whether the source's types say an expression is a string (None: they do not say)."""
    while depth <= _MAX_DEPTH:
        kind = expression.type
        if kind in _CASTS:
            found = kids(expression)
            return type_is_string(found[-1], scope.module) if len(found) >= 2 else None
        if kind == "type_assertion":
            found = kids(expression)
            cast = kids(found[0]) if found and found[0].type == "type_arguments" else []
            return type_is_string(cast[0], scope.module) if cast else None
        if kind in ("parenthesized_expression", "non_null_expression"):
            found = kids(expression)
            if not found:
                return None
            expression = found[0]
            continue
        if kind in ("string", "template_string"):
            return True
        if kind == "call_expression":
            return _string_call(expression)
        if kind != "identifier":
            return None
        name = text(expression)
        typed = scope.types.get(name)
        if typed is not None:
            return type_is_string(typed[0], typed[1])
        bound = scope.values.get(name)
        if bound is not None:
            expression, scope = bound
            depth += 1
            continue
        declared = scope.module.declared.get(name)
        if declared is not None:
            return type_is_string(declared, scope.module)
        return None
    return None


def type_is_string(node: Node, module: ModuleInfo, depth: int = 0) -> bool | None:
    """Whether a type is a string type (None when it may or may not be, or is unknown)."""
    if depth > _MAX_DEPTH:
        return None
    kind = node.type
    if kind in ("type_annotation", "parenthesized_type", "opting_type_annotation"):
        found = kids(node)
        return type_is_string(found[0], module, depth + 1) if found else None
    if kind == "predefined_type":
        word = text(node)
        return None if word in _UNSAID else word == "string"
    if kind == "literal_type":
        found = kids(node)
        return bool(found) and found[0].type in ("string", "template_string")
    if kind == "template_literal_type":
        return True
    if kind in _NOT_STRINGS:
        return False
    if kind == "union_type":
        answers = {type_is_string(part, module, depth + 1) for part in kids(node)}
        return answers.pop() if len(answers) == 1 else None
    if kind == "generic_type":
        name = field(node, "name")
        shown = text(name) if name is not None else ""
        if shown in _STRING_GENERICS:
            return True
        return False if shown in _OTHER_GENERICS else None
    if kind == "type_identifier":
        shown = text(node)
        if shown == "String":
            return True
        declared = module.types.get(shown)
        if declared is None:
            return None  # imported, global or a type parameter: not seen here
        if declared.type in _DECLARED_OBJECTS:
            return False
        return type_is_string(declared, module, depth + 1)
    return None


def _string_call(call: Node) -> bool | None:
    """``String(x)``, ``JSON.stringify(x)`` and ``x.toString()`` give strings."""
    function = field(call, "function")
    if function is None:
        return None
    if text(function) in _STRING_CALLS:
        return True
    parts = member_parts(function)
    return True if parts is not None and parts[1] == "toString" else None
