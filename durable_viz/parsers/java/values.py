"""Reading values out of Java expressions without running them: operation names, numbers,
durations, the entries of collections written out in the source, and config builders."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from durable_viz.graph import Via
from durable_viz.parsers.base import (
    NONE_NAME,
    NameValue,
    duration_text,
    finite,
)
from durable_viz.parsers.java.module import field_of, named
from durable_viz.parsers.paths import bound_here, freeze
from durable_viz.parsers.sums import plus

if TYPE_CHECKING:
    from tree_sitter import Node

    from durable_viz.parsers.java.module import JavaFile

__all__ = [
    "Scope",
    "evaluate_name",
    "evaluate_number",
    "read_duration",
    "read_entries",
]

_MAX_DEPTH = 24

Value = Union["Node", str]
"""What a local name is bound to: an expression, or a literal the analysis made up (an index)."""


@dataclass(eq=False)
class Scope:
    """What names mean at one point of a method or lambda being analysed.

    Attributes:
        file: the file whose code this is.
        owner: the class whose methods and constants unqualified names reach.
        contexts: local names bound to a DurableContext.
        values: local names bound to an expression (with the scope it is read in).
        entries: loop variables bound to one ``Map`` entry (key, value) written in the source.
        futures: local names bound to a durable future, with the label of its operation.
        stack: the methods being inlined, outermost first (bounds recursion).
        via: the helper call this code was inlined from.
        unknown: local names holding a value the source does not show, which hide a constant
            of the same name.
        dead: the code being read follows a ``return``, ``throw``, ``break`` or ``continue``
            (see :mod:`durable_viz.parsers.paths`).
        read: names the expressions bound in this scope (and read in it) read; assigning one
            first makes those bindings keep what they mean (see :meth:`keep`). It only grows:
            a branch's saved state may bring such a binding back.
        origin: the scope this one is a kept copy of (see :meth:`keep`), which two ways of a
            branch compare bindings by.
    """

    file: JavaFile
    owner: str | None = None
    contexts: set[str] = field(default_factory=set)
    values: dict[str, tuple[Value, Scope]] = field(default_factory=dict)
    entries: dict[str, tuple[Node, Node, Scope]] = field(default_factory=dict)
    futures: dict[str, str] = field(default_factory=dict)
    stack: tuple[str, ...] = ()
    via: Via | None = None
    unknown: set[str] = field(default_factory=set)
    dead: bool = False
    read: set[str] = field(default_factory=set)
    origin: Scope | None = None

    def child(self) -> Scope:
        """A scope for a lambda written here (it sees the enclosing names)."""
        return Scope(
            self.file,
            self.owner,
            set(self.contexts),
            dict(self.values),
            dict(self.entries),
            dict(self.futures),
            self.stack,
            self.via,
            set(self.unknown),
        )

    def bind(self, name: str, value: Node, scope: Scope) -> None:
        """Bind a local name to an expression read in ``scope``; context aliases are tracked.

        The binding means what its expression means here and now: ``name = a`` then ``a = "r"``
        leaves ``name`` with ``a``'s value before (see :meth:`keep`).
        """
        if name in self.read:
            self.keep()
        self.entries.pop(name, None)
        self.futures.pop(name, None)
        if value.type == "identifier" and scope.file.text(value) in scope.contexts:
            self.contexts.add(name)
            self.values.pop(name, None)
            return
        self.contexts.discard(name)
        if scope is self:
            names = _reads(value, scope.file)
            if name in names:
                # ``n = n + 1``: the value reads the name as it was before this assignment.
                scope = self.child()
            else:
                self.read.update(names)
        self.unknown.discard(name)
        self.values[name] = (value, scope)

    def keep(self) -> None:
        """A name some binding here reads is about to change: the expressions bound in this
        scope are read from now on in a copy of it as it is, so they keep their value.

        Bindings are read lazily, in the live scope, which is cheap; this copy is made only
        when a name they read is assigned again. A lambda keeps reading the live scope (the
        names it reads are effectively final anyway).
        """
        freeze(self, bound_here(self, _kept))

    def forget(self, name: str) -> None:
        """A name now holds something the source does not show."""
        if name in self.read:
            self.keep()
        self.contexts.discard(name)
        self.values.pop(name, None)
        self.entries.pop(name, None)
        self.futures.pop(name, None)
        self.unknown.add(name)

    def unsettle(self, names: Collection[str]) -> None:
        """Entering a loop that assigns ``names``: in it they hold no known value.

        Names bound before the loop keep what they meant then: their expressions are read in a
        copy of this scope as it was, so ``String label = "try-" + n`` before a loop that
        changes ``n`` still reads the value ``n`` had when ``label`` was set.
        """
        if not names:
            return
        freeze(self, bound_here(self))
        self.forget_values(names)

    def forget_values(self, names: Collection[str]) -> None:
        """Names that may hold any value (after a loop that assigns them, say); a context alias
        or a future is left to the code that rebinds it."""
        for name in names:
            self.values.pop(name, None)
            self.entries.pop(name, None)
        self.unknown.update(names)

    def lookup(self, name: str) -> tuple[Value, Scope] | None:
        """The expression a name stands for: a local binding or a constant of the class."""
        bound = self.values.get(name)
        if bound is not None:
            return bound
        if name in self.unknown:
            return None
        constant = self.file.constant(name, self.owner)
        if constant is not None:
            return constant, Scope(self.file, self.owner)
        return None

    def resolve(self, value: Value, depth: int = 0) -> tuple[Value, Scope]:
        """Follow names (and parentheses) to the expression they are bound to."""
        scope: Scope = self
        while not isinstance(value, str) and depth < _MAX_DEPTH:
            if value.type == "parenthesized_expression" and named(value):
                value = named(value)[0]
            elif value.type == "identifier":
                found = scope.lookup(scope.file.text(value))
                if found is None:
                    break
                value, scope = found
            elif value.type == "field_access":
                found = member(value, scope)
                if found is None:
                    break
                value, scope = found
            else:
                break
            depth += 1
        return value, scope


def _reads(expression: Node, file: JavaFile) -> set[str]:
    """The names an expression reads when it is evaluated (a field's name counts too:
    harmless); not those in a lambda's body, which reads them when called."""
    names: set[str] = set()
    stack = [expression]
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            names.add(file.text(node))
        elif node.type != "lambda_expression":
            stack.extend(node.named_children)
    return names


