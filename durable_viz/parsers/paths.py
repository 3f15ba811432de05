"""Names whose value depends on the way taken through a branching construct, the same way in
every language.

Each way through an ``if``/``else``, a switch case, a ternary's arm, a ``try`` body or handler,
or the right side of ``&&``/``||``/``??`` starts from the names as they were before the
construct; its own assignments are seen along it. Where the ways meet again, a name holding the
same value on every way that gets there keeps it; one that differs (or was assigned on some ways
only, counting the way that skips an ``if`` without ``else``) holds no value the source shows.
A way that ends in ``return``, ``throw``, ``break`` or ``continue`` does not get there.

Parsers keep, in their scope, ``values`` (name to binding), ``unknown`` (names that hide a
constant of the same name), ``dead`` (the code being read is not reached: it follows a jump) and
``unsettle`` (forget names, keeping what other names bound before meant then), ``read`` (names
that expressions bound in the scope read) and ``keep`` (make those bindings keep what they mean,
before one of those names changes), and may mark the copy of a scope kept for that with
``origin`` (the scope it was copied from).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, Protocol, TypeVar

__all__ = ["Paths", "Tracked", "bound_here", "freeze"]

_T = TypeVar("_T")


class Tracked(Protocol):
    """The part of a parser's scope that :class:`Paths` saves, restores and joins."""

    values: dict[str, Any]
    unknown: set[str]
    dead: bool
    read: set[str]

    def unsettle(self, names: Collection[str]) -> None:
        """Forget ``names``; names bound to expressions that read them keep what they meant."""

    def keep(self) -> None:
        """Names bound to expressions that read ``read`` keep what they mean now (one of those
        is about to change)."""


def bound_here(scope: Any, keeps: Callable[[Any], bool] | None = None) -> list[str]:
    """The names ``scope`` binds to an expression read lazily in ``scope`` itself (those a
    closure over an enclosing scope binds are read there), optionally only those ``keeps``
    accepts."""
    return [
        key
        for key, bound in scope.values.items()
        if type(bound) is tuple and bound[1] is scope and (keeps is None or keeps(bound[0]))
    ]


def freeze(scope: Any, names: list[str]) -> None:
    """From now on, read the expressions bound to ``names`` in a copy of ``scope`` as it is now,
    so that a name they read keeps the value it has now when it is assigned again or changed by
    a loop or a branch (how every parser's ``keep`` and ``unsettle`` do it)."""
    if not names:
        return
    frozen = scope.child()
    frozen.origin = scope
    values, kept = scope.values, frozen.values
    for name in names:
        values[name] = kept[name] = (values[name][0], frozen)


Text = Callable[[Any], object]
"""An expression's source text (two ways assigning ``"b"`` assign the same value)."""

_State = tuple[dict[str, Any], set[str]]


