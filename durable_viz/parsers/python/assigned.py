"""The names Python code assigns: a loop's change from one iteration to the next, a ``try``
body's may or may not have changed in its handlers, and a nested function's (``nonlocal``)
change where it is called (see :mod:`durable_viz.parsers.paths`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from durable_viz.parsers.python.positions import iter_children, iter_preorder

if TYPE_CHECKING:
    from durable_viz.parsers.python.module import FunctionInfo

__all__ = ["assigned_in", "closure_changes", "loop_changes", "nonlocals"]


# Code that runs later, if at all, in a scope of its own: what it assigns is its own.
_OWN_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
_COMPREHENSION_TYPES = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def loop_changes(loop: cst.For | cst.While) -> frozenset[str]:
    """The names a loop assigns on each iteration: in its target, test and body (nested blocks
    included; not its ``else``, which runs once after it, nor a ``for``'s iterable, read once
    before it). Assignments, augmented ones, ``:=``, ``for``/``with``/``except`` targets and
    unpacking all count; functions, lambdas and classes defined in the loop assign their own
    names, and a comprehension's targets are its own (its ``:=`` is not)."""
    parts: list[cst.CSTNode] = (
        [loop.target, loop.body] if isinstance(loop, cst.For) else [loop.test, loop.body]
    )
    return assigned_in(parts)


def assigned_in(parts: list[cst.CSTNode]) -> frozenset[str]:
    """The names code assigns (see :func:`loop_changes`): a ``try`` body's, which its handlers
    may see changed or not."""
    names: set[str] = set()
    targets: list[cst.CSTNode] = []
    stack = list(parts)
    while stack:
        node = stack.pop()
        # Exact types, not isinstance: libcst's node classes are ABCs, whose isinstance checks
        # cost several times a dict lookup, and this walk sees every node of every loop body.
        role = _ROLES.get(type(node))
        if role == _OWN:
            continue
        if role == _ASSIGN:
            targets.extend(target.target for target in node.targets)  # type: ignore[attr-defined]
        elif role == _TARGET:
            targets.append(node.target)  # type: ignore[attr-defined]
        elif role == _AS_NAME:
            targets.append(node.name)  # type: ignore[attr-defined]
        if role == _COMPREHENSION:
            stack.extend(_comprehension_parts(node))  # type: ignore[arg-type]
        else:
            stack.extend(iter_children(node))
    while targets:
        target = targets.pop()
        if isinstance(target, cst.Name):
            names.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            targets.extend(element.value for element in target.elements)
        elif isinstance(target, cst.StarredElement):
            targets.append(target.value)
    return frozenset(names)


_OWN, _ASSIGN, _TARGET, _AS_NAME, _COMPREHENSION = range(5)
_ROLES: dict[type[cst.CSTNode], int] = {
    **dict.fromkeys(_OWN_SCOPES, _OWN),
    cst.Assign: _ASSIGN,
    **dict.fromkeys((cst.AugAssign, cst.AnnAssign, cst.NamedExpr, cst.For), _TARGET),
    cst.AsName: _AS_NAME,
    **dict.fromkeys(_COMPREHENSION_TYPES, _COMPREHENSION),
}


def nonlocals(function: cst.FunctionDef) -> frozenset[str]:
    """The names of the enclosing function a nested one assigns (``nonlocal name``)."""
    return frozenset(
        name.name.value
        for node in iter_preorder(function.body)
        if isinstance(node, cst.Nonlocal)
        for name in node.names
    )


def closure_changes(code: cst.CSTNode, functions: dict[str, FunctionInfo]) -> frozenset[str]:
    """The names that the nested functions ``code`` calls assign through ``nonlocal``: a loop
    calling one changes them from one iteration to the next."""
    changing = {name: found for name, f in functions.items() if (found := nonlocals(f.node))}
    if not changing:
        return frozenset()
    names: set[str] = set()
    for node in iter_preorder(code):
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
            names.update(changing.get(node.func.value, ()))
    return frozenset(names)


def _comprehension_parts(
    node: cst.ListComp | cst.SetComp | cst.DictComp | cst.GeneratorExp,
) -> list[cst.CSTNode]:
    """What a comprehension may assign in the enclosing scope through ``:=``: all but its
    ``for`` targets."""
    parts: list[cst.CSTNode] = (
        [node.key, node.value] if isinstance(node, cst.DictComp) else [node.elt]
    )
    clause: cst.CompFor | None = node.for_in
    while clause is not None:
        parts.append(clause.iter)
        parts.extend(clause.ifs)
        clause = clause.inner_for_in
    return parts
