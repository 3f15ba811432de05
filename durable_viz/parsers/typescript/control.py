"""Control structures of TypeScript/JavaScript as model nodes: ``if``/``else if``, ``switch``
with fallthrough, the loops, ternaries and ``&&``/``||``/``??`` choosing operations
(``try``/``catch``/``finally`` are in :mod:`.trying`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import one_line
from durable_viz.parsers.paths import Paths
from durable_viz.parsers.typescript.loops import enter_loop
from durable_viz.parsers.typescript.module import text
from durable_viz.parsers.typescript.syntax import field, kids, unwrap

if TYPE_CHECKING:
    from tree_sitter import Node as Syntax

    from durable_viz.parsers.typescript.values import Scope

__all__ = ["LABEL_LIMIT", "ControlFlow", "block", "condition_of"]

LABEL_LIMIT = 80

_LABELLED = frozenset(
    {
        "for_statement",
        "for_in_statement",
        "while_statement",
        "do_statement",
        "switch_statement",
        "if_statement",
    }
)
"""Statements a label gives a name jumps can use (the node they make comes last)."""
_LOOPS = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
_TERMINAL = frozenset(
    {"break_statement", "return_statement", "throw_statement", "continue_statement"}
)


class ControlFlow:
    """Control structures; :class:`~.analyzer.Analyzer` supplies statements and expressions."""

    break_targets: list[tuple[str, str | None]]
    """What a plain ``break`` leaves, innermost last: ``("loop", None)``, ``("callback", None)``
    or ``("switch", its jump label)`` (the code's label, or :func:`switch_label`)."""
    jumps_used: set[str]
    """Labels some ``break`` node names: a switch's made-up one (:func:`switch_label`) or one
    the code writes."""
    leaving: dict[str, Paths]
    """The ways out of each switch or labelled block being read, by the label its breaks name:
    a ``break`` takes the names as they are to the end of it."""

    # -- supplied by the analyzer ----------------------------------------------------------------

    def statements(
        self, statements: list[Syntax], scope: Scope, exits: str, *, top: bool
    ) -> list[Node]:
        raise NotImplementedError

    def statement(self, statement: Syntax, scope: Scope, exits: str, last: bool) -> list[Node]:
        raise NotImplementedError

    def scan(self, expression: Syntax | None, scope: Scope) -> list[Node]:
        raise NotImplementedError

    def node(self, kind: Kind, label: str, at: Syntax, where: Scope, **fields: object) -> Node:
        raise NotImplementedError

    def forget_pattern(self, pattern: Syntax, scope: Scope) -> None:
        raise NotImplementedError

    # -- shared ----------------------------------------------------------------------------------

    def branch(self, statement: Syntax | None, scope: Scope, exits: str) -> list[Node]:
        """The nodes of an ``if`` branch or loop body (a block or a single statement)."""
        if statement is None:
            return []
        if statement.type == "statement_block":
            return self.statements(kids(statement), scope, exits, top=False)
        return self.statement(statement, scope, exits, False)

    def loop_body(self, statement: Syntax | None, scope: Scope, exits: str) -> list[Node]:
        self.break_targets.append(("loop", None))
        dead = scope.dead
        try:
            return self.branch(statement, scope, exits)
        finally:
            self.break_targets.pop()
            scope.dead = dead  # the loop may end, or be left by a break

    @staticmethod
    def paths(scope: Scope) -> Paths:
        """The ways through a branching construct starting here (see :mod:`..paths`)."""
        return Paths(scope, text)

    # -- statements ------------------------------------------------------------------------------

    def jump(self, statement: Syntax, scope: Scope) -> Node:
        """``break``/``continue``, with the label it names (a made-up one for a ``switch``)."""
        node = self._jump(statement)
        leaving = self.leaving.get(node.jump_label or "") if node.kind is Kind.BREAK else None
        if leaving is not None and leaving.scope is scope and not scope.dead:
            leaving.arrive(scope.values, scope.unknown)
        scope.dead = True
        return node

    def _jump(self, statement: Syntax) -> Node:
        named = field(statement, "label")
        target = text(named) if named is not None else None
        if statement.type == "continue_statement":
            return Node(kind=Kind.CONTINUE, label="continue", line=1, column=1, jump_label=target)
        if target is not None:
            self.jumps_used.add(target)
        innermost = self.break_targets[-1] if self.break_targets else None
        if target is None and innermost is not None and innermost[0] == "switch":
            # A plain break inside a switch leaves the switch, not the loop around it.
            target = innermost[1]
            if target is not None:
                self.jumps_used.add(target)
        return Node(kind=Kind.BREAK, label="break", line=1, column=1, jump_label=target)

    def labelled(self, statement: Syntax, scope: Scope, exits: str, last: bool) -> list[Node]:
        """``outer: for (...)``: the loop (or switch, or ``if``) a ``break outer``/``continue
        outer`` names. Any other labelled statement (``checks: { ... }``) that a ``break`` names
        is a labelled block: a hidden scope node carrying the label, which ``prune`` keeps only
        while that ``break`` matters; one no ``break`` names is just its statements."""
        body = field(statement, "body")
        if body is None:
            return []
        named = field(statement, "label")
        if named is not None and body.type == "switch_statement":
            # Its plain breaks name the switch by the code's label too.
            return self.switch(body, scope, exits, name=text(named))
        label = text(named) if named is not None else None
        if label is not None:
            self.jumps_used.discard(label)  # an earlier statement's, by the same name
        leaving = None
        if label is not None and body.type not in _LOOPS:
            # ``break label`` takes the names as they are to the end of the statement.
            leaving = self.paths(scope)
            saved = self.leaving.get(label)
            self.leaving[label] = leaving
        try:
            nodes = self.statement(body, scope, exits, last)
        finally:
            if leaving is not None and label is not None:
                leaving.end()
                leaving.join()
                if saved is None:
                    del self.leaving[label]
                else:
                    self.leaving[label] = saved
        if label is None or not nodes:
            return nodes
        if body.type in _LABELLED:
            nodes[-1] = replace(nodes[-1], jump_label=label)
            return nodes
        if label not in self.jumps_used:
            # Nothing to leave: no node, so that deeply nested blocks cost nothing to prune.
            return nodes
        return [
            self.node(
                Kind.SCOPE,
                label,
                statement,
                scope,
                blocks=(block("body", nodes),),
                jump_label=label,
            )
        ]

    def condition(self, statement: Syntax, scope: Scope, exits: str) -> list[Node]:
        """``if``/``else if``/``else``: an ``else if`` is a condition on the "no" outcome."""
        test = condition_of(statement)
        before = self.scan(test, scope)
        # Each branch starts from the names as they were; see durable_viz.parsers.paths.
        paths = self.paths(scope)
        paths.start()
        yes = self.branch(field(statement, "consequence"), scope, exits)
        paths.end()
        blocks = [block("outcome", yes, "yes")]
        alternative = field(statement, "alternative")
        paths.start()
        if alternative is not None:
            inner = kids(alternative)
            otherwise = inner[0] if inner else None
            if otherwise is not None and otherwise.type == "if_statement":
                blocks.append(block("outcome", self.condition(otherwise, scope, exits), "no"))
            else:
                blocks.append(block("outcome", self.branch(otherwise, scope, exits), "no"))
        paths.end()
        paths.join()
        label = scope.module.code(test, LABEL_LIMIT) if test is not None else "if"
        node = self.node(
            Kind.CONDITION,
            label,
            statement,
            scope,
            blocks=tuple(blocks),
            fallthrough=None if alternative is not None else "no",
        )
        return [*before, node]

    def switch(
        self, statement: Syntax, scope: Scope, exits: str, name: str | None = None
    ) -> list[Node]:
        """``switch``: one outcome per case; a case without ``break`` runs on into the next.

        ``name`` is the label the code gives it (``route: switch ...``), if any.
        """
        test = condition_of(statement)
        before = self.scan(test, scope)
        body = field(statement, "body")
        groups: list[tuple[list[str], list[Syntax]]] = []
        waiting: list[str] = []
        cases = kids(body) if body is not None else []
        cases = [c for c in cases if c.type in ("switch_case", "switch_default")]
        exhaustive = False
        for index, case in enumerate(cases):
            value = field(case, "value")
            if case.type == "switch_default" or value is None:
                waiting.append("default")
                exhaustive = True
            else:
                waiting.append(scope.module.code(value, 40))
            statements = case.children_by_field_name("body")
            if statements or index == len(cases) - 1:
                groups.append((waiting, list(statements)))
                waiting = []
        blocks: list[Block] = []
        jump = name or switch_label(statement, scope)
        self.break_targets.append(("switch", jump))
        paths = self.paths(scope)
        saved = self.leaving.get(jump)
        self.leaving[jump] = paths
        try:
            for index, (labels, statements) in enumerate(groups):
                # A case without ``break`` runs on into the next: its block repeats the next
                # case's statements (a ``break`` among them still leaves the switch).
                run = _until_break(statements)
                following = index
                while not _terminates(run) and following + 1 < len(groups):
                    following += 1
                    run.extend(_until_break(groups[following][1]))
                if run and _plain_break(run[-1]):
                    run.pop()  # the case ends here anyway: no jump to draw
                paths.start()
                nodes = self.statements(run, scope, exits, top=False)
                paths.end()
                label = "default" if "default" in labels else "case " + " | ".join(labels)
                blocks.append(block("outcome", nodes, label))
        finally:
            self.break_targets.pop()
            if saved is None:
                del self.leaving[jump]
            else:
                self.leaving[jump] = saved
        if not exhaustive:
            paths.skip()
        paths.join()
        label = one_line(f"switch {scope.module.code(test)}" if test else "switch", LABEL_LIMIT)
        node = self.node(
            Kind.CONDITION,
            label,
            statement,
            scope,
            blocks=tuple(blocks),
            fallthrough=None if exhaustive else "no match",
            jump_label=jump if name or jump in self.jumps_used else None,
        )
        return [*before, node]

    def for_loop(self, statement: Syntax, scope: Scope, exits: str) -> list[Node]:
        """``for (init; test; update)``; without a test it is left only by break/return/throw."""
        initializer = field(statement, "initializer")
        before: list[Node] = []
        if initializer is not None:
            if initializer.type in ("lexical_declaration", "variable_declaration"):
                before = self.statement(initializer, scope, exits, False)
            else:
                before = self.scan(initializer, scope)
        changed = enter_loop(statement, scope)
        condition = field(statement, "condition")
        test = None
        if condition is not None and condition.type != "empty_statement":
            inner = kids(condition) if condition.type == "expression_statement" else [condition]
            test = inner[0] if inner else None
        body = self.loop_body(field(statement, "body"), scope, exits)
        scope.forget_values(changed)
        label = _header(statement, scope)
        loop = self.node(
            Kind.LOOP, label, statement, scope, blocks=(block("body", body),), infinite=test is None
        )
        return [*before, loop]

    def for_in(self, statement: Syntax, scope: Scope, exits: str) -> list[Node]:
        """``for (x of xs)``, ``for await (x of xs)`` and ``for (k in o)``."""
        right = field(statement, "right")
        left = field(statement, "left")
        before = self.scan(right, scope)
        changed = enter_loop(statement, scope)
        if left is not None:
            self.forget_pattern(left, scope)
        body = self.loop_body(field(statement, "body"), scope, exits)
        scope.forget_values(changed)
        operator = field(statement, "operator")
        awaits = any(c.type == "await" for c in statement.children)
        label = "for await" if awaits else "for"
        if left is not None and right is not None:
            word = text(operator) if operator is not None else "of"
            label = f"{label} {scope.module.code(left)} {word} {scope.module.code(right)}"
        loop = self.node(
            Kind.LOOP, one_line(label, LABEL_LIMIT), statement, scope, blocks=(block("body", body),)
        )
        return [*before, loop]

    def while_loop(self, statement: Syntax, scope: Scope, exits: str, *, do: bool) -> list[Node]:
        """``while`` and ``do ... while``; ``while (true)`` is left only by break/return/throw."""
        test = condition_of(statement)
        changed = enter_loop(statement, scope)
        before = [] if do else self.scan(test, scope)
        body = self.loop_body(field(statement, "body"), scope, exits)
        scope.forget_values(changed)
        shown = scope.module.code(test) if test is not None else "true"
        label = one_line(f"{'do ... while' if do else 'while'} ({shown})", LABEL_LIMIT)
        infinite = test is not None and shown in ("true", "1")
        loop = self.node(
            Kind.LOOP,
            label,
            statement,
            scope,
            blocks=(block("body", body),),
            infinite=infinite,
            do_while=do,
        )
        return [*before, loop]

    # -- expressions -----------------------------------------------------------------------------

    def ternary(self, expression: Syntax, scope: Scope) -> list[Node]:
        """``test ? a : b`` choosing between operations."""
        test = field(expression, "condition")
        before = self.scan(test, scope)
        paths = self.paths(scope)
        paths.start()
        yes = self.scan(field(expression, "consequence"), scope)
        paths.end()
        paths.start()
        no = self.scan(field(expression, "alternative"), scope)
        paths.end()
        paths.join()
        if not yes and not no:
            return before
        label = scope.module.code(test, LABEL_LIMIT) if test is not None else "?"
        node = self.node(
            Kind.CONDITION,
            label,
            expression,
            scope,
            blocks=(block("outcome", yes, "yes"), block("outcome", no, "no")),
        )
        return [*before, node]

    def logical(self, expression: Syntax, operator: str, scope: Scope) -> list[Node]:
        """``a && op()`` runs the operation only when ``a`` holds (``||``/``??``: when not)."""
        left, right = field(expression, "left"), field(expression, "right")
        before = self.scan(left, scope)
        paths = self.paths(scope)  # the right side may not run
        paths.start()
        after = self.scan(right, scope)
        paths.end()
        paths.skip()
        paths.join()
        if not after or right is None:
            return before
        runs_on = "yes" if operator == "&&" else "no"
        skips_on = "no" if runs_on == "yes" else "yes"
        label = scope.module.code(left, LABEL_LIMIT) if left is not None else operator
        if operator == "??" and left is not None:
            label = f"{scope.module.code(left, LABEL_LIMIT)} != null"
        node = self.node(
            Kind.CONDITION,
            label,
            _first_call(right) or right,
            scope,
            blocks=(block("outcome", after, runs_on),),
            fallthrough=skips_on,
        )
        return [*before, node]


def block(
    role: str, nodes: Iterable[Node], label: str | None = None, dynamic: bool = False
) -> Block:
    """A block as read; the workflow is pruned once at the end (pruning every level again
    would cost quadratic time on deeply nested code)."""
    return Block(role=role, label=label, nodes=tuple(nodes), dynamic=dynamic)


def condition_of(statement: Syntax) -> Syntax | None:
    """The test of an ``if``/``while``/``switch`` (or a ``switch``'s value), unwrapped."""
    condition = field(statement, "condition") or field(statement, "value")
    return unwrap(condition) if condition is not None else None


def switch_label(statement: Syntax, scope: Scope) -> str:
    """The jump label a plain ``break`` inside this ``switch`` names in the model.

    ``@`` cannot occur in a JavaScript label, so it never meets one the code writes.
    """
    line, column = scope.module.source.position(statement)
    return f"switch@{line}:{column}"


def _until_break(statements: list[Syntax]) -> list[Syntax]:
    """A case's statements up to a plain ``break`` of its own: the case simply ends there."""
    run: list[Syntax] = []
    for statement in statements:
        run.append(statement)  # the break itself is kept: the case counts as terminated
        if _plain_break(statement):
            return run
    return run


def _plain_break(statement: Syntax) -> bool:
    return statement.type == "break_statement" and field(statement, "label") is None


def _terminates(statements: list[Syntax]) -> bool:
    """Whether a case's statements never run on into the next case."""
    if not statements:
        return False
    last = statements[-1]
    if last.type == "statement_block":
        return _terminates(kids(last))
    if last.type == "if_statement":
        # ``if (x) { ...; break; } else { ...; return; }``: every way out jumps.
        alternative = field(last, "alternative")
        otherwise = kids(alternative) if alternative is not None else []
        consequence = field(last, "consequence")
        return (
            consequence is not None
            and bool(otherwise)
            and _terminates([consequence])
            and _terminates(otherwise[:1])
        )
    return last.type in _TERMINAL


def _header(statement: Syntax, scope: Scope) -> str:
    body = field(statement, "body")
    end = body.start_byte if body is not None else statement.end_byte
    raw = scope.module.source.data[statement.start_byte : end].decode("utf-8", "replace")
    return one_line(raw, LABEL_LIMIT)


def _first_call(expression: Syntax) -> Syntax | None:
    stack = [expression]
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            return current
        stack.extend(reversed(current.named_children))
    return None
