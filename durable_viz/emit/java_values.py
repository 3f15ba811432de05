"""Values written as Java: string literals, durations, the runtime parts of names, switch case
labels and exception types.

A workflow converted from another language carries expression texts in its labels
(``report-{tenant.id()}``, ``poll:{tool["name"]}``). Such a text is kept when the Java grammar reads
it as a plain chain over one variable (``tenant``, ``tenant.id()``, ``tool.name``): the emitter
declares the variable as a placeholder :data:`ITEM_TYPE` whose members it generates. Anything else
becomes a placeholder variable named after the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from durable_viz.emit import common
from durable_viz.emit.common import camel
from durable_viz.graph import Block, Node

if TYPE_CHECKING:
    from tree_sitter import Node as Syntax

__all__ = [
    "CHECKED_JAVA_LANG",
    "RENAMED",
    "ITEM_TYPE",
    "LINE_LIMIT",
    "attach",
    "builder_parts",
    "item_values",
    "split_label",
    "varying_names",
    "with_namer",
    "KEYWORDS",
    "Chain",
    "CaseLabel",
    "chain",
    "duration",
    "is_identifier",
    "quote",
    "seconds",
]

INDENT = "    "

ITEM_TYPE = "Item"
"""The generated placeholder type of loop variables, map items and the values names read."""

_KEYWORD_TEXT = """abstract assert boolean break byte case catch char class const continue
    default do
    double else enum extends final finally float for goto if implements import instanceof
    int interface long native new package private protected public return short static
    strictfp super switch synchronized this throw throws transient try void volatile while
    true false null var yield record sealed permits _"""

KEYWORDS = frozenset(_KEYWORD_TEXT.split())


def is_identifier(text: str) -> bool:
    """Whether ``text`` is a plain Java identifier (ASCII, not a keyword)."""
    return text.isidentifier() and text.isascii() and text not in KEYWORDS and "$" not in text


def quote(text: str) -> str:
    """A Java string literal for ``text``."""
    out: list[str] = ['"']
    for char in text:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif ord(char) < 0x20 or ord(char) == 0x7F or 0xD800 <= ord(char) <= 0xDFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|d|h|m|s)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def seconds(text: str) -> float | None:
    """The seconds a duration text (``30s``, ``1h 30m``, ``2d``) stands for; None if unreadable."""
    total = 0.0
    position = 0
    stripped = text.strip()
    for match in _DURATION_PART.finditer(stripped):
        if stripped[position : match.start()].strip():
            return None
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if position == 0 or stripped[position:].strip():
        return None
    return total


def duration(text: str | None) -> str | None:
    """``Duration.ofMinutes(15)`` for ``15m``; None when the text is not a duration."""
    if text is None:
        return None
    total = seconds(text)
    if total is None:
        return None
    if not total.is_integer():
        return f"Duration.ofMillis({round(total * 1000)})"
    whole = int(total)
    for size, unit in ((86400, "Days"), (3600, "Hours"), (60, "Minutes")):
        if whole and whole % size == 0:
            return f"Duration.of{unit}({whole // size})"
    return f"Duration.ofSeconds({whole})"


@dataclass(frozen=True, slots=True)
class Chain:
    """A runtime part Java can say as written: a variable and the members read from it.

    ``members`` holds ``(name, called)`` pairs: ``tenant.id()`` is ``("id", True)``.
    """

    root: str
    members: tuple[tuple[str, bool], ...]
    text: str


@cache
def _expression(text: str) -> Syntax | None:
    from durable_viz.parsers.treesitter import Source

    wrapper = f"class X {{ Object f = {text}; }}"
    source = Source(wrapper, "java")
    root = source.root
    if root.has_error:
        return None
    node: Syntax | None = root
    for path in ("class_declaration", "class_body", "field_declaration", "variable_declarator"):
        node = next((c for c in node.named_children if c.type == path), None) if node else None
    if node is None:
        return None
    value = node.child_by_field_name("value")
    if value is None or value.end_byte - value.start_byte != len(text.encode("utf-8")):
        return None
    return value


def chain(text: str | None) -> Chain | None:
    """The hole ``text`` as a :class:`Chain` when Java reads it as one, else None."""
    if text is None or not text.strip() or text != text.strip():
        return None
    node = _expression(text)
    if node is None:
        return None
    members: list[tuple[str, bool]] = []
    while True:
        if node.type == "identifier":
            root = node.text.decode("utf-8") if node.text is not None else ""
            if not is_identifier(root):
                return None
            return Chain(root, tuple(reversed(members)), text)
        if node.type == "field_access":
            field = node.child_by_field_name("field")
            inner = node.child_by_field_name("object")
        elif node.type == "method_invocation":
            field = node.child_by_field_name("name")
            inner = node.child_by_field_name("object")
            arguments = node.child_by_field_name("arguments")
            if arguments is None or arguments.named_child_count:
                return None
        else:
            return None
        if field is None or inner is None or field.text is None:
            return None
        member = field.text.decode("utf-8")
        if not is_identifier(member) or member in ("getClass", "hashCode", "toString", "equals"):
            return None
        members.append((member, node.type == "method_invocation"))
        node = inner


def placeholder_name(text: str | None) -> str:
    """A variable named after a runtime part Java cannot say as written."""
    return camel(text or "value", fallback="value", reserved=KEYWORDS)


@dataclass(frozen=True, slots=True)
class CaseLabel:
    """One label of a switch group: ``default``, or a case value and its kind."""

    value: str | None  # None for ``default``
    kind: str  # "string" | "int" | "enum" | "default"


_CASE_SPLIT = re.compile(r",\s*(?=case\b|default\b)")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_INT = re.compile(r"-?\d+")


def case_labels(label: str | None) -> list[CaseLabel] | None:
    """The labels of one outcome of a switch-like condition (``case "a", case "b"``,
    ``default``); None when the outcome is not a case."""
    if label is None:
        return None
    found: list[CaseLabel] = []
    for piece in _CASE_SPLIT.split(label.strip()):
        part = piece.strip()
        if part in {"default", "case _"}:
            found.append(CaseLabel(None, "default"))
            continue
        if not part.startswith("case ") and not part.startswith("case\t"):
            return None
        value = part[len("case") :].strip()
        alternatives = [v.strip() for v in value.split(" | ")]
        if len(alternatives) > 1 and all(
            _STRING.fullmatch(v) or _INT.fullmatch(v) for v in alternatives
        ):
            # ``case "a" | "b"``: one group of labels (TypeScript cases falling through).
            found.extend(
                CaseLabel(v, "string" if _STRING.fullmatch(v) else "int") for v in alternatives
            )
            continue
        if _STRING.fullmatch(value):
            found.append(CaseLabel(value, "string"))
        elif _INT.fullmatch(value):
            found.append(CaseLabel(value, "int"))
        elif is_identifier(value):
            found.append(CaseLabel(value, "enum"))
        else:
            found.append(CaseLabel(quote(value), "string"))
    return found


UNCHECKED = frozenset(
    {
        "RuntimeException",
        "IllegalArgumentException",
        "IllegalStateException",
        "UnsupportedOperationException",
        "ArithmeticException",
        "NullPointerException",
        "IndexOutOfBoundsException",
        "ClassCastException",
        "SecurityException",
        "AssertionError",
    }
)
"""``java.lang`` exception types a handler may catch or throw without declaring them."""

CHECKED_JAVA_LANG = frozenset(
    {
        "Exception",
        "Throwable",
        "InterruptedException",
        "CloneNotSupportedException",
        "ReflectiveOperationException",
        "ClassNotFoundException",
    }
)
"""``java.lang`` exception types javac makes code declare: a handler says ``Exception``."""

RENAMED = {"Error": "RuntimeException", "BaseException": "Exception"}
"""Error types of other languages that mean a Java type of another name (JavaScript's
``Error`` is what Java calls ``RuntimeException``; ``java.lang.Error`` is for the JVM's own)."""

CATCH_ALL = frozenset({"Exception", "Throwable", "RuntimeException"})
"""Types that catch every error a handler's code throws (as the Java parser reads them)."""

_CATCH_ALL_WORDS = frozenset({"error", "err", "e", "ex", "exception", "BaseException", "_", ""})


def error_types(label: str | None) -> list[str]:
    """The type names a handler's label lists (``A | B``, ``(A, B)``, ``errors.A``), as simple
    names; an empty list for a handler that catches everything without naming a type."""
    if label is None:
        return []
    text = label.strip().strip("()")
    parts = [p.strip() for p in re.split(r"[|,]", text)]
    names: list[str] = []
    for part in parts:
        simple = part.rsplit(".", 1)[-1].rsplit("::", 1)[-1].strip()
        if simple in _CATCH_ALL_WORDS:
            continue
        names.append(simple)
    return names


def split_label(label: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A label's literal texts and the expressions between braces (``a-{x}-b`` gives
    ``("a-", "-b")`` and ``("x",)``); braces that do not pair up are literal text."""
    parts = common.split_label(label, strict=False)
    assert parts is not None  # not strict: always split
    return parts


LINE_LIMIT = 100
"""Longer calls put each builder call of their config on a line of its own."""


def builder_parts(expression: str) -> list[str]:
    """``A.builder().x(1).build()`` as ``["A.builder()", ".x(1)", ".build()"]`` (top level
    calls only; arguments keep theirs)."""
    parts: list[str] = []
    depth = 0
    start = 0
    quote_char: str | None = None
    previous = ""
    for position, char in enumerate(expression):
        if quote_char is not None:
            if char == quote_char and previous != "\\":
                quote_char = None
        elif char in "\"'":
            quote_char = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "." and depth == 0 and previous == ")":
            parts.append(expression[start:position])
            start = position
        previous = char
    parts.append(expression[start:])
    return parts


def attach(lines: list[str], head: str, argument: str | None, close: str, ind: int) -> list[str]:
    """Append ``head`` + ``argument`` + ``close`` to the last line, the argument's builder
    calls on lines of their own when the line would be long."""
    last = lines[-1] + head + (argument or "") + close
    parts = builder_parts(argument) if argument else []
    if len(last) <= LINE_LIMIT or len(parts) < 3:
        return [*lines[:-1], last]
    continuation = INDENT * (ind + 2)
    return [
        *lines[:-1],
        lines[-1] + head + parts[0],
        *(continuation + part for part in parts[1:-1]),
        continuation + parts[-1] + close,
    ]


def item_values(labels: list[str]) -> tuple[list[str], str, str]:
    """The values a map's items are named after: their labels less the common text around."""
    if len(labels) < 2:
        return labels, "", ""
    prefix = labels[0]
    for label in labels[1:]:
        while not label.startswith(prefix):
            prefix = prefix[:-1]
    suffix = labels[0]
    for label in labels[1:]:
        while not label.endswith(suffix):
            suffix = suffix[1:]
    values = [label[len(prefix) : len(label) - len(suffix)] for label in labels]
    if any(not v for v in values) or len(set(values)) != len(values):
        return labels, "", ""
    return values, prefix, suffix


def varying_names(blocks: list[Block], values: list[str], item: str) -> dict[int, str]:
    """Names in the item body that differ per item only by the item's value, as
    concatenations over the item variable (by node id in the first block)."""
    overrides: dict[int, str] = {}
    if len(blocks) < 2:
        return overrides
    columns = [list(walk_nodes(b.nodes)) for b in blocks]
    if any(len(c) != len(columns[0]) for c in columns):
        return overrides
    for position, node in enumerate(columns[0]):
        names = [c[position].name for c in columns]
        if node.name is None or any(n is None for n in names) or len(set(names)) == 1:
            continue
        first = names[0] or ""
        if values[0] not in first:
            continue
        start = first.index(values[0])
        before, after = first[:start], first[start + len(values[0]) :]
        if all(n == before + v + after for n, v in zip(names, values, strict=True)):
            overrides[id(node)] = " + ".join(
                p
                for p in (quote(before) if before else "", item, quote(after) if after else "")
                if p
            )
    return overrides


def walk_nodes(nodes: tuple[Node, ...]) -> list[Node]:
    found: list[Node] = []
    for node in nodes:
        found.append(node)
        for block in node.blocks:
            found.extend(walk_nodes(block.nodes))
    return found


def with_namer(config: str | None, namer: str) -> str:
    """A map config with ``.itemNamer(...)`` added."""
    if config is None:
        return f"MapConfig.builder().itemNamer({namer}).build()"
    return config.removesuffix(".build()") + f".itemNamer({namer}).build()"
