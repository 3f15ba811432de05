"""Reading values out of TypeScript expressions without running them: operation names,
durations, invoke targets and config objects."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from durable_viz.graph import Via
from durable_viz.parsers.base import (
    NONE_NAME,
    NameValue,
    completion_text,
    duration_text,
    finite,
    retry_text,
)
from durable_viz.parsers.paths import bound_here, freeze
from durable_viz.parsers.sums import plus
from durable_viz.parsers.typescript.module import text
from durable_viz.parsers.typescript.syntax import (
    arguments,
    decode_escape,
    kids,
    member_parts,
    string_value,
    unwrap,
)
from durable_viz.parsers.typescript.syntax import (
    callee as call_callee,
)
from durable_viz.parsers.typescript.syntax import field as child

if TYPE_CHECKING:
    from tree_sitter import Node

    from durable_viz.parsers.typescript.module import FunctionInfo, ModuleInfo

__all__ = [
    "Scope",
    "evaluate_name",
    "evaluate_number",
    "object_fields",
    "read_config",
    "read_duration",
]

_MAX_DEPTH = 24
_NAMES = frozenset({"identifier", "shorthand_property_identifier"})
FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})
"""Expressions that define a function (its body runs when called)."""


@dataclass(eq=False)
class Scope:
    """What names mean at one point of a function being analysed.

    Attributes:
        module: the module whose code this is.
        contexts: local names bound to a DurableContext.
        values: local names bound to an expression (with the scope it is read in).
        functions: functions declared in the enclosing function bodies.
        stack: the functions being inlined, outermost first (bounds recursion).
        via: the helper call this code was inlined from.
        pending: names bound to a durable promise not awaited yet, with where it was created
            (shared by every scope of one workflow).
        strings: names known to hold a given string (a registry key a callback receives).
        types: the declared type of local names (``const fn: string``, a typed parameter),
            with the module the type is written in.
        unknown: local names holding a value the source does not show, which hide a module
            constant of the same name (``let attempt = 0`` at the top, changed in a loop).
        dead: the code being read follows a ``return``, ``throw``, ``break`` or ``continue``
            (see :mod:`durable_viz.parsers.paths`).
        read: names the expressions bound in this scope (and read in it) read; assigning one
            first makes those bindings keep what they mean (see :meth:`keep`). It only grows:
            a branch's saved state may bring such a binding back.
        origin: the scope this one is a kept copy of (see :meth:`keep`), which two ways of a
            branch compare bindings by.
    """

    module: ModuleInfo
    contexts: set[str] = field(default_factory=set)
    values: dict[str, tuple[Node, Scope]] = field(default_factory=dict)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    stack: tuple[str, ...] = ()
    via: Via | None = None
    pending: dict[str, tuple[Node, Scope]] = field(default_factory=dict)
    strings: dict[str, str] = field(default_factory=dict)
    types: dict[str, tuple[Node, ModuleInfo]] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)
    dead: bool = False
    read: set[str] = field(default_factory=set)
    origin: Scope | None = None

    def child(self) -> Scope:
        """A scope for a function nested here (closures see the enclosing names)."""
        return Scope(
            self.module,
            set(self.contexts),
            dict(self.values),
            dict(self.functions),
            self.stack,
            self.via,
            self.pending,
            dict(self.strings),
            dict(self.types),
            set(self.unknown),
        )

    def bind(self, name: str, value: Node, scope: Scope) -> None:
        """Bind a local name to an expression read in ``scope``; context aliases are tracked.

        The binding means what its expression means here and now: ``name = a`` then ``a = "r"``
        leaves ``name`` with ``a``'s value before (see :meth:`keep`).
        """
        if name in self.read:
            self.keep()
        value = unwrap(value)
        if value.type in _NAMES and text(value) in scope.contexts:
            self.contexts.add(name)
            self.values.pop(name, None)
            return
        self.contexts.discard(name)
        self.strings.pop(name, None)
        if scope is self:
            names = _reads(value)
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
        when a name they read is assigned again. A function expression keeps reading the live
        scope: its body runs when called and sees the names as they are then.
        """
        freeze(self, bound_here(self, lambda value: value.type not in FUNCTIONS))

    def forget(self, name: str) -> None:
        """A name rebound to something unknown no longer means what it meant."""
        if name in self.read:
            self.keep()
        self.contexts.discard(name)
        self.values.pop(name, None)
        self.functions.pop(name, None)
        self.strings.pop(name, None)
        self.types.pop(name, None)
        self.unknown.add(name)

    def unsettle(self, names: Collection[str]) -> None:
        """Entering a loop that assigns ``names``: in it they hold no known value.

        Names bound before the loop keep what they meant then: their expressions are read in a
        copy of this scope as it was, so ``const label = `try-${n}``` before a loop that changes
        ``n`` still reads the value ``n`` had when ``label`` was set.
        """
        if not names:
            return
        freeze(self, bound_here(self))
        self.forget_values(names)

    def forget_values(self, names: Collection[str]) -> None:
        """Names that may hold any value (after a loop that assigns them, say); what else they
        stand for (a context, a function, a declared type) is left to the code that rebinds
        them."""
        for name in names:
            self.values.pop(name, None)
            self.strings.pop(name, None)
        self.unknown.update(names)

    def lookup(self, name: str) -> tuple[Node, Scope] | None:
        """The expression a name stands for: a local binding or a module constant."""
        bound = self.values.get(name)
        if bound is not None:
            return bound
        if name in self.unknown:
            return None
        constant = self.module.constants.get(name)
        if constant is not None:
            return constant, Scope(self.module)
        return None

    def resolve(self, expression: Node, depth: int = 0) -> tuple[Node, Scope]:
        """Follow names to the expression they are bound to (as far as the source shows)."""
        scope: Scope = self
        expression = unwrap(expression)
        while expression.type in _NAMES and depth < _MAX_DEPTH:
            found = scope.lookup(text(expression))
            if found is None:
                break
            expression, scope = unwrap(found[0]), found[1]
            depth += 1
        return expression, scope


