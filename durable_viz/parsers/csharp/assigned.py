"""The locals code assigns: a loop's change from one iteration to the next, a ``try`` body's may
or may not have changed in its handlers, a local function's or lambda's change where it is
called (see :mod:`durable_viz.parsers.paths`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from durable_viz.parsers.csharp.syntax import FUNCTION_NODES, descendants, named, text
from durable_viz.parsers.csharp.syntax import field as child

if TYPE_CHECKING:
    from tree_sitter import Node as SyntaxNode

    from durable_viz.parsers.csharp.scope import Scope

__all__ = ["assigned_names", "closure_assigns", "forget_assigned", "forget_values", "target_names"]


def forget_assigned(loop: SyntaxNode, scope: Scope) -> set[str]:
    """Names a loop assigns or increments change from one iteration to the next: none of them
    holds the value it had before the loop (``attempt++`` at the end of the body included).
    Returns them."""
    changed = assigned_names(loop)
    for node in descendants(loop):
        if node.type == "invocation_expression":
            function = child(node, "function")
            if function is not None and function.type == "identifier":
                changed |= closure_assigns(text(function), scope)
    if changed:
        # Names bound before the loop keep what they meant then (``var label = $"try-{n}"``
        # before a loop that changes ``n``): their expressions are read in a copy of the scope
        # as it was.
        frozen = scope.child()
        frozen.origin = scope
        for values in (frozen.values, scope.values):
            for key, bound in values.items():
                if isinstance(bound, tuple) and bound[1] is scope:
                    values[key] = (bound[0], frozen)
    for name in changed:
        scope.forget(name)
    return changed


def closure_assigns(name: str, scope: Scope) -> set[str]:
    """The locals a local function or a lambda held in a local, called by ``name``, assigns
    (its own among them, which only makes names unknown)."""
    function = scope.functions.get(name)
    if function is not None:
        return assigned_names(function.node)
    bound = scope.values.get(name)
    if isinstance(bound, tuple) and bound[0].type in FUNCTION_NODES:
        return assigned_names(bound[0])
    return set()


def assigned_names(code: SyntaxNode) -> set[str]:
    """The locals code assigns or increments (not in the functions written in it)."""
    changed: set[str] = set()
    for node in descendants(code, stop=FUNCTION_NODES):
        targets: list[SyntaxNode] = []
        if node.type == "assignment_expression":
            left = child(node, "left")
            targets = [left] if left is not None else []
        elif node.type in ("postfix_unary_expression", "prefix_unary_expression") and any(
            c.type in ("++", "--") for c in node.children
        ):
            targets = named(node)[:1]
        for target in targets:
            changed.update(target_names(target))
    return changed


def forget_values(names: set[str], scope: Scope) -> None:
    """What ``names`` were bound to is unknown again (a context or a task they hold is left to
    the code that rebinds them)."""
    for name in names:
        scope.values.pop(name, None)
    scope.unknown.update(names)


def target_names(target: SyntaxNode) -> list[str]:
    """The locals an assignment's left side stores into: ``x``, or each of a deconstruction's
    (``(a, b) = (b, a)``, ``(k, var v) = ...``, nested); none for ``obj.field`` or ``xs[i]``."""
    names: list[str] = []
    stack = [target]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            names.append(text(current))
        elif current.type in ("tuple_expression", "argument"):
            stack.extend(named(current))
        elif current.type == "declaration_expression":
            name = child(current, "name")
            stack.extend([name] if name is not None else [])
    return names
