"""DurableContext calls as operation nodes: names, config, the sub-workflows they run (parallel
branches registered on the builder, map items, child and retry bodies, submitters), their
``...Async`` forms and the ``DurableFuture.allOf/anyOf`` combinators over them."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import (
    MAP_ITEM_DEFAULT,
    NONE_NAME,
    one_line,
    prune,
)
from durable_viz.parsers.java.config import read_config
from durable_viz.parsers.java.module import block, field_of, lambda_params, named
from durable_viz.parsers.java.values import (
    Scope,
    Value,
    evaluate_name,
    read_duration,
    read_entries,
)
from durable_viz.parsers.operations import operation_node

if TYPE_CHECKING:
    from tree_sitter import Node as TSNode

    from durable_viz.parsers.java.analyzer import Analyzer

__all__ = ["METHODS", "Operations"]

METHODS: dict[str, tuple[Kind, tuple[str, ...]]] = {
    "step": (Kind.STEP, ("name", "type", "func", "config")),
    "wait": (Kind.WAIT, ("name", "duration")),
    "invoke": (Kind.INVOKE, ("name", "function_name", "payload", "type", "config")),
    "runInChildContext": (Kind.CHILD_CONTEXT, ("name", "type", "func", "config")),
    "map": (Kind.MAP, ("name", "inputs", "type", "func", "config")),
    "parallel": (Kind.PARALLEL, ("name", "config")),
    "createCallback": (Kind.CREATE_CALLBACK, ("name", "type", "config")),
    "waitForCallback": (Kind.WAIT_FOR_CALLBACK, ("name", "type", "submitter", "config")),
    "waitForCondition": (Kind.WAIT_FOR_CONDITION, ("name", "type", "check", "config")),
    "withRetry": (Kind.WITH_RETRY, ("name", "func", "config")),
}
"""DurableContext methods (each also has an ``...Async`` form): kind and parameters in order."""

NOT_OPERATIONS = frozenset(
    {
        "getLogger",
        "logger",
        "getLambdaContext",
        "getExecutionContext",
        "getDurableExecutionArn",
        "configureLogger",
        "getContextId",
        "close",
        "equals",
        "hashCode",
        "toString",
        "getClass",
    }
)
"""DurableContext methods that are not operations."""

_FUNCTIONS = frozenset({"lambda_expression", "method_reference"})


def bind(args: list[TSNode], params: tuple[str, ...]) -> dict[str, TSNode]:
    """A call's arguments by parameter name; a function written where the result type goes
    (the deprecated ``step(name, supplier)`` form) skips the type."""
    bound: dict[str, TSNode] = {}
    position = 0
    for arg in args:
        while position < len(params) and params[position] == "type" and arg.type in _FUNCTIONS:
            position += 1
        if position >= len(params):
            break
        bound[params[position]] = arg
        position += 1
    return bound


class Operations:
    """Builds operation nodes for an :class:`Analyzer`."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer

    # -- entry points ----------------------------------------------------------------------------

    def method(self, method: str, call: TSNode, args: list[TSNode], scope: Scope) -> list[Node]:
        """``ctx.<method>(...)``."""
        base = method[: -len("Async")] if method.endswith("Async") else method
        spec = METHODS.get(base)
        if spec is None:
            if method not in NOT_OPERATIONS:
                self.analyzer.warn(
                    "DV102",
                    f"{method} is not a DurableContext operation durable-viz knows; "
                    "it is not drawn",
                    call,
                    scope,
                )
            return [n for arg in args for n in self.analyzer.scan(arg, scope)]
        kind, params = spec
        if kind is Kind.WAIT and args and _looks_like_duration(args[0], scope):
            params = ("duration",)
        if (
            method.endswith("Async")
            and call.parent is not None
            and call.parent.type == "expression_statement"
        ):
            self.analyzer.warn(
                "DV110",
                f"the future {method} returns is never awaited",
                call,
                scope,
            )
        return self.build(kind, bind(args, params), call, scope)

    def other(
        self, method: str, receiver: str, call: TSNode, args: list[TSNode], scope: Scope
    ) -> list[Node] | None:
        """Calls that are durable without a context receiver: ``DurableFuture.allOf/anyOf``,
        a parallel builder's ``branch``, ``withRetry(ctx, ...)`` as a static call. None when the
        call is none of these."""
        parallels = self.analyzer.parallels
        statically = not receiver and scope.file.imports.get(method, "").endswith(
            f"DurableFuture.{method}"
        )
        if method in ("allOf", "anyOf") and (
            receiver.rsplit(".", 1)[-1] == "DurableFuture" or statically
        ):
            return parallels.combinator(method, call, args, scope)
        pending = parallels.pending.get(receiver)
        if pending is not None:
            if method == "branch":
                parallels.branch(pending, args, scope)
            return []
        if (
            method in ("withRetry", "withRetryAsync")
            and args
            and args[0].type == "identifier"
            and scope.file.text(args[0]) in scope.contexts
        ):
            # ``WithRetryHelper.withRetry(ctx, name, (ctx, attempt) -> ..., config)``, or without
            # the name (anonymous): unlike ``ctx.withRetry``, the context comes first.
            rest = args[1:]
            named_form = bool(rest) and rest[0].type not in _FUNCTIONS
            params = ("name", "func", "config") if named_form else ("func", "config")
            return self.build(Kind.WITH_RETRY, bind(rest, params), call, scope, context_index=0)
        return None

    # -- building --------------------------------------------------------------------------------

    def build(
        self,
        kind: Kind,
        args: dict[str, TSNode],
        call: TSNode,
        scope: Scope,
        *,
        context_index: int | None = None,
    ) -> list[Node]:
        """One operation node (after the operations its plain arguments run).

        ``context_index``: where the context sits among the parameters of the function the
        operation runs, when it is not where the ``DurableContext`` method puts it.
        """
        analyzer = self.analyzer
        before: list[Node] = []
        for key in ("inputs", "payload", "duration", "function_name"):
            if key in args:
                before.extend(analyzer.scan(args[key], scope))
        name = evaluate_name(args["name"], scope) if "name" in args else NONE_NAME
        function = args.get("func") or args.get("submitter")
        config: dict[str, str] = {}
        notes: list[str] = []
        item_namer: TSNode | None = None
        if "config" in args:
            config, notes, item_namer = read_config(args["config"], scope)
        duration: str | None = None
        target: str | None = None
        blocks: tuple[Block, ...] = ()
        if kind is Kind.WAIT and "duration" in args:
            duration = read_duration(args["duration"], scope)
        elif kind is Kind.INVOKE and "function_name" in args:
            target = evaluate_name(args["function_name"], scope).label
        elif kind is Kind.MAP and "func" in args:
            blocks = self.map_items(args.get("inputs"), args["func"], item_namer, scope)
        elif kind in (Kind.CHILD_CONTEXT, Kind.WITH_RETRY) and "func" in args:
            index = 1 if kind is Kind.WITH_RETRY else 0
            if context_index is not None:
                index = context_index
            blocks = (block("body", self.body(args["func"], scope, index), "body"),)
        elif kind is Kind.WAIT_FOR_CALLBACK and "submitter" in args:
            submitted = prune(self.body(args["submitter"], scope, 1))
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
            # The SDK names the waits between attempts of an unnamed retry ``retry-backoff-n``.
            unnamed_retry="retry",
        )
        if kind is Kind.PARALLEL:
            analyzer.parallels.register(call, node, scope)
        return [*before, node]

    # -- functions an operation runs -------------------------------------------------------------

    def body(
        self,
        function: TSNode,
        scope: Scope,
        context_index: int,
        extra: dict[int, tuple[Value, Scope]] | None = None,
    ) -> list[Node]:
        """The operations a function argument runs when the SDK calls it with a context.

        ``context_index`` is where the context sits among its parameters; ``extra`` binds other
        parameters by position (a map item to an entry, its index to a number).
        """
        analyzer = self.analyzer
        resolved, scope = scope.resolve(function)
        if isinstance(resolved, str):
            return []
        if resolved.type == "lambda_expression":
            inner = scope.child()
            for index, name in enumerate(lambda_params(resolved, scope.file)):
                inner.forget(name)
                if index == context_index:
                    inner.contexts.add(name)
                elif extra is not None and index in extra:
                    inner.values[name] = extra[index]
            body = field_of(resolved, "body")
            return analyzer.function_body(body, inner, "function") if body is not None else []
        if resolved.type == "method_reference":
            parts = [c for c in named(resolved) if c.type in ("identifier", "this", "field_access")]
            if len(parts) < 2:
                return []
            receiver, method_name = parts[0], scope.file.text(parts[-1])
            owner = None if receiver.type == "this" else receiver
            candidates = [
                m
                for count in range(context_index + 1, context_index + 4)
                if (m := analyzer.find_method(method_name, owner, count, scope)) is not None
            ]
            if not candidates:
                return []
            target = candidates[0]
            entered = analyzer.enter(target, resolved, scope)
            if entered is None or target.body is None:
                return []
            for index, (_, name) in enumerate(target.params):
                if index == context_index:
                    entered.contexts.add(name)
                elif extra is not None and index in extra:
                    entered.values[name] = extra[index]
            return analyzer.function_body(target.body, entered, "function")
        return []

    # -- map -------------------------------------------------------------------------------------

    def map_items(
        self,
        inputs: TSNode | None,
        func: TSNode,
        item_namer: TSNode | None,
        scope: Scope,
    ) -> tuple[Block, ...]:
        """The map's item body: one block per entry the source writes out, or one for every
        item. The SDK calls the function as ``(item, index, ctx)``."""
        entries = read_entries(inputs, scope) if inputs is not None else None
        if entries is not None:
            _, entries_scope = scope.resolve(inputs) if inputs is not None else (None, scope)
            blocks: list[Block] = []
            for index, (item, _) in enumerate(entries):
                bound: dict[int, tuple[Value, Scope]] = {
                    0: (item, entries_scope),
                    1: (str(index), entries_scope),
                }
                shown = evaluate_name(item, entries_scope)
                label = shown.label if not shown.dynamic and shown.label else str(index)
                name = self.item_name(item_namer, scope, bound) or label
                blocks.append(block("item", self.body(func, scope, 2, bound), name))
            return tuple(blocks)
        name = self.item_name(item_namer, scope, None) or MAP_ITEM_DEFAULT
        return (block("item", self.body(func, scope, 2), name, dynamic=True),)

    def item_name(
        self, item_namer: TSNode | None, scope: Scope, bound: dict[int, tuple[Value, Scope]] | None
    ) -> str | None:
        """What ``MapConfig.builder().itemNamer((item, index) -> ...)`` names an item."""
        if item_namer is None:
            return None
        namer, namer_scope = scope.resolve(item_namer)
        if isinstance(namer, str) or namer.type != "lambda_expression":
            return None
        body = field_of(namer, "body")
        if body is None or body.type == "block":
            return None
        inner = namer_scope.child()
        for position, param in enumerate(lambda_params(namer, namer_scope.file)):
            inner.forget(param)
            if bound is not None and position in bound:
                inner.values[param] = bound[position]
        return evaluate_name(body, inner).label


def _looks_like_duration(arg: TSNode, scope: Scope) -> bool:
    """``wait(Duration.ofSeconds(5))`` without a name."""
    text = scope.file.text(arg)
    return arg.type == "method_invocation" and text.startswith("Duration.")


def _describe(function: TSNode | None, scope: Scope) -> str | None:
    """A short description of the function an unnamed operation runs."""
    if function is None:
        return None
    file = scope.file
    if function.type == "lambda_expression":
        body = field_of(function, "body")
        if body is not None and body.type == "method_invocation":
            receiver = field_of(body, "object")
            name = field_of(body, "name")
            if name is None:
                return None
            text = f"{file.code(receiver)}.{file.text(name)}" if receiver else file.text(name)
            return one_line(text, 48)
        return None
    if function.type in ("method_reference", "identifier", "field_access"):
        return file.code(function, 48)
    return None
