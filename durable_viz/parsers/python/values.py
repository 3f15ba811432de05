"""Reading values out of Python expressions without running them: operation names, durations,
invoke targets and config objects."""

from __future__ import annotations

import codecs
import warnings
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

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
from durable_viz.parsers.python.positions import iter_children
from durable_viz.parsers.sums import plus

if TYPE_CHECKING:
    from durable_viz.parsers.python.module import FunctionInfo, ModuleInfo

__all__ = [
    "Scope",
    "evaluate_name",
    "evaluate_number",
    "read_config",
    "read_duration",
]

_MAX_DEPTH = 24


@dataclass(eq=False)
class Scope:
    """What names mean at one point of a function being analysed.

    Attributes:
        module: the module whose code this is.
        contexts: local names bound to a DurableContext.
        values: local names bound to an expression (with the scope it is read in): assignments,
            and arguments substituted into an inlined helper's parameters.
        functions: functions defined in the enclosing function bodies.
        stack: the functions being inlined, outermost first (bounds recursion).
        via: the helper call this code was inlined from.
        unknown: local names holding a value the source does not show, which hide a module
            constant of the same name.
        dead: the code being read follows a ``return``, ``raise``, ``break`` or ``continue``
            (see :mod:`durable_viz.parsers.paths`).
        read: names the expressions bound in this scope (and read in it) read; assigning one
            first makes those bindings keep what they mean (see :meth:`keep`). It only grows:
            a branch's saved state may bring such a binding back.
        origin: the scope this one is a kept copy of (see :meth:`keep`), which two ways of a
            branch compare bindings by.
    """

    module: ModuleInfo
    contexts: set[str] = field(default_factory=set)
    values: dict[str, tuple[cst.BaseExpression, Scope]] = field(default_factory=dict)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    stack: tuple[str, ...] = ()
    via: Via | None = None
    unknown: set[str] = field(default_factory=set)
    dead: bool = False
    read: set[str] = field(default_factory=set)
    origin: Scope | None = None

    def child(self, module: ModuleInfo | None = None) -> Scope:
        """A scope for a function nested here (closures see the enclosing names)."""
        if module is not None and module is not self.module:
            return Scope(module, stack=self.stack, via=self.via)
        return Scope(
            self.module,
            set(self.contexts),
            dict(self.values),
            dict(self.functions),
            self.stack,
            self.via,
            set(self.unknown),
        )

    def bind(self, name: str, value: cst.BaseExpression, scope: Scope) -> None:
        """Bind a local name to an expression read in ``scope``; context aliases are tracked.

        The binding means what its expression means here and now: ``name = a`` then ``a = "r"``
        leaves ``name`` with ``a``'s value before (see :meth:`keep`).
        """
        if name in self.read:
            self.keep()
        if isinstance(value, cst.Name) and value.value in scope.contexts:
            self.contexts.add(name)
            self.values.pop(name, None)
            return
        self.contexts.discard(name)
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
        when a name they read is assigned again. A lambda keeps reading the live scope: its
        body runs when called and sees the names as they are then.
        """
        freeze(self, bound_here(self, lambda value: not isinstance(value, cst.Lambda)))

    def unsettle(self, names: Collection[str]) -> None:
        """Entering a loop that assigns ``names``: in it they hold no known value.

        Names bound before the loop keep what they meant then: their expressions are read in a
        copy of this scope as it was, so ``label = f"try-{n}"`` before a loop that changes ``n``
        still reads the value ``n`` had when ``label`` was set.
        """
        if any(name in self.values for name in names):
            freeze(self, bound_here(self))
        self.forget_values(names)

    def forget_values(self, names: Collection[str]) -> None:
        """Names that may hold any value (after a loop that assigns them, say)."""
        for name in names:
            self.values.pop(name, None)
        self.unknown.update(names)

    def lookup(self, name: str) -> tuple[cst.BaseExpression, Scope] | None:
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

    def resolve(
        self, expression: cst.BaseExpression, depth: int = 0
    ) -> tuple[cst.BaseExpression, Scope]:
        """Follow names to the expression they are bound to (as far as the source shows)."""
        scope: Scope = self
        while isinstance(expression, cst.Name) and depth < _MAX_DEPTH:
            found = scope.lookup(expression.value)
            if found is None:
                break
            expression, scope = found
            depth += 1
        return expression, scope


def _reads(expression: cst.BaseExpression) -> set[str]:
    """The names an expression reads when it is evaluated (an attribute's name counts too:
    harmless); not those in a lambda's body, which reads them when called."""
    names: set[str] = set()
    stack: list[cst.CSTNode] = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            names.add(node.value)
        elif not isinstance(node, cst.Lambda):
            stack.extend(iter_children(node))
    return names


