"""A workflow as C# can say it: what the C# parser reads back from what the C# emitter writes,
for a workflow read from any language.

C# has no ``with_retry`` helper, no ``race``/``allSettled`` combinators (``Task.WhenAny`` and
``Task.WhenAll`` stand in, without a name), and no loop-``else`` or try-``else``. (Labelled
jumps, and a Python ``break`` inside a ``match``, are ``goto``s the parser reads back.) An ``if``
whose only outcome is ``no`` (``a || Op()`` in the source) is written ``if (a) { } else { ... }``.
:func:`adapted` applies each of these to a model, so that a round trip through C# can be checked
exactly on everything else.
"""

from __future__ import annotations

from dataclasses import replace

from durable_viz.graph import Block, Kind, Node, Workflow
from durable_viz.parsers.base import prune, run_deep

__all__ = ["adapted"]

_KINDS = {
    Kind.WITH_RETRY: Kind.CHILD_CONTEXT,
    Kind.PROMISE_RACE: Kind.PROMISE_ANY,
    Kind.PROMISE_ALL_SETTLED: Kind.PROMISE_ALL,
}
_COMBINATORS = frozenset({Kind.PROMISE_ALL, Kind.PROMISE_ANY})


def adapted(workflow: Workflow) -> Workflow:
    """``workflow`` with each construct C# cannot say replaced by what the emitter writes."""
    return run_deep(lambda: replace(workflow, nodes=prune(_sequence(workflow.nodes))))


def _sequence(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    out: list[Node] = []
    for node in nodes:
        out.extend(_node(node))
    return tuple(out)


def _node(node: Node) -> list[Node]:
    kind = _KINDS.get(node.kind, node.kind)
    blocks = tuple(replace(b, nodes=_sequence(b.nodes)) for b in node.blocks)
    after: tuple[Node, ...] = ()
    if node.kind is Kind.LOOP:
        orelse = [b for b in blocks if b.role == "else"]
        blocks = tuple(b for b in blocks if b.role != "else")
        after = tuple(n for b in orelse for n in b.nodes)
    if node.kind is Kind.TRY:
        orelse = [b for b in blocks if b.role == "else"]
        blocks = tuple(
            replace(b, nodes=b.nodes + tuple(n for e in orelse for n in e.nodes))
            if b.role == "body"
            else b
            for b in blocks
            if b.role != "else"
        )
    if node.kind is Kind.CONDITION and [b.label for b in blocks] == ["no"]:
        blocks = (Block(role="outcome", label="yes"), *blocks)
        node = replace(node, fallthrough=None)
    changed = replace(node, kind=kind, blocks=blocks)
    if kind in _COMBINATORS:
        changed = replace(
            changed,
            name=None,
            dynamic=False,
            blocks=tuple(replace(b, label=_first_label(b)) for b in blocks),
        )
    return [changed, *after]


def _first_label(block: Block) -> str | None:
    return next((n.label for n in block.nodes if n.is_operation), None)
