"""Turns the body of a Java handler into the workflow's block tree.

Statements become control nodes (conditions, switches, loops, try blocks, exits); expressions are
searched, in evaluation order, for durable calls, which :mod:`.operations` turns into operation
nodes. Methods that receive the ``DurableContext`` are inlined where they are called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from durable_viz.graph import Block, Diagnostic, Kind, Node, Severity, Via, Workflow
from durable_viz.parsers.base import prune
from durable_viz.parsers.java.control import LABEL_LIMIT, ControlFlow, condition_text
from durable_viz.parsers.java.module import (
    Handler,
    JavaFile,
    MethodInfo,
    block,
    field_of,
    lambda_params,
    named,
)
from durable_viz.parsers.java.values import Scope

if TYPE_CHECKING:
    from tree_sitter import Node as TSNode

__all__ = ["MAX_INLINE_DEPTH", "Analyzer"]

MAX_INLINE_DEPTH = 8
"""How many helper calls deep the analysis follows."""

_LEAVES = frozenset(
    {
        "identifier",
        "string_literal",
        "decimal_integer_literal",
        "hex_integer_literal",
        "octal_integer_literal",
        "binary_integer_literal",
        "decimal_floating_point_literal",
        "hex_floating_point_literal",
        "character_literal",
        "null_literal",
        "true",
        "false",
        "this",
        "super",
        "class_literal",
        "type_identifier",
        "generic_type",
        "scoped_type_identifier",
        "line_comment",
        "block_comment",
        "method_reference",
        "class_body",
    }
)
_LOOPS = frozenset({"for_statement", "enhanced_for_statement", "while_statement", "do_statement"})
_QUIET_CALLEES = frozenset({"println", "printf", "requireNonNull", "valueOf", "format"})
_SWITCHES = frozenset({"switch_expression", "switch_statement"})

ClassLoader = Callable[[JavaFile, str], "JavaFile | None"]


class Analyzer:
    """Builds workflows for the handlers of one file (and the helpers they reach)."""

    def __init__(self, load_class: ClassLoader) -> None:
        from durable_viz.parsers.java.concurrency import Parallels
        from durable_viz.parsers.java.operations import Operations

        self.load_class = load_class
        self.diagnostics: list[Diagnostic] = []
        self.operations = Operations(self)
        self.parallels = Parallels(self)
        self.control = ControlFlow(self)
        # The statements a ``break`` may leave in the function being read, innermost last:
        # ("loop" | "switch" | "other" | "block", the label jumps use to name it).
        self.breakables: list[tuple[str, str | None]] = []
        # Loops around the function being read (helpers and lambdas inlined in loop bodies).
        self.outer_loops = 0
        # The ``label:`` of the statement about to be read, for the loop or switch it labels.
        self.pending_label: str | None = None
        # The handler class being read and its base classes, most derived first.
        self.lineage: list[tuple[JavaFile, str]] = []

    # -- entry -----------------------------------------------------------------------------------

    def workflow(self, handler: Handler, file: JavaFile) -> Workflow:
        """The workflow of one handler."""
        self.lineage = handler.lineage
        scope = Scope(
            handler.source or file, handler.owner, stack=(f"{file.display}:{handler.name}",)
        )
        if len(handler.params) >= 2:
            scope.contexts.add(handler.params[1])
        if handler.statements is not None:
            nodes = self.parallels.settle(
                self.statements(handler.statements, scope, "workflow", top=True)
            )
        else:
            nodes = self.function_body(handler.body, scope, "workflow")
        return Workflow(
            name=handler.name,
            line=file.position(handler.node)[0],
            nodes=prune(nodes),
            file=file.display,
        )

    def function_body(self, body: TSNode, scope: Scope, exits: str) -> list[Node]:
        """A method's block or a lambda's body (a block or one expression)."""
        saved, saved_outer = self.breakables, self.outer_loops
        self.outer_loops = self.loop_depth()
        self.breakables = []
        dead = scope.dead  # its return ends it, not the code around it (which may share the scope)
        try:
            if body.type == "block":
                nodes = self.statements(named(body), scope, exits, top=True)
            else:
                nodes = self.scan(body, scope)
            return self.parallels.settle(nodes)
        finally:
            self.breakables, self.outer_loops = saved, saved_outer
            scope.dead = dead

    def loop_depth(self) -> int:
        """How many loops the code being read sits in, counting those around inlined code."""
        return self.outer_loops + sum(1 for kind, _ in self.breakables if kind == "loop")

    # -- helpers for building nodes --------------------------------------------------------------

    def node(self, kind: Kind, label: str, at: TSNode, where: Scope, **fields: object) -> Node:
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

    def warn(self, code: str, message: str, at: TSNode, scope: Scope) -> None:
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

    # -- statements ------------------------------------------------------------------------------

    def statements(
        self, statements: list[TSNode], scope: Scope, exits: str, *, top: bool
    ) -> list[Node]:
        """Nodes for a run of statements; at the ``top`` of a function a final ``return`` is its
        natural end and draws nothing."""
        nodes: list[Node] = []
        for index, statement in enumerate(statements):
            last = top and index == len(statements) - 1
            nodes.extend(self.statement(statement, scope, exits, last))
        return nodes

    def block_of(self, statement: TSNode | None, scope: Scope, exits: str) -> list[Node]:
        """A braced block or a single (braceless) statement."""
        if statement is None:
            return []
        if statement.type == "block":
            return self.statements(named(statement), scope, exits, top=False)
        return self.statement(statement, scope, exits, False)

    def statement(self, statement: TSNode, scope: Scope, exits: str, last: bool) -> list[Node]:
        """Nodes for one statement."""
        kind = statement.type
        file = scope.file
        if kind == "expression_statement":
            inner = named(statement)
            return self.scan(inner[0], scope) if inner else []
        if kind == "local_variable_declaration":
            return self.declaration(statement, scope)
        if kind == "block":
            return self.statements(named(statement), scope, exits, top=False)
        if kind == "if_statement":
            return self.control.condition(statement, scope, exits)
        if kind in _LOOPS:
            return self.control.loop(statement, scope, exits)
        if kind in _SWITCHES:
            return self.control.switch(statement, scope, exits)
        if kind == "try_statement":
            return self.control.try_block(statement, scope, exits, [])
        if kind == "try_with_resources_statement":
            return self.parallels.resources(statement, scope, exits)
        if kind == "return_statement":
            values = named(statement)
            nodes = self.scan(values[0], scope) if values else []
            if not last:
                nodes.append(self.node(Kind.RETURN, "return", statement, scope, scope=exits))
            scope.dead = True
            return nodes
        if kind == "throw_statement":
            values = named(statement)
            nodes = self.scan(values[0], scope) if values else []
            thrown = values[0] if values else None
            if thrown is not None and thrown.type == "object_creation_expression":
                thrown = field_of(thrown, "type") or thrown
            label = f"throw {file.code(thrown, 60)}" if thrown is not None else "throw"
            nodes.append(self.node(Kind.RAISE, label, statement, scope))
            scope.dead = True
            return nodes
        if kind in ("break_statement", "continue_statement"):
            return self.control.jump(statement, scope)
        if kind == "labeled_statement":
            return self.control.labelled(statement, scope, exits, last)
        if kind in ("synchronized_statement",):
            return self.block_of(field_of(statement, "body"), scope, exits)
        if kind == "yield_statement":
            values = named(statement)
            nodes = self.scan(values[0], scope) if values else []
            return [*nodes, *self.control.leave(self.control.leave_switch(), scope)]
        if kind in ("assert_statement",):
            return [n for child in named(statement) for n in self.scan(child, scope)]
        return []

    def declaration(self, statement: TSNode, scope: Scope) -> list[Node]:
        """``var x = ...;``: operations in the value, then ``x`` bound to it."""
        nodes: list[Node] = []
        for declarator in named(statement):
            if declarator.type != "variable_declarator":
                continue
            name_node = field_of(declarator, "name")
            value = field_of(declarator, "value")
            if name_node is None:
                continue
            name = scope.file.text(name_node)
            if value is None:
                scope.forget(name)
                continue
            found = self.scan(value, scope)
            nodes.extend(found)
            scope.bind(name, value, scope)
            self.parallels.remember_future(name, value, found, scope)
        return nodes

    # -- expressions -----------------------------------------------------------------------------

    def scan(self, expression: TSNode | None, scope: Scope) -> list[Node]:
        """The durable operations an expression runs, in evaluation order."""
        if expression is None:
            return []
        kind = expression.type
        if kind in _LEAVES:
            return []
        if kind == "method_invocation":
            return self.call(expression, scope)
        if kind == "lambda_expression":
            self.lambda_elsewhere(expression, scope)
            return []
        if kind == "ternary_expression":
            return self.ternary(expression, scope)
        if kind == "binary_expression":
            return self.binary(expression, scope)
        if kind in _SWITCHES:
            return self.control.switch(expression, scope, "workflow")
        if kind == "assignment_expression":
            left, right = field_of(expression, "left"), field_of(expression, "right")
            found = self.scan(right, scope)
            if left is not None and left.type == "identifier" and right is not None:
                operator = field_of(expression, "operator")
                name = scope.file.text(left)
                if operator is not None and scope.file.text(operator) == "=":
                    scope.bind(name, right, scope)
                    self.parallels.remember_future(name, right, found, scope)
                else:
                    scope.forget(name)
            return found
        if kind == "update_expression":  # ``n++``: n holds a value the source does not show
            operand = next(iter(named(expression)), None)
            if operand is not None and operand.type == "identifier":
                scope.forget(scope.file.text(operand))
            return self.scan(operand, scope)
        if kind == "object_creation_expression":
            # Only the arguments run now; an anonymous class body runs when other code calls it.
            arguments = field_of(expression, "arguments")
            args = named(arguments) if arguments is not None else []
            if any(a.type == "identifier" and scope.file.text(a) in scope.contexts for a in args):
                type_node = field_of(expression, "type")
                created = scope.file.code(type_node) if type_node is not None else "an object"
                self.warn(
                    "DV106",
                    f"the context is passed to new {created}(...), whose code durable-viz "
                    "does not follow; operations it runs are not shown",
                    expression,
                    scope,
                )
            return [n for arg in args for n in self.scan(arg, scope)]
        nodes: list[Node] = []
        for child in named(expression):
            nodes.extend(self.scan(child, scope))
        return nodes

    def lambda_elsewhere(self, expression: TSNode, scope: Scope) -> None:
        """A lambda handed to other code: its operations run when that code calls it."""
        inner = scope.child()
        for name in lambda_params(expression, scope.file):
            inner.forget(name)
        body = field_of(expression, "body")
        if body is not None and prune(self.function_body(body, inner, "function")):
            self.warn(
                "DV108",
                "operations inside this lambda run when other code calls it; they are not drawn",
                expression,
                scope,
            )

    def ternary(self, expression: TSNode, scope: Scope) -> list[Node]:
        """``test ? a : b`` choosing between operations."""
        test = field_of(expression, "condition")
        before = self.scan(test, scope)
        paths = self.control.paths(scope)  # each arm starts from the names as they were
        paths.start()
        yes = self.scan(field_of(expression, "consequence"), scope)
        paths.end()
        paths.start()
        no = self.scan(field_of(expression, "alternative"), scope)
        paths.end()
        paths.join()
        if not yes and not no:
            return before
        node = self.node(
            Kind.CONDITION,
            condition_text(test, scope.file),
            expression,
            scope,
            blocks=(block("outcome", yes, "yes"), block("outcome", no, "no")),
        )
        return [*before, node]

    def binary(self, expression: TSNode, scope: Scope) -> list[Node]:
        """``a && op()`` runs the operation only when ``a`` holds (``||``: when it does not)."""
        left, right = field_of(expression, "left"), field_of(expression, "right")
        operator = field_of(expression, "operator")
        before = self.scan(left, scope)
        text = scope.file.text(operator) if operator is not None else ""
        paths = self.control.paths(scope) if text in ("&&", "||") else None
        if paths is not None:  # the right side may not run
            paths.start()
        after = self.scan(right, scope)
        if paths is not None:
            paths.end()
            paths.skip()
            paths.join()
        if not after or text not in ("&&", "||") or left is None or right is None:
            return [*before, *after]
        runs_on = "yes" if text == "&&" else "no"
        node = self.node(
            Kind.CONDITION,
            scope.file.code(left, LABEL_LIMIT),
            right,
            scope,
            blocks=(block("outcome", after, runs_on),),
            fallthrough="no" if runs_on == "yes" else "yes",
        )
        return [*before, node]

    # -- calls -----------------------------------------------------------------------------------

    def call(self, call: TSNode, scope: Scope) -> list[Node]:
        """A call: a durable operation, a helper to inline, or a plain call to look inside."""
        file = scope.file
        receiver = field_of(call, "object")
        name_node = field_of(call, "name")
        method = file.text(name_node) if name_node is not None else ""
        arguments = field_of(call, "arguments")
        args = named(arguments) if arguments is not None else []
        receiver_text = file.text(receiver) if receiver is not None else ""
        if (
            receiver is not None
            and receiver.type == "identifier"
            and (receiver_text in scope.contexts)
        ):
            return self.operations.method(method, call, args, scope)
        handled = self.operations.other(method, receiver_text, call, args, scope)
        if handled is not None:
            return handled
        passes_context = any(
            a.type == "identifier" and file.text(a) in scope.contexts for a in args
        )
        builders = self.parallels.builders_in(args, scope)
        if passes_context or builders:
            target = self.find_method(method, receiver, len(args), scope)
            if target is not None:
                return self.inline(target, call, args, scope)
            callee = f"{receiver_text}.{method}" if receiver_text else method
            if not passes_context:
                self.parallels.lost_builders(builders, callee, receiver, call, scope)
            elif method not in _QUIET_CALLEES and "log" not in callee.lower():
                self.warn(
                    "DV106",
                    f"the context is passed to {callee}, whose code durable-viz "
                    "cannot read; operations it runs are not shown",
                    call,
                    scope,
                )
        nodes = self.scan(receiver, scope)
        if method == "forEach" and len(args) == 1 and args[0].type == "lambda_expression":
            return [*nodes, *self.parallels.for_each(call, receiver, args[0], scope)]
        for arg in args:
            nodes.extend(self.scan(arg, scope))
        return nodes

    def find_method(
        self, method: str, receiver: TSNode | None, count: int, scope: Scope
    ) -> MethodInfo | None:
        """The method a call names: of this class, of another class of the file, or of a class
        in another file of the source tree."""
        file = scope.file
        owner = scope.owner
        target_file: JavaFile | None = file
        unqualified = receiver is None or receiver.type == "this"
        if unqualified and any(name == owner for _, name in self.lineage):
            # A call on ``this`` in the handler's class or a base class of it: the most derived
            # class declaring the method runs it (an abstract one in a base, overridden).
            for lineage_file, class_name in self.lineage:
                found = [
                    m
                    for m in lineage_file.methods(method, class_name)
                    if m.owner == class_name and len(m.params) == count and m.body is not None
                ]
                if found:
                    return found[0]
        if receiver is not None and receiver.type != "this":
            text = file.text(receiver)
            class_name = text.rsplit(".", 1)[-1]
            if receiver.type == "identifier" and scope.owner in file.classes:
                # ``helpers.run(ctx)`` on a field: its declared type names the class.
                class_name = file.classes[scope.owner].fields.get(text, class_name)
            owner = class_name
            if class_name not in file.classes:
                target_file = self.load_class(file, class_name)
        if target_file is None:
            return None
        candidates = target_file.methods(method, owner)
        if receiver is not None and receiver.type != "this":
            candidates = [c for c in candidates if c.owner == owner]
        matching = [c for c in candidates if len(c.params) == count and c.body is not None]
        return matching[0] if matching else None

    def enter(self, method: MethodInfo, call: TSNode, scope: Scope) -> Scope | None:
        """A scope for analysing ``method``'s body, or None when recursion or depth forbid."""
        key = f"{method.file.display}:{method.owner}.{method.name}:{method.node.start_byte}"
        if key in scope.stack:
            self.warn(
                "DV103",
                f"{method.name} calls itself; the recursive call is drawn once",
                call,
                scope,
            )
            return None
        if len(scope.stack) > MAX_INLINE_DEPTH:
            self.warn(
                "DV104",
                f"helpers nested more than {MAX_INLINE_DEPTH} deep; {method.name} is not followed",
                call,
                scope,
            )
            return None
        return Scope(method.file, method.owner, stack=(*scope.stack, key), via=scope.via)

    def inline(
        self, method: MethodInfo, call: TSNode, args: list[TSNode], scope: Scope
    ) -> list[Node]:
        """The operations of a helper that receives the context (or a parallel builder it
        registers branches on), where it is called."""
        before: list[Node] = []
        for arg in args:
            if not (arg.type == "identifier" and scope.file.text(arg) in scope.contexts):
                before.extend(self.scan(arg, scope))
        inner = self.enter(method, call, scope)
        if inner is None or method.body is None:
            return before
        line = scope.file.position(call)[0]
        inner.via = Via(method.name, line)
        for (_, param), arg in zip(method.params, args, strict=False):
            inner.bind(param, arg, scope)
        lent = self.parallels.lend([p for _, p in method.params], args, scope)
        try:
            nodes = self.function_body(method.body, inner, "function")
        finally:
            self.parallels.give_back(lent)
        wrapper = Node(
            kind=Kind.SCOPE,
            label=method.name,
            line=line,
            column=1,
            blocks=(Block(role="body", nodes=tuple(nodes)),),
        )
        return [*before, wrapper]