_QUOTES = frozenset({"'", '"'})
_TRIPLE = frozenset({"'" * 3, '"' * 3})


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        raw = node.value
        # Plain quotes without escapes or prefixes read as written; libcst's evaluated_value
        # compiles each literal, which shows on large files.
        if raw[0] in _QUOTES and "\\" not in raw and raw[:3] not in _TRIPLE:
            return raw[1:-1]
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def evaluate_name(expression: cst.BaseExpression, scope: Scope, depth: int = 0) -> NameValue:
    """The name an expression gives an operation, as far as the source shows it."""
    if depth > _MAX_DEPTH:
        return NameValue.runtime(scope.module.code(expression))
    text = _string(expression)
    if text is not None:
        return NameValue.literal(text)
    if isinstance(expression, cst.Name):
        if expression.value == "None":
            return NONE_NAME
        found = scope.lookup(expression.value)
        if found is not None:
            return evaluate_name(found[0], found[1], depth + 1)
        return NameValue.runtime(expression.value)
    if isinstance(expression, cst.FormattedString):
        parts: list[NameValue] = []
        for part in expression.parts:
            if isinstance(part, cst.FormattedStringText):
                raw = "r" in expression.start.lower()
                parts.append(NameValue.literal(_fstring_text(part.value, raw)))
            elif isinstance(part, cst.FormattedStringExpression):
                inner = evaluate_name(part.expression, scope, depth + 1)
                if inner.name is None:
                    inner = NameValue.literal("None")
                parts.append(inner)
        return NameValue.join(parts)
    if isinstance(expression, cst.Attribute):
        member = _member(expression, scope)
        if member is not None:
            return evaluate_name(member[0], member[1], depth + 1)
        return NameValue.runtime(scope.module.code(expression))
    if isinstance(expression, (cst.Integer, cst.Float)):
        return NameValue.literal(expression.value)
    if isinstance(expression, cst.IfExp):
        # One of two names, chosen at run time.
        choices = [evaluate_name(e, scope, depth + 1) for e in (expression.body, expression.orelse)]
        labels = " | ".join(c.label or "None" for c in choices)
        return NameValue("{}", "{" + labels + "}", True)
    if isinstance(expression, cst.BinaryOperation) and isinstance(expression.operator, cst.Add):
        sides = (expression.left, expression.right)
        numbers = [evaluate_number(side, scope, depth + 1) for side in sides]
        parts = [evaluate_name(side, scope, depth + 1) for side in sides]
        return plus(numbers, parts, scope.module.code(expression))
    if isinstance(expression, cst.Call):
        func = expression.func
        if isinstance(func, cst.Name) and func.value == "str" and len(expression.args) == 1:
            return evaluate_name(expression.args[0].value, scope, depth + 1)
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "format"
            and _string(func.value) is not None
        ):
            return _format_pattern(str(_string(func.value)), expression, scope, depth)
    return NameValue.runtime(scope.module.code(expression))


def _fstring_text(text: str, raw: bool) -> str:
    """The characters a literal part of an f-string stands for: ``{{``/``}}`` are braces and,
    unless the string is raw, escape sequences (``\\n``, ``\\"``, ``\\u00e9``) are decoded."""
    text = text.replace("{{", "{").replace("}}", "}")
    if raw or "\\" not in text:
        return text
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an unknown escape stays as written, as in Python
            # Characters outside Latin-1 become escapes first, so that the codec (which reads
            # bytes as Latin-1) gives them back unchanged.
            return codecs.decode(text.encode("latin-1", "backslashreplace"), "unicode_escape")
    except (UnicodeDecodeError, ValueError):
        return text


def _format_pattern(template: str, call: cst.Call, scope: Scope, depth: int) -> NameValue:
    """``"a-{}-{x}".format(...)``: literal text with each field read from the arguments."""
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    parts: list[NameValue] = []
    index = 0
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
        field_name = rest[start + 1 : end].split(":")[0].split("!")[0]
        value: cst.BaseExpression | None
        if field_name == "":
            value = positional[index] if index < len(positional) else None
            index += 1
        elif field_name.isdigit():
            value = positional[int(field_name)] if int(field_name) < len(positional) else None
        else:
            value = keywords.get(field_name)
        parts.append(
            evaluate_name(value, scope, depth + 1)
            if value is not None
            else NameValue.runtime(field_name or "?")
        )
        rest = rest[end + 1 :]
    return NameValue.join(parts)


