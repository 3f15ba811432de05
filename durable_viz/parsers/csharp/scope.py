"""What names mean at one point of the code being analysed: locals bound to values, contexts,
local functions, and the constants of classes (in the file or elsewhere in the project)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from durable_viz.graph import Via
from durable_viz.parsers.csharp.syntax import FUNCTION_NODES, last_name, simple_name, text, unwrap
from durable_viz.parsers.csharp.syntax import field as child
from durable_viz.parsers.paths import bound_here, freeze

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
        unknown: local names holding a value the source does not show, which hide a constant
            of the same name.
        dead: the code being read follows a ``return``, ``throw``, ``break`` or ``continue``
            (see :mod:`durable_viz.parsers.paths`).
        read: names the expressions bound in this scope (and read in it) read; assigning one
            first makes those bindings keep what they mean (see :meth:`keep`). It only grows:
            a branch's saved state may bring such a binding back.
        origin: the scope this one is a kept copy of (see :meth:`keep`), which two ways of a
            branch compare bindings by.
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
    unknown: set[str] = field(default_factory=set)
    dead: bool = False
    read: set[str] = field(default_factory=set)
    origin: Scope | None = None

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
            set(self.unknown),
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
        """Bind a local name to an expression read in ``scope``; context aliases are tracked.

        The binding means what its expression means here and now: ``name = a`` then ``a = "r"``
        leaves ``name`` with ``a``'s value before (see :meth:`keep`).
        """
        if name in self.read:
            self.keep()
        value = unwrap(value)
        if value.type == "identifier" and text(value) in scope.contexts:
            self.contexts.add(name)
            self.values.pop(name, None)
            return
        self.contexts.discard(name)
        self.tasks.pop(name, None)
        self.task_lists.pop(name, None)
        if scope is self:
            names = _reads(value)
            if name in names:
                # ``n = n + 1``: the value reads the name as it was before this assignment.
                scope = self.child()
            else:
                self.read.update(names)
        self.unknown.discard(name)
        self.values[name] = (value, scope)

    def keep(self) -> None:
        """A name some binding here reads is about to change: the expressions bound in this
        scope are read from now on in a copy of it as it is, so they keep their value.

        Bindings are read lazily, in the live scope, which is cheap; this copy is made only
        when a name they read is assigned again (or a loop or branch changes it: see
        :meth:`unsettle`). A lambda keeps reading the live scope: its body runs when called
        and sees the names as they are then.
        """
        freeze(self, bound_here(self, lambda value: value.type not in FUNCTION_NODES))

    def bind_value(self, name: str, value: Binding) -> None:
        """Bind a local name to a known value or entry."""
        if name in self.read:
            self.keep()
        self.contexts.discard(name)
        self.tasks.pop(name, None)
        self.task_lists.pop(name, None)
        self.unknown.discard(name)
        self.values[name] = value

    def forget(self, name: str) -> None:
        """A name rebound to something unknown no longer means what it meant."""
        if name in self.read:
            self.keep()
        self.contexts.discard(name)
        self.values.pop(name, None)
        self.tasks.pop(name, None)
        self.task_lists.pop(name, None)
        self.unknown.add(name)

    def unsettle(self, names: Collection[str]) -> None:
        """``names`` hold no value the source shows (a loop or a branch changes them).

        Names bound before keep what they meant then: their expressions are read in a copy of
        this scope as it was, so ``var label = $"try-{n}"`` before a loop that changes ``n``
        still reads the value ``n`` had when ``label`` was set. A context or a task they hold is
        left to the code that rebinds them.
        """
        if any(name in self.values for name in names):
            freeze(self, bound_here(self))
        for name in names:
            self.values.pop(name, None)
        self.unknown.update(names)

    def lookup(self, name: str) -> Binding | None:
        """What a bare name stands for: a local, a constant of the class, a top-level const."""
        bound = self.values.get(name)
        if bound is not None:
            return bound
        if name in self.unknown:
            return None
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


def _reads(expression: Node) -> set[str]:
    """The names an expression reads when it is evaluated (a member's name counts too:
    harmless); not those in a lambda's body, which reads them when called."""
    names: set[str] = set()
    stack = [expression]
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            names.add(text(node))
        elif node.type not in FUNCTION_NODES:
            stack.extend(node.named_children)
    return names
