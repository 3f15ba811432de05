"""Turns the body of a Python handler into the workflow's block tree.

Statements become control nodes (conditions, loops, try blocks, exits); expressions are searched,
in evaluation order, for durable calls, which :mod:`.operations` turns into operation nodes.
Helper functions that receive the context are inlined where they are called.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import libcst as cst

from durable_viz.graph import Block, Diagnostic, Kind, Node, Severity, Via, Workflow
from durable_viz.parsers.base import prune
from durable_viz.parsers.python.assigned import nonlocals
from durable_viz.parsers.python.control import COMPREHENSIONS, ControlFlow
from durable_viz.parsers.python.module import FunctionInfo, ModuleInfo, suite
from durable_viz.parsers.python.positions import iter_children
from durable_viz.parsers.python.values import Scope

if TYPE_CHECKING:
    from durable_viz.parsers.python.operations import Operations

__all__ = ["MAX_INLINE_DEPTH", "Analyzer"]

MAX_INLINE_DEPTH = 8
"""How many helper calls deep the analysis follows."""

_LEAVES = (
    cst.Name,
    cst.SimpleString,
    cst.Integer,
    cst.Float,
    cst.Imaginary,
    cst.Ellipsis,
    cst.FormattedStringText,
)
_QUIET_CALLEES = frozenset(
    {
        "print",
        "len",
        "str",
        "repr",
        "isinstance",
        "getattr",
        "hasattr",
        "setattr",
        "id",
        "type",
        "vars",
        "dir",
        "bool",
        "cast",
        "reveal_type",
    }
)

ModuleLoader = Callable[[ModuleInfo, str], "ModuleInfo | None"]


class Analyzer(ControlFlow):
    """Builds workflows for the handlers of one module (and the helpers they reach)."""

    def __init__(self, load_module: ModuleLoader) -> None:
        from durable_viz.parsers.python.operations import Operations

        self.load_module = load_module
        self.diagnostics: list[Diagnostic] = []
        self.operations: Operations = Operations(self)

    # -- entry -----------------------------------------------------------------------------------

    def workflow(self, handler: FunctionInfo) -> Workflow:
        """The workflow of one ``@durable_execution`` handler."""
        scope = Scope(handler.module, stack=(self.key(handler),))
        params = handler.params
        context = params[1] if len(params) >= 2 else (params[-1] if params else None)
        if context is not None:
            scope.contexts.add(context.name.value)
        nodes = self.statements(suite(handler.node.body), scope, "workflow", top=True)
        return Workflow(
            name=handler.name, line=handler.line, nodes=prune(nodes), file=handler.module.display
        )

    # -- helpers for building nodes --------------------------------------------------------------

    def node(self, kind: Kind, label: str, at: cst.CSTNode, where: Scope, **fields: object) -> Node:
        """A node positioned at ``at`` in the module of scope ``where``."""
        line, column = where.module.positions.get(at)
        return Node(
            kind=kind,
            label=label,
            line=line,
            column=column,
            via=where.via,
            file=None if where.module.is_main else where.module.display,
            **fields,  # type: ignore[arg-type]
        )

    def warn(self, code: str, message: str, at: cst.CSTNode, scope: Scope) -> None:
        """Record a warning at a node's position."""
        line, column = scope.module.positions.get(at)
        self.diagnostics.append(
            Diagnostic(
                severity=Severity.WARNING,
                code=code,
                message=message,
                line=line,
                column=column,
                file=None if scope.module.is_main else scope.module.display,
            )
        )

    @staticmethod
    def key(function: FunctionInfo) -> str:
        """Identifies a function across modules (for recursion bounds)."""
        return f"{function.module.display}:{function.name}:{id(function.node)}"

    # -- statements ------------------------------------------------------------------------------

    def statements(
        self, statements: Sequence[cst.CSTNode], scope: Scope, exits: str, *, top: bool
    ) -> list[Node]:
        """Nodes for a run of statements.

        ``exits`` says what a ``return`` ends (``workflow`` or ``function``); at the ``top`` level
        of a function a final ``return`` is its natural end and draws nothing.
        """
        nodes: list[Node] = []
        for index, statement in enumerate(statements):
            last = top and index == len(statements) - 1
            nodes.extend(self.statement(statement, scope, exits, last))
        return nodes

    def statement(self, statement: cst.CSTNode, scope: Scope, exits: str, last: bool) -> list[Node]:
        """Nodes for one statement."""
        if isinstance(statement, cst.SimpleStatementLine):
            nodes: list[Node] = []
            count = len(statement.body)
            for index, small in enumerate(statement.body):
                nodes.extend(self.small(small, scope, exits, last and index == count - 1))
            return nodes
        if isinstance(statement, cst.If):
            return self.condition(statement, scope, exits)
        if isinstance(statement, cst.For):
            return self.for_loop(statement, scope, exits)
        if isinstance(statement, cst.While):
            return self.while_loop(statement, scope, exits)
        if isinstance(statement, (cst.Try, cst.TryStar)):
            return self.try_block(statement, scope, exits)
        if isinstance(statement, cst.With):
            nodes = []
            for item in statement.items:
                nodes.extend(self.scan(item.item, scope))
                if item.asname is not None:
                    self.forget(item.asname.name, scope)
            nodes.extend(self.statements(suite(statement.body), scope, exits, top=False))
            return nodes
        if isinstance(statement, cst.Match):
            return self.match(statement, scope, exits)
        if isinstance(statement, cst.FunctionDef):
            scope.functions[statement.name.value] = scope.module.local_function(statement)
            scope.values.pop(statement.name.value, None)
            return []
        return []

    def small(
        self, small: cst.BaseSmallStatement, scope: Scope, exits: str, last: bool
    ) -> list[Node]:
        """Nodes for one small statement (an expression, assignment, return, raise...)."""
        if isinstance(small, cst.Expr):
            return self.scan(small.value, scope)
        if isinstance(small, cst.Assign):
            nodes = self.scan(small.value, scope)
            for target in small.targets:
                if isinstance(target.target, cst.Name):
                    scope.bind(target.target.value, small.value, scope)
                else:
                    self.forget(target.target, scope)
            return nodes
        if isinstance(small, cst.AnnAssign):
            nodes = self.scan(small.value, scope) if small.value is not None else []
            if isinstance(small.target, cst.Name) and small.value is not None:
                scope.bind(small.target.value, small.value, scope)
            return nodes
        if isinstance(small, cst.AugAssign):
            nodes = self.scan(small.value, scope)
            self.forget(small.target, scope)
            return nodes
        if isinstance(small, cst.Return):
            nodes = self.scan(small.value, scope) if small.value is not None else []
            if not last:
                nodes.append(self.node(Kind.RETURN, "return", small, scope, scope=exits))
            scope.dead = True
            return nodes
        if isinstance(small, cst.Raise):
            nodes = self.scan(small.exc, scope) if small.exc is not None else []
            nodes.append(self.node(Kind.RAISE, self.raise_label(small, scope), small, scope))
            scope.dead = True
            return nodes
        if isinstance(small, cst.Break):
            scope.dead = True
            return [Node(kind=Kind.BREAK, label="break", line=1, column=1)]
        if isinstance(small, cst.Continue):
            scope.dead = True
            return [Node(kind=Kind.CONTINUE, label="continue", line=1, column=1)]
        if isinstance(small, (cst.Assert, cst.Del)):
            return self.scan(small, scope)
        return []

    def forget(self, target: cst.CSTNode, scope: Scope) -> None:
        """A name rebound to something unknown no longer means what it meant."""
        if isinstance(target, cst.Name):
            if target.value in scope.read:
                scope.keep()
            scope.contexts.discard(target.value)
            scope.values.pop(target.value, None)
            scope.unknown.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.forget(element.value, scope)

    @staticmethod
    def raise_label(small: cst.Raise, scope: Scope) -> str:
        exc = small.exc
        if exc is None:
            return "raise"
        if isinstance(exc, cst.Call):
            exc = exc.func
        return f"raise {scope.module.code(exc, 60)}"

    # -- expressions -----------------------------------------------------------------------------

    def scan(self, expression: cst.CSTNode | None, scope: Scope) -> list[Node]:
        """The durable operations an expression runs, in evaluation order."""
        if expression is None or isinstance(expression, _LEAVES):
            return []
        if isinstance(expression, cst.Call):
            return self.call(expression, scope)
        if isinstance(expression, cst.Lambda):
            # Runs later, if at all; operations that take one read it themselves. One handed to
            # other code hides its operations: say so rather than drop them silently.
            inner = scope.child()
            for param in [*expression.params.posonly_params, *expression.params.params]:
                self.forget(param.name, inner)
            if self.scan(expression.body, inner):
                self.warn(
                    "DV108",
                    "operations inside this lambda run when other code calls it; "
                    "they are not drawn",
                    expression,
                    scope,
                )
            return []
        if isinstance(expression, cst.IfExp):
            return self.conditional_expression(expression, scope)
        if isinstance(expression, cst.BooleanOperation):
            return self.boolean(expression, scope)
        if isinstance(expression, COMPREHENSIONS):
            return self.comprehension(expression, scope)
        if isinstance(expression, cst.NamedExpr):
            found = self.scan(expression.value, scope)
            if isinstance(expression.target, cst.Name):
                scope.bind(expression.target.value, expression.value, scope)
            return found
        nodes: list[Node] = []
        for child in iter_children(expression):
            nodes.extend(self.scan(child, scope))
        return nodes

    # -- calls -----------------------------------------------------------------------------------

    def call(self, call: cst.Call, scope: Scope) -> list[Node]:
        """A call: a durable operation, a helper to inline, or a plain call to look inside."""
        nodes = self.callee(call, scope)
        func = call.func
        if isinstance(func, cst.Name) and func.value in scope.functions:
            # A nested function assigning names of this one (``nonlocal``): after the call they
            # hold values the source does not show here.
            changed = nonlocals(scope.functions[func.value].node)
            if changed:
                scope.unsettle(changed)
        return nodes

    def callee(self, call: cst.Call, scope: Scope) -> list[Node]:
        """What a call runs (see :meth:`call`)."""
        func = call.func
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value in scope.contexts
        ):
            return self.operations.method(func.attr.value, call, scope)
        if scope.module.sdk_name(func) == "with_retry":
            return self.operations.with_retry(call, scope)
        passes_context = any(
            isinstance(arg.value, cst.Name) and arg.value.value in scope.contexts
            for arg in call.args
        )
        if isinstance(func, cst.Name) and func.value in scope.functions and scope.contexts:
            # A nested function may use the enclosing context without being passed it.
            return self.inline(scope.functions[func.value], call, scope)
        if passes_context:
            target = self.find_function(func, scope)
            if target is not None:
                return self.inline(target, call, scope)
            callee = scope.module.code(func, 60)
            if callee.rsplit(".", 1)[-1] not in _QUIET_CALLEES and "log" not in callee:
                self.warn(
                    "DV106",
                    f"the context is passed to {callee}, whose code durable-viz "
                    "cannot read; operations it runs are not shown",
                    call,
                    scope,
                )
        nodes = self.scan(func, scope)
        for arg in call.args:
            nodes.extend(self.scan(arg.value, scope))
        return nodes

    def find_function(self, func: cst.BaseExpression, scope: Scope) -> FunctionInfo | None:
        """The function a callee expression names: local, module-level, or imported."""
        if isinstance(func, cst.Name):
            name = func.value
            found = scope.functions.get(name) or scope.module.functions.get(name)
            if found is not None:
                return found
            imported = scope.module.imports.get(name)
            if imported is not None and imported[1] is not None:
                other = self.load_module(scope.module, imported[0])
                if other is None:
                    other = self.load_module(scope.module, f"{imported[0]}.{imported[1]}")
                return other.functions.get(imported[1]) if other is not None else None
            return None
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            owner, attribute = func.value.value, func.attr.value
            found = scope.module.functions.get(f"{owner}.{attribute}")
            if found is not None:
                return found
            if owner in ("self", "cls"):
                return next(
                    (
                        f
                        for key, f in scope.module.functions.items()
                        if key.endswith(f".{attribute}")
                    ),
                    None,
                )
            imported = scope.module.imports.get(owner)
            if imported is not None:
                dotted = imported[0] if imported[1] is None else f"{imported[0]}.{imported[1]}"
                other = self.load_module(scope.module, dotted)
                return other.functions.get(attribute) if other is not None else None
        return None

    def enter(self, function: FunctionInfo, call: cst.CSTNode, scope: Scope) -> Scope | None:
        """A scope for analysing ``function``'s body, or None when recursion or depth forbid."""
        key = self.key(function)
        if key in scope.stack:
            self.warn(
                "DV103",
                f"{function.name} calls itself; the recursive call is drawn once",
                call,
                scope,
            )
            return None
        if len(scope.stack) > MAX_INLINE_DEPTH:
            self.warn(
                "DV104",
                f"helpers nested more than {MAX_INLINE_DEPTH} deep; "
                f"{function.name} is not followed",
                call,
                scope,
            )
            return None
        if scope.functions.get(function.name) is function:
            # A function nested in the one being analysed is a closure: it sees its names.
            inner = scope.child()
            inner.stack = (*scope.stack, key)
            return inner
        return Scope(function.module, stack=(*scope.stack, key), via=scope.via)

    def inline(self, function: FunctionInfo, call: cst.Call, scope: Scope) -> list[Node]:
        """The operations of a helper that receives the context, where it is called."""
        before: list[Node] = []
        for arg in call.args:
            if not (isinstance(arg.value, cst.Name) and arg.value.value in scope.contexts):
                before.extend(self.scan(arg.value, scope))
        inner = self.enter(function, call, scope)
        if inner is None:
            return before
        line = scope.module.positions.line(call)
        inner.via = Via(function.name, line)
        self.bind_arguments(function, call.args, inner, scope)
        nodes = self.statements(suite(function.node.body), inner, "function", top=True)
        wrapper = Node(
            kind=Kind.SCOPE,
            label=function.name,
            line=line,
            column=1,
            blocks=(Block(role="body", nodes=tuple(nodes)),),
        )
        return [*before, wrapper]

    def bind_arguments(
        self,
        function: FunctionInfo,
        args: Sequence[cst.Arg],
        inner: Scope,
        outer: Scope,
        skip: int | None = None,
    ) -> None:
        """Bind a call's arguments to a function's parameters (``skip``: a parameter the call
        does not fill, such as the context of a decorated factory)."""
        params = function.params
        if params and params[0].name.value in ("self", "cls"):
            params = params[1:]
        slots = [p for i, p in enumerate(params) if i != skip]
        by_name = {p.name.value: p for p in [*params, *function.node.params.kwonly_params]}
        filled: set[str] = set()
        position = 0
        for arg in args:
            if arg.star:
                break
            if arg.keyword is not None:
                if arg.keyword.value in by_name:
                    inner.bind(arg.keyword.value, arg.value, outer)
                    filled.add(arg.keyword.value)
                continue
            if position < len(slots):
                name = slots[position].name.value
                inner.bind(name, arg.value, outer)
                filled.add(name)
            position += 1
        for param in by_name.values():
            if param.name.value not in filled and param.default is not None:
                inner.bind(param.name.value, param.default, Scope(function.module))
