"""Turns the body of a C# workflow into the workflow's block tree.

Statements become control nodes (conditions, loops, try blocks, exits); expressions are searched,
in evaluation order, for durable calls, which :mod:`.operations` turns into operation nodes.
Methods that receive the context are inlined where they are called.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from durable_viz.graph import Block, Kind, Node, Via, Workflow
from durable_viz.parsers.base import one_line, prune
from durable_viz.parsers.csharp.assigned import target_names
from durable_viz.parsers.csharp.module import MethodInfo, method_of, params_of
from durable_viz.parsers.csharp.operations import Operations
from durable_viz.parsers.csharp.scope import ClassFinder, Scope
from durable_viz.parsers.csharp.statements import Statements, block
from durable_viz.parsers.csharp.syntax import (
    FUNCTION_NODES,
    Argument,
    arguments,
    callee,
    descendants,
    last_name,
    named,
    simple_name,
    text,
    this_member,
    unwrap,
)
from durable_viz.parsers.csharp.syntax import field as child

if TYPE_CHECKING:
    from tree_sitter import Node as SyntaxNode

    from durable_viz.parsers.csharp.module import ClassInfo

__all__ = ["MAX_INLINE_DEPTH", "Analyzer"]

MAX_INLINE_DEPTH = 8
"""How many helper calls deep the analysis follows."""

LABEL_LIMIT = 80

_LEAVES = frozenset(
    {
        "string_literal",
        "verbatim_string_literal",
        "raw_string_literal",
        "integer_literal",
        "real_literal",
        "boolean_literal",
        "character_literal",
        "null_literal",
        "predefined_type",
        "generic_name",
        "qualified_name",
        "type_argument_list",
        "array_type",
        "nullable_type",
        "implicit_type",
        "this_expression",
        "base_expression",
        "typeof_expression",
        "default_expression",
        "sizeof_expression",
    }
)
_BOOLEAN = frozenset({"&&", "||", "??"})
_CATCH_ALL = frozenset({"Exception", "System.Exception"})
_COLLECTING = frozenset({"Add", "Enqueue", "Push"})
"""Collection methods a durable task may be handed to, for a ``Task.WhenAll`` later."""
_QUIET_CALLEES = frozenset({"nameof", "ToString", "Equals", "GetHashCode", "WriteLine", "Write"})


class Analyzer(Statements):
    """Builds workflows for the handlers of one file (and the helpers they reach)."""

    def __init__(self, find_class: ClassFinder) -> None:
        super().__init__()
        self.find_class = find_class
        self.operations = Operations(self)
        self.tasks: dict[str, tuple[str, SyntaxNode, Scope]] = {}
        # Fields holding the context, by the ``id`` of their class (alive for the whole parse).
        self.context_fields: dict[int, set[str]] = {}
        self.awaited: set[str] = set()

    # -- entry -----------------------------------------------------------------------------------

    def method_workflow(self, method: MethodInfo, name: str | None = None) -> Workflow:
        """The workflow of a method with the signature ``(TIn input, IDurableContext ctx)``."""
        scope = Scope(method.file, method.owner, self.find_class, stack=(method.key,))
        context = next((p for p in method.params if p.is_context), None)
        if context is None and len(method.params) >= 2:
            context = method.params[1]
        if context is not None:
            scope.contexts.add(context.name)
        nodes = self.body(method.body, scope, "workflow")
        self.report_unawaited()
        return Workflow(
            name=name or method.name, line=method.line, nodes=prune(nodes), file=method.file.display
        )

    def lambda_workflow(self, function: SyntaxNode, scope: Scope, name: str) -> Workflow:
        """The workflow of a lambda handed to ``WrapAsync`` (its second parameter is the
        context)."""
        inner = scope.child()
        params = params_of(child(function, "parameters"))
        for index, param in enumerate(params):
            inner.forget(param.name)
            if param.is_context or (index == 1 and not any(p.is_context for p in params)):
                inner.contexts.add(param.name)
        nodes = self.body(child(function, "body"), inner, "workflow")
        self.report_unawaited()
        line = scope.file.position(function)[0]
        return Workflow(name=name, line=line, nodes=prune(nodes), file=scope.file.display)

    def report_unawaited(self) -> None:
        """DV110 for each durable task stored in a local and never used again."""
        for key, (label, at, scope) in sorted(self.tasks.items()):
            if key not in self.awaited:
                self.warn(
                    "DV110",
                    f"the durable task of {label!r} is never awaited; the SDK may not finish it",
                    at,
                    scope,
                )
        self.tasks.clear()
        self.awaited.clear()

    # -- expressions -----------------------------------------------------------------------------

    def scan(self, expression: SyntaxNode | None, scope: Scope) -> list[Node]:
        """The durable operations an expression runs, in evaluation order."""
        if expression is None:
            return []
        kind = expression.type
        if kind == "identifier":
            key = scope.tasks.get(text(expression))
            if key is not None:
                self.awaited.add(key)
            return []
        if kind in _LEAVES:
            return []
        if kind == "invocation_expression":
            return self.after_call(expression, self.call(expression, scope), scope)
        if kind in FUNCTION_NODES:
            return self.handed_over(expression, scope)
        if kind == "conditional_expression":
            return self.ternary(expression, scope)
        if kind == "binary_expression":
            operator = child(expression, "operator")
            if operator is not None and operator.type in _BOOLEAN:
                return self.boolean(expression, operator.type, scope)
        if kind == "switch_expression":
            return self.switch_expression(expression, scope)
        if kind == "assignment_expression":
            return self.assignment(expression, scope)
        if kind in ("postfix_unary_expression", "prefix_unary_expression") and any(
            c.type in ("++", "--") for c in expression.children
        ):
            # ``i++`` changes ``i``: it no longer holds the value it was bound to.
            for operand in named(expression):
                if operand.type == "identifier":
                    scope.forget(text(operand))
        nodes: list[Node] = []
        for part in named(expression):
            nodes.extend(self.scan(part, scope))
        return nodes

    def assignment(self, expression: SyntaxNode, scope: Scope) -> list[Node]:
        """``x = value`` rebinds ``x``; compound assignments make it unknown."""
        left, right = child(expression, "left"), child(expression, "right")
        nodes = self.scan(right, scope)
        if left is not None and right is not None and self.store_context(left, right, scope):
            return nodes
        if left is not None and left.type == "identifier":
            operator = child(expression, "operator")
            if right is not None and (operator is None or operator.type == "="):
                scope.bind(text(left), right, scope)
                self.track_task(text(left), right, nodes, scope)
            else:
                scope.forget(text(left))
        elif left is not None and left.type == "tuple_expression":
            for name in target_names(left):  # ``(a, b) = (b, a)``: a and b are unknown
                scope.forget(name)
        elif left is not None:
            nodes = self.scan(left, scope) + nodes
        return nodes

    def track_task(self, name: str, value: SyntaxNode, found: list[Node], scope: Scope) -> None:
        """Remember a local that holds a durable operation's task without awaiting it."""
        value = unwrap(value)
        if value.type != "invocation_expression" or not found or not found[-1].is_operation:
            return
        receiver, _ = callee(value)
        if receiver is None or not self.is_context(receiver, scope):
            return
        line, column = scope.file.position(value)
        key = f"{scope.file.display}:{line}:{column}:{name}"
        scope.tasks[name] = key
        self.tasks[key] = (found[-1].label, value, scope)

    def handed_over(self, function: SyntaxNode, scope: Scope) -> list[Node]:
        """A lambda handed to other code: its operations run when that code calls it."""
        inner = scope.child()
        for param in params_of(child(function, "parameters")):
            inner.forget(param.name)
        saved = dict(self.tasks), set(self.awaited)
        found = self.body(child(function, "body"), inner, "function")
        self.tasks, self.awaited = saved[0], saved[1] | self.awaited
        if found:
            self.warn(
                "DV108",
                "operations inside this lambda run when other code calls it; they are not drawn",
                function,
                scope,
            )
        return []

    def ternary(self, expression: SyntaxNode, scope: Scope) -> list[Node]:
        """``test ? a : b`` choosing between operations."""
        test = child(expression, "condition")
        before = self.scan(test, scope)
        yes, no = self.ways(
            scope,
            [
                lambda: self.scan(child(expression, "consequence"), scope),
                lambda: self.scan(child(expression, "alternative"), scope),
            ],
        )
        if not yes and not no:
            return before
        label = self.code(test, scope) if test is not None else "?"
        node = self.node(
            Kind.CONDITION,
            label,
            expression,
            scope,
            blocks=(block("outcome", yes, "yes"), block("outcome", no, "no")),
        )
        return [*before, node]

    def boolean(self, expression: SyntaxNode, operator: str, scope: Scope) -> list[Node]:
        """``a && Op()`` runs the operation only when ``a`` holds (``||``: when it does not;
        ``??``: when ``a`` is null)."""
        left = child(expression, "left")
        before = self.scan(left, scope)
        # The right side may not run.
        read = [lambda: self.scan(child(expression, "right"), scope)]
        (right,) = self.ways(scope, read, skip=True)
        if not right or left is None:
            return before
        runs_on = "no" if operator == "||" else "yes"
        skips_on = "yes" if runs_on == "no" else "no"
        label = self.code(left, scope)
        if operator == "??":
            label = one_line(f"{label} is null", LABEL_LIMIT)
        at = child(expression, "right") or expression
        node = self.node(
            Kind.CONDITION,
            label,
            at,
            scope,
            blocks=(block("outcome", right, runs_on),),
            fallthrough=skips_on,
        )
        return [*before, node]

    def switch_expression(self, expression: SyntaxNode, scope: Scope) -> list[Node]:
        """``value switch { pattern => ..., _ => ... }``: an outcome per arm; it covers every
        value (the compiler makes sure), so no path goes around it."""
        parts = named(expression)
        subject = parts[0] if parts else None
        before = self.scan(subject, scope)
        arms: list[tuple[str, SyntaxNode]] = []
        for arm in parts[1:]:
            if arm.type != "switch_expression_arm":
                continue
            pieces = named(arm)
            if not pieces:
                continue
            pattern, value = pieces[0], pieces[-1]
            when = next((p for p in pieces[1:-1] if p.type == "when_clause"), None)
            label = (
                "default" if pattern.type == "discard" else f"case {self.code(pattern, scope, 60)}"
            )
            if when is not None:
                label += f" {self.code(when, scope, 40)}"
            arms.append((label, value))
        found = self.ways(scope, [partial(self.scan, value, scope) for _, value in arms])
        blocks = [
            block("outcome", nodes, label) for (label, _), nodes in zip(arms, found, strict=True)
        ]
        if not any(b.nodes for b in blocks):
            return before
        label = f"switch {self.code(subject, scope)}" if subject is not None else "switch"
        node = self.node(
            Kind.CONDITION, one_line(label, LABEL_LIMIT), expression, scope, blocks=tuple(blocks)
        )
        return [*before, node]

    # -- calls -----------------------------------------------------------------------------------

    def call(self, call: SyntaxNode, scope: Scope) -> list[Node]:
        """A call: a durable operation, a helper to inline, or a plain call to look inside."""
        function = child(call, "function")
        receiver, method = callee(call)
        args = arguments(call)
        if receiver is not None and method is not None:
            base = unwrap(receiver)
            if self.is_context(base, scope):
                return self.operations.method(method, call, args, scope)
            if method in ("WhenAll", "WhenAny") and last_name(base) == "Task":
                return self.operations.combinator(method, call, args, scope)
            if method in _COLLECTING and base.type == "identifier" and len(args) == 1:
                return self.collect_task(text(base), args[0].value, scope)
        if receiver is None and method == "nameof":
            return []
        passes_context = any(self.is_context(a.value, scope) for a in args)
        if receiver is None and method in scope.functions and (scope.contexts or passes_context):
            # A local function may use the enclosing context without being passed it.
            return self.inline(scope.functions[method], call, args, scope)
        if scope.owner is not None and (
            receiver is None or unwrap(receiver).type in ("this_expression", "this")
        ):
            own = scope.owner.method(method or "", len(args))
            if own is not None and self.uses_context_field(own):
                return self.inline(own, call, args, scope)
        if passes_context and function is not None:
            target = self.find_method(function, scope, len(args))
            if target is not None:
                return self.inline(target, call, args, scope)
            shown = self.code(function, scope, 60)
            if method not in _QUIET_CALLEES and "log" not in shown.lower():
                self.warn(
                    "DV106",
                    f"the context is passed to {shown}, whose code durable-viz cannot read; "
                    "operations it runs are not shown",
                    call,
                    scope,
                )
        nodes: list[Node] = []
        if function is not None and function.type == "member_access_expression":
            nodes.extend(self.scan(child(function, "expression"), scope))
        elif function is not None and function.type not in ("identifier", "generic_name"):
            nodes.extend(self.scan(function, scope))
        for argument in args:
            nodes.extend(self.scan(argument.value, scope))
        return nodes

    def collect_task(self, collection: str, value: SyntaxNode, scope: Scope) -> list[Node]:
        """``tasks.Add(ctx.StepAsync(...))``: the operation is drawn where it is created, and
        the list remembers it for a ``Task.WhenAll(tasks)`` that joins it later."""
        found = self.scan(value, scope)
        value = unwrap(value)
        if value.type == "invocation_expression" and found and found[-1].is_operation:
            receiver, _ = callee(value)
            if receiver is not None and self.is_context(receiver, scope):
                scope.task_lists.setdefault(collection, []).append(found[-1].label)
        return found

    @staticmethod
    def is_context(value: SyntaxNode, scope: Scope) -> bool:
        """The expression is a name bound to the durable context (``ctx``, or ``this._ctx``
        for a field the workflow stored it in)."""
        value = unwrap(value)
        if value.type == "member_access_expression":
            name = this_member(value)
            return name is not None and name in scope.contexts
        return value.type == "identifier" and text(value) in scope.contexts

    def store_context(self, left: SyntaxNode, right: SyntaxNode, scope: Scope) -> bool:
        """``_ctx = ctx;`` (or ``this._ctx = ctx;``) into a field of the class: the class's
        methods that use the field run operations on the context, and are inlined where the
        workflow calls them. Returns whether it was such an assignment."""
        owner = scope.owner
        if owner is None or not self.is_context(right, scope):
            return False
        if left.type == "identifier" and text(left) not in scope.values:
            name: str | None = text(left)
        else:
            name = this_member(left) if left.type == "member_access_expression" else None
        if name is None or name not in owner.fields:
            return False
        self.context_fields.setdefault(id(owner), set()).add(name)
        scope.contexts.add(name)
        return True

    def uses_context_field(self, method: MethodInfo) -> bool:
        """The method reads a field of its class that holds the context."""
        fields = self.context_fields.get(id(method.owner)) if method.owner is not None else None
        if not fields or method.body is None:
            return False
        return any(n.type == "identifier" and text(n) in fields for n in descendants(method.body))

    def find_method(
        self, function: SyntaxNode, scope: Scope, arity: int | None
    ) -> MethodInfo | None:
        """The method a callee expression or method group names: a local function, a method of
        the class (or an enclosing one), a top-level function, or ``OtherClass.Method``."""
        function = unwrap(function)
        if function.type in ("identifier", "generic_name"):
            name = simple_name(function)
            if name is None:
                return None
            found = scope.functions.get(name)
            if found is None and scope.owner is not None:
                found = scope.owner.method(name, arity)
            return found or scope.file.top_functions.get(name)
        if function.type != "member_access_expression":
            return None
        receiver, name_node = child(function, "expression"), child(function, "name")
        name = simple_name(name_node) if name_node is not None else None
        if receiver is None or name is None:
            return None
        receiver = unwrap(receiver)
        owner: ClassInfo | None
        if receiver.type in ("this_expression", "base_expression", "this", "base"):
            owner = scope.owner
        elif receiver.type in ("identifier", "member_access_expression", "qualified_name"):
            if receiver.type == "identifier" and scope.lookup(text(receiver)) is not None:
                return None  # a variable, not a class
            owner_name = last_name(receiver)
            owner = self.find_class(owner_name) if owner_name else None
        else:
            owner = None
        return owner.method(name, arity) if owner is not None else None

    def enter(self, method: MethodInfo, at: SyntaxNode, scope: Scope) -> Scope | None:
        """A scope for analysing ``method``'s body, or None when recursion or depth forbid."""
        if method.key in scope.stack:
            self.warn(
                "DV103",
                f"{method.name} calls itself; the recursive call is drawn once",
                at,
                scope,
            )
            return None
        if len(scope.stack) > MAX_INLINE_DEPTH:
            self.warn(
                "DV104",
                f"helpers nested more than {MAX_INLINE_DEPTH} deep; {method.name} is not followed",
                at,
                scope,
            )
            return None
        if scope.functions.get(method.name) is method:
            # A local function is a closure: it sees the names around it.
            inner = scope.child()
            inner.stack = (*scope.stack, method.key)
            return inner
        inner = scope.fresh(method)
        if method.owner is not None:
            inner.contexts |= self.context_fields.get(id(method.owner), set())
        return inner

    def inline(
        self, method: MethodInfo, call: SyntaxNode, args: Sequence[Argument], scope: Scope
    ) -> list[Node]:
        """The operations of a helper that receives the context, where it is called."""
        before: list[Node] = []
        for argument in args:
            if not self.is_context(argument.value, scope):
                before.extend(self.scan(argument.value, scope))
        inner = self.enter(method, call, scope)
        if inner is None:
            return before
        line = scope.file.position(call)[0]
        inner.via = Via(method.name, line)
        self.bind_arguments(method, args, inner, scope)
        nodes = self.body(method.body, inner, "function")
        wrapper = Node(
            kind=Kind.SCOPE,
            label=method.name,
            line=line,
            column=1,
            blocks=(Block(role="body", nodes=tuple(nodes)),),
        )
        return [*before, wrapper]

    def bind_arguments(
        self, method: MethodInfo, args: Sequence[Argument], inner: Scope, outer: Scope
    ) -> None:
        """Bind a call's arguments to a method's parameters (named ones by name), defaults to
        the rest; a parameter typed ``IDurableContext`` is a context whatever it receives."""
        params = method.params
        by_name = {p.name: p for p in params}
        filled: set[str] = set()
        position = 0
        for argument in args:
            if argument.name is not None:
                target = by_name.get(argument.name)
                position = len(params) if target is None else position
            else:
                target = params[position] if position < len(params) else None
                position += 1
            if target is None:
                continue
            inner.bind(target.name, argument.value, outer)
            filled.add(target.name)
        for param in params:
            if param.name not in filled and param.default is not None:
                inner.bind(
                    param.name, param.default, Scope(method.file, method.owner, self.find_class)
                )
            if param.is_context:
                inner.values.pop(param.name, None)
                inner.contexts.add(param.name)

    def local_function(self, statement: SyntaxNode, scope: Scope) -> MethodInfo | None:
        """Info for a local function declared in the code being analysed."""
        known = scope.file.methods_by_node.get(statement.start_byte)
        if known is not None and known.node == statement:
            return known
        return method_of(statement, scope.file, scope.owner)
