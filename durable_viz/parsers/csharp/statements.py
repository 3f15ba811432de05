"""C# statements as control nodes: conditions, switches, loops, try blocks and exits.

The expression side (calls, operations, helpers) lives in :mod:`.analyzer`, which extends this
class; what a statement's expressions run is found with ``scan``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from durable_viz.graph import Block, Diagnostic, Kind, Node, Severity
from durable_viz.parsers.base import one_line
from durable_viz.parsers.csharp.assigned import (
    assigned_names,
    closure_assigns,
    forget_assigned,
    forget_values,
)
from durable_viz.parsers.csharp.jumps import Gotos, label_after, label_ending
from durable_viz.parsers.csharp.syntax import field as child
from durable_viz.parsers.csharp.syntax import named, text
from durable_viz.parsers.paths import Paths

if TYPE_CHECKING:
    from tree_sitter import Node as SyntaxNode

    from durable_viz.parsers.csharp.module import MethodInfo
    from durable_viz.parsers.csharp.scope import Scope

__all__ = ["Statements"]

LABEL_LIMIT = 80

_CATCH_ALL = frozenset({"Exception", "System.Exception"})
_WRAPPERS = frozenset(
    {"lock_statement", "fixed_statement", "checked_statement", "unsafe_statement"}
)


def block(role: str, nodes: list[Node], label: str | None = None, dynamic: bool = False) -> Block:
    """A block of a container or control structure, not pruned yet.

    The workflow is pruned once, at the top (``base.prune`` works through every level): pruning
    at each level of a deeply nested input would read the same subtrees again and again.
    """
    return Block(role=role, label=label, nodes=tuple(nodes), dynamic=dynamic)


def is_statement(node: SyntaxNode) -> bool:
    """Statements (as opposed to switch labels and patterns)."""
    return node.type.endswith("_statement") or node.type == "block"


class Statements:
    """The statement half of the analyzer."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        # What a ``break`` leaves, innermost last: ("loop", None) or ("switch", its label).
        self.jumps: list[tuple[str, str | None]] = []
        # The ways out of each switch being read, by its label: a ``break`` takes the names as
        # they are to its end.
        self.leaving: dict[str, Paths] = {}
        # Labels a ``goto`` leaves a loop or block through (C#'s labelled break/continue).
        self.gotos = Gotos()

    # -- ways through branching constructs (see durable_viz.parsers.paths) -----------------------

    @staticmethod
    def paths(scope: Scope) -> Paths:
        """The ways through a branching construct starting here."""
        return Paths(scope, text)

    def ways(
        self, scope: Scope, reads: list[Callable[[], list[Node]]], *, skip: bool = False
    ) -> list[list[Node]]:
        """Read each way through a construct from the names as they were before it, then join
        them (``skip``: there is also a way that runs none of them)."""
        paths = self.paths(scope)
        found: list[list[Node]] = []
        for read in reads:
            paths.start()
            found.append(read())
            paths.end()
        if skip:
            paths.skip()
        paths.join()
        return found

    def after_call(self, call: SyntaxNode, nodes: list[Node], scope: Scope) -> list[Node]:
        """A call to a local function or lambda may assign the enclosing method's locals: after
        it they hold values the source does not show here. Returns ``nodes``."""
        function = child(call, "function")
        if function is not None and function.type == "identifier":
            changed = closure_assigns(text(function), scope)
            if changed:
                scope.unsettle(changed)
        return nodes

    # -- provided by the analyzer ----------------------------------------------------------------

    def scan(self, expression: SyntaxNode | None, scope: Scope) -> list[Node]:
        """The durable operations an expression runs (see :class:`.analyzer.Analyzer`)."""
        raise NotImplementedError

    def track_task(self, name: str, value: SyntaxNode, found: list[Node], scope: Scope) -> None:
        """Remember a local holding an un-awaited durable task."""
        raise NotImplementedError

    def local_function(self, statement: SyntaxNode, scope: Scope) -> MethodInfo | None:
        """Info for a local function declared in the code being analysed."""
        raise NotImplementedError

    # -- building nodes --------------------------------------------------------------------------

    def node(self, kind: Kind, label: str, at: SyntaxNode, where: Scope, **fields: object) -> Node:
        """A node positioned at ``at`` in the file of scope ``where``."""
        line, column = where.file.position(at)
        return Node(
            kind=kind,
            label=label,
            line=line,
            column=column,
            via=where.via,
            file=None if where.file.is_main else where.file.display,
            **fields,  # type: ignore[arg-type]
        )

    def warn(self, code: str, message: str, at: SyntaxNode, scope: Scope) -> None:
        """Record a warning at a node's position."""
        line, column = scope.file.position(at)
        self.diagnostics.append(
            Diagnostic(
                severity=Severity.WARNING,
                code=code,
                message=message,
                line=line,
                column=column,
                file=None if scope.file.is_main else scope.file.display,
            )
        )

    @staticmethod
    def code(node: SyntaxNode, scope: Scope, limit: int = LABEL_LIMIT) -> str:
        """A node's source text on one line, cut to ``limit``."""
        return scope.file.code(node, limit)

    # -- bodies and statements -------------------------------------------------------------------

    def body(self, body: SyntaxNode | None, scope: Scope, exits: str) -> list[Node]:
        """A method's or lambda's body: a block, ``=> expression`` or a bare expression."""
        if body is None:
            return []
        dead = scope.dead  # its return ends it, not the code around it (which may share the scope)
        try:
            if body.type == "block":
                return self.statements(named(body), scope, exits, top=True)
            if body.type == "arrow_expression_clause":
                parts = named(body)
                return self.scan(parts[0], scope) if parts else []
            return self.scan(body, scope)
        finally:
            scope.dead = dead

    def statements(
        self, statements: list[SyntaxNode], scope: Scope, exits: str, *, top: bool
    ) -> list[Node]:
        """Nodes for a run of statements.

        ``exits`` says what a ``return`` ends (``workflow`` or ``function``); at the ``top`` level
        of a body a final ``return`` is its natural end and draws nothing.
        """
        for statement in statements:
            # Local functions can be called before the line that declares them.
            if statement.type == "local_function_statement":
                method = self.local_function(statement, scope)
                if method is not None:
                    scope.functions[method.name] = method
                    scope.forget(method.name)
        nodes: list[Node] = []
        last_index = len(statements) - 1
        for index, statement in enumerate(statements):
            nodes.extend(self.statement(statement, scope, exits, top and index == last_index))
        return nodes

    def statement(self, statement: SyntaxNode, scope: Scope, exits: str, last: bool) -> list[Node]:
        """Nodes for one statement."""
        kind = statement.type
        if kind == "expression_statement":
            parts = named(statement)
            return self.scan(parts[0], scope) if parts else []
        if kind == "local_declaration_statement":
            return self.declaration(statement, scope)
        if kind == "block":
            return self.labelled_block(statement, scope, exits)
        if kind == "goto_statement":
            jump = self.gotos.jump(statement)
            if jump is None:
                return []
            scope.dead = True
            return [jump]
        if kind == "if_statement":
            return self.condition(statement, scope, exits)
        if kind == "switch_statement":
            return self.switch(statement, scope, exits)
        if kind in ("for_statement", "foreach_statement", "while_statement", "do_statement"):
            return self.loop(statement, scope, exits)
        if kind == "try_statement":
            return self.try_block(statement, scope, exits)
        if kind == "return_statement":
            parts = named(statement)
            nodes = self.scan(parts[0], scope) if parts else []
            if not last:
                nodes.append(self.node(Kind.RETURN, "return", statement, scope, scope=exits))
            scope.dead = True
            return nodes
        if kind == "throw_statement":
            parts = named(statement)
            nodes = self.scan(parts[0], scope) if parts else []
            nodes.append(
                self.node(Kind.RAISE, self.throw_label(statement, scope), statement, scope)
            )
            scope.dead = True
            return nodes
        if kind == "break_statement":
            # A ``break`` in a switch leaves the switch: it names the switch's label (C# has no
            # labelled ``break``, so the labels the parser makes up cannot clash).
            switch = self.jumps[-1][1] if self.jumps and self.jumps[-1][0] == "switch" else None
            leaving = self.leaving.get(switch) if switch is not None else None
            if leaving is not None and leaving.scope is scope and not scope.dead:
                leaving.arrive(scope.values, scope.unknown)  # the names it takes to the end
            scope.dead = True
            return [Node(kind=Kind.BREAK, label="break", line=1, column=1, jump_label=switch)]
        if kind == "continue_statement":
            scope.dead = True
            return [Node(kind=Kind.CONTINUE, label="continue", line=1, column=1)]
        if kind == "using_statement" or kind in _WRAPPERS:
            nodes = []
            for part in named(statement):
                if is_statement(part):
                    nodes.extend(self.statement(part, scope, exits, False))
                elif part.type == "variable_declaration":
                    nodes.extend(self.declarators(part, scope))
                else:
                    nodes.extend(self.scan(part, scope))
            return nodes
        if kind in ("labeled_statement", "global_statement"):
            inner = [p for p in named(statement) if is_statement(p)]
            return [n for s in inner for n in self.statement(s, scope, exits, last)]
        if kind == "yield_statement":
            return [n for part in named(statement) for n in self.scan(part, scope)]
        return []

    def labelled_block(self, statement: SyntaxNode, scope: Scope, exits: str) -> list[Node]:
        """A block; one a ``goto`` leaves for the label after it is a labelled block."""
        label = label_after(statement)
        self.gotos.enter(label)
        try:
            nodes = self.statements(named(statement), scope, exits, top=False)
        finally:
            used = self.gotos.leave(label, label)
        if not used or label is None:
            return nodes
        body = (block("body", nodes),)
        return [self.node(Kind.SCOPE, label, statement, scope, blocks=body, jump_label=label)]

    def declaration(self, statement: SyntaxNode, scope: Scope) -> list[Node]:
        """``var x = ...;`` (also ``using var`` and ``const``)."""
        nodes: list[Node] = []
        for part in named(statement):
            if part.type == "variable_declaration":
                nodes.extend(self.declarators(part, scope))
        return nodes

    def declarators(self, declaration: SyntaxNode, scope: Scope) -> list[Node]:
        """The values of ``a = 1, b = F()`` in order; each name is bound to its value."""
        nodes: list[Node] = []
        for declarator in named(declaration):
            if declarator.type != "variable_declarator":
                continue
            name = child(declarator, "name")
            values = [c for c in named(declarator) if c != name]
            value = values[-1] if values else None
            found = self.scan(value, scope) if value is not None else []
            nodes.extend(found)
            if name is None:
                continue
            if name.type == "identifier" and value is not None:
                scope.bind(text(name), value, scope)
                self.track_task(text(name), value, found, scope)
            else:
                for identifier in [name, *named(name)]:
                    if identifier.type == "identifier":
                        scope.forget(text(identifier))
        return nodes

    def throw_label(self, statement: SyntaxNode, scope: Scope) -> str:
        """``throw X`` naming the exception type thrown, or ``throw`` for a rethrow."""
        parts = named(statement)
        if not parts:
            return "throw"
        thrown = parts[0]
        if thrown.type == "object_creation_expression":
            type_node = child(thrown, "type")
            if type_node is not None:
                return f"throw {self.code(type_node, scope, 60)}"
        return f"throw {self.code(thrown, scope, 60)}"

    # -- control structures ----------------------------------------------------------------------

    def condition(self, statement: SyntaxNode, scope: Scope, exits: str) -> list[Node]:
        """``if``/``else if``/``else``: an ``else if`` is a condition on the "no" outcome."""
        test = child(statement, "condition")
        before = self.scan(test, scope)
        orelse = child(statement, "alternative")
        # Each branch starts from the names as they were (no ``else``: a way through neither).
        yes, no = self.ways(
            scope,
            [
                lambda: self.branch(child(statement, "consequence"), scope, exits),
                lambda: self.branch(orelse, scope, exits),
            ],
        )
        blocks = [block("outcome", yes, "yes")]
        if orelse is not None:
            blocks.append(block("outcome", no, "no"))
        label = self.code(test, scope) if test is not None else "if"
        node = self.node(
            Kind.CONDITION,
            label,
            statement,
            scope,
            blocks=tuple(blocks),
            fallthrough=None if orelse is not None else "no",
        )
        return [*before, node]

    def branch(self, statement: SyntaxNode | None, scope: Scope, exits: str) -> list[Node]:
        """The body of an ``if``, ``else`` or loop: a block or a single (braceless) statement."""
        if statement is None:
            return []
        return self.statement(statement, scope, exits, False)

    def switch(self, statement: SyntaxNode, scope: Scope, exits: str) -> list[Node]:
        """``switch``: one outcome per section; ``default`` makes it exhaustive. A ``break``
        leaves it: the switch carries a label of its own, which its breaks name."""
        line, column = scope.file.position(statement)
        jump_label = f"switch {line}:{column}"
        subject = child(statement, "value")
        before = self.scan(subject, scope)
        body = child(statement, "body")
        blocks: list[Block] = []
        exhaustive = False
        waiting: list[str] = []  # labels of sections with no statements: they share the next
        self.jumps.append(("switch", jump_label))
        paths = self.paths(scope)
        saved = self.leaving.get(jump_label)
        self.leaving[jump_label] = paths
        after = label_after(statement)  # ``goto End`` from a loop inside leaves the switch
        self.gotos.enter(after, name=jump_label)
        try:
            for section in named(body) if body is not None else []:
                if section.type != "switch_section":
                    continue
                labels, statements = self.section(section, scope)
                exhaustive = exhaustive or "default" in labels
                waiting.extend(labels)
                if not statements:
                    continue
                paths.start()
                nodes = self.statements(statements, scope, exits, top=False)
                paths.end()
                if nodes and nodes[-1].kind is Kind.BREAK and nodes[-1].jump_label == jump_label:
                    nodes.pop()  # the section's own end: it leaves the switch anyway
                blocks.append(block("outcome", nodes, " | ".join(waiting)))
                waiting = []
        finally:
            self.jumps.pop()
            self.gotos.leave(jump_label, after)
            if saved is None:
                self.leaving.pop(jump_label, None)
            else:
                self.leaving[jump_label] = saved
        if not exhaustive:
            paths.skip()
        paths.join()
        label = f"switch {self.code(subject, scope)}" if subject is not None else "switch"
        node = self.node(
            Kind.CONDITION,
            one_line(label, LABEL_LIMIT),
            statement,
            scope,
            blocks=tuple(blocks),
            fallthrough=None if exhaustive else "no match",
            jump_label=jump_label,
        )
        return [*before, node]

    def section(self, section: SyntaxNode, scope: Scope) -> tuple[list[str], list[SyntaxNode]]:
        """A switch section's labels (``case X``, ``case X when Y``, ``default``) and statements."""
        labels: list[str] = []
        statements: list[SyntaxNode] = []
        for part in section.children:
            if part.type == "default":
                labels.append("default")
            elif not part.is_named:
                continue
            elif is_statement(part):
                statements.append(part)
            elif part.type == "when_clause" and labels:
                labels[-1] += f" {self.code(part, scope, 40)}"
            elif part.type != "comment":
                labels.append(f"case {self.code(part, scope, 60)}")
        return labels, statements

    def loop(self, statement: SyntaxNode, scope: Scope, exits: str) -> list[Node]:
        """``for``, ``foreach``, ``while`` and ``do``; ``while (true)`` and ``for (;;)`` are left
        only by ``break``, ``return`` or ``throw``."""
        kind = statement.type
        changed = forget_assigned(statement, scope)
        before: list[Node] = []
        infinite = False
        do_while = kind == "do_statement"
        condition = child(statement, "condition")
        if kind == "foreach_statement":
            left, right = child(statement, "left"), child(statement, "right")
            before = self.scan(right, scope)
            names = [left] if left is not None else []
            for bound in names + (named(left) if left is not None else []):
                if bound.type == "identifier":
                    scope.forget(text(bound))
            awaited = any(c.type == "await" for c in statement.children)
            label = (
                f"{'await ' if awaited else ''}foreach "
                f"{self.code(left, scope) if left else '?'} in "
                f"{self.code(right, scope) if right else '?'}"
            )
        elif kind == "for_statement":
            initializer = child(statement, "initializer")
            before = self.scan(initializer, scope)
            forget_values(changed, scope)  # ``for (i = 0; ...; i++)``: not 0 in the loop
            if initializer is not None:
                for declarator in named(initializer):
                    name = child(declarator, "name")
                    if name is not None:
                        scope.forget(text(name))
            update = child(statement, "update")
            header = "; ".join(
                self.code(part, scope) if part is not None else ""
                for part in (initializer, condition, update)
            )
            label = f"for {header}"
            infinite = condition is None or text(condition) == "true"
        else:
            if not do_while:
                before = self.scan(condition, scope)
            test = self.code(condition, scope) if condition is not None else "true"
            label = f"{'do … ' if do_while else ''}while {test}"
            infinite = condition is None or text(condition) == "true"
        self.jumps.append(("loop", None))
        dead = scope.dead
        leaving, repeating = label_after(statement), label_ending(child(statement, "body"))
        jump_name = self.gotos.enter(leaving, repeating)
        try:
            body = self.branch(child(statement, "body"), scope, exits)
        finally:
            self.jumps.pop()
            scope.dead = dead  # the loop may end, or be left by a break
            if not self.gotos.leave(jump_name, leaving, repeating):
                jump_name = None
        # After the loop they hold any iteration's value, or the one before it.
        forget_values(changed, scope)
        node = self.node(
            Kind.LOOP,
            one_line(label, LABEL_LIMIT),
            statement,
            scope,
            blocks=(block("body", body),),
            infinite=infinite,
            do_while=do_while,
            jump_label=jump_name,
        )
        return [*before, node]

    def try_block(self, statement: SyntaxNode, scope: Scope, exits: str) -> list[Node]:
        """``try``/``catch`` (with exception filters)/``finally``."""
        paths = self.paths(scope)
        paths.start()
        body = child(statement, "body")
        blocks = [block("body", self.branch(body, scope, exits), "try")]
        paths.end()
        in_body = assigned_names(body) if body is not None else set()
        handlers: list[SyntaxNode] = []
        final: list[Node] | None = None
        catch_all = False
        for part in named(statement):
            if part.type == "catch_clause":
                declaration = next((c for c in named(part) if c.type == "catch_declaration"), None)
                when = next((c for c in named(part) if c.type == "catch_filter_clause"), None)
                type_node = child(declaration, "type") if declaration is not None else None
                name = child(declaration, "name") if declaration is not None else None
                label = self.code(type_node, scope, 60) if type_node is not None else "error"
                catches_all = (type_node is None or label in _CATCH_ALL) and when is None
                if when is not None:
                    filter_text = self.code(named(when)[0], scope, 40) if named(when) else ""
                    label = f"{label} when {filter_text}"
                catch_all = catch_all or catches_all
                paths.start(in_body)  # a handler may run after any part of the body
                if name is not None:
                    scope.forget(text(name))
                nodes = self.branch(child(part, "body"), scope, exits)
                paths.end()
                handlers.append(part)
                blocks.append(block("handler", nodes, label))
            elif part.type == "finally_clause":
                inner = next((c for c in named(part) if c.type == "block"), None)
                changed = set(in_body)
                for handler in handlers:
                    changed |= assigned_names(handler)
                final = paths.then_finally(
                    changed,
                    partial(self.branch, inner, scope, exits),
                    assigned_names(part),
                )
                blocks.append(block("finally", final, "finally"))
        if final is None:
            paths.join()
        return [
            self.node(Kind.TRY, "try", statement, scope, blocks=tuple(blocks), catch_all=catch_all)
        ]
