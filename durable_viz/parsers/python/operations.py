"""DurableContext calls (and ``with_retry``) as operation nodes, with their names, config and
the sub-workflows they run (parallel branches, map items, child and retry bodies, submitters)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import libcst as cst

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import (
    MAP_ITEM_DEFAULT,
    NONE_NAME,
    PARALLEL_BRANCH_DEFAULT,
    NameValue,
    block,
    one_line,
)
from durable_viz.parsers.operations import operation_node
from durable_viz.parsers.python.module import FunctionInfo, suite
from durable_viz.parsers.python.values import Scope, evaluate_name, read_config, read_duration

if TYPE_CHECKING:
    from durable_viz.parsers.python.analyzer import Analyzer

__all__ = ["METHODS", "Operations"]

METHODS: dict[str, tuple[Kind, tuple[str, ...]]] = {
    "step": (Kind.STEP, ("func", "name", "config")),
    "wait": (Kind.WAIT, ("duration", "name")),
    "invoke": (Kind.INVOKE, ("function_name", "payload", "name", "config")),
    "run_in_child_context": (Kind.CHILD_CONTEXT, ("func", "name", "config")),
    "map": (Kind.MAP, ("inputs", "func", "name", "config")),
    "parallel": (Kind.PARALLEL, ("functions", "name", "config")),
    "create_callback": (Kind.CREATE_CALLBACK, ("name", "config")),
    "wait_for_callback": (Kind.WAIT_FOR_CALLBACK, ("submitter", "name", "config")),
    "wait_for_condition": (Kind.WAIT_FOR_CONDITION, ("check", "config", "name")),
}
"""DurableContext methods: the kind they create and their parameters in order."""

WITH_RETRY_PARAMS = ("context", "func", "config", "name")

NOT_OPERATIONS = frozenset(
    {
        "logger",
        "lambda_context",
        "state",
        "execution_context",
        "configure_logger",
        "set_logger",
        "durable_execution_arn",
        "get_logger",
    }
)
"""DurableContext attributes that are not operations."""

# Operations whose default name comes from a decorated function (SDK: ``_original_name``).
_NAMED_BY_FUNCTION = frozenset({"step", "run_in_child_context", "map", "wait_for_callback"})

# Where the context sits in the parameters of each kind of function an operation runs.
_CONTEXT_PARAM = {
    "durable_with_child_context": 0,
    "durable_parallel_branch": 0,
    "durable_wait_for_callback": 1,
    "durable_step": None,
}


@dataclass(frozen=True)
class _Registry:
    """Entries of a module-level list or dict a comprehension or map iterates over."""

    labels: tuple[str, ...]
    bindings: tuple[dict[str, tuple[cst.BaseExpression, Scope]], ...]


def bind(call: cst.Call, params: Sequence[str]) -> dict[str, cst.BaseExpression]:
    """A call's arguments by parameter name."""
    bound: dict[str, cst.BaseExpression] = {}
    position = 0
    for arg in call.args:
        if arg.star:
            break
        if arg.keyword is not None:
            bound[arg.keyword.value] = arg.value
        elif position < len(params):
            bound[params[position]] = arg.value
            position += 1
    return bound


