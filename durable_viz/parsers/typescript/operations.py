"""DurableContext calls and ``withRetry`` as operation nodes, with their names, config and the
sub-workflows they run (child and retry bodies, submitters; fan-outs are in :mod:`.batches`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import (
    NONE_NAME,
    one_line,
)
from durable_viz.parsers.operations import operation_node
from durable_viz.parsers.typescript.batches import Batches, returned
from durable_viz.parsers.typescript.control import block
from durable_viz.parsers.typescript.declared import declare_params, string_typed
from durable_viz.parsers.typescript.module import FunctionInfo, text
from durable_viz.parsers.typescript.syntax import (
    arguments,
    field,
    is_function,
    kids,
    member_parts,
    param_default,
    param_pattern,
    params,
    statements_of,
    string_value,
    unwrap,
)
from durable_viz.parsers.typescript.syntax import (
    callee as call_callee,
)
from durable_viz.parsers.typescript.values import (
    Scope,
    evaluate_name,
    read_config,
    read_duration,
)

if TYPE_CHECKING:
    from tree_sitter import Node as Syntax

    from durable_viz.parsers.typescript.analyzer import Analyzer

__all__ = ["METHODS", "Operations"]

METHODS: dict[str, tuple[Kind, tuple[str, ...], int]] = {
    "step": (Kind.STEP, ("func", "config"), 0),
    "wait": (Kind.WAIT, ("duration",), 0),
    "invoke": (Kind.INVOKE, ("function_name", "payload", "config"), 0),
    "runInChildContext": (Kind.CHILD_CONTEXT, ("func", "config"), 0),
    "map": (Kind.MAP, ("inputs", "func", "config"), 1),
    "parallel": (Kind.PARALLEL, ("functions", "config"), 0),
    "createCallback": (Kind.CREATE_CALLBACK, ("config",), 0),
    "waitForCallback": (Kind.WAIT_FOR_CALLBACK, ("submitter", "config"), 0),
    "waitForCondition": (Kind.WAIT_FOR_CONDITION, ("check", "config"), 0),
}
"""DurableContext methods: the kind they create, their parameters after the optional leading
name, and which of those tells whether a name was given (see ``has_name``)."""

WITH_RETRY_PARAMS = ("func", "config")

NOT_OPERATIONS = frozenset(
    {
        "logger",
        "lambdaContext",
        "executionContext",
        "configureLogger",
        "configureSerdes",
        "durableExecutionArn",
        "promise",
    }
)
"""DurableContext members that are not operations."""

_FUNCTION_PARAMS = frozenset({"func", "submitter", "check"})
_NAME_TYPES = frozenset({"string", "template_string", "undefined", "null"})
_NOT_STRINGS = frozenset(
    {"object", "array", "number", "true", "false", "arrow_function", "function_expression"}
)

Binder = Callable[[Scope], None]


class Operations(Batches):
    """Builds operation nodes for an :class:`Analyzer`."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer

    # -- recognising -----------------------------------------------------------------------------

    def is_operation(self, expression: Syntax, scope: Scope) -> bool:
        """Whether an expression is itself a durable call (``context.step(...)``, ...)."""
        if expression.type != "call_expression":
            return False
        callee = call_callee(expression)
        if callee is None:
            return False
        parts = member_parts(callee)
        if parts is not None:
            owner, method = parts
            if owner.type == "identifier" and text(owner) in scope.contexts:
                return method in METHODS
            inner = member_parts(owner)
            return (
                inner is not None
                and inner[1] == "promise"
                and inner[0].type == "identifier"
                and text(inner[0]) in scope.contexts
            )
        return scope.module.sdk_name(callee) == "withRetry"

    def has_name(self, method: str, args: list[Syntax], scope: Scope) -> bool:
        """Whether the first argument is the optional leading name (the SDK's overloads)."""
        if not args:
            return False
        if method == "invoke":
            # The SDK decides by ``typeof arg2 === "string"``.
            if len(args) < 2:
                return False
            second, second_scope = scope.resolve(args[1])
            if second.type in ("string", "template_string"):
                return True
            if second.type in _NOT_STRINGS:
                return False
            if second.type in ("identifier", "member_expression"):
                value = evaluate_name(second, second_scope)
                if not value.dynamic and value.name is not None:
                    return True
            # The value is unknown; its declared type may still say (``fn: string``).
            typed = string_typed(args[1], scope)
            if typed is not None:
                return typed
            return len(args) >= 3
        spec = METHODS.get(method)
        params_after = spec[1] if spec is not None else ("promises",)
        key = spec[2] if spec is not None else 0
        first = unwrap(args[0])
        if first.type in _NAME_TYPES or (first.type == "identifier" and text(first) == "undefined"):
            return True
        if first.type == "binary_expression":
            return True
        expected = params_after[key]
        if key < len(args) and self.fits(args[key], expected, scope):
            return False
        if key + 1 < len(args) and self.fits(args[key + 1], expected, scope):
            return True
        if len(args) > len(params_after):
            return True
        following = params_after[key + 1] if key + 1 < len(params_after) else None
        if following == "config" and key + 1 < len(args):
            # ``(name, fn)`` or ``(fn, config)`` with neither known: a config is an object.
            return scope.resolve(args[key + 1])[0].type != "object"
        value = evaluate_name(first, scope)
        return not value.dynamic

    def fits(self, arg: Syntax, param: str, scope: Scope) -> bool:
        """Whether an argument looks like what a parameter takes."""
        resolved, resolved_scope = scope.resolve(arg)
        if param in _FUNCTION_PARAMS:
            if is_function(resolved):
                return True
            if resolved.type in ("identifier", "member_expression"):
                return self.analyzer.find_function(resolved, resolved_scope) is not None
            if resolved.type == "call_expression":
                function = call_callee(resolved)
                return function is not None and text(function).rsplit(".", 1)[-1] != "toString"
            return False
        if param in ("functions", "promises"):
            if resolved.type == "array":
                return True
            if resolved.type == "call_expression":
                function = call_callee(resolved)
                parts = member_parts(function) if function is not None else None
                return parts is not None and parts[1] in ("map", "flatMap", "filter")
            return False
        if param in ("duration", "config"):
            return resolved.type == "object"
        return False

    # -- entry points ----------------------------------------------------------------------------

    def method(self, method: str, call: Syntax, scope: Scope) -> list[Node]:
        """``context.<method>(...)``."""
        spec = METHODS.get(method)
        args = arguments(call)
        if spec is None:
            if method not in NOT_OPERATIONS:
                self.analyzer.warn(
                    "DV102",
                    f"{method} is not a DurableContext operation durable-viz knows; "
                    "it is not drawn",
                    call,
                    scope,
                )
            nodes: list[Node] = []
            for arg in args:
                nodes.extend(self.analyzer.scan(arg, scope))
            return nodes
        kind, names, _ = spec
        return self.build(kind, self.bind(method, names, args, scope), call, scope)

    def bind(
        self, method: str, names: tuple[str, ...], args: list[Syntax], scope: Scope
    ) -> dict[str, Syntax]:
        """A call's arguments by parameter name, the optional leading name first."""
        bound: dict[str, Syntax] = {}
        rest = args
        if self.has_name(method, args, scope):
            bound["name"] = args[0]
            rest = args[1:]
        for name, arg in zip(names, rest, strict=False):
            bound[name] = arg
        return bound

    def with_retry(self, call: Syntax, scope: Scope) -> list[Node]:
        """The free function ``withRetry(context, name?, func, config)``."""
        args = arguments(call)[1:]
        bound: dict[str, Syntax] = {}
        rest = args
        if args and not self.fits(args[0], "func", scope) and len(args) >= 2:
            bound["name"] = args[0]
            rest = args[1:]
        for name, arg in zip(WITH_RETRY_PARAMS, rest, strict=False):
            bound[name] = arg
        return self.build(Kind.WITH_RETRY, bound, call, scope)

    # -- building --------------------------------------------------------------------------------

    def build(self, kind: Kind, args: dict[str, Syntax], call: Syntax, scope: Scope) -> list[Node]:
        analyzer = self.analyzer
        before: list[Node] = []
        for key in ("inputs", "payload", "function_name"):
            if key in args:
                before.extend(analyzer.scan(args[key], scope))
        name = evaluate_name(args["name"], scope) if "name" in args else NONE_NAME
        function = args.get("func") or args.get("submitter") or args.get("check")
        config: dict[str, str] = {}
        notes: list[str] = []
        item_namer: Syntax | None = None
        if "config" in args:
            config, notes, item_namer = read_config(args["config"], scope)
        duration: str | None = None
        target: str | None = None
        blocks: tuple[Block, ...] = ()
        if kind is Kind.WAIT and "duration" in args:
            duration = read_duration(args["duration"], scope)
        elif kind is Kind.INVOKE and "function_name" in args:
            target = evaluate_name(args["function_name"], scope).label
        elif kind is Kind.PARALLEL and "functions" in args:
            blocks = self.parallel_branches(args["functions"], scope, call)
        elif kind is Kind.MAP and "func" in args:
            blocks = self.map_items(args.get("inputs"), args["func"], item_namer, scope)
        elif kind in (Kind.CHILD_CONTEXT, Kind.WITH_RETRY) and "func" in args:
            blocks = (block("body", self.body(args["func"], scope, 0), "body"),)
        elif kind is Kind.WAIT_FOR_CALLBACK and "submitter" in args:
            submitted = self.body(args["submitter"], scope, 1)
            if submitted:
                blocks = (block("body", submitted, "submitter"),)
        node = operation_node(
            partial(analyzer.node, at=call, where=scope),
            kind,
            name,
            config,
            notes,
            describe=lambda: _describe(function, scope),
            duration=duration,
            target=target,
            blocks=blocks,
        )
        return [*before, node]

    # -- functions an operation runs -------------------------------------------------------------

    def body(
        self,
        function: Syntax,
        scope: Scope,
        context_index: int | None,
        extra: Binder | None = None,
    ) -> list[Node]:
        """The operations a function argument runs when the SDK calls it with a context.

        ``context_index`` is where the context sits among the function's parameters; ``extra``
        binds other parameters (a map item to a registry entry).
        """
        analyzer = self.analyzer
        resolved, resolved_scope = scope.resolve(function)
        if is_function(resolved):
            inner = resolved_scope.child()
            for index, param in enumerate(params(resolved)):
                pattern = param_pattern(param)
                analyzer.forget_pattern(pattern, inner)
                if index == context_index and pattern.type == "identifier":
                    inner.contexts.add(text(pattern))
                else:
                    default = param_default(param)
                    if default is not None and pattern.type == "identifier":
                        inner.values[text(pattern)] = (default, resolved_scope)
            declare_params(resolved, inner, resolved_scope.module)
            if extra is not None:
                extra(inner)
            return analyzer.function_body(resolved, inner, "function")
        if resolved.type == "call_expression":
            called = call_callee(resolved)
            target = analyzer.find_function(called, resolved_scope) if called else None
            if target is None:
                return []
            return self.factory(target, resolved, resolved_scope, context_index, extra)
        target = analyzer.find_function(resolved, resolved_scope)
        if target is None:
            return []
        return self.run(target, resolved, resolved_scope, context_index, extra)

    def run(
        self,
        target: FunctionInfo,
        at: Syntax,
        scope: Scope,
        context_index: int | None,
        extra: Binder | None = None,
    ) -> list[Node]:
        """Analyse a named function's body with its context parameter bound."""
        analyzer = self.analyzer
        inner = analyzer.enter(target, at, scope)
        if inner is None:
            return []
        for index, param in enumerate(target.params):
            pattern = param_pattern(param)
            analyzer.forget_pattern(pattern, inner)
            if index == context_index and pattern.type == "identifier":
                inner.contexts.add(text(pattern))
        declare_params(target.node, inner, target.module)
        if extra is not None:
            extra(inner)
        return analyzer.function_body(target.node, inner, "function")

    def factory(
        self,
        target: FunctionInfo,
        call: Syntax,
        scope: Scope,
        context_index: int | None,
        extra: Binder | None,
    ) -> list[Node]:
        """A plain function called to build the real one (``consult("billing")``)."""
        analyzer = self.analyzer
        inner = analyzer.enter(target, call, scope)
        if inner is None:
            return []
        analyzer.bind_arguments(target, arguments(call), inner, scope)
        statements = statements_of(target.node)
        returned: Syntax | None = None
        if statements is None:
            returned = field(target.node, "body")
        else:
            for statement in statements:
                if statement.type == "function_declaration":
                    name = field(statement, "name")
                    if name is not None:
                        inner.functions[text(name)] = FunctionInfo(
                            statement, text(name), target.module
                        )
                elif statement.type in ("lexical_declaration", "variable_declaration"):
                    for declarator in kids(statement):
                        name, value = field(declarator, "name"), field(declarator, "value")
                        if name is None or value is None or name.type != "identifier":
                            continue
                        if is_function(unwrap(value)):
                            inner.functions[text(name)] = FunctionInfo(
                                unwrap(value), text(name), target.module
                            )
                        else:
                            inner.bind(text(name), value, inner)
                elif statement.type == "return_statement":
                    values = kids(statement)
                    returned = values[0] if values else None
        if returned is None:
            return []
        return self.body(returned, inner, context_index, extra)


def _describe(function: Syntax | None, scope: Scope) -> str | None:
    """A short description of the function an unnamed operation runs."""
    if function is None:
        return None
    resolved = unwrap(function)
    if is_function(resolved):
        body = returned(resolved)
        if body is None:
            return None
        body = unwrap(body)
        if body.type == "await_expression" and kids(body):
            body = unwrap(kids(body)[0])
        if body.type == "call_expression":
            called = call_callee(body)
            return scope.module.code(called, 48) if called is not None else None
        return None
    if resolved.type == "call_expression":
        called = call_callee(resolved)
        return scope.module.code(called, 48) if called is not None else None
    if resolved.type in ("identifier", "member_expression"):
        return one_line(scope.module.code(resolved), 48)
    if string_value(resolved) is not None:
        return None
    return None
