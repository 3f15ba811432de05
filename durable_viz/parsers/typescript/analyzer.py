"""Turns the body of a TypeScript/JavaScript handler into the workflow's block tree.

Statements become control nodes (see :mod:`.control`); expressions are searched, in evaluation
order, for durable calls, which :mod:`.operations` turns into operation nodes. Helper functions
that receive the context are inlined where they are called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from durable_viz.graph import Diagnostic, Kind, Node, Severity, Workflow
from durable_viz.parsers.base import prune
from durable_viz.parsers.typescript.chains import CHAIN_METHODS, Chains
from durable_viz.parsers.typescript.control import LABEL_LIMIT, block
from durable_viz.parsers.typescript.declared import declare_params
from durable_viz.parsers.typescript.helpers import MAX_INLINE_DEPTH, Helpers
from durable_viz.parsers.typescript.loops import assigned_by
from durable_viz.parsers.typescript.module import FunctionInfo, HandlerInfo, ModuleInfo, text
from durable_viz.parsers.typescript.patterns import forget_names
from durable_viz.parsers.typescript.syntax import (
    arguments,
    field,
    is_function,
    kids,
    member_parts,
    param_pattern,
    params,
    statements_of,
    unwrap,
)
from durable_viz.parsers.typescript.syntax import (
    callee as call_callee,
)
from durable_viz.parsers.typescript.trying import TryBlocks
from durable_viz.parsers.typescript.values import Scope, object_fields

if TYPE_CHECKING:
    from tree_sitter import Node as Syntax

    from durable_viz.parsers.typescript.operations import Operations

__all__ = ["MAX_INLINE_DEPTH", "Analyzer"]

_LEAVES = frozenset(
    {
        "string",
        "number",
        "true",
        "false",
        "null",
        "undefined",
        "this",
        "super",
        "regex",
        "property_identifier",
        "private_property_identifier",
        "string_fragment",
        "escape_sequence",
        "comment",
        "type_annotation",
        "type_arguments",
        "type_parameters",
        "class",
        "class_declaration",
    }
)
_QUIET_CALLEES = frozenset({"String", "JSON.stringify", "Boolean", "Number", "structuredClone"})
_LOGICAL = frozenset({"&&", "||", "??"})

ModuleLoader = Callable[[ModuleInfo, str], "ModuleInfo | None"]


class Analyzer(TryBlocks, Helpers, Chains):
    """Builds workflows for the handlers of one module (and the helpers they reach)."""

    def __init__(self, load_module: ModuleLoader) -> None:
        from durable_viz.parsers.typescript.operations import Operations

        self.load_module = load_module
        self.diagnostics: list[Diagnostic] = []
        self.operations: Operations = Operations(self)
        self.break_targets = []
        self.jumps_used = set()
        self.leaving = {}

    # -- entry -----------------------------------------------------------------------------------

    def workflow(self, handler: HandlerInfo, module: ModuleInfo) -> Workflow:
        """The workflow of one ``withDurableExecution(...)`` handler."""
        scope = Scope(module)
        function: FunctionInfo | None = None
        if handler.recovered is not None:
            return self.recovered(handler, module)
        if handler.function is not None:
            function = FunctionInfo(handler.function, handler.name, module)
        elif handler.target is not None:
            function = self.find_function(handler.target, scope)
            if function is None:
                self.warn(
                    "DV106",
                    f"the handler function {text(handler.target)} cannot be read; "
                    "its operations are not shown",
                    handler.call,
                    scope,
                )
        line = module.source.position(handler.call)[0]
        if function is None:
            return Workflow(name=handler.name, line=line, file=module.display)
        inner = Scope(function.module, stack=(self.key(function),))
        names = function.param_names
        context = names[1] if len(names) >= 2 else None
        if context is not None:
            inner.contexts.add(context)
        declare_params(function.node, inner, function.module)
        nodes = self.function_body(function.node, inner, "workflow")
        for name, (created, where) in sorted(inner.pending.items()):
            self.warn(
                "DV110",
                f"the durable promise {name} is never awaited; the SDK may never run it",
                created,
                where,
            )
        return Workflow(name=handler.name, line=line, nodes=prune(nodes), file=module.display)

    def recovered(self, handler: HandlerInfo, module: ModuleInfo) -> Workflow:
        """A handler read out of a syntax-error region: its statements as far as they go."""
        assert handler.recovered is not None
        signature, statements = handler.recovered
        scope = Scope(module)
        found = [param_pattern(p) for p in kids(signature)] if signature is not None else []
        if len(found) >= 2 and found[1].type == "identifier":
            scope.contexts.add(text(found[1]))
        nodes = self.statements(statements, scope, "workflow", top=False)
        line = module.source.position(handler.call)[0]
        return Workflow(name=handler.name, line=line, nodes=prune(nodes), file=module.display)

    def function_body(self, function: Syntax, scope: Scope, exits: str) -> list[Node]:
        """The nodes of a function's body (a block, or an arrow's expression)."""
        statements = statements_of(function)
        # Its return ends it, not the code around it (which may share the scope).
        dead = scope.dead
        try:
            if statements is None:
                return self.scan(field(function, "body"), scope)
            return self.statements(statements, scope, exits, top=True)
        finally:
            scope.dead = dead

    # -- helpers for building nodes --------------------------------------------------------------

    def node(self, kind: Kind, label: str, at: Syntax, where: Scope, **fields: object) -> Node:
        """A node positioned at ``at`` in the module of scope ``where``."""
        if at.type == "call_expression":
            at = _call_start(at)
        line, column = where.module.source.position(at)
        return Node(
            kind=kind,
            label=label,
            line=line,
            column=column,
            via=where.via,
            file=None if where.module.is_main else where.module.display,
            **fields,  # type: ignore[arg-type]
        )

    def warn(self, code: str, message: str, at: Syntax, scope: Scope) -> None:
        """Record a warning at a node's position."""
        line, column = scope.module.source.position(at)
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

    # -- statements ------------------------------------------------------------------------------

    def statements(
        self, statements: list[Syntax], scope: Scope, exits: str, *, top: bool
    ) -> list[Node]:
        """Nodes for a run of statements; a final ``return`` at the ``top`` draws nothing."""
        for statement in statements:  # function declarations are hoisted
            if statement.type in ("function_declaration", "generator_function_declaration"):
                name = field(statement, "name")
                if name is not None:
                    scope.functions[text(name)] = FunctionInfo(statement, text(name), scope.module)
        nodes: list[Node] = []
        for index, statement in enumerate(statements):
            last = top and index == len(statements) - 1
            nodes.extend(self.statement(statement, scope, exits, last))
        return nodes

    def statement(self, statement: Syntax, scope: Scope, exits: str, last: bool) -> list[Node]:
        """Nodes for one statement."""
        kind = statement.type
        if kind == "expression_statement":
            nodes: list[Node] = []
            for expression in kids(statement):
                nodes.extend(self.scan(expression, scope))
                self.floating(expression, scope)
            return nodes
        if kind in ("lexical_declaration", "variable_declaration"):
            nodes = []
            for declarator in kids(statement):
                if declarator.type == "variable_declarator":
                    nodes.extend(self.declarator(declarator, scope))
            return nodes
        if kind == "if_statement":
            return self.condition(statement, scope, exits)
        if kind == "switch_statement":
            return self.switch(statement, scope, exits)
        if kind == "for_statement":
            return self.for_loop(statement, scope, exits)
        if kind == "for_in_statement":
            return self.for_in(statement, scope, exits)
        if kind in ("while_statement", "do_statement"):
            return self.while_loop(statement, scope, exits, do=kind == "do_statement")
        if kind == "try_statement":
            return self.try_block(statement, scope, exits)
        if kind == "return_statement":
            values = kids(statement)
            nodes = self.scan(values[0], scope) if values else []
            if not last:
                nodes.append(self.node(Kind.RETURN, "return", statement, scope, scope=exits))
            scope.dead = True
            return nodes
        if kind == "throw_statement":
            values = kids(statement)
            nodes = self.scan(values[0], scope) if values else []
            nodes.append(
                self.node(Kind.RAISE, self.throw_label(statement, scope), statement, scope)
            )
            scope.dead = True
            return nodes
        if kind in ("break_statement", "continue_statement"):
            return [self.jump(statement, scope)]
        if kind == "statement_block":
            return self.statements(kids(statement), scope, exits, top=False)
        if kind == "labeled_statement":
            return self.labelled(statement, scope, exits, last)
        if kind == "ERROR":
            # tree-sitter could not read this region; draw what its pieces still say.
            nodes = []
            for part in kids(statement):
                if part.type.endswith("_statement") or part.type.endswith("_declaration"):
                    nodes.extend(self.statement(part, scope, exits, False))
                else:
                    nodes.extend(self.scan(part, scope))
            return nodes
        return []

    def declarator(self, declarator: Syntax, scope: Scope) -> list[Node]:
        """``const x = value``: the value's operations; ``x`` remembers what it stands for."""
        name = field(declarator, "name")
        value = field(declarator, "value")
        if value is None:
            if name is not None:
                self.forget_pattern(name, scope)
            return []
        plain = unwrap(value)
        # An array of durable promises created earlier (``const all = [a, b]``).
        collects = plain.type == "array" and any(
            unwrap(e).type == "identifier" and text(unwrap(e)) in scope.pending for e in kids(plain)
        )
        nodes = self.scan(value, scope)
        if name is None:
            return nodes
        if name.type != "identifier":
            self.forget_pattern(name, scope)
            return nodes
        bound = text(name)
        if plain.type in ("arrow_function", "function_expression", "function"):
            scope.forget(bound)
            scope.functions[bound] = FunctionInfo(plain, bound, scope.module)
            return nodes
        scope.bind(bound, value, scope)
        scope.functions.pop(bound, None)
        annotation = field(declarator, "type")
        if annotation is not None:
            scope.types[bound] = (annotation, scope.module)
        else:
            scope.types.pop(bound, None)
        if (
            self.operations.is_operation(plain, scope)
            or collects
            or (nodes and (plain.type == "array" or _maps(plain)))
        ):
            # Durable promises kept for later: drawn here, joined (or not) further down.
            scope.pending[bound] = (plain, scope)
        return nodes

    def floating(self, expression: Syntax, scope: Scope) -> None:
        """A durable call whose promise is dropped on the floor (neither awaited nor kept)."""
        plain = unwrap(expression)
        if self.operations.is_operation(plain, scope):
            self.warn(
                "DV110",
                "this durable promise is never awaited; the SDK may never run it",
                plain,
                scope,
            )

    def forget_pattern(self, pattern: Syntax, scope: Scope) -> None:
        """Every name a binding pattern (``x``, ``[a, b]``, ``{a, b: c}``) binds is forgotten."""
        forget_names(pattern, scope)

    def throw_label(self, statement: Syntax, scope: Scope) -> str:
        values = kids(statement)
        if not values:
            return "throw"
        thrown = unwrap(values[0])
        if thrown.type in ("new_expression", "call_expression"):
            callee = field(thrown, "constructor") or field(thrown, "function")
            if callee is not None:
                thrown = callee
        return f"throw {scope.module.code(thrown, 60)}"

    # -- expressions -----------------------------------------------------------------------------

    def scan(self, expression: Syntax | None, scope: Scope) -> list[Node]:
        """The durable operations an expression runs, in evaluation order."""
        if expression is None:
            return []
        kind = expression.type
        if kind in _LEAVES:
            return []
        if kind in ("identifier", "shorthand_property_identifier"):
            if scope.pending:
                scope.pending.pop(text(expression), None)  # used: awaited, combined or passed on
            return []
        if kind == "call_expression":
            return self.call(expression, scope)
        if kind in ("arrow_function", "function_expression", "function"):
            self.callback(expression, scope)
            return []
        if kind == "ternary_expression":
            return self.ternary(expression, scope)
        if kind == "binary_expression":
            operator = field(expression, "operator")
            if operator is not None and text(operator) in _LOGICAL:
                return self.logical(expression, text(operator), scope)
        if kind == "assignment_expression":
            left, right = field(expression, "left"), field(expression, "right")
            found = self.scan(right, scope)
            if left is not None and right is not None and left.type == "identifier":
                scope.bind(text(left), right, scope)
                if self.operations.is_operation(unwrap(right), scope):
                    scope.pending[text(left)] = (unwrap(right), scope)
            elif left is not None and left.type in ("array_pattern", "object_pattern"):
                self.forget_pattern(left, scope)  # ``[a, b] = [b, a]``
            elif left is not None:
                self.scan(left, scope)
            return found
        if kind == "update_expression":  # ``n++``: n holds a value the source does not show
            argument = field(expression, "argument")
            if argument is not None and unwrap(argument).type == "identifier":
                scope.forget(text(unwrap(argument)))
            return self.scan(argument, scope)
        if kind == "augmented_assignment_expression":
            left, right = field(expression, "left"), field(expression, "right")
            found = self.scan(right, scope)
            if left is not None and left.type == "identifier":
                scope.forget(text(left))
            return found
        nodes: list[Node] = []
        for part in kids(expression):
            nodes.extend(self.scan(part, scope))
        return nodes

    def callback(self, function: Syntax, scope: Scope) -> None:
        """A function handed to other code: its operations run when that code calls it."""
        inner = scope.child()
        for param in params(function):
            self.forget_pattern(param_pattern(param), inner)
        saved = len(self.diagnostics)
        if self.function_body(function, inner, "function"):
            del self.diagnostics[saved:]
            self.warn(
                "DV108",
                "operations inside this callback run when other code calls it; they are not drawn",
                function,
                scope,
            )

    # -- calls -----------------------------------------------------------------------------------

    def call(self, call: Syntax, scope: Scope) -> list[Node]:
        """A call: a durable operation, a helper to inline, or a plain call to look inside."""
        nodes = self.called(call, scope)
        callee = call_callee(call)
        if callee is not None and callee.type == "identifier" and text(callee) in scope.functions:
            # A closure may assign the enclosing function's names: after the call they hold
            # values the source does not show here.
            changed = assigned_by(scope.functions[text(callee)].node)
            if changed:
                scope.unsettle(changed)
        return nodes

    def called(self, call: Syntax, scope: Scope) -> list[Node]:
        """What a call runs (see :meth:`call`)."""
        operations = self.operations
        callee = call_callee(call)
        if callee is None:
            return []
        args = arguments(call)
        parts = member_parts(callee)
        if parts is not None:
            owner, method = parts
            if owner.type == "identifier" and text(owner) in scope.contexts:
                return operations.method(method, call, scope)
            inner = member_parts(owner)
            if (
                inner is not None
                and inner[1] == "promise"
                and inner[0].type == "identifier"
                and text(inner[0]) in scope.contexts
            ):
                return operations.combinator(method, call, scope, native=False) or []
            if owner.type == "identifier" and text(owner) == "Promise":
                found = operations.combinator(method, call, scope, native=True)
                if found is not None:
                    return found
            if method in ("forEach", "map", "flatMap") and args and is_function(unwrap(args[0])):
                return self.each(call, owner, method, unwrap(args[0]), scope)
            if method in CHAIN_METHODS:
                return self.chained(call, owner, method, args, scope)
        if scope.module.sdk_name(callee) == "withRetry":
            return operations.with_retry(call, scope)
        if callee.type == "identifier" and text(callee) in scope.functions and scope.contexts:
            # A function declared in the one being analysed uses the enclosing context.
            return self.inline(scope.functions[text(callee)], call, scope)
        if any(_holds_context(arg, scope) for arg in args):
            target = self.find_function(callee, scope)
            if target is not None:
                return self.inline(target, call, scope)
            shown = scope.module.code(callee, 60)
            if shown not in _QUIET_CALLEES and "log" not in shown.lower():
                self.warn(
                    "DV106",
                    f"the context is passed to {shown}, whose code durable-viz cannot read; "
                    "operations it runs are not shown",
                    call,
                    scope,
                )
        nodes = self.scan(callee, scope)
        for arg in args:
            nodes.extend(self.scan(arg, scope))
        return nodes

    def each(
        self, call: Syntax, owner: Syntax, method: str, function: Syntax, scope: Scope
    ) -> list[Node]:
        """``items.forEach(cb)`` / ``items.map(cb)`` with durable calls in ``cb``: a loop."""
        before = self.scan(owner, scope)
        inner = scope.child()
        names: list[str] = []
        for param in params(function)[:1]:
            self.forget_pattern(param_pattern(param), inner)
            names.append(scope.module.code(param_pattern(param)))
        self.break_targets.append(("callback", None))
        try:
            body = self.function_body(function, inner, "function")
        finally:
            self.break_targets.pop()
        if not body:
            return before
        label = f"{scope.module.code(owner, 40)}.{method}({', '.join(names)})"
        loop = self.node(Kind.LOOP, label[:LABEL_LIMIT], call, scope, blocks=(block("body", body),))
        return [*before, loop]


def _holds_context(argument: Syntax, scope: Scope) -> bool:
    """Whether an argument is the context, or an object literal with it as a field
    (``charge({ context, order })``: the helper destructures it)."""
    plain = unwrap(argument)
    if plain.type == "identifier":
        return text(plain) in scope.contexts
    if plain.type != "object":
        return False
    return any(
        unwrap(value).type in ("identifier", "shorthand_property_identifier")
        and text(unwrap(value)) in scope.contexts
        for value in object_fields(plain).values()
    )


def _call_start(call: Syntax) -> Syntax:
    """Where a call starts: its receiver, even when tree-sitter puts an ``await`` inside it."""
    function = field(call, "function")
    if function is not None and function.type == "await_expression":
        inner = kids(function)
        if inner:
            return inner[0]
    return call


def _maps(expression: Syntax) -> bool:
    """Whether an expression is ``items.map(...)`` (or ``flatMap``)."""
    if expression.type != "call_expression":
        return False
    function = call_callee(expression)
    parts = member_parts(function) if function is not None else None
    return parts is not None and parts[1] in ("map", "flatMap")