def _member(expression: cst.Attribute, scope: Scope) -> tuple[cst.BaseExpression, Scope] | None:
    """``Steps.NOTIFY`` (or ``Steps.NOTIFY.value``) as declared in a class of the module."""
    if expression.attr.value == "value" and isinstance(expression.value, cst.Attribute):
        expression = expression.value
    if isinstance(expression.value, cst.Name):
        key = f"{expression.value.value}.{expression.attr.value}"
        value = scope.module.members.get(key)
        if value is not None:
            return value, Scope(scope.module)
    return None


def evaluate_number(expression: cst.BaseExpression, scope: Scope, depth: int = 0) -> float | None:
    """A number written out, through constants and simple arithmetic (a finite one)."""
    return finite(lambda: _evaluate_number(expression, scope, depth))


def _evaluate_number(expression: cst.BaseExpression, scope: Scope, depth: int = 0) -> float | None:
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expression, (cst.Integer, cst.Float)):
        value = expression.evaluated_value
        return float(value) if isinstance(value, (int, float)) else None
    if isinstance(expression, cst.Name):
        found = scope.lookup(expression.value)
        return evaluate_number(found[0], found[1], depth + 1) if found else None
    if isinstance(expression, cst.UnaryOperation) and isinstance(expression.operator, cst.Minus):
        inner = evaluate_number(expression.expression, scope, depth + 1)
        return -inner if inner is not None else None
    if isinstance(expression, cst.BinaryOperation):
        left = evaluate_number(expression.left, scope, depth + 1)
        right = evaluate_number(expression.right, scope, depth + 1)
        if left is None or right is None:
            return None
        operator = expression.operator
        if isinstance(operator, cst.Add):
            return left + right
        if isinstance(operator, cst.Subtract):
            return left - right
        if isinstance(operator, cst.Multiply):
            return left * right
        if isinstance(operator, (cst.Divide, cst.FloorDivide)) and right:
            return left / right
    return None


_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}


def read_duration(expression: cst.BaseExpression, scope: Scope) -> str | None:
    """``Duration.from_minutes(15)`` or ``Duration(seconds=90)`` as ``15m``, ``1m 30s``."""
    expression, scope = scope.resolve(expression)
    if not isinstance(expression, cst.Call):
        return None
    func = expression.func
    if isinstance(func, cst.Attribute) and func.attr.value.startswith("from_"):
        unit = _UNITS.get(func.attr.value[len("from_") :])
        if unit is None or not expression.args:
            return None
        amount = evaluate_number(expression.args[0].value, scope)
        return duration_text(amount * unit) if amount is not None else None
    name = (
        func.value
        if isinstance(func, cst.Name)
        else (func.attr.value if isinstance(func, cst.Attribute) else None)
    )
    if name in ("Duration", "timedelta"):
        total = 0.0
        for arg in expression.args:
            unit_name = arg.keyword.value if arg.keyword else "seconds"
            if name == "timedelta" and arg.keyword is None:
                unit_name = "days"
            amount = evaluate_number(arg.value, scope)
            if amount is None or unit_name not in _UNITS:
                return None
            total += amount * _UNITS[unit_name]
        return duration_text(total)
    return None


_PRESETS = {
    "none": "no retry",
    "default": "default",
    "transient": "transient",
    "resource_availability": "resource availability",
    "critical": "critical",
    "linear": "linear",
    "fixed": "fixed delay",
}


def _keywords(call: cst.Call) -> dict[str, cst.BaseExpression]:
    return {a.keyword.value: a.value for a in call.args if a.keyword is not None}


def _call_name(call: cst.Call) -> str | None:
    func = call.func
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _retry(expression: cst.BaseExpression, scope: Scope) -> str:
    expression, scope = scope.resolve(expression)
    if isinstance(expression, cst.Call):
        name = _call_name(expression)
        func = expression.func
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == "RetryPresets"
        ):
            return _PRESETS.get(func.attr.value, func.attr.value.replace("_", " "))
        if name in ("create_retry_strategy", "create_linear_retry_strategy"):
            kind = "linear" if name == "create_linear_retry_strategy" else "exponential"
            attempts = None
            if expression.args:
                inner, inner_scope = scope.resolve(expression.args[0].value)
                if isinstance(inner, cst.Call):
                    given = _keywords(inner).get("max_attempts")
                    if given is not None:
                        number = evaluate_number(given, inner_scope)
                        attempts = int(number) if number is not None else None
            return retry_text(kind, attempts)
    if isinstance(expression, cst.Name) and expression.value == "None":
        return "default"
    return "custom"


_COMPLETION_FACTORIES = frozenset({"first_successful", "all_completed", "all_successful"})