def _kept(value: Value) -> bool:
    """Whether a binding's expression is read as it was bound (not a lambda: see ``keep``)."""
    return isinstance(value, str) or value.type != "lambda_expression"


# -- literals --------------------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "s": " ", "0": "\0"}


def string_value(node: Node, file: JavaFile) -> str | None:
    """The value of a string literal (escapes decoded), or None for anything else."""
    if node.type != "string_literal":
        return None
    parts: list[str] = []
    for child in named(node):
        text = file.text(child)
        if child.type == "escape_sequence":
            key = text[1:2]
            if key == "u":
                try:
                    parts.append(chr(int(text[2:6], 16)))
                except ValueError:
                    parts.append(text)
            else:
                parts.append(_ESCAPES.get(key, key))
        elif child.type in ("string_fragment", "multiline_string_fragment"):
            parts.append(text)
        else:
            return None  # a string template: not a plain literal
    return "".join(parts)


def member(expression: Node, scope: Scope) -> tuple[Node, Scope] | None:
    """``Owner.NAME``: a constant or enum constant declared in a class of the file."""
    owner = field_of(expression, "object")
    name = field_of(expression, "field")
    if owner is None or name is None:
        return None
    file = scope.file
    owner_name = file.text(owner).rsplit(".", 1)[-1]
    info = file.classes.get(owner_name)
    if info is None:
        return None
    key = file.text(name)
    if key in info.constants:
        return info.constants[key], Scope(file, owner_name)
    if key in info.enum_constants:
        return info.enum_constants[key], Scope(file, owner_name)
    return None