def _reads(expression: Node) -> set[str]:
    """The names an expression reads when it is evaluated (a property's name counts too:
    harmless); not those in a function expression's body, which reads them when called."""
    names: set[str] = set()
    stack = [expression]
    while stack:
        node = stack.pop()
        if node.type in _NAMES:
            names.add(text(node))
        elif node.type not in FUNCTIONS:
            stack.extend(node.named_children)
    return names


def member_value(expression: Node, scope: Scope, depth: int = 0) -> tuple[Node, Scope] | None:
    """``Steps.NOTIFY`` from an enum, or ``CONFIG.name`` from a constant object literal."""
    parts = member_parts(expression)
    if parts is None or depth > _MAX_DEPTH:
        return None
    owner, prop = parts
    if owner.type == "identifier":
        declared = scope.module.members.get(f"{text(owner)}.{prop}")
        if declared is not None:
            return declared, Scope(scope.module)
    resolved, resolved_scope = scope.resolve(owner)
    if resolved.type == "member_expression":
        inner = member_value(resolved, resolved_scope, depth + 1)
        if inner is None:
            return None
        resolved, resolved_scope = inner[1].resolve(inner[0])
    if resolved.type == "object":
        value = object_fields(resolved).get(prop)
        if value is not None:
            return value, resolved_scope
    return None


def object_fields(obj: Node) -> dict[str, Node]:
    """The written-out fields of an object literal (``{a: 1, b}``), by key."""
    fields: dict[str, Node] = {}
    for part in kids(unwrap(obj)):
        if part.type == "pair":
            key, value = child(part, "key"), child(part, "value")
            if key is None or value is None:
                continue
            name = string_value(key) if key.type == "string" else text(key)
            if name is not None:
                fields[name] = value
        elif part.type == "shorthand_property_identifier":
            fields[text(part)] = part
        elif part.type == "method_definition":
            name_node = child(part, "name")
            if name_node is not None:
                fields[text(name_node)] = part
    return fields