def _completion(expression: cst.BaseExpression, scope: Scope) -> str:
    expression, scope = scope.resolve(expression)
    if isinstance(expression, cst.Call):
        name = _call_name(expression)
        if name in _COMPLETION_FACTORIES:
            return completion_text(name)
        given = _keywords(expression)

        def number(key: str) -> str | None:
            value = given.get(key)
            if value is None:
                return None
            found = evaluate_number(value, scope)
            return f"{found:g}" if found is not None else scope.module.code(value)

        return completion_text(
            min_successful=number("min_successful"),
            tolerated_count=number("tolerated_failure_count"),
            tolerated_percentage=number("tolerated_failure_percentage"),
        )
    return "custom completion"


def _wait_strategy(expression: cst.BaseExpression, scope: Scope) -> str:
    expression, scope = scope.resolve(expression)
    if isinstance(expression, cst.Call) and _call_name(expression) == "create_wait_strategy":
        if expression.args:
            inner, inner_scope = scope.resolve(expression.args[0].value)
            if isinstance(inner, cst.Call):
                attempts = _keywords(inner).get("max_attempts")
                if attempts is not None:
                    found = evaluate_number(attempts, inner_scope)
                    if found is not None:
                        return f"polls up to {found:g}x"
        return "polls up to 60x"
    return "custom polling"


_POSITIONAL_CONFIG = {
    "WithRetryConfig": ("retry_strategy", "wrap_with_run_in_child_context"),
    "WaitForConditionConfig": ("wait_strategy", "initial_state"),
    "StepConfig": ("retry_strategy", "step_semantics"),
    "InvokeConfig": ("serdes_payload", "serdes_result", "tenant_id"),
    "CallbackConfig": ("timeout", "heartbeat_timeout"),
    "WaitForCallbackConfig": ("timeout", "heartbeat_timeout"),
}


def read_config(
    expression: cst.BaseExpression, scope: Scope
) -> tuple[dict[str, str], list[str], cst.BaseExpression | None]:
    """A config object's settings, the annotations to show for them, and its item namer.

    Returns:
        ``(config, annotations, item_namer)``: settings by key, short texts for the diagram, and
        the expression of a ``MapConfig``'s ``item_namer`` if there is one.
    """
    expression, scope = scope.resolve(expression)
    config: dict[str, str] = {}
    notes: list[str] = []
    if not isinstance(expression, cst.Call):
        return config, notes, None
    class_name = _call_name(expression) or ""
    given = _keywords(expression)
    for position, arg in enumerate(a for a in expression.args if a.keyword is None):
        names = _POSITIONAL_CONFIG.get(class_name, ())
        if position < len(names):
            given.setdefault(names[position], arg.value)
    item_namer = given.get("item_namer")
    for key, value in given.items():
        if isinstance(value, cst.Name) and value.value == "None":
            continue
        if key == "retry_strategy":
            config["retry"] = _retry(value, scope)
            notes.append(f"retry: {config['retry']}")
        elif key == "step_semantics":
            text = scope.module.code(value).rsplit(".", 1)[-1]
            config["semantics"] = text.lower().replace("_", " ")
            if "MOST" in text:
                notes.append("at most once")
        elif key == "completion_config":
            config["completion"] = _completion(value, scope)
            notes.append(config["completion"])
        elif key == "max_concurrency":
            found = evaluate_number(value, scope)
            config["max_concurrency"] = (
                f"{found:g}" if found is not None else scope.module.code(value)
            )
            notes.append(f"max {config['max_concurrency']} at once")
        elif key == "nesting_type":
            text = scope.module.code(value).rsplit(".", 1)[-1].lower()
            config["nesting"] = text
            if text == "flat":
                notes.append("flat")
        elif key == "tenant_id":
            tenant = evaluate_name(value, scope)
            config["tenant"] = tenant.label or "?"
            notes.append(f"tenant {config['tenant']}")
        elif key in ("timeout", "heartbeat_timeout"):
            text = read_duration(value, scope) or scope.module.code(value, 24)
            label = "timeout" if key == "timeout" else "heartbeat"
            config[key] = text
            notes.append(f"{label} {text}")
        elif key == "is_virtual":
            if scope.module.code(value) == "True":
                config["virtual"] = "true"
                notes.append("virtual")
        elif key == "wait_strategy":
            config["wait_strategy"] = _wait_strategy(value, scope)
            notes.append(config["wait_strategy"])
        elif key == "wrap_with_run_in_child_context":
            config["wrap_in_child_context"] = scope.module.code(value).lower()
        elif key == "item_namer":
            config["item_namer"] = scope.module.code(value, 80)
    return config, notes, item_namer