def _enum_value(constant: Node, scope: Scope, accessor: str | None) -> NameValue:
    """An enum constant used as a name: its single constructor string, or its own name."""
    file = scope.file
    name_node = field_of(constant, "name")
    own = file.text(name_node) if name_node is not None else "?"
    if accessor == "name":
        return NameValue.literal(own)
    arguments = field_of(constant, "arguments")
    strings = [string_value(a, file) for a in named(arguments)] if arguments is not None else []
    texts = [s for s in strings if s is not None]
    if len(texts) == 1 and accessor != "toString":
        return NameValue.literal(texts[0])
    return NameValue.literal(own)


# -- names -----------------------------------------------------------------------------------------


def evaluate_name(value: Value, scope: Scope, depth: int = 0) -> NameValue:
    """The name an expression gives an operation, as far as the source shows it."""
    if isinstance(value, str):
        return NameValue.literal(value)
    file = scope.file
    if depth > _MAX_DEPTH:
        return NameValue.runtime(file.code(value))
    kind = value.type
    text = string_value(value, file)
    if text is not None:
        return NameValue.literal(text)
    if kind == "null_literal":
        return NONE_NAME
    if kind in ("decimal_integer_literal", "decimal_floating_point_literal", "true", "false"):
        return NameValue.literal(file.text(value).rstrip("lLdDfF"))
    if kind == "character_literal":
        return NameValue.literal(file.text(value)[1:-1])
    if kind == "parenthesized_expression" and named(value):
        return evaluate_name(named(value)[0], scope, depth + 1)
    if kind == "identifier":
        found = scope.lookup(file.text(value))
        if found is not None:
            return evaluate_name(found[0], found[1], depth + 1)
        return NameValue.runtime(file.text(value))
    if kind == "field_access":
        found = member(value, scope)
        if found is not None:
            if found[0].type == "enum_constant":
                return _enum_value(found[0], found[1], None)
            return evaluate_name(found[0], found[1], depth + 1)
        return NameValue.runtime(file.code(value))
    if kind == "enum_constant":
        return _enum_value(value, scope, None)
    if kind == "ternary_expression":
        choices = [
            evaluate_name(part, scope, depth + 1)
            for part in (field_of(value, "consequence"), field_of(value, "alternative"))
            if part is not None
        ]
        labels = " | ".join(c.label or "null" for c in choices)
        return NameValue("{}", "{" + labels + "}", True)
    if kind == "binary_expression":
        operator = field_of(value, "operator")
        left, right = field_of(value, "left"), field_of(value, "right")
        if operator is not None and file.text(operator) == "+" and left and right:
            numbers = [evaluate_number(side, scope, depth + 1) for side in (left, right)]
            parts = [evaluate_name(left, scope, depth + 1), evaluate_name(right, scope, depth + 1)]
            parts = [NameValue.literal("null") if p.name is None else p for p in parts]
            return plus(numbers, parts, file.code(value))
    if kind == "method_invocation":
        called = _called(value, scope, depth)
        if called is not None:
            return called
    return NameValue.runtime(file.code(value))