def evaluate_name(expression: Node, scope: Scope, depth: int = 0) -> NameValue:
    """The name an expression gives an operation, as far as the source shows it."""
    expression = unwrap(expression)
    if depth > _MAX_DEPTH:
        return NameValue.runtime(scope.module.code(expression))
    literal = string_value(expression)
    if literal is not None:
        return NameValue.literal(literal)
    kind = expression.type
    if kind in ("undefined", "null"):
        return NONE_NAME
    if kind in ("identifier", "shorthand_property_identifier"):
        name = text(expression)
        if name == "undefined":
            return NONE_NAME
        if name in scope.strings:
            return NameValue.literal(scope.strings[name])
        found = scope.lookup(name)
        if found is not None:
            return evaluate_name(found[0], found[1], depth + 1)
        return NameValue.runtime(name)
    if kind == "template_string":
        parts: list[NameValue] = []
        for part in kids(expression):
            if part.type == "template_substitution":
                inner = kids(part)
                value = (
                    evaluate_name(inner[0], scope, depth + 1) if inner else NameValue.literal("")
                )
                parts.append(value if value.name is not None else NameValue.literal("undefined"))
            elif part.type == "escape_sequence":
                parts.append(NameValue.literal(decode_escape(text(part))))
            else:
                parts.append(NameValue.literal(text(part)))
        return NameValue.join(parts)
    if kind == "member_expression":
        member = member_value(expression, scope)
        if member is not None:
            return evaluate_name(member[0], member[1], depth + 1)
        return NameValue.runtime(scope.module.code(expression))
    if kind == "number":
        return NameValue.literal(text(expression))
    if kind == "ternary_expression":
        choices = [
            evaluate_name(branch, scope, depth + 1)
            for branch in (child(expression, "consequence"), child(expression, "alternative"))
            if branch is not None
        ]
        labels = " | ".join(c.label or "undefined" for c in choices)
        return NameValue("{}", "{" + labels + "}", True)
    if kind == "binary_expression":
        operator = child(expression, "operator")
        left, right = child(expression, "left"), child(expression, "right")
        if operator is not None and text(operator) == "+" and left is not None and right:
            numbers = [evaluate_number(side, scope, depth + 1) for side in (left, right)]
            parts = [evaluate_name(side, scope, depth + 1) for side in (left, right)]
            return plus(numbers, parts, scope.module.code(expression))
    if kind == "call_expression":
        called = call_callee(expression)
        args = arguments(expression)
        if called is not None and text(called) == "String" and len(args) == 1:
            return evaluate_name(args[0], scope, depth + 1)
    return NameValue.runtime(scope.module.code(expression))


def evaluate_number(expression: Node, scope: Scope, depth: int = 0) -> float | None:
    """A number written out, through constants and simple arithmetic (a finite one)."""
    return finite(lambda: _evaluate_number(expression, scope, depth))


def _evaluate_number(expression: Node, scope: Scope, depth: int = 0) -> float | None:
    expression = unwrap(expression)
    if depth > _MAX_DEPTH:
        return None
    kind = expression.type
    if kind == "number":
        raw = text(expression).replace("_", "")
        try:
            return float(int(raw, 0)) if raw[:2].lower() in ("0x", "0o", "0b") else float(raw)
        except ValueError:
            return None
    if kind == "identifier":
        found = scope.lookup(text(expression))
        return evaluate_number(found[0], found[1], depth + 1) if found else None
    if kind == "member_expression":
        member = member_value(expression, scope)
        return evaluate_number(member[0], member[1], depth + 1) if member else None
    if kind == "unary_expression":
        operator, argument = child(expression, "operator"), child(expression, "argument")
        if operator is not None and argument is not None and text(operator) == "-":
            inner = evaluate_number(argument, scope, depth + 1)
            return -inner if inner is not None else None
        return None
    if kind == "binary_expression":
        left, right = child(expression, "left"), child(expression, "right")
        operator = child(expression, "operator")
        if left is None or right is None or operator is None:
            return None
        a = evaluate_number(left, scope, depth + 1)
        b = evaluate_number(right, scope, depth + 1)
        if a is None or b is None:
            return None
        sign = text(operator)
        if sign == "+":
            return a + b
        if sign == "-":
            return a - b
        if sign == "*":
            return a * b
        if sign == "/" and b:
            return a / b
    return None


_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def read_duration(expression: Node, scope: Scope) -> str | None:
    """A ``Duration`` object (``{ minutes: 15 }``, ``{ hours: 1, minutes: 30 }``) as text."""
    expression, scope = scope.resolve(expression)
    if expression.type != "object":
        return None
    total = 0.0
    fields = object_fields(expression)
    if not fields:
        return None
    for key, value in fields.items():
        unit = _UNITS.get(key)
        amount = evaluate_number(value, scope)
        if unit is None or amount is None:
            return None
        total += amount * unit
    return duration_text(total)


_PRESETS = {"default": "default", "linear": "linear", "noRetry": "no retry"}


def _callee_name(call: Node) -> str | None:
    callee = call_callee(call)
    if callee is None:
        return None
    if callee.type == "identifier":
        return text(callee)
    parts = member_parts(callee)
    return parts[1] if parts is not None else None


def _retry(expression: Node, scope: Scope) -> str:
    expression, scope = scope.resolve(expression)
    parts = member_parts(expression)
    if parts is not None and text(parts[0]).rsplit(".", 1)[-1] == "retryPresets":
        return _PRESETS.get(parts[1], camel_words(parts[1]))
    if expression.type == "call_expression":
        name = _callee_name(expression)
        if name in ("createRetryStrategy", "createLinearRetryStrategy"):
            kind = "linear" if name == "createLinearRetryStrategy" else "exponential"
            attempts = None
            args = arguments(expression)
            if args:
                options, options_scope = scope.resolve(args[0])
                if options.type == "object":
                    given = object_fields(options).get("maxAttempts")
                    if given is not None:
                        number = evaluate_number(given, options_scope)
                        attempts = int(number) if number is not None else None
            return retry_text(kind, attempts)
    if expression.type in ("undefined", "null"):
        return "default"
    return "custom"


