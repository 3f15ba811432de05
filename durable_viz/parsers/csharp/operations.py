"""``IDurableContext`` calls (and ``Task.WhenAll``/``WhenAny`` over durable tasks) as operation
nodes, with their names, config and the sub-workflows they run (parallel branches, map items,
child context bodies, submitters)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import (
    NONE_NAME,
    one_line,
)
from durable_viz.parsers.csharp.branches import Branches, Extra
from durable_viz.parsers.csharp.config import read_config
from durable_viz.parsers.csharp.module import params_of
from durable_viz.parsers.csharp.scope import Binding, Scope
from durable_viz.parsers.csharp.statements import block
from durable_viz.parsers.csharp.syntax import (
    FUNCTION_NODES,
    Argument,
    arguments,
    bind,
    call_start,
    named,
    text,
    unwrap,
)
from durable_viz.parsers.csharp.syntax import field as child
from durable_viz.parsers.csharp.values import elements, evaluate_name, read_duration
from durable_viz.parsers.operations import operation_node

if TYPE_CHECKING:
    from tree_sitter import Node as SyntaxNode

    from durable_viz.parsers.csharp.analyzer import Analyzer
    from durable_viz.parsers.csharp.module import MethodInfo

__all__ = ["METHODS", "Operations"]

_TOKEN = "cancellationToken"

METHODS: dict[str, tuple[Kind, tuple[str, ...]]] = {
    "StepAsync": (Kind.STEP, ("func", "name", "config", _TOKEN)),
    "WaitAsync": (Kind.WAIT, ("duration", "name", _TOKEN)),
    "InvokeAsync": (Kind.INVOKE, ("functionName", "payload", "name", "config", _TOKEN)),
    "RunInChildContextAsync": (Kind.CHILD_CONTEXT, ("func", "name", "config", _TOKEN)),
    "MapAsync": (Kind.MAP, ("items", "func", "name", "config", _TOKEN)),
    "ParallelAsync": (Kind.PARALLEL, ("branches", "name", "config", _TOKEN)),
    "CreateCallbackAsync": (Kind.CREATE_CALLBACK, ("name", "config", _TOKEN)),
    "WaitForCallbackAsync": (Kind.WAIT_FOR_CALLBACK, ("submitter", "name", "config", _TOKEN)),
    "WaitForConditionAsync": (Kind.WAIT_FOR_CONDITION, ("check", "config", "name", _TOKEN)),
}
"""IDurableContext methods: the kind they create and their parameters in order."""

NOT_OPERATIONS = frozenset(
    {"Logger", "LambdaContext", "ExecutionContext", "DurableExecutionArn", "ConfigureLogger"}
)
"""IDurableContext members that are not operations."""


class Operations(Branches):
    """Builds operation nodes for an :class:`Analyzer`."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer

    # -- entry points ----------------------------------------------------------------------------

    def method(
        self, method: str, call: SyntaxNode, args: Sequence[Argument], scope: Scope
    ) -> list[Node]:
        """``ctx.<Method>(...)``."""
        spec = METHODS.get(method)
        if spec is None:
            if method not in NOT_OPERATIONS:
                self.analyzer.warn(
                    "DV102",
                    f"{method} is not an IDurableContext operation durable-viz knows; "
                    "it is not drawn",
                    call,
                    scope,
                )
            return [n for a in args for n in self.analyzer.scan(a.value, scope)]
        kind, params = spec
        return self.build(kind, bind(args, params), call, scope)

    def combinator(
        self, method: str, call: SyntaxNode, args: Sequence[Argument], scope: Scope
    ) -> list[Node]:
        """``Task.WhenAll``/``Task.WhenAny``: a combinator when it joins durable tasks (which
        the SDK's analyzer rejects, DE004), a plain call otherwise."""
        analyzer = self.analyzer
        values = [a.value for a in args]
        combined: list[str] = []
        listed_tasks = (
            scope.task_lists.get(text(unwrap(values[0])))
            if len(values) == 1 and unwrap(values[0]).type == "identifier"
            else None
        )
        if listed_tasks is not None:
            # A list the code filled with durable tasks (in a loop, most often).
            combined.extend(listed_tasks)
            values = []
        elif len(values) == 1:
            resolved = scope.resolve(values[0])
            if isinstance(resolved, tuple):
                listed = elements(resolved[0])
                if listed is not None:
                    values = listed
        blocks: list[Block] = []
        for value in values:
            base = unwrap(value)
            if base.type == "await_expression" and named(base):
                base = unwrap(named(base)[0])
            if base.type == "identifier" and text(base) in scope.tasks:
                key = scope.tasks[text(base)]
                analyzer.awaited.add(key)
                if key in analyzer.tasks:
                    combined.append(analyzer.tasks[key][0])
                continue
            found = analyzer.scan(value, scope)
            if found:
                label = next((n.label for n in found if n.is_operation), None)
                blocks.append(block("branch", found, label))
        if not combined and not blocks:
            return []
        # A task added in a loop is one node, named once.
        notes = (f"combines {', '.join(dict.fromkeys(combined))}",) if combined else ()
        analyzer.warn(
            "DV109",
            f"Task.{method} over durable tasks: the SDK's analyzer rejects this (DE004); "
            "use ParallelAsync or MapAsync",
            call,
            scope,
        )
        kind = Kind.PROMISE_ALL if method == "WhenAll" else Kind.PROMISE_ANY
        return [
            analyzer.node(
                kind, f"Task.{method}", call, scope, blocks=tuple(blocks), annotations=notes
            )
        ]

    # -- building --------------------------------------------------------------------------------

    def build(
        self, kind: Kind, args: dict[str, SyntaxNode], call: SyntaxNode, scope: Scope
    ) -> list[Node]:
        """The node of one operation (after what its arguments run), from its arguments by
        parameter name."""
        analyzer = self.analyzer
        before: list[Node] = []
        for key in ("items", "payload", "duration", "functionName"):
            if key in args:
                before.extend(analyzer.scan(args[key], scope))
        name = evaluate_name(args["name"], scope) if "name" in args else NONE_NAME
        function = args.get("func") or args.get("submitter") or args.get("check")
        config: dict[str, str] = {}
        notes: list[str] = []
        item_namer: Binding | None = None
        if "config" in args:
            config, notes, item_namer = read_config(args["config"], scope)
        duration: str | None = None
        target: str | None = None
        blocks: tuple[Block, ...] = ()
        if kind is Kind.WAIT and "duration" in args:
            duration = read_duration(args["duration"], scope)
        elif kind is Kind.INVOKE and "functionName" in args:
            target = evaluate_name(args["functionName"], scope).label
        elif kind is Kind.PARALLEL and "branches" in args:
            blocks = self.parallel_branches(args["branches"], scope, call)
        elif kind is Kind.MAP and "func" in args:
            blocks = self.map_items(args.get("items"), args["func"], item_namer, scope)
        elif kind is Kind.CHILD_CONTEXT and "func" in args:
            blocks = (block("body", self.body(args["func"], scope, 0), "body"),)
        elif kind is Kind.WAIT_FOR_CALLBACK and "submitter" in args:
            submitted = self.body(args["submitter"], scope, 1)
            if submitted:
                blocks = (block("body", submitted, "submitter"),)
        node = operation_node(
            partial(analyzer.node, at=call_start(call), where=scope),
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
        self, function: SyntaxNode, scope: Scope, context_index: int, extra: Extra | None = None
    ) -> list[Node]:
        """The operations a function argument runs when the SDK calls it with a context.

        ``context_index`` is where the context sits among the function's parameters; ``extra``
        binds other parameters by position (a map item, its index).
        """
        resolved = scope.resolve(function)
        if not isinstance(resolved, tuple):
            return []
        function, where = resolved
        analyzer = self.analyzer
        if function.type in FUNCTION_NODES:
            inner = where.child()
            for index, param in enumerate(params_of(child(function, "parameters"))):
                inner.forget(param.name)
                if index == context_index:
                    inner.contexts.add(param.name)
                elif extra and index in extra:
                    inner.bind_value(param.name, extra[index])
            return analyzer.body(child(function, "body"), inner, "function")
        if function.type == "invocation_expression":
            target_node = child(function, "function")
            args = arguments(function)
            target = analyzer.find_method(target_node, where, len(args)) if target_node else None
            if target is None:
                return []
            return self.factory(target, function, args, where, context_index, extra)
        target = analyzer.find_method(function, where, None)
        if target is None:
            return []
        return self.run(target, function, where, context_index, extra)

    def run(
        self,
        target: MethodInfo,
        at: SyntaxNode,
        scope: Scope,
        context_index: int,
        extra: Extra | None = None,
    ) -> list[Node]:
        """A method group's body with its context parameter and bound values."""
        inner = self.analyzer.enter(target, at, scope)
        if inner is None:
            return []
        for index, param in enumerate(target.params):
            inner.forget(param.name)
            if index == context_index or param.is_context:
                inner.contexts.add(param.name)
            elif extra and index in extra:
                inner.bind_value(param.name, extra[index])
        return self.analyzer.body(target.body, inner, "function")

    def factory(
        self,
        target: MethodInfo,
        call: SyntaxNode,
        args: Sequence[Argument],
        scope: Scope,
        context_index: int,
        extra: Extra | None,
    ) -> list[Node]:
        """A method called to build the function that runs (``Consult("billing", ...)``
        returning a lambda or a local function)."""
        analyzer = self.analyzer
        inner = analyzer.enter(target, call, scope)
        if inner is None:
            return []
        analyzer.bind_arguments(target, args, inner, scope)
        body = target.body
        returned: SyntaxNode | None = None
        if body is not None and body.type == "arrow_expression_clause":
            returned = next(iter(named(body)), None)
        elif body is not None:
            statements = named(body)
            for statement in statements:
                if statement.type == "local_function_statement":
                    method = analyzer.local_function(statement, inner)
                    if method is not None:
                        inner.functions[method.name] = method
                elif statement.type == "local_declaration_statement":
                    analyzer.declaration(statement, inner)
                elif statement.type == "return_statement" and named(statement):
                    returned = named(statement)[0]
        if returned is None:
            return []
        return self.body(returned, inner, context_index, extra)


def _describe(function: SyntaxNode | None, scope: Scope) -> str | None:
    """A short description of the function an unnamed operation runs."""
    if function is None:
        return None
    function = unwrap(function)
    if function.type in FUNCTION_NODES:
        body = child(function, "body")
        if body is not None and body.type == "block":
            statements = named(body)
            body = (
                named(statements[0])[0] if len(statements) == 1 and named(statements[0]) else None
            )
        while body is not None and body.type == "await_expression" and named(body):
            body = unwrap(named(body)[0])
        if body is not None and body.type == "invocation_expression":
            target = child(body, "function")
            if target is not None:
                return scope.file.code(target, 48)
        return None
    if function.type in ("identifier", "member_access_expression", "generic_name"):
        return one_line(scope.file.code(function), 48)
    if function.type == "invocation_expression":
        target = child(function, "function")
        return scope.file.code(target, 48) if target is not None else None
    return None
