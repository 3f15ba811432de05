"""The locals code assigns: a loop's change from one iteration to the next, a ``try`` body's may
or may not have changed in its handlers, a local function's or lambda's change where it is
called (see :mod:`durable_viz.parsers.paths`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from durable_viz.parsers.csharp.syntax import FUNCTION_NODES, named, text
from durable_viz.parsers.csharp.syntax import field as child

if TYPE_CHECKING:
    from tree_sitter import Node as SyntaxNode

    from durable_viz.parsers.csharp.scope import Scope

__all__ = [
    "assigned_names",
    "closure_assigns",
    "forget_assigned",
    "forget_summaries",
    "forget_values",
    "target_names",
]


def forget_assigned(loop: SyntaxNode, scope: Scope) -> set[str]:
    """Names a loop assigns or increments change from one iteration to the next: none of them
    holds the value it had before the loop (``attempt++`` at the end of the body included).
    Returns them."""
    assigned, called = _summary(loop)
    changed = set(assigned)
    for name in called:
        changed |= closure_assigns(name, scope)
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
    return set(_summary(code)[0])


_NONE: frozenset[str] = frozenset()
_Summary = tuple[frozenset[str], frozenset[str]]
_SUMMARIES: dict[SyntaxNode, _Summary] = {}
"""Summaries of the statements (and blocks, clauses, lambdas) walked so far. Nested loops and
``try`` blocks each ask about their code: without this, code nested N deep is walked N times
(a thousand nested loops took 15 s). Keys are tree-sitter nodes, equal only within one
tree (and keeping it alive, hence the bound, and :func:`forget_summaries` after each parse)."""
_SUMMARIES_LIMIT = 100_000


def forget_summaries() -> None:
    """Drop every summary (a parse is done with its trees)."""
    _SUMMARIES.clear()


def _summary(code: SyntaxNode) -> _Summary:
    """The locals assigned or incremented under ``code`` (not in the functions written in it)
    and the local names called under it (also in those functions): one walk, in post-order
    without recursion, that answers for every statement nested in ``code`` too."""
    done: list[_Summary] = []
    stack: list[tuple[SyntaxNode, list[SyntaxNode] | None]] = [(code, None)]
    while stack:
        node, children = stack.pop()
        if children is None:
            known = _SUMMARIES.get(node)
            if known is not None:
                done.append(known)
                continue
            children = named(node)
            stack.append((node, children))
            stack.extend((part, None) for part in reversed(children))
            continue
        parts = done[len(done) - len(children) :] if children else []
        del done[len(done) - len(children) :]
        assigned: list[frozenset[str]] = []
        called: list[frozenset[str]] = []
        for part, (below_assigned, below_called) in zip(children, parts, strict=True):
            assigned.append(_own_targets(part))
            if part.type not in FUNCTION_NODES:
                assigned.append(below_assigned)
            called.extend((_own_call(part), below_called))
        summary = (_union(assigned), _union(called))
        if node == code or node.type in _REMEMBERED or node.type.endswith("_statement"):
            if len(_SUMMARIES) >= _SUMMARIES_LIMIT:
                _SUMMARIES.clear()
            _SUMMARIES[node] = summary
        done.append(summary)
    return done[-1]


_REMEMBERED = FUNCTION_NODES | {"block", "catch_clause", "finally_clause"}


def _own_targets(node: SyntaxNode) -> frozenset[str]:
    """The locals one assignment or ``++``/``--`` stores into."""
    if node.type == "assignment_expression":
        left = child(node, "left")
        return frozenset(target_names(left)) if left is not None else _NONE
    if node.type in ("postfix_unary_expression", "prefix_unary_expression") and any(
        c.type in ("++", "--") for c in node.children
    ):
        return frozenset(name for t in named(node)[:1] for name in target_names(t))
    return _NONE


def _own_call(node: SyntaxNode) -> frozenset[str]:
    """The name a call of a local function or lambda held in a local calls (``f(x)``)."""
    if node.type == "invocation_expression":
        function = child(node, "function")
        if function is not None and function.type == "identifier":
            return frozenset((text(function),))
    return _NONE


def _union(sets: list[frozenset[str]]) -> frozenset[str]:
    """The union, sharing the one set when only one has names (no copies up a deep chain)."""
    found = [names for names in sets if names]
    if not found:
        return _NONE
    if len(found) == 1:
        return found[0]
    return found[0].union(*found[1:])


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
