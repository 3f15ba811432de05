"""Java control structures as condition, loop and try nodes: ``if``/``else``, ``switch``
statements (with fall-through groups), arrow switches and switch expressions, every loop form,
and ``try``/``catch``/``finally``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from durable_viz.graph import Block, Kind, Node
from durable_viz.parsers.base import one_line
from durable_viz.parsers.java.module import JavaFile, block, field_of, named
from durable_viz.parsers.java.values import Scope

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

    def condition(self, statement: TSNode, scope: Scope, exits: str) -> list[Node]:
        """``if``/``else if``/``else``: an ``else if`` is a condition on the "no" outcome."""
        test = field_of(statement, "condition")
        before = self.analyzer.scan(test, scope) if test is not None else []
        yes = self.analyzer.block_of(field_of(statement, "consequence"), scope, exits)
        blocks = [block("outcome", yes, "yes")]
        alternative = field_of(statement, "alternative")
        if alternative is not None:
            blocks.append(block("outcome", self.analyzer.block_of(alternative, scope, exits), "no"))
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
        before: list[Node] = []
        infinite = False
        if kind == "enhanced_for_statement":
            expanded = self.analyzer.parallels.expand_branches(statement, scope, exits)
            if expanded is not None:
                return expanded
            value = field_of(statement, "value")
            name_node = field_of(statement, "name")
            before = self.analyzer.scan(value, scope) if value is not None else []
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
            test = field_of(statement, "condition")
            until = field_of(statement, "body") or statement
            header = file.source.data[statement.start_byte : until.start_byte]
            label = one_line(header.decode("utf-8", "replace"))
            infinite = test is None
        else:
            test = field_of(statement, "condition")
            text = condition_text(test, file)
            infinite = text == "true"
            label = f"while {text}" if kind == "while_statement" else f"do … while {text}"
            if kind == "while_statement" and test is not None:
                before = self.analyzer.scan(test, scope)
        self.analyzer.breakables.append("loop")
        try:
            body = self.analyzer.block_of(field_of(statement, "body"), scope, exits)
        finally:
            self.analyzer.breakables.pop()
        if kind == "do_statement":
            test = field_of(statement, "condition")
            if test is not None:
                body.extend(self.analyzer.scan(test, scope))
        node = self.analyzer.node(
            Kind.LOOP,
            one_line(label, LABEL_LIMIT),
            statement,
            scope,
            blocks=(block("body", body),),
            infinite=infinite,
            do_while=kind == "do_statement",
        )
        return [*before, node]

    def switch(self, statement: TSNode, scope: Scope, exits: str) -> list[Node]:
        """``switch`` statements (``case X:`` groups that fall through, or ``case X ->`` rules) and
        switch expressions: one outcome per case; ``default`` makes it exhaustive, and so does any
        switch expression whose value is used (the compiler checks it covers every value)."""
        file = scope.file
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
        self.analyzer.breakables.append("switch")
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
                blocks.append(block("outcome", nodes, label))
        finally:
            self.analyzer.breakables.pop()
        node = self.analyzer.node(
            Kind.CONDITION,
            one_line(f"switch {condition_text(test, file)}", LABEL_LIMIT),
            statement,
            scope,
            blocks=tuple(blocks),
            fallthrough=None if exhaustive else "no match",
        )
        return [*before, node]

    def try_block(
        self, statement: TSNode, scope: Scope, exits: str, prefix: list[Node]
    ) -> list[Node]:
        """``try``/``catch``/``finally`` (``prefix``: operations the resources run first)."""
        file = scope.file
        body = field_of(statement, "body")
        body_nodes = [*prefix, *self.analyzer.block_of(body, scope, exits)]
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
                if parameter is not None:
                    name_node = field_of(parameter, "name")
                    if name_node is not None:
                        scope.forget(file.text(name_node))
                nodes = self.analyzer.block_of(field_of(clause, "body"), scope, exits)
                blocks.append(block("handler", nodes, label))
            elif clause.type == "finally_clause":
                inner = next((c for c in named(clause) if c.type == "block"), None)
                finally_nodes = self.analyzer.block_of(inner, scope, exits)
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
