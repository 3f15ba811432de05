"""A small checker for the part of JSON Schema (draft 2020-12) our shipped schema uses.

``jsonschema`` is a development dependency only; reading a graph document back (``scaffold``)
must work without it. The schema is the one source of truth for the document's shape, so the
check walks it rather than restating it: ``type``, ``const``, ``enum``, ``required``,
``properties``, ``additionalProperties``, ``items``, ``minItems``, ``minProperties``,
``minLength``, ``minimum``, ``pattern``, ``$ref`` (local), ``oneOf``, ``anyOf``, ``allOf``,
``not`` and ``if``/``then``/``else``. A keyword it does not know fails loudly in the tests, not
silently at run time (see tests/test_convert_cli.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = ["KNOWN_KEYWORDS", "first_error"]

KNOWN_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "$defs",
        "$ref",
        "title",
        "description",
        "type",
        "const",
        "enum",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "minItems",
        "minProperties",
        "minLength",
        "minimum",
        "pattern",
        "oneOf",
        "anyOf",
        "allOf",
        "not",
        "if",
        "then",
        "else",
    }
)

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def first_error(instance: object, schema: dict[str, Any]) -> str | None:
    """The first way ``instance`` breaks ``schema``, as ``where: what``, or None when it fits."""
    return next(_errors(instance, schema, schema, "document"), None)


def _is_type(value: object, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[name])


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _errors(
    value: object, schema: dict[str, Any], root: dict[str, Any], where: str
) -> Iterator[str]:
    if "$ref" in schema:
        reference: str = schema["$ref"]
        target: Any = root
        for part in reference.removeprefix("#/").split("/"):
            target = target[part]
        yield from _errors(value, target, root, where)
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, n) for n in names):
            yield f"{where}: expected {' or '.join(names)}, found {_describe(value)}"
            return
    if "const" in schema and (value != schema["const"] or type(value) is not type(schema["const"])):
        yield f"{where}: expected {schema['const']!r}, found {_describe(value)}"
        return
    if "enum" in schema and not any(
        value == option and type(value) is type(option) for option in schema["enum"]
    ):
        choices = ", ".join(repr(option) for option in schema["enum"])
        yield f"{where}: expected one of {choices}, found {_describe(value)}"
        return
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            yield f"{where}: must not be empty"
        if "pattern" in schema and not re.search(schema["pattern"], value):
            yield f"{where}: {_describe(value)} is not a valid value here"
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and "minimum" in schema
        and value < schema["minimum"]
    ):
        yield f"{where}: {value} is below {schema['minimum']}"
    if isinstance(value, dict):
        yield from _object_errors(value, schema, root, where)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            yield f"{where}: needs at least {schema['minItems']} entries"
        if "items" in schema:
            for index, item in enumerate(value):
                yield from _errors(item, schema["items"], root, f"{where}[{index}]")
    yield from _combined_errors(value, schema, root, where)


def _object_errors(
    value: dict[str, Any], schema: dict[str, Any], root: dict[str, Any], where: str
) -> Iterator[str]:
    for key in schema.get("required", ()):
        if key not in value:
            yield f"{where}: missing {key!r}"
    if len(value) < schema.get("minProperties", 0):
        yield f"{where}: must not be empty"
    properties: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            yield from _errors(item, properties[key], root, f"{where}.{key}")
        elif extra is False:
            yield f"{where}: unexpected key {key!r}"
        elif isinstance(extra, dict):
            yield from _errors(item, extra, root, f"{where}.{key}")


def _combined_errors(
    value: object, schema: dict[str, Any], root: dict[str, Any], where: str
) -> Iterator[str]:
    for part in schema.get("allOf", ()):
        yield from _errors(value, part, root, where)
    if "anyOf" in schema and not any(
        first_error_in(value, part, root, where) is None for part in schema["anyOf"]
    ):
        yield next(_errors(value, schema["anyOf"][0], root, where))
    if "oneOf" in schema:
        results = [first_error_in(value, part, root, where) for part in schema["oneOf"]]
        fitting = [r for r in results if r is None]
        if len(fitting) != 1:
            # The most specific complaint: the one found deepest in the value.
            errors = [r for r in results if r is not None]
            yield (
                max(errors, key=lambda e: e.split(":")[0].count(".") + e.count("["))
                if errors
                else (f"{where}: matches more than one allowed shape")
            )
    if "not" in schema and first_error_in(value, schema["not"], root, where) is None:
        yield f"{where}: holds a field not allowed here"
    if "if" in schema:
        branch = "then" if first_error_in(value, schema["if"], root, where) is None else "else"
        if branch in schema:
            yield from _errors(value, schema[branch], root, where)


def first_error_in(
    value: object, schema: dict[str, Any], root: dict[str, Any], where: str
) -> str | None:
    """The first error of ``value`` against a part of ``root``."""
    return next(_errors(value, schema, root, where), None)
