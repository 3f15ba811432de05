"""Python control structures as model nodes: ``if``/``elif``/``else``, the loops, ``try`` (with
``except``/``else``/``finally``), ``match``, conditional expressions, ``and``/``or`` and
comprehensions running operations. Each way through a branching construct starts from the names
as they were before it (see :mod:`durable_viz.parsers.paths`)."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import block, one_line
from durable_viz.parsers.paths import Paths
from durable_viz.parsers.python.assigned import assigned_in, closure_changes, loop_changes
from durable_viz.parsers.python.module import suite
from durable_viz.parsers.python.positions import iter_children
from durable_viz.parsers.python.values import Scope

__all__ = ["COMPREHENSIONS", "LABEL_LIMIT", "ControlFlow"]

LABEL_LIMIT = 80

COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_CATCH_ALL = frozenset({"Exception", "BaseException"})


class ControlFlow:
    """Control structures; :class:`~.analyzer.Analyzer` supplies statements and expressions."""

    # -- supplied by the analyzer ----------------------------------------------------------------

    def node(self, kind: Kind, label: str, at: cst.CSTNode, where: Scope, **fields: object) -> Node:
        raise NotImplementedError

    def statements(
        self, statements: Sequence[cst.CSTNode], scope: Scope, exits: str, *, top: bool
    ) -> list[Node]:
        raise NotImplementedError

    def scan(self, expression: cst.CSTNode | None, scope: Scope) -> list[Node]:
        raise NotImplementedError

    def forget(self, target: cst.CSTNode, scope: Scope) -> None:
        raise NotImplementedError

    # -- control structures ----------------------------------------------------------------------

    @staticmethod
    def paths(scope: Scope) -> Paths:
        """The ways through a branching construct starting here (see :mod:`..paths`)."""
        return Paths(scope, scope.module.code)

    def condition(self, statement: cst.If, scope: Scope, exits: str) -> list[Node]:
        """``if``/``elif``/``else``: an ``elif`` is a condition on the "no" outcome."""
        before = self.scan(statement.test, scope)
        # Each branch starts from the names as they were; see durable_viz.parsers.paths.
        paths = self.paths(scope)
        paths.start()
        yes = self.statements(suite(statement.body), scope, exits, top=False)
        paths.end()
        blocks = [block("outcome", yes, "yes")]
        orelse = statement.orelse
        paths.start()
        if isinstance(orelse, cst.If):
            blocks.append(block("outcome", self.condition(orelse, scope, exits), "no"))
        elif isinstance(orelse, cst.Else):
            blocks.append(
                block("outcome", self.statements(suite(orelse.body), scope, exits, top=False), "no")
            )
        paths.end()
        paths.join()
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
        changed = loop_changes(statement) | closure_changes(statement.body, scope.functions)
        scope.unsettle(changed)
        self.forget(statement.target, scope)
        dead = scope.dead
        body = self.statements(suite(statement.body), scope, exits, top=False)
        scope.forget_values(changed)
        scope.dead = dead  # the loop may end or be left by a break
        prefix = "async for" if statement.asynchronous is not None else "for"
        label = (
            f"{prefix} {scope.module.code(statement.target)} in {scope.module.code(statement.iter)}"
        )
        return [*before, self.loop(statement, label, body, statement.orelse, scope, exits)]

    def while_loop(self, statement: cst.While, scope: Scope, exits: str) -> list[Node]:
        """``while``; ``while True`` is left only by ``break``, ``return`` or ``raise``."""
        changed = loop_changes(statement) | closure_changes(statement, scope.functions)
        scope.unsettle(changed)
        before = self.scan(statement.test, scope)
        dead = scope.dead
        body = self.statements(suite(statement.body), scope, exits, top=False)
        scope.forget_values(changed)
        scope.dead = dead  # see for_loop
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
        paths = self.paths(scope)
        paths.start()
        blocks = [
            block("body", self.statements(suite(statement.body), scope, exits, top=False), "try")
        ]
        # ``else`` runs on from the end of the body; its block is drawn after the handlers.
        orelse = (
            block(
                "else",
                self.statements(suite(statement.orelse.body), scope, exits, top=False),
                "else",
            )
            if statement.orelse is not None
            else None
        )
        paths.end()
        in_body = assigned_in([statement.body])
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
            paths.start(in_body)
            if handler.name is not None:
                self.forget(handler.name.name, scope)
            nodes = self.statements(suite(handler.body), scope, exits, top=False)
            paths.end()
            blocks.append(block("handler", nodes, label))
        if orelse is not None:
            blocks.append(orelse)
        final = statement.finalbody
        if final is not None:
            parts: list[cst.CSTNode] = [statement.body, *statement.handlers]
            if statement.orelse is not None:
                parts.append(statement.orelse)
            nodes = paths.then_finally(
                assigned_in(parts),
                lambda: self.statements(suite(final.body), scope, exits, top=False),
                assigned_in([final]),
            )
            blocks.append(block("finally", nodes, "finally"))
        else:
            paths.join()
        return [
            self.node(Kind.TRY, "try", statement, scope, blocks=tuple(blocks), catch_all=catch_all)
        ]

    def match(self, statement: cst.Match, scope: Scope, exits: str) -> list[Node]:
        """``match``/``case``: one outcome per case; ``case _`` makes it exhaustive."""
        before = self.scan(statement.subject, scope)
        blocks: list[Block] = []
        exhaustive = False
        paths = self.paths(scope)
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
            paths.start()
            for captured in _captures(pattern):  # ``case {"id": name}`` binds ``name``
                self.forget(captured, scope)
            nodes = self.statements(suite(case.body), scope, exits, top=False)
            paths.end()
            blocks.append(block("outcome", nodes, label))
        if not exhaustive:
            paths.skip()
        paths.join()
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

    def conditional_expression(self, expression: cst.IfExp, scope: Scope) -> list[Node]:
        """``a if test else b`` choosing between operations."""
        before = self.scan(expression.test, scope)
        paths = self.paths(scope)
        paths.start()
        yes = self.scan(expression.body, scope)
        paths.end()
        paths.start()
        no = self.scan(expression.orelse, scope)
        paths.end()
        paths.join()
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
        paths = self.paths(scope)
        paths.start()
        right = self.scan(expression.right, scope)
        paths.end()
        paths.skip()
        paths.join()
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


def _captures(pattern: cst.MatchPattern) -> list[cst.Name]:
    """The names a ``case`` pattern binds."""
    found: list[cst.Name] = []
    stack: list[cst.CSTNode] = [pattern]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
            found.append(node.name)
        elif isinstance(node, cst.MatchMapping) and node.rest is not None:
            found.append(node.rest)
        stack.extend(iter_children(node))
    return found


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