def _completion(expression: Node, scope: Scope) -> str:
    expression, scope = scope.resolve(expression)
    if expression.type != "object":
        return "custom completion"
    given = object_fields(expression)

    def number(key: str) -> str | None:
        value = given.get(key)
        if value is None:
            return None
        found = evaluate_number(value, scope)
        return f"{found:g}" if found is not None else scope.module.code(value)

    return completion_text(
        min_successful=number("minSuccessful"),
        tolerated_count=number("toleratedFailureCount"),
        tolerated_percentage=number("toleratedFailurePercentage"),
    )


def _wait_strategy(expression: Node, scope: Scope) -> str:
    expression, scope = scope.resolve(expression)
    if expression.type == "call_expression" and _callee_name(expression) == "createWaitStrategy":
        args = arguments(expression)
        if args:
            options, options_scope = scope.resolve(args[0])
            attempts = (
                object_fields(options).get("maxAttempts") if options.type == "object" else None
            )
            if attempts is not None:
                found = evaluate_number(attempts, options_scope)
                if found is not None:
                    return f"polls up to {found:g}x"
        return "polls up to 60x"
    return "custom polling"


def camel_words(name: str) -> str:
    """``AtMostOncePerRetry`` -> ``at most once per retry``; ``AT_MOST`` -> ``at most``."""
    if "_" in name or name.isupper():
        return name.replace("_", " ").lower()
    words: list[str] = []
    for char in name:
        if char.isupper() and words:
            words.append(" ")
        words.append(char.lower())
    return "".join(words)


def read_config(expression: Node, scope: Scope) -> tuple[dict[str, str], list[str], Node | None]:
    """A config object's settings, the annotations to show for them, and its item namer.

    Returns:
        ``(config, annotations, item_namer)`` as the Python parser's ``read_config`` does.
    """
    expression, scope = scope.resolve(expression)
    config: dict[str, str] = {}
    notes: list[str] = []
    if expression.type != "object":
        return config, notes, None
    given = object_fields(expression)
    item_namer = given.get("itemNamer")
    for key, value in given.items():
        if unwrap(value).type in ("undefined", "null"):
            continue
        if key == "retryStrategy":
            config["retry"] = _retry(value, scope)
            notes.append(f"retry: {config['retry']}")
        elif key == "semantics":
            member = member_parts(unwrap(value))
            raw = member[1] if member else (string_value(value) or scope.module.code(value))
            config["semantics"] = camel_words(raw)
            if "most" in config["semantics"]:
                notes.append("at most once")
        elif key == "completionConfig":
            config["completion"] = _completion(value, scope)
            notes.append(config["completion"])
        elif key == "maxConcurrency":
            found = evaluate_number(value, scope)
            config["max_concurrency"] = (
                f"{found:g}" if found is not None else scope.module.code(value)
            )
            notes.append(f"max {config['max_concurrency']} at once")
        elif key == "nesting":
            member = member_parts(unwrap(value))
            raw = member[1] if member else (string_value(value) or scope.module.code(value))
            config["nesting"] = raw.lower()
            if config["nesting"] == "flat":
                notes.append("flat")
        elif key == "tenantId":
            tenant = evaluate_name(value, scope)
            config["tenant"] = tenant.label or "?"
            notes.append(f"tenant {config['tenant']}")
        elif key in ("timeout", "heartbeatTimeout"):
            duration = read_duration(value, scope) or scope.module.code(value, 24)
            snake = "timeout" if key == "timeout" else "heartbeat_timeout"
            config[snake] = duration
            notes.append(f"{'timeout' if key == 'timeout' else 'heartbeat'} {duration}")
        elif key == "virtualContext":
            if scope.module.code(value) == "true":
                config["virtual"] = "true"
                notes.append("virtual")
        elif key == "waitStrategy":
            config["wait_strategy"] = _wait_strategy(value, scope)
            notes.append(config["wait_strategy"])
        elif key == "wrapWithRunInChildContext":
            config["wrap_in_child_context"] = scope.module.code(value).lower()
        elif key == "itemNamer":
            config["item_namer"] = scope.module.code(value, 80)
    return config, notes, item_namer
