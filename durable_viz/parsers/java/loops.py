"""What a loop changes from one iteration to the next: the names it assigns.

Inside a loop (its condition, update clause and body, nested blocks and the helpers it calls
included) such a name holds no value the source shows: ``for (int i = 0; i < 3; i++)`` names
``"attempt-" + i`` differently every time, and so does a counter the body increments. After the
loop it may hold any iteration's value (or, the loop not running, the one before it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from durable_viz.parsers.java.module import field_of, named

if TYPE_CHECKING:
    from tree_sitter import Node

    from durable_viz.parsers.java.module import JavaFile
    from durable_viz.parsers.java.values import Scope

__all__ = ["changed_in", "enter_loop"]

LOOPS = frozenset({"for_statement", "enhanced_for_statement", "while_statement", "do_statement"})

_ONCE_BEFORE = {"for_statement": "init", "enhanced_for_statement": "value"}
"""The parts of a loop that run once, before it: what they assign the loop does not change."""


def enter_loop(loop: Node, scope: Scope) -> frozenset[str]:
    """The names ``loop`` changes, forgotten in ``scope`` for the loop (call once its part that
    runs before it is read); the caller forgets them again after the loop."""
    changed = changed_in(loop, scope.file)
    scope.unsettle(changed)
    return changed


def changed_in(loop: Node, file: JavaFile) -> frozenset[str]:
    """The names ``loop`` assigns each iteration (``=``, ``+=`` and the like, ``++``/``--``,
    declarations, an enhanced ``for``'s variable), also in lambdas and classes written inside
    it, which may run in it.

    One walk of the outermost loop answers for every loop nested in it (cached on the file, by
    byte range), so that deeply nested loops cost a walk of the code once, not once per level.
    """
    cache = file.loop_changes
    key = (loop.start_byte, loop.end_byte)
    found = cache.get(key)
    if found is not None:
        return found
    # Post-order, without recursion: each node's names are its own target's and its children's.
    done: list[frozenset[str]] = []
    stack: list[tuple[Node, list[Node] | None]] = [(loop, None)]
    while stack:
        node, children = stack.pop()
        if children is None:
            known = cache.get((node.start_byte, node.end_byte)) if node.type in _TRY_PARTS else None
            if known is not None:  # an inner ``try``'s part, read before the outer one
                done.append(known)
                continue
            children = named(node)
            stack.append((node, children))
            stack.extend((child, None) for child in reversed(children))
            continue
        parts = done[len(done) - len(children) :] if children else []
        del done[len(done) - len(children) :]
        if node.type in LOOPS:
            once = _ONCE_BEFORE.get(node.type)
            skipped = (
                {p.start_byte for p in node.children_by_field_name(once)}
                if once is not None
                else set()
            )
            cache[(node.start_byte, node.end_byte)] = union(
                names
                for child, names in zip(children, parts, strict=True)
                if child.start_byte not in skipped
            )
        target = _target(node)
        own = (
            frozenset((file.text(target),))
            if target is not None and target.type == "identifier"
            else _NONE
        )
        done.append(union([own, *parts]))
        if node.type in _TRY_PARTS:
            cache[(node.start_byte, node.end_byte)] = done[-1]
    if key not in cache:  # not a loop: a ``try`` body, say
        cache[key] = done[-1]
    return cache[key]


_NONE: frozenset[str] = frozenset()

_TRY_PARTS = frozenset({"block", "catch_clause"})
"""What a ``try`` asks about (body, handler, finally): remembered whole, since nested ``try``
blocks are read innermost first; without it code nested N deep is walked N times."""


def union(sets: Iterable[frozenset[str]]) -> frozenset[str]:
    """The union of name sets, sharing the one set when only one has names (no copies up a
    deep chain of nodes)."""
    found = [names for names in sets if names]
    if not found:
        return _NONE
    if len(found) == 1:
        return found[0]
    return found[0].union(*found[1:])


def _target(node: Node) -> Node | None:
    """What a node assigns: an assignment's left side, an update's operand, a declared
    variable, an enhanced ``for``'s variable."""
    kind = node.type
    if kind == "assignment_expression":
        return field_of(node, "left")
    if kind == "update_expression":
        return next(iter(named(node)), None)
    if kind in ("variable_declarator", "enhanced_for_statement"):
        return field_of(node, "name")
    return None