class Paths:
    """The ways through one branching construct, read one after the other in one scope.

    Call :meth:`start` before reading each way, :meth:`end` after it (or :meth:`skip` for a way
    that runs no code of its own), then :meth:`join`, which leaves the scope as after the
    construct.
    """

    def __init__(self, scope: Tracked, text: Text) -> None:
        self.scope = scope
        self.text = text
        self.values = dict(scope.values)
        self.unknown = set(scope.unknown)
        self.dead = scope.dead
        self.ends: list[_State] = []

    def start(self, changed: Collection[str] = ()) -> None:
        """Begin a way: the names as they were before the construct, less ``changed`` (a
        ``catch`` may run after any part of its ``try`` body: what the body assigns holds its
        old value, or any the body gave it)."""
        self.restore()
        if changed:
            self.scope.unsettle(changed)

    def restore(self) -> None:
        """The names as they were before the construct."""
        scope = self.scope
        if scope.values != self.values:
            scope.values.clear()
            scope.values.update(self.values)
        if scope.unknown != self.unknown:
            scope.unknown.clear()
            scope.unknown.update(self.unknown)
        scope.dead = self.dead

    def end(self) -> None:
        """The way just read gets to the end of the construct (unless it jumped away)."""
        if not self.scope.dead:
            self.ends.append((dict(self.scope.values), set(self.scope.unknown)))

    def skip(self) -> None:
        """A way that assigns nothing (an ``if`` without ``else`` not taken)."""
        if not self.dead:
            self.ends.append((self.values, self.unknown))

    def arrive(self, values: dict[str, Any], unknown: set[str]) -> None:
        """A way that gets to the end from elsewhere (a ``break`` leaving a switch)."""
        self.ends.append((dict(values), set(unknown)))

    def join(self) -> None:
        """The names after the construct: the same on every way that gets there, or unknown.

        No way getting there, the code after it is not reached.
        """
        ends = self.ends
        self.restore()
        scope = self.scope
        if not ends:
            scope.dead = True
            return
        before = self.values
        touched: set[str] = set()
        for values, _ in ends:
            if values is not before:
                touched.update(_changed(values, before))
        joined: dict[str, Any] = {}  # changed alike on every way
        differing: set[str] = set()
        first = ends[0][0]
        for name in touched:
            bound = first.get(name)
            if bound is None or not all(self.same(other.get(name), bound) for other, _ in ends):
                differing.add(name)
            elif not self.same(before.get(name), bound):
                joined[name] = bound
        if differing:
            # Names the construct does not change but whose expressions read changed ones keep
            # what they meant before it (``label = f"x-{n}"`` before an ``if`` changing ``n``).
            scope.unsettle(differing)
        if not joined.keys().isdisjoint(scope.read):
            scope.keep()  # ``label = a`` before an if whose every way sets ``a`` alike
        for name, bound in joined.items():
            scope.values[name] = bound
            scope.unknown.discard(name)
        for _, unknown in ends:
            if unknown is not self.unknown:
                scope.unknown |= unknown - joined.keys()

    def same(self, first: Any, second: Any) -> bool:
        """Whether two bindings give a name the same value: the same binding, the same
        expression text read in the same scope, or the same assignment read in its scope and
        in a copy of it kept when a name it reads changed (which therefore means the same)."""
        if first is second:
            return True
        if first is None or second is None:
            return False
        if first == second:
            return True
        if not (
            isinstance(first, tuple)
            and isinstance(second, tuple)
            and len(first) == len(second) == 2
        ):
            return False
        if first[1] is second[1]:
            return self.text(first[0]) == self.text(second[0])
        return first[0] is second[0] and _kept_from(first[1]) is _kept_from(second[1])

    def then_finally(
        self, changed: Collection[str], read: Callable[[], _T], written: Collection[str]
    ) -> _T:
        """Join the ways, then read a ``finally`` block with ``read``; returns what it returns.

        The block runs after every way, those that jump away or stop at an error part way
        included: in it, the names any of them assigns (``changed``) hold no value shown. After
        it, the names it assigns (``written``) hold what it gave them, the others what the
        join gave them.
        """
        self.join()
        scope = self.scope
        dead = scope.dead
        values, unknown = dict(scope.values), set(scope.unknown)
        scope.dead = self.dead
        if changed:
            scope.unsettle(changed)
        found = read()
        dead = dead or scope.dead
        after, after_unknown = dict(scope.values), set(scope.unknown)
        scope.values.clear()
        scope.values.update(values)
        scope.unknown.clear()
        scope.unknown.update(unknown)
        if written:
            if not scope.read.isdisjoint(written):
                scope.keep()
            scope.unsettle(written)
            for name in written:
                if name in after:
                    scope.values[name] = after[name]
                    scope.unknown.discard(name)
                elif name not in after_unknown:
                    scope.unknown.discard(name)
        scope.dead = dead
        return found


def _kept_from(scope: Any) -> Any:
    """The scope a copy was kept from (``origin``, set by a parser's scope), or the scope."""
    origin = getattr(scope, "origin", None)
    return scope if origin is None else origin


def _changed(values: dict[str, Any], before: dict[str, Any]) -> set[str]:
    """The names bound differently (or only) in one of two states."""
    try:
        return {name for name, _ in values.items() ^ before.items()}
    except TypeError:  # a binding that cannot be hashed
        names = values.keys() ^ before.keys()
        names.update(name for name, bound in values.items() if before.get(name) is not bound)
        return names