class Operations:
    """Builds operation nodes for an :class:`Analyzer`."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer

    # -- entry points ----------------------------------------------------------------------------

    def method(self, method: str, call: cst.Call, scope: Scope) -> list[Node]:
        """``context.<method>(...)``."""
        spec = METHODS.get(method)
        if spec is None:
            if method not in NOT_OPERATIONS:
                self.analyzer.warn(
                    "DV102",
                    f"{method} is not a DurableContext operation "
                    "durable-viz knows; it is not drawn",
                    call,
                    scope,
                )
            nodes: list[Node] = []
            for arg in call.args:
                nodes.extend(self.analyzer.scan(arg.value, scope))
            return nodes
        kind, params = spec
        return self.build(method, kind, bind(call, params), call, scope)

    def with_retry(self, call: cst.Call, scope: Scope) -> list[Node]:
        """The free function ``with_retry(context, func, config, name=None)``."""
        return self.build("with_retry", Kind.WITH_RETRY, bind(call, WITH_RETRY_PARAMS), call, scope)

    # -- building --------------------------------------------------------------------------------

    def build(
        self,
        method: str,
        kind: Kind,
        args: dict[str, cst.BaseExpression],
        call: cst.Call,
        scope: Scope,
    ) -> list[Node]:
        analyzer = self.analyzer
        before: list[Node] = []
        for key in ("inputs", "payload", "duration", "function_name"):
            if key in args:
                before.extend(analyzer.scan(args[key], scope))
        name = evaluate_name(args["name"], scope) if "name" in args else NONE_NAME
        function = args.get("func") or args.get("submitter")
        if name.name is None and method in _NAMED_BY_FUNCTION and function is not None:
            decorated = self.decorated(function, scope)
            if decorated is not None:
                name = NameValue.literal(decorated.name)
        config: dict[str, str] = {}
        notes: list[str] = []
        item_namer: cst.BaseExpression | None = None
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

    def decorated(self, function: cst.BaseExpression, scope: Scope) -> FunctionInfo | None:
        """The durable-decorated function an argument calls or names, if any."""
        function, scope = scope.resolve(function)
        callee = function.func if isinstance(function, cst.Call) else function
        found = self.analyzer.find_function(callee, scope)
        return found if found is not None and found.decorator is not None else None

    def body(
        self,
        function: cst.BaseExpression,
        scope: Scope,
        context_index: int,
        extra: dict[str, tuple[cst.BaseExpression, Scope]] | None = None,
    ) -> list[Node]:
        """The operations a function argument runs when the SDK calls it with a context.

        ``context_index`` is where the context sits among the function's parameters; ``extra``
        binds other parameters (a map item to a registry entry).
        """
        analyzer = self.analyzer
        function, scope = scope.resolve(function)
        if isinstance(function, cst.Lambda):
            inner = scope.child()
            params = [*function.params.posonly_params, *function.params.params]
            for index, param in enumerate(params):
                analyzer.forget(param.name, inner)
                if index == context_index:
                    inner.contexts.add(param.name.value)
                elif param.default is not None:
                    # ``lambda ctx, fn=fn: ...`` captures the value the default reads now.
                    inner.values[param.name.value] = (param.default, scope)
            for name, bound in (extra or {}).items():
                inner.values[name] = bound
            return analyzer.scan(function.body, inner)
        if isinstance(function, cst.Call):
            func = function.func
            if (isinstance(func, cst.Name) and func.value == "partial") or (
                isinstance(func, cst.Attribute) and func.attr.value == "partial"
            ):
                if function.args:
                    target = analyzer.find_function(function.args[0].value, scope)
                    if target is not None:
                        given = function.args[1:]
                        # The SDK passes the context after the arguments partial binds.
                        shift = sum(1 for a in given if a.keyword is None and not a.star)
                        return self.run(
                            target, function, given, scope, context_index + shift, extra
                        )
                return []
            target = analyzer.find_function(func, scope)
            if target is None:
                return []
            if target.decorator in _CONTEXT_PARAM:
                position = _CONTEXT_PARAM[target.decorator]
                if position is None:
                    return []
                return self.run(
                    target, function, function.args, scope, position, extra, skip=position
                )
            return self.factory(target, function, scope, context_index, extra)
        target = analyzer.find_function(function, scope)
        if target is None:
            return []
        return self.run(target, function, (), scope, context_index, extra)

    def run(
        self,
        target: FunctionInfo,
        at: cst.CSTNode,
        args: Sequence[cst.Arg],
        scope: Scope,
        context_index: int,
        extra: dict[str, tuple[cst.BaseExpression, Scope]] | None = None,
        skip: int | None = None,
    ) -> list[Node]:
        """Analyse a function's body with its context parameter and bound arguments."""
        analyzer = self.analyzer
        inner = analyzer.enter(target, at, scope)
        if inner is None:
            return []
        params = target.params
        if params and params[0].name.value in ("self", "cls"):
            params = params[1:]
        analyzer.bind_arguments(target, args, inner, scope, skip=skip)
        if context_index < len(params):
            name = params[context_index].name.value
            inner.values.pop(name, None)
            inner.contexts.add(name)
        for name, bound in (extra or {}).items():
            inner.values[name] = bound
        return analyzer.statements(suite(target.node.body), inner, "function", top=True)

    def factory(
        self,
        target: FunctionInfo,
        call: cst.Call,
        scope: Scope,
        context_index: int,
        extra: dict[str, tuple[cst.BaseExpression, Scope]] | None,
    ) -> list[Node]:
        """A plain function called to build the real one (``consult("billing")``)."""
        analyzer = self.analyzer
        inner = analyzer.enter(target, call, scope)
        if inner is None:
            return []
        analyzer.bind_arguments(target, call.args, inner, scope)
        returned: cst.BaseExpression | None = None
        for statement in suite(target.node.body):
            if isinstance(statement, cst.FunctionDef):
                inner.functions[statement.name.value] = target.module.local_function(statement)
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Return) and small.value is not None:
                        returned = small.value
        if returned is None:
            return []
        return self.body(returned, inner, context_index, extra)

    # -- parallel and map ------------------------------------------------------------------------

    def parallel_branches(
        self, functions: cst.BaseExpression, scope: Scope, call: cst.Call
    ) -> tuple[Block, ...]:
        """One block per branch, named as the SDK names it."""
        call_scope = scope
        functions, scope = scope.resolve(functions)
        if isinstance(functions, (cst.List, cst.Tuple)):
            return tuple(
                self.branch(element.value, index, scope)
                for index, element in enumerate(functions.elements)
            )
        if isinstance(functions, (cst.ListComp, cst.GeneratorExp)):
            registry = self.registry(functions.for_in, scope)
            if registry is not None:
                blocks: list[Block] = []
                for index, (label, bindings) in enumerate(
                    zip(registry.labels, registry.bindings, strict=True)
                ):
                    inner = scope.child()
                    inner.values.update(bindings)
                    branch = self.branch(functions.elt, index, inner)
                    if branch.label is not None and branch.label.startswith("parallel-branch-"):
                        branch = Block(role=branch.role, label=label, nodes=branch.nodes)
                    blocks.append(branch)
                return tuple(blocks)
            inner = scope.child()
            analyzer = self.analyzer
            analyzer.forget(functions.for_in.target, inner)
            branch = self.branch(functions.elt, None, inner)
            return (Block(role="branch", label=branch.label, nodes=branch.nodes, dynamic=True),)
        self.analyzer.warn(
            "DV105",
            "the branches of this parallel are built at run time; "
            "one representative branch is drawn",
            call,
            call_scope,
        )
        return (Block(role="branch", label=PARALLEL_BRANCH_DEFAULT, dynamic=True),)

    def branch(self, element: cst.BaseExpression, index: int | None, scope: Scope) -> Block:
        """One parallel branch: a callable, ``ParallelBranch(func, name)`` or a decorated
        ``@durable_parallel_branch`` factory call."""
        default = (
            PARALLEL_BRANCH_DEFAULT.replace("{i}", str(index))
            if index is not None
            else PARALLEL_BRANCH_DEFAULT
        )
        resolved, resolved_scope = scope.resolve(element)
        if (
            isinstance(resolved, cst.Call)
            and resolved_scope.module.sdk_name(resolved.func) == "ParallelBranch"
        ):
            args = bind(resolved, ("func", "name"))
            name = evaluate_name(args["name"], resolved_scope) if "name" in args else NONE_NAME
            nodes = self.body(args["func"], resolved_scope, 0) if "func" in args else []
            return block("branch", nodes, name.label or default, name.dynamic or index is None)
        label = default
        dynamic = index is None
        decorated = self.decorated(resolved, resolved_scope)
        if decorated is not None and decorated.decorator == "durable_parallel_branch":
            decorator_call = decorated.decorator_call
            if decorator_call is not None:
                given = bind(decorator_call, ("name",))
                if "name" in given:
                    name = evaluate_name(given["name"], Scope(decorated.module))
                    if name.label is not None:
                        label, dynamic = name.label, name.dynamic
        nodes = self.body(resolved, resolved_scope, 0)
        return block("branch", nodes, label, dynamic)

    def map_items(
        self,
        inputs: cst.BaseExpression | None,
        func: cst.BaseExpression,
        item_namer: cst.BaseExpression | None,
        scope: Scope,
    ) -> tuple[Block, ...]:
        """The map's item body: one block per registry entry, or one for every item."""
        resolved_func, func_scope = scope.resolve(func)
        params = _param_names(resolved_func, func_scope, self)
        registry = self.registry_of(inputs, scope) if inputs is not None else None
        if registry is not None and len(params) >= 2:
            blocks: list[Block] = []
            for index, (label, bindings) in enumerate(
                zip(registry.labels, registry.bindings, strict=True)
            ):
                item = next(iter(bindings.values()))
                extra = {params[1]: item}
                if len(params) >= 3:
                    extra[params[2]] = (cst.Integer(str(index)), Scope(scope.module))
                name = self.item_name(item_namer, scope, item, index) or label
                nodes = self.body(func, scope, 0, extra)
                blocks.append(block("item", nodes, name))
            return tuple(blocks)
        name = self.item_name(item_namer, scope, None, None) or MAP_ITEM_DEFAULT
        return (block("item", self.body(func, scope, 0), name, dynamic=True),)

    def item_name(
        self,
        item_namer: cst.BaseExpression | None,
        scope: Scope,
        item: tuple[cst.BaseExpression, Scope] | None,
        index: int | None,
    ) -> str | None:
        """What ``MapConfig(item_namer=lambda item, i: ...)`` names an item."""
        if item_namer is None:
            return None
        namer, namer_scope = scope.resolve(item_namer)
        if not isinstance(namer, cst.Lambda):
            return None
        inner = namer_scope.child()
        params = [p.name.value for p in namer.params.params]
        for position, param in enumerate(params):
            inner.values.pop(param, None)
            if position == 0 and item is not None:
                inner.values[param] = item
            if position == 1 and index is not None:
                inner.values[param] = (cst.Integer(str(index)), Scope(scope.module))
        return evaluate_name(namer.body, inner).label

    def registry_of(self, inputs: cst.BaseExpression, scope: Scope) -> _Registry | None:
        """Entries of the list or dict literal a map runs over, when the source shows them."""
        target = cst.Name("_item")
        return self.registry(cst.CompFor(target=target, iter=inputs), scope)

    def registry(self, clause: cst.CompFor, scope: Scope) -> _Registry | None:
        """The entries a ``for`` clause iterates over, when they are written out in a literal
        (directly, through a name, ``.items()``/``.keys()``/``.values()`` or ``enumerate``)."""
        iterable, iterable_scope = scope.resolve(clause.iter)
        enumerate_it = False
        method = None
        if isinstance(iterable, cst.Call):
            func = iterable.func
            if isinstance(func, cst.Name) and func.value == "enumerate" and iterable.args:
                enumerate_it = True
                iterable, iterable_scope = iterable_scope.resolve(iterable.args[0].value)
            elif (
                isinstance(func, cst.Attribute)
                and func.attr.value in ("items", "keys", "values")
                and not iterable.args
            ):
                method = func.attr.value
                iterable, iterable_scope = iterable_scope.resolve(func.value)
        entries: list[tuple[str, cst.BaseExpression, cst.BaseExpression | None]] = []
        if isinstance(iterable, cst.Dict):
            for pair in iterable.elements:
                if not isinstance(pair, cst.DictElement):
                    return None
                key_name = evaluate_name(pair.key, iterable_scope)
                entries.append((key_name.label or "?", pair.key, pair.value))
        elif isinstance(iterable, (cst.List, cst.Tuple, cst.Set)) and method is None:
            for position, element in enumerate(iterable.elements):
                if isinstance(element, cst.StarredElement):
                    return None
                shown = evaluate_name(element.value, iterable_scope)
                label = shown.label if not shown.dynamic and shown.label else str(position)
                entries.append((label, element.value, None))
        else:
            return None
        labels: list[str] = []
        bindings: list[dict[str, tuple[cst.BaseExpression, Scope]]] = []
        for position, (label, key, value) in enumerate(entries):
            item: cst.BaseExpression
            if method == "values" and value is not None:
                item = value
            elif method == "items" and value is not None:
                item = cst.Tuple([cst.Element(key), cst.Element(value)])
            else:
                item = key
            if enumerate_it:
                item = cst.Tuple([cst.Element(cst.Integer(str(position))), cst.Element(item)])
            labels.append(label)
            bindings.append(_unpack(clause.target, item, iterable_scope))
        return _Registry(tuple(labels), tuple(bindings))