def _called(call: Node, scope: Scope, depth: int) -> NameValue | None:
    """Names built by a call: ``String.format``, ``String.valueOf``, ``x.toString()``,
    ``a.concat(b)``, ``entry.getKey()``, ``Steps.X.value()``."""
    file = scope.file
    receiver = field_of(call, "object")
    name_node = field_of(call, "name")
    arguments = field_of(call, "arguments")
    args = named(arguments) if arguments is not None else []
    method = file.text(name_node) if name_node is not None else ""
    receiver_text = file.text(receiver) if receiver is not None else ""
    if receiver_text == "String" and method == "format" and args:
        template = evaluate_name(args[0], scope, depth + 1)
        if template.dynamic or template.name is None:
            return None
        return _format_pattern(template.name, args[1:], scope, depth)
    if receiver_text in ("String", "Objects", "Integer", "Long") and method in (
        "valueOf",
        "toString",
    ):
        return evaluate_name(args[0], scope, depth + 1) if len(args) == 1 else None
    if receiver is None:
        return None
    if method == "toString" and not args and receiver.type != "field_access":
        return evaluate_name(receiver, scope, depth + 1)
    if method == "concat" and len(args) == 1:
        return NameValue.join(
            [evaluate_name(receiver, scope, depth + 1), evaluate_name(args[0], scope, depth + 1)]
        )
    if receiver.type == "identifier" and method in ("getKey", "getValue", "key", "value"):
        entry = scope.entries.get(file.text(receiver))
        if entry is not None:
            key, entry_value, entry_scope = entry
            chosen = key if method in ("getKey", "key") else entry_value
            return evaluate_name(chosen, entry_scope, depth + 1)
    if not args:
        resolved, resolved_scope = scope.resolve(receiver)
        if not isinstance(resolved, str) and resolved.type == "enum_constant":
            return _enum_value(resolved, resolved_scope, method)
    return None


_FORMAT_FIELD = re.compile(r"%(?:\d+\$)?[-#+ 0,(<]*\d*(?:\.\d+)?([a-zA-Z%])")


def _format_pattern(template: str, args: list[Node], scope: Scope, depth: int) -> NameValue:
    """``String.format("a-%s-%d", x, y)``: literal text with each field read from the args."""
    parts: list[NameValue] = []
    index = 0
    position = 0
    for match in _FORMAT_FIELD.finditer(template):
        parts.append(NameValue.literal(template[position : match.start()]))
        position = match.end()
        conversion = match.group(1)
        if conversion == "%":
            parts.append(NameValue.literal("%"))
        elif conversion == "n":
            parts.append(NameValue.literal("\n"))
        elif index < len(args):
            parts.append(evaluate_name(args[index], scope, depth + 1))
            index += 1
        else:
            parts.append(NameValue.runtime("?"))
    parts.append(NameValue.literal(template[position:]))
    return NameValue.join(parts)


# -- numbers and durations -------------------------------------------------------------------------


def evaluate_number(value: Value, scope: Scope, depth: int = 0) -> float | None:
    """A number written out, through constants and simple arithmetic (a finite one)."""
    return finite(lambda: _evaluate_number(value, scope, depth))


def _evaluate_number(value: Value, scope: Scope, depth: int = 0) -> float | None:
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    if depth > _MAX_DEPTH:
        return None
    file = scope.file
    kind = value.type
    if kind in ("decimal_integer_literal", "decimal_floating_point_literal"):
        try:
            return float(file.text(value).replace("_", "").rstrip("lLdDfF"))
        except ValueError:
            return None
    if kind in ("identifier", "field_access", "parenthesized_expression"):
        resolved, resolved_scope = scope.resolve(value)
        if resolved is value:
            return None
        return evaluate_number(resolved, resolved_scope, depth + 1)
    if kind == "unary_expression":
        operand = field_of(value, "operand")
        operator = field_of(value, "operator")
        if operand is not None and operator is not None and file.text(operator) == "-":
            inner = evaluate_number(operand, scope, depth + 1)
            return -inner if inner is not None else None
        return None
    if kind == "binary_expression":
        left, right = field_of(value, "left"), field_of(value, "right")
        operator = field_of(value, "operator")
        if left is None or right is None or operator is None:
            return None
        a, b = evaluate_number(left, scope, depth + 1), evaluate_number(right, scope, depth + 1)
        if a is None or b is None:
            return None
        op = file.text(operator)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/" and b:
            return a / b
    return None


_UNITS = {
    "Millis": 0.001,
    "Seconds": 1,
    "Minutes": 60,
    "Hours": 3600,
    "Days": 86400,
}
_CHRONO = {
    "MILLIS": 0.001,
    "SECONDS": 1,
    "MINUTES": 60,
    "HOURS": 3600,
    "DAYS": 86400,
    "WEEKS": 604800,
}


