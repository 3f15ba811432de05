"""What a loop changes from one iteration to the next: the names it assigns.

Inside a loop (its test, update clause and body, nested blocks and the helpers it calls
included) such a name holds no value the source shows: ``for (let i = 0; i < 3; i++)`` names
``attempt-${i}`` differently every time, and so does a counter the body increments. After the
loop it may hold any iteration's value (or, the loop not running, the one before it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from durable_viz.parsers.typescript.module import text
from durable_viz.parsers.typescript.patterns import pattern_names
from durable_viz.parsers.typescript.syntax import field, kids

if TYPE_CHECKING:
    from tree_sitter import Node

    from durable_viz.parsers.typescript.values import Scope

__all__ = ["assigned_by", "changed_in", "enter_loop"]

LOOPS = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})

_ONCE_BEFORE = {"for_statement": "initializer", "for_in_statement": "right"}
"""The part of a loop that runs once, before it: what it assigns is not changed by the loop."""


def enter_loop(loop: Node, scope: Scope) -> frozenset[str]:
    """The names ``loop`` changes, forgotten in ``scope`` for the loop (call once its part that
    runs before it is read); the caller forgets them again after the loop."""
    changed = changed_in(loop, scope.module.loop_changes) | _closures_called(loop, scope)
    scope.unsettle(changed)
    return changed


def assigned_by(function: Node) -> frozenset[str]:
    """The names a function assigns (``=``, ``+=``, ``++``): a closure assigns the enclosing
    function's ``let`` that way (its own locals count too, which only makes names unknown)."""
    names: set[str] = set()
    stack = [function]
    while stack:
        node = stack.pop()
        if node.type in ("assignment_expression", "augmented_assignment_expression"):
            target = field(node, "left")
        elif node.type == "update_expression":
            target = field(node, "argument")
        else:
            target = None
        if target is not None:
            names.update(pattern_names(target))
        stack.extend(kids(node))
    return frozenset(names)


def _closures_called(loop: Node, scope: Scope) -> frozenset[str]:
    """The names the functions declared in the enclosing code that ``loop`` calls assign: they
    change from one iteration to the next too."""
    changing = {
        name: found for name, f in scope.functions.items() if (found := assigned_by(f.node))
    }
    if not changing:
        return _NONE
    names: set[str] = set()
    stack = [loop]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            callee = field(node, "function")
            if callee is not None and callee.type == "identifier":
                names.update(changing.get(text(callee), ()))
        stack.extend(kids(node))
    return frozenset(names)


def changed_in(loop: Node, cache: dict[tuple[int, int], frozenset[str]]) -> frozenset[str]:
    """The names ``loop`` assigns each iteration (assignments, ``+=``, ``++``/``--``,
    destructuring, declarations, a ``for...of``/``for...in`` target), also in functions written
    inside it, which may run in it.

    One walk of the outermost loop answers for every loop nested in it (``cache``, by byte
    range), so that deeply nested loops cost a walk of the code once, not once per level.
    """
    key = (loop.start_byte, loop.end_byte)
    found = cache.get(key)
    if found is not None:
        return found
    # Post-order, without recursion: each node's names are its own targets' and its children's.
    done: list[frozenset[str]] = []
    stack: list[tuple[Node, list[Node] | None]] = [(loop, None)]
    while stack:
        node, children = stack.pop()
        if children is None:
            known = cache.get((node.start_byte, node.end_byte)) if node.type in _TRY_PARTS else None
            if known is not None:  # an inner ``try``'s part, read before the outer one
                done.append(known)
                continue
            children = kids(node)
            stack.append((node, children))
            stack.extend((child, None) for child in reversed(children))
            continue
        parts = done[len(done) - len(children) :] if children else []
        del done[len(done) - len(children) :]
        if node.type in LOOPS:
            once = _ONCE_BEFORE.get(node.type)
            skipped = field(node, once) if once is not None else None
            cache[(node.start_byte, node.end_byte)] = union(
                names
                for child, names in zip(children, parts, strict=True)
                if skipped is None or child.start_byte != skipped.start_byte
            )
        target = _target(node)
        own = frozenset(pattern_names(target)) if target is not None else _NONE
        done.append(union([own, *parts]))
        if node.type in _TRY_PARTS:
            cache[(node.start_byte, node.end_byte)] = done[-1]
    if key not in cache:  # not a loop: a ``try`` body, say
        cache[key] = done[-1]
    return cache[key]


_NONE: frozenset[str] = frozenset()

_TRY_PARTS = frozenset({"statement_block", "catch_clause"})
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
    """What a node assigns: an assignment's left side, an update's operand, a declared pattern,
    a ``for...of``/``for...in`` target."""
    kind = node.type
    if kind in ("assignment_expression", "augmented_assignment_expression"):
        return field(node, "left")
    if kind == "update_expression":
        return field(node, "argument")
    if kind == "variable_declarator":
        return field(node, "name")
    if kind == "for_in_statement":
        return field(node, "left")
    return None
