"""Small typed helpers around tree-sitter's untyped TypeScript/JavaScript nodes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = [
    "FUNCTION_TYPES",
    "arguments",
    "field",
    "is_function",
    "kids",
    "member_parts",
    "params",
    "statements_of",
    "string_value",
    "unwrap",
]

FUNCTION_TYPES = frozenset(
    {
        "arrow_function",
        "function_expression",
        "function",
        "function_declaration",
        "generator_function",
        "generator_function_declaration",
        "method_definition",
    }
)
"""Node types that define a function (declared, expressed or as a class method)."""

# Wrappers that change nothing about which value an expression has at run time.
_TRANSPARENT = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    }
)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}


def field(node: Node, name: str) -> Node | None:
    """The child in a grammar field (``function``, ``arguments``, ``body``...)."""
    return node.child_by_field_name(name)


def kids(node: Node) -> list[Node]:
    """Named children without comments."""
    return [child for child in node.named_children if child.type != "comment"]


def unwrap(node: Node) -> Node:
    """The expression inside parentheses, ``as``/``satisfies`` casts and ``!`` assertions."""
    while node.type in _TRANSPARENT:
        inner = kids(node)
        if not inner:
            break
        # ``<T>value`` puts the type first; every other wrapper puts the value first.
        node = inner[-1] if node.type == "type_assertion" else inner[0]
    return node


def is_function(node: Node) -> bool:
    """Whether a node is a function literal (arrow, function expression, declaration)."""
    return node.type in FUNCTION_TYPES


def arguments(call: Node) -> list[Node]:
    """A call's arguments up to the first spread (after which positions are unknown)."""
    args = field(call, "arguments")
    if args is None or args.type != "arguments":
        return []
    found: list[Node] = []
    for child in kids(args):
        if child.type == "spread_element":
            break
        found.append(child)
    return found


def member_parts(node: Node) -> tuple[Node, str] | None:
    """``(object, property)`` of ``a.b`` or ``a?.b`` (the object unwrapped)."""
    if node.type != "member_expression":
        return None
    obj = field(node, "object")
    prop = field(node, "property")
    if obj is None or prop is None:
        return None
    return unwrap(obj), prop.text.decode("utf-8", "replace") if prop.text else ""


def param_pattern(param: Node) -> Node:
    """The binding pattern of a parameter (TS ``required_parameter`` or a JS pattern)."""
    if param.type in ("required_parameter", "optional_parameter"):
        pattern = field(param, "pattern")
        return pattern if pattern is not None else param
    if param.type == "assignment_pattern":
        left = field(param, "left")
        return left if left is not None else param
    return param


def param_default(param: Node) -> Node | None:
    """The default value of a parameter, if it has one."""
    if param.type in ("required_parameter", "optional_parameter"):
        return field(param, "value")
    if param.type == "assignment_pattern":
        return field(param, "right")
    return None


def params(function: Node) -> list[Node]:
    """A function's parameters in order (``this`` parameters left out)."""
    single = field(function, "parameter")
    if single is not None:  # ``x => ...``
        return [single]
    found = field(function, "parameters")
    if found is None:
        return []
    return [
        p
        for p in kids(found)
        if not (p.type == "required_parameter" and _is_this(p)) and p.type != "this"
    ]


def _is_this(param: Node) -> bool:
    pattern = field(param, "pattern")
    return pattern is not None and pattern.type == "this"


def param_name(param: Node) -> str | None:
    """The name a parameter binds, when it is a plain identifier."""
    pattern = param_pattern(param)
    if pattern.type == "identifier":
        return pattern.text.decode("utf-8", "replace") if pattern.text else None
    return None


def statements_of(function: Node) -> list[Node] | None:
    """A function's body statements, or None when its body is an expression."""
    body = field(function, "body")
    if body is None:
        return []
    if body.type == "statement_block":
        return kids(body)
    return None


def string_value(node: Node) -> str | None:
    """The value of a string literal (escapes decoded), or None for anything else."""
    node = unwrap(node)
    if node.type == "string":
        return "".join(_fragment(part) for part in kids(node))
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.named_children
    ):
        return "".join(_fragment(part) for part in kids(node))
    return None


def _fragment(part: Node) -> str:
    text = part.text.decode("utf-8", "replace") if part.text else ""
    if part.type == "escape_sequence":
        return decode_escape(text)
    return text


def decode_escape(text: str) -> str:
    """The character an escape sequence such as ``\\n`` or ``\\u00e9`` stands for."""
    body = text[1:]
    if not body:
        return ""
    if body[0] in _ESCAPES:
        return _ESCAPES[body[0]]
    try:
        if body[0] == "u":
            digits = body[2:-1] if body.startswith("u{") else body[1:5]
            return chr(int(digits, 16))
        if body[0] == "x":
            return chr(int(body[1:3], 16))
    except ValueError:
        return body
    if body[0] in "\r\n":  # a line continuation
        return ""
    return body


def callee(call: Node) -> Node | None:
    """What a call calls, unwrapped.

    tree-sitter-typescript reads ``await a.m<T>(x)`` as a call of ``await a.m`` with type
    arguments; the await belongs to the whole call, so it is looked through here.
    """
    function = field(call, "function")
    if function is None:
        return None
    function = unwrap(function)
    if function.type == "await_expression":
        inner = kids(function)
        return unwrap(inner[0]) if inner else None
    return function