def read_duration(value: Node, scope: Scope) -> str | None:
    """``Duration.ofMinutes(15)`` or ``Duration.of(2, ChronoUnit.HOURS)`` as ``15m``, ``2h``."""
    resolved, scope = scope.resolve(value)
    if isinstance(resolved, str) or resolved.type != "method_invocation":
        return None
    file = scope.file
    name_node = field_of(resolved, "name")
    arguments = field_of(resolved, "arguments")
    args = named(arguments) if arguments is not None else []
    method = file.text(name_node) if name_node is not None else ""
    if method.startswith("of") and method[2:] in _UNITS and len(args) == 1:
        amount = evaluate_number(args[0], scope)
        return duration_text(amount * _UNITS[method[2:]]) if amount is not None else None
    if method == "of" and len(args) == 2:
        amount = evaluate_number(args[0], scope)
        unit = _CHRONO.get(file.text(args[1]).rsplit(".", 1)[-1])
        if amount is not None and unit is not None:
            return duration_text(amount * unit)
    return None


# -- collections written out -----------------------------------------------------------------------

_LIST_FACTORIES = frozenset({"of", "asList", "copyOf", "ofEntries"})


def read_entries(value: Node, scope: Scope) -> list[tuple[Node, Node | None]] | None:
    """The entries of a collection the source writes out (``List.of``, ``Arrays.asList``, an
    array, ``Map.of``/``Map.ofEntries``), as ``(item or key, value or None)``; None if unseen.

    ``m.keySet()``, ``m.values()`` and ``m.entrySet()`` of such a map give its keys, its values
    or its ``(key, value)`` pairs.
    """
    resolved, scope = scope.resolve(value)
    if isinstance(resolved, str):
        return None
    file = scope.file
    if resolved.type == "array_creation_expression":
        resolved = next((c for c in named(resolved) if c.type == "array_initializer"), resolved)
    if resolved.type == "array_initializer":
        return [(item, None) for item in named(resolved)]
    if resolved.type != "method_invocation":
        return None
    receiver = field_of(resolved, "object")
    name_node = field_of(resolved, "name")
    arguments = field_of(resolved, "arguments")
    args = named(arguments) if arguments is not None else []
    method = file.text(name_node) if name_node is not None else ""
    owner = file.text(receiver).rsplit(".", 1)[-1] if receiver is not None else ""
    if method in ("keySet", "values", "entrySet") and receiver is not None and not args:
        pairs = read_entries(receiver, scope)
        if pairs is None or any(v is None for k, v in pairs):
            return None
        if method == "keySet":
            return [(k, None) for k, _ in pairs]
        if method == "values":
            return [(v, None) for _, v in pairs if v is not None]
        return pairs
    if owner == "Map" and method == "of" and len(args) % 2 == 0:
        return [(args[i], args[i + 1]) for i in range(0, len(args), 2)]
    if owner == "Map" and method == "ofEntries":
        pairs_found: list[tuple[Node, Node | None]] = []
        for entry in args:
            inner = field_of(entry, "arguments")
            parts = named(inner) if inner is not None else []
            if entry.type != "method_invocation" or len(parts) != 2:
                return None
            pairs_found.append((parts[0], parts[1]))
        return pairs_found
    if owner in ("List", "Set", "Arrays", "Stream") and method in _LIST_FACTORIES:
        if len(args) == 1 and args[0].type not in ("string_literal",):
            inner_entries = read_entries(args[0], scope)
            if inner_entries is not None:
                return inner_entries
        return [_entry(item, file) for item in args]
    return None


def _entry(item: Node, file: JavaFile) -> tuple[Node, Node | None]:
    """A list item; ``Map.entry(k, v)`` is a (key, value) pair."""
    if item.type == "method_invocation":
        name = field_of(item, "name")
        arguments = field_of(item, "arguments")
        parts = named(arguments) if arguments is not None else []
        if name is not None and file.text(name) == "entry" and len(parts) == 2:
            return parts[0], parts[1]
    return item, None
