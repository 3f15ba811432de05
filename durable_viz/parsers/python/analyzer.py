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
from durable_viz.parsers.base import block, one_line, prune
from durable_viz.parsers.python.module import FunctionInfo, ModuleInfo, suite
from durable_viz.parsers.python.positions import iter_children
from durable_viz.parsers.python.values import Scope, loop_changes

if TYPE_CHECKING:
    from durable_viz.parsers.python.operations import Operations

__all__ = ["MAX_INLINE_DEPTH", "Analyzer"]

MAX_INLINE_DEPTH = 8
"""How many helper calls deep the analysis follows."""

LABEL_LIMIT = 80

_LEAVES = (
    cst.Name,
    cst.SimpleString,
    cst.Integer,
    cst.Float,
    cst.Imaginary,
    cst.Ellipsis,
    cst.FormattedStringText,
)
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_CATCH_ALL = frozenset({"Exception", "BaseException"})
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


class Analyzer:
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
            return nodes
        if isinstance(small, cst.Raise):
            nodes = self.scan(small.exc, scope) if small.exc is not None else []
            nodes.append(self.node(Kind.RAISE, self.raise_label(small, scope), small, scope))
            return nodes
        if isinstance(small, cst.Break):
            return [Node(kind=Kind.BREAK, label="break", line=1, column=1)]
        if isinstance(small, cst.Continue):
            return [Node(kind=Kind.CONTINUE, label="continue", line=1, column=1)]
        if isinstance(small, (cst.Assert, cst.Del)):
            return self.scan(small, scope)
        return []

    def forget(self, target: cst.CSTNode, scope: Scope) -> None:
        """A name rebound to something unknown no longer means what it meant."""
        if isinstance(target, cst.Name):
            scope.contexts.discard(target.value)
            scope.values.pop(target.value, None)
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

    # -- control structures ----------------------------------------------------------------------

    def condition(self, statement: cst.If, scope: Scope, exits: str) -> list[Node]:
        """``if``/``elif``/``else``: an ``elif`` is a condition on the "no" outcome."""
        before = self.scan(statement.test, scope)
        yes = self.statements(suite(statement.body), scope, exits, top=False)
        blocks = [block("outcome", yes, "yes")]
        orelse = statement.orelse
        if isinstance(orelse, cst.If):
            blocks.append(block("outcome", self.condition(orelse, scope, exits), "no"))
        elif isinstance(orelse, cst.Else):
            blocks.append(
                block("outcome", self.statements(suite(orelse.body), scope, exits, top=False), "no")
            )
        label = scope.module.code(statement.test, LABEL_LIMIT)
        node = self.node(
            Kind.CONDITION,
            label,
            statement,
            scope,
            blocks=tuple(blocks),
            fallthrough=None if orelse is not None else "no",
        )
        return [*before, node]

    def for_loop(self, statement: cst.For, scope: Scope, exits: str) -> list[Node]:
        """``for`` and ``async for``, with their ``else`` block."""
        before = self.scan(statement.iter, scope)
        # What the loop assigns changes every iteration: its value before the loop (or in the
        # iteration before) names nothing, in the loop or after it.
        changed = loop_changes(statement)
        scope.unsettle(changed)
        self.forget(statement.target, scope)
        body = self.statements(suite(statement.body), scope, exits, top=False)
        scope.forget_values(changed)
        prefix = "async for" if statement.asynchronous is not None else "for"
        label = (
            f"{prefix} {scope.module.code(statement.target)} in {scope.module.code(statement.iter)}"
        )
        return [*before, self.loop(statement, label, body, statement.orelse, scope, exits)]

    def while_loop(self, statement: cst.While, scope: Scope, exits: str) -> list[Node]:
        """``while``; ``while True`` is left only by ``break``, ``return`` or ``raise``."""
        changed = loop_changes(statement)  # see for_loop
        scope.unsettle(changed)
        before = self.scan(statement.test, scope)
        body = self.statements(suite(statement.body), scope, exits, top=False)
        scope.forget_values(changed)
        test = scope.module.code(statement.test)
        infinite = test == "True" or (
            isinstance(statement.test, cst.Integer) and statement.test.value not in ("0", "0x0")
        )
        label = one_line(f"while {test}", LABEL_LIMIT)
        return [
            *before,
            self.loop(statement, label, body, statement.orelse, scope, exits, infinite=infinite),
        ]

    def loop(
        self,
        statement: cst.CSTNode,
        label: str,
        body: list[Node],
        orelse: cst.Else | None,
        scope: Scope,
        exits: str,
        *,
        infinite: bool = False,
    ) -> Node:
        blocks = [block("body", body)]
        if orelse is not None:
            blocks.append(
                block("else", self.statements(suite(orelse.body), scope, exits, top=False), "else")
            )
        return self.node(
            Kind.LOOP,
            one_line(label, LABEL_LIMIT),
            statement,
            scope,
            blocks=tuple(blocks),
            infinite=infinite,
        )

    def try_block(self, statement: cst.Try | cst.TryStar, scope: Scope, exits: str) -> list[Node]:
        """``try``/``except``/``else``/``finally``."""
        blocks = [
            block("body", self.statements(suite(statement.body), scope, exits, top=False), "try")
        ]
        catch_all = False
        for handler in statement.handlers:
            if handler.type is None:
                label, catches_all = "error", True
            else:
                names = handler.type
                if isinstance(names, cst.Tuple):
                    label = " | ".join(scope.module.code(e.value) for e in names.elements)
                else:
                    label = scope.module.code(names, 60)
                catches_all = label in _CATCH_ALL
            catch_all = catch_all or catches_all
            if handler.name is not None:
                self.forget(handler.name.name, scope)
            nodes = self.statements(suite(handler.body), scope, exits, top=False)
            blocks.append(block("handler", nodes, label))
        if statement.orelse is not None:
            blocks.append(
                block(
                    "else",
                    self.statements(suite(statement.orelse.body), scope, exits, top=False),
                    "else",
                )
            )
        if statement.finalbody is not None:
            blocks.append(
                block(
                    "finally",
                    self.statements(suite(statement.finalbody.body), scope, exits, top=False),
                    "finally",
                )
            )
        return [
            self.node(Kind.TRY, "try", statement, scope, blocks=tuple(blocks), catch_all=catch_all)
        ]

    def match(self, statement: cst.Match, scope: Scope, exits: str) -> list[Node]:
        """``match``/``case``: one outcome per case; ``case _`` makes it exhaustive."""
        before = self.scan(statement.subject, scope)
        blocks: list[Block] = []
        exhaustive = False
        for case in statement.cases:
            pattern = case.pattern
            irrefutable = isinstance(pattern, cst.MatchAs) and pattern.pattern is None
            if irrefutable and case.guard is None:
                exhaustive = True
                label = "default"
            else:
                label = f"case {scope.module.code(pattern, 60)}"
                if case.guard is not None:
                    label += f" if {scope.module.code(case.guard, 40)}"
            nodes = self.statements(suite(case.body), scope, exits, top=False)
            blocks.append(block("outcome", nodes, label))
        label = one_line(f"match {scope.module.code(statement.subject)}", LABEL_LIMIT)
        node = self.node(
            Kind.CONDITION,
            label,
            statement,
            scope,
            blocks=tuple(blocks),
            fallthrough=None if exhaustive else "no match",
        )
        return [*before, node]

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
        if isinstance(expression, _COMPREHENSIONS):
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

    def conditional_expression(self, expression: cst.IfExp, scope: Scope) -> list[Node]:
        """``a if test else b`` choosing between operations."""
        before = self.scan(expression.test, scope)
        yes = self.scan(expression.body, scope)
        no = self.scan(expression.orelse, scope)
        if not yes and not no:
            return before
        label = scope.module.code(expression.test, LABEL_LIMIT)
        node = self.node(
            Kind.CONDITION,
            label,
            expression,
            scope,
            blocks=(block("outcome", yes, "yes"), block("outcome", no, "no")),
        )
        return [*before, node]

    def boolean(self, expression: cst.BooleanOperation, scope: Scope) -> list[Node]:
        """``a and op()`` runs the operation only when ``a`` holds (``or``: when it does not)."""
        before = self.scan(expression.left, scope)
        right = self.scan(expression.right, scope)
        if not right:
            return before
        runs_on = "yes" if isinstance(expression.operator, cst.And) else "no"
        skips_on = "no" if runs_on == "yes" else "yes"
        label = scope.module.code(expression.left, LABEL_LIMIT)
        at = next((n for n in _calls(expression.right)), expression.right)
        node = self.node(
            Kind.CONDITION,
            label,
            at,
            scope,
            blocks=(block("outcome", right, runs_on),),
            fallthrough=skips_on,
        )
        return [*before, node]

    def comprehension(
        self, expression: cst.ListComp | cst.SetComp | cst.DictComp | cst.GeneratorExp, scope: Scope
    ) -> list[Node]:
        """A comprehension that runs operations is a loop over its items."""
        clauses: list[cst.CompFor] = []
        clause: cst.CompFor | None = expression.for_in
        while clause is not None:
            clauses.append(clause)
            clause = clause.inner_for_in
        before = self.scan(clauses[0].iter, scope)
        inner = scope.child()
        for clause in clauses:
            self.forget(clause.target, inner)
        if isinstance(expression, cst.DictComp):
            body = self.scan(expression.key, inner) + self.scan(expression.value, inner)
        else:
            body = self.scan(expression.elt, inner)
        for clause in reversed(clauses):
            for test in reversed(clause.ifs):
                if body:
                    label = scope.module.code(test.test, LABEL_LIMIT)
                    body = [
                        self.node(
                            Kind.CONDITION,
                            label,
                            expression,
                            scope,
                            blocks=(block("outcome", body, "yes"),),
                            fallthrough="no",
                        )
                    ]
        if not body:
            return before
        label = " ".join(
            f"for {scope.module.code(c.target)} in {scope.module.code(c.iter)}" for c in clauses
        )
        loop = self.node(
            Kind.LOOP,
            one_line(label, LABEL_LIMIT),
            expression,
            scope,
            blocks=(block("body", body),),
        )
        return [*before, loop]

    # -- calls -----------------------------------------------------------------------------------

    def call(self, call: cst.Call, scope: Scope) -> list[Node]:
        """A call: a durable operation, a helper to inline, or a plain call to look inside."""
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


def _calls(expression: cst.CSTNode) -> list[cst.Call]:
    """Calls inside an expression (first ones first), used to position synthetic conditions."""
    found: list[cst.Call] = []
    stack: list[cst.CSTNode] = [expression]
    while stack and not found:
        node = stack.pop()
        if isinstance(node, cst.Call):
            found.append(node)
        stack.extend(reversed(tuple(iter_children(node))))
    return found
