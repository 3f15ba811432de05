"""What names mean at one point of the code being analysed: locals bound to values, contexts,
local functions, and the constants of classes (in the file or elsewhere in the project)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from durable_viz.graph import Via
from durable_viz.parsers.csharp.syntax import field as child
from durable_viz.parsers.csharp.syntax import last_name, simple_name, text, unwrap

if TYPE_CHECKING:
    from tree_sitter import Node

    from durable_viz.parsers.csharp.module import ClassInfo, CSharpFile, MethodInfo

__all__ = ["Binding", "ClassFinder", "Entry", "Known", "Scope"]

_MAX_DEPTH = 24


@dataclass(frozen=True, slots=True)
class Known:
    """A value the analysis knows without a node of its own: an item's index."""

    text: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A dictionary entry a loop or map binds (``kv.Key``, ``kv.Value``, ``var (k, v)``)."""

    key: Binding
    value: Binding


Binding: TypeAlias = tuple["Node", "Scope"] | Known | Entry
"""What a name stands for: an expression read in a scope, or a value known otherwise."""

ClassFinder = Callable[[str], "ClassInfo | None"]


@dataclass(eq=False)
class Scope:
    """What names mean at one point of a method being analysed.

    Attributes:
        file: the file whose code this is.
        owner: the class whose members bare names resolve against.
        find_class: looks a class up by name in the file, then in the project.
        contexts: local names bound to an ``IDurableContext``.
        values: local names bound to a value.
        functions: local functions visible here.
        tasks: locals holding a durable operation's task that was not awaited, by the
            operation's label (``Task.WhenAll`` names them).
        task_lists: locals (lists) durable tasks were added to, with the labels of those
            operations (``Task.WhenAll(list)`` names them).
        stack: the methods being inlined, outermost first (bounds recursion).
        via: the helper call this code was inlined from.
    """

    file: CSharpFile
    owner: ClassInfo | None
    find_class: ClassFinder
    contexts: set[str] = field(default_factory=set)
    values: dict[str, Binding] = field(default_factory=dict)
    functions: dict[str, MethodInfo] = field(default_factory=dict)
    tasks: dict[str, str] = field(default_factory=dict)
    task_lists: dict[str, list[str]] = field(default_factory=dict)
    stack: tuple[str, ...] = ()
    via: Via | None = None

    def child(self) -> Scope:
        """A scope for a lambda or local function nested here (closures see the names)."""
        return Scope(
            self.file,
            self.owner,
            self.find_class,
            set(self.contexts),
            dict(self.values),
            dict(self.functions),
            dict(self.tasks),
            {name: list(labels) for name, labels in self.task_lists.items()},
            self.stack,
            self.via,
        )

    def fresh(self, method: MethodInfo) -> Scope:
        """A scope for another method's body (it sees only its own class and file)."""
        return Scope(
            method.file,
            method.owner,
            self.find_class,
            stack=(*self.stack, method.key),
            via=self.via,
        )

    def bind(self, name: str, value: Node, scope: Scope) -> None:
        """Bind a local name to an expression read in ``scope``; context aliases are tracked."""
        value = unwrap(value)
        if value.type == "identifier" and text(value) in scope.contexts:
            self.contexts.add(name)
            self.values.pop(name, None)
            return
        self.contexts.discard(name)
        self.tasks.pop(name, None)
        self.task_lists.pop(name, None)
        if scope is self and _mentions(value, name):
            # ``n = n + 1``: the value reads the name as it was before this assignment.
            scope = self.child()
        self.values[name] = (value, scope)

    def bind_value(self, name: str, value: Binding) -> None:
        """Bind a local name to a known value or entry."""
        self.contexts.discard(name)
        self.tasks.pop(name, None)
        self.task_lists.pop(name, None)
        self.values[name] = value

    def forget(self, name: str) -> None:
        """A name rebound to something unknown no longer means what it meant."""
        self.contexts.discard(name)
        self.values.pop(name, None)
        self.tasks.pop(name, None)
        self.task_lists.pop(name, None)

    def lookup(self, name: str) -> Binding | None:
        """What a bare name stands for: a local, a constant of the class, a top-level const."""
        bound = self.values.get(name)
        if bound is not None:
            return bound
        if self.owner is not None:
            constant = self.owner.constant(name)
            if constant is not None:
                return constant, Scope(self.owner.file, self.owner, self.find_class)
        constant = self.file.top_constants.get(name)
        if constant is not None:
            return constant, Scope(self.file, None, self.find_class)
        return None

    def member(self, node: Node) -> Binding | None:
        """``Steps.Notify`` (a constant of a class) or ``kv.Key`` (a bound entry's part)."""
        receiver = child(node, "expression")
        name_node = child(node, "name")
        if receiver is None or name_node is None:
            return None
        member = simple_name(name_node)
        if member is None:
            return None
        receiver = unwrap(receiver)
        if receiver.type == "identifier":
            bound = self.lookup(text(receiver))
            if isinstance(bound, Entry):
                return bound.key if member == "Key" else bound.value if member == "Value" else None
            if bound is not None:
                return None
        if receiver.type in ("identifier", "member_access_expression", "qualified_name"):
            if receiver.type == "identifier" and text(receiver) == "this":
                owner = self.owner
            else:
                owner_name = last_name(receiver)
                owner = self.find_class(owner_name) if owner_name else None
            if owner is not None:
                constant = owner.constant(member)
                if constant is not None:
                    return constant, Scope(owner.file, owner, self.find_class)
        elif receiver.type in ("this_expression", "this") and self.owner is not None:
            constant = self.owner.constant(member)
            if constant is not None:
                return constant, Scope(self.owner.file, self.owner, self.find_class)
        return None

    def resolve(self, node: Node, depth: int = 0) -> Binding:
        """Follow names and constant members to what they are bound to (as far as shown)."""
        current: Binding = (unwrap(node), self)
        while isinstance(current, tuple) and depth < _MAX_DEPTH:
            expression, scope = current
            found: Binding | None = None
            if expression.type == "identifier":
                found = scope.lookup(text(expression))
            elif expression.type == "member_access_expression":
                found = scope.member(expression)
            if found is None:
                break
            if isinstance(found, tuple):
                found = (unwrap(found[0]), found[1])
            current = found
            depth += 1
        return current


def _mentions(expression: Node, name: str) -> bool:
    """Whether an expression uses a name (anywhere in it: harmless when it is not that one)."""
    stack = [expression]
    while stack:
        node = stack.pop()
        if node.type == "identifier" and text(node) == name:
            return True
        stack.extend(node.named_children)
    return False