def _unpack(
    target: cst.BaseExpression, value: cst.BaseExpression, scope: Scope
) -> dict[str, tuple[cst.BaseExpression, Scope]]:
    """Bind a ``for`` target (a name or a tuple of names) to a value's parts."""
    if isinstance(target, cst.Name):
        return {target.value: (value, scope)}
    if isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, cst.Tuple):
        bound: dict[str, tuple[cst.BaseExpression, Scope]] = {}
        for part, element in zip(target.elements, value.elements, strict=False):
            bound.update(_unpack(part.value, element.value, scope))
        return bound
    return {}


def _param_names(function: cst.BaseExpression, scope: Scope, operations: Operations) -> list[str]:
    if isinstance(function, cst.Lambda):
        return [p.name.value for p in [*function.params.posonly_params, *function.params.params]]
    found = operations.analyzer.find_function(function, scope)
    if found is not None:
        return [p.name.value for p in found.params]
    return []


def _describe(function: cst.BaseExpression | None, scope: Scope) -> str | None:
    """A short description of the function an unnamed operation runs."""
    if isinstance(function, cst.Lambda):
        body = function.body
        if isinstance(body, cst.Await):
            body = body.expression
        if isinstance(body, cst.Call):
            return scope.module.code(body.func, 48)
        return None
    if isinstance(function, cst.Call):
        return scope.module.code(function.func, 48)
    if isinstance(function, (cst.Name, cst.Attribute)):
        return one_line(scope.module.code(function), 48)
    return None
