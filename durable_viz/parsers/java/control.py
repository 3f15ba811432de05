"""Java control structures as condition, loop and try nodes: ``if``/``else``, ``switch``
statements (with fall-through groups), arrow switches and switch expressions, every loop form,
and ``try``/``catch``/``finally``."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import one_line
from durable_viz.parsers.java.loops import changed_in, enter_loop
from durable_viz.parsers.java.module import JavaFile, block, field_of, named
from durable_viz.parsers.java.values import Scope
from durable_viz.parsers.paths import Paths

if TYPE_CHECKING:
    from tree_sitter import Node as TSNode

    from durable_viz.parsers.java.analyzer import Analyzer

__all__ = ["LABEL_LIMIT", "ControlFlow", "condition_text"]

LABEL_LIMIT = 80
_VALUE_USES = frozenset(
    {
        "variable_declarator",
        "assignment_expression",
        "return_statement",
        "yield_statement",
        "argument_list",
        "parenthesized_expression",
        "ternary_expression",
        "binary_expression",
        "lambda_expression",
        "cast_expression",
        "array_initializer",
    }
)
_CATCH_ALL = frozenset({"Exception", "Throwable", "RuntimeException"})
_BREAKABLE = frozenset({"loop", "switch"})
_LABEL_TAKERS = frozenset(
    {
        "for_statement",
        "enhanced_for_statement",
        "while_statement",
        "do_statement",
        "switch_expression",
        "switch_statement",
    }
)


def _jump(kind: Kind, label: str | None) -> Node:
    """A ``break``/``continue`` node: never drawn, so it has no position."""
    return Node(kind=kind, label=kind.value, line=1, column=1, jump_label=label)


def condition_text(node: TSNode | None, file: JavaFile) -> str:
    """A test without its parentheses, on one line."""
    if node is None:
        return "?"
    if node.type == "parenthesized_expression" and named(node):
        node = named(node)[0]
    return file.code(node, LABEL_LIMIT)


class ControlFlow:
    """Builds control-structure nodes for an :class:`Analyzer`."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.named: set[str] = set()
        """Labels some ``break`` node names (a labelled block no ``break`` names is no node)."""
        self.leaving: dict[str, Paths] = {}
        """The ways out of each switch or labelled block being read, by the label its breaks
        name: a ``break`` (or ``yield``) takes the names as they are to the end of it."""

    @staticmethod
    def paths(scope: Scope) -> Paths:
        """The ways through a branching construct starting here (see :mod:`..paths`)."""
        return Paths(scope, scope.file.text)

    def leave(self, jumps: list[Node], scope: Scope) -> list[Node]:
        """A jump (``jumps``: its node, if drawn) ends the way being read; a ``break`` leaving a
        switch or labelled block takes the names to its end."""
        label = jumps[-1].jump_label if jumps and jumps[-1].kind is Kind.BREAK else None
        leaving = self.leaving.get(label) if label is not None else None
        if leaving is not None and leaving.scope is scope and not scope.dead:
            leaving.arrive(scope.values, scope.unknown)
        scope.dead = True
        return jumps

    def leaving_by(self, label: str, paths: Paths) -> Paths | None:
        """Register the ways out named ``label``; returns the ones it hides (restore them)."""
        saved = self.leaving.get(label)
        self.leaving[label] = paths
        return saved

    def left(self, label: str, saved: Paths | None) -> None:
        if saved is None:
            self.leaving.pop(label, None)
        else:
            self.leaving[label] = saved

    def condition(self, statement: TSNode, scope: Scope, exits: str) -> list[Node]:
        """``if``/``else if``/``else``: an ``else if`` is a condition on the "no" outcome."""
        test = field_of(statement, "condition")
        before = self.analyzer.scan(test, scope) if test is not None else []
        # Each branch starts from the names as they were; see durable_viz.parsers.paths.
        paths = self.paths(scope)
        paths.start()
        yes = self.analyzer.block_of(field_of(statement, "consequence"), scope, exits)
        paths.end()
        blocks = [block("outcome", yes, "yes")]
        alternative = field_of(statement, "alternative")
        paths.start()
        if alternative is not None:
            blocks.append(block("outcome", self.analyzer.block_of(alternative, scope, exits), "no"))
        paths.end()
        paths.join()
        node = self.analyzer.node(
            Kind.CONDITION,
            condition_text(test, scope.file),
            statement,
            scope,
            blocks=tuple(blocks),
            fallthrough=None if alternative is not None else "no",
        )
        return [*before, node]

    def loop(self, statement: TSNode, scope: Scope, exits: str) -> list[Node]:
        """``for``, enhanced ``for``, ``while`` and ``do``/``while``."""
        file = scope.file
        kind = statement.type
        jump_label = self.take_label()
        before: list[Node] = []
        infinite = False
        if kind == "enhanced_for_statement":
            expanded = self.analyzer.parallels.expand_branches(statement, scope, exits)
            if expanded is not None:
                return expanded
            value = field_of(statement, "value")
            name_node = field_of(statement, "name")
            before = self.analyzer.scan(value, scope) if value is not None else []
            changed = enter_loop(statement, scope)
            if name_node is not None:
                scope.forget(file.text(name_node))
            label = (
                f"for {file.code(name_node) if name_node else '?'} : "
                f"{file.code(value) if value else '?'}"
            )
        elif kind == "for_statement":
            for init in [c for c in named(statement) if c is not field_of(statement, "body")]:
                if init.type == "local_variable_declaration":
                    before.extend(self.analyzer.declaration(init, scope))
                    break
            changed = enter_loop(statement, scope)
            test = field_of(statement, "condition")
            until = field_of(statement, "body") or statement
            header = file.source.data[statement.start_byte : until.start_byte]
            label = one_line(header.decode("utf-8", "replace"))
            infinite = test is None
        else:
            changed = enter_loop(statement, scope)
            test = field_of(statement, "condition")
            text = condition_text(test, file)
            infinite = text == "true"
            label = f"while {text}" if kind == "while_statement" else f"do … while {text}"
            if kind == "while_statement" and test is not None:
                before = self.analyzer.scan(test, scope)
        self.analyzer.breakables.append(("loop", jump_label))
        dead = scope.dead
        try:
            body = self.analyzer.block_of(field_of(statement, "body"), scope, exits)
        finally:
            self.analyzer.breakables.pop()
            scope.dead = dead  # the loop may end, or be left by a break
        if kind == "do_statement":
            test = field_of(statement, "condition")
            if test is not None:
                body.extend(self.analyzer.scan(test, scope))
        scope.forget_values(changed)
        node = self.analyzer.node(
            Kind.LOOP,
            one_line(label, LABEL_LIMIT),
            statement,
            scope,
            blocks=(block("body", body),),
            infinite=infinite,
            do_while=kind == "do_statement",
            jump_label=jump_label,
        )
        return [*before, node]

    def switch(self, statement: TSNode, scope: Scope, exits: str) -> list[Node]:
        """``switch`` statements (``case X:`` groups that fall through, or ``case X ->`` rules) and
        switch expressions: one outcome per case; ``default`` makes it exhaustive, and so does any
        switch expression whose value is used (the compiler checks it covers every value)."""
        file = scope.file
        # ``break`` (and ``yield``) leave the switch: its frame in the edge builder is named by
        # the code's label, or by one made up from where it starts (no Java label has a space).
        line, column = file.position(statement)
        jump_label = self.take_label() or f"switch {line}:{column}"
        test = field_of(statement, "condition")
        before = self.analyzer.scan(test, scope) if test is not None else []
        body = field_of(statement, "body")
        groups = [
            g
            for g in (named(body) if body is not None else [])
            if g.type in ("switch_block_statement_group", "switch_rule")
        ]
        blocks: list[Block] = []
        # A switch whose value is used is an expression: the compiler makes it cover every value.
        exhaustive = statement.parent is not None and statement.parent.type in _VALUE_USES
        self.analyzer.breakables.append(("switch", jump_label))
        paths = self.paths(scope)
        saved = self.leaving_by(jump_label, paths)
        try:
            waiting: list[str] = []  # labels of ``case A:`` groups with no statements of their own
            for index, group in enumerate(groups):
                labels = [c for c in named(group) if c.type == "switch_label"]
                texts = [*waiting, *(file.code(label) for label in labels)]
                if any(t.startswith("default") for t in texts):
                    exhaustive = True
                own = [c for c in named(group) if c.type != "switch_label"]
                if group.type == "switch_block_statement_group" and not own:
                    waiting = texts
                    continue
                waiting = []
                label = ", ".join(texts) or "case"
                paths.start()
                if group.type == "switch_rule":
                    nodes: list[Node] = []
                    for part in own:
                        if part.type in ("block", "expression_statement", "throw_statement"):
                            nodes.extend(self.analyzer.statement(part, scope, exits, False))
                        else:
                            nodes.extend(self.analyzer.scan(part, scope))
                else:
                    nodes = self.analyzer.statements(
                        _fall_through(groups, index), scope, exits, top=False
                    )
                paths.end()
                if nodes and nodes[-1].kind is Kind.BREAK and nodes[-1].jump_label == jump_label:
                    nodes.pop()  # the case's own end: it leaves the switch anyway
                blocks.append(block("outcome", nodes, label))
        finally:
            self.analyzer.breakables.pop()
            self.left(jump_label, saved)
        if not exhaustive:
            paths.skip()
        paths.join()
        node = self.analyzer.node(
            Kind.CONDITION,
            one_line(f"switch {condition_text(test, file)}", LABEL_LIMIT),
            statement,
            scope,
            blocks=tuple(blocks),
            fallthrough=None if exhaustive else "no match",
            jump_label=jump_label,
        )
        return [*before, node]

    # -- jumps -----------------------------------------------------------------------------------

    def take_label(self) -> str | None:
        """The ``label:`` written before the loop or switch being read (used once)."""
        label, self.analyzer.pending_label = self.analyzer.pending_label, None
        return label

    def labelled(self, statement: TSNode, scope: Scope, exits: str, last: bool) -> list[Node]:
        """``label: statement``. A loop or switch carries the label for the jumps naming it; a
        labelled ``if`` or ``try`` too; any other statement (``found: { ... }``) that a
        ``break`` names is a labelled block: a hidden scope node carrying the label, which
        ``prune`` keeps only while that ``break`` matters; one no ``break`` names is just its
        statements."""
        parts = named(statement)
        name = next((c for c in parts if c.type == "identifier"), None)
        inner = next((c for c in parts if c.type != "identifier"), None)
        if inner is None:
            return []
        label = scope.file.text(name) if name is not None else None
        if inner.type in _LABEL_TAKERS:
            self.analyzer.pending_label = label
            try:
                return self.analyzer.statement(inner, scope, exits, last)
            finally:
                self.analyzer.pending_label = None
        kind = "other" if inner.type in ("if_statement", "try_statement") else "block"
        if label is not None:
            self.named.discard(label)  # an earlier statement's, by the same name
        self.analyzer.breakables.append((kind, label))
        paths = self.paths(scope)  # ``break label`` takes the names to its end
        saved = self.leaving_by(label, paths) if label is not None else None
        try:
            nodes = self.analyzer.statement(inner, scope, exits, last)
        finally:
            self.analyzer.breakables.pop()
            if label is not None:
                self.left(label, saved)
            paths.end()
            paths.join()
        if not nodes or label is None:
            return nodes
        if kind == "other" and nodes[-1].kind in (Kind.CONDITION, Kind.TRY):
            nodes[-1] = replace(nodes[-1], jump_label=label)
            return nodes
        if label not in self.named:
            return nodes  # nothing to leave: no node, so deep nesting costs nothing to prune
        body = block("body", nodes)
        return [
            self.analyzer.node(
                Kind.SCOPE, label, statement, scope, blocks=(body,), jump_label=label
            )
        ]

    def jump(self, statement: TSNode, scope: Scope) -> list[Node]:
        """``break``/``continue``, plain or naming a label."""
        kind = Kind.BREAK if statement.type == "break_statement" else Kind.CONTINUE
        name = next((c for c in named(statement) if c.type == "identifier"), None)
        breakables = self.analyzer.breakables
        if name is not None:
            label = scope.file.text(name)
            if not any(named_as == label for _, named_as in breakables):
                return []  # a label the code does not declare: it does not compile
            if kind is Kind.BREAK:
                self.named.add(label)
            return self.leave([_jump(kind, label)], scope)
        if kind is Kind.BREAK:
            return self.leave(self.leave_switch() or [_jump(kind, None)], scope)
        return self.leave([_jump(kind, None)], scope)

    def leave_switch(self) -> list[Node]:
        """A ``break`` (or ``yield``) leaving the innermost switch, when it is innermost."""
        innermost = next(
            (item for item in reversed(self.analyzer.breakables) if item[0] in _BREAKABLE),
            None,
        )
        if innermost is None or innermost[0] != "switch":
            return []
        return [_jump(Kind.BREAK, innermost[1])]

    def try_block(
        self, statement: TSNode, scope: Scope, exits: str, prefix: list[Node]
    ) -> list[Node]:
        """``try``/``catch``/``finally`` (``prefix``: operations the resources run first)."""
        file = scope.file
        body = field_of(statement, "body")
        paths = self.paths(scope)
        paths.start()
        body_nodes = [*prefix, *self.analyzer.block_of(body, scope, exits)]
        paths.end()
        # What the body assigns (read only when a handler or a finally needs it).
        in_body = changed_in(body, file) if body is not None and len(named(statement)) > 1 else None
        handlers: list[TSNode] = []
        blocks = [block("body", body_nodes, "try")]
        catch_all = False
        finally_nodes: list[Node] | None = None
        for clause in named(statement):
            if clause.type == "catch_clause":
                parameter = next(
                    (c for c in named(clause) if c.type == "catch_formal_parameter"), None
                )
                types = (
                    next((c for c in named(parameter) if c.type == "catch_type"), None)
                    if parameter is not None
                    else None
                )
                label = (
                    " | ".join(file.code(t) for t in named(types)) if types is not None else "error"
                )
                catch_all = catch_all or any(
                    part.strip().rsplit(".", 1)[-1] in _CATCH_ALL for part in label.split("|")
                )
                paths.start(in_body or ())  # a handler may run after any part of the body
                if parameter is not None:
                    name_node = field_of(parameter, "name")
                    if name_node is not None:
                        scope.forget(file.text(name_node))
                nodes = self.analyzer.block_of(field_of(clause, "body"), scope, exits)
                paths.end()
                handlers.append(clause)
                blocks.append(block("handler", nodes, label))
            elif clause.type == "finally_clause":
                inner = next((c for c in named(clause) if c.type == "block"), None)
                changed = set(in_body or ())
                for handler in handlers:
                    changed.update(changed_in(handler, file))
                finally_nodes = paths.then_finally(
                    changed,
                    partial(self.analyzer.block_of, inner, scope, exits),
                    changed_in(inner, file) if inner is not None else (),
                )
        if finally_nodes is None:
            paths.join()
        if len(blocks) == 1 and finally_nodes is None:
            return body_nodes  # try-with-resources alone only closes its resources
        if finally_nodes is not None:
            blocks.append(block("finally", finally_nodes, "finally"))
        return [
            self.analyzer.node(
                Kind.TRY, "try", statement, scope, blocks=tuple(blocks), catch_all=catch_all
            )
        ]


def _fall_through(groups: list[TSNode], index: int) -> list[TSNode]:
    """The statements a ``case X:`` group runs: its own, then the next groups' until one ends
    in ``break``, ``return``, ``throw``, ``continue`` or ``yield``."""
    statements: list[TSNode] = []
    for group in groups[index:]:
        own = [c for c in named(group) if c.type != "switch_label"]
        statements.extend(own)
        if own and own[-1].type in (
            "break_statement",
            "return_statement",
            "throw_statement",
            "continue_statement",
            "yield_statement",
        ):
            break
    return statements
