"""What the C# emitter reads off a model's shape before writing: the entries a map over a
written-out collection ran over (from its items' names), and the operations a later combinator
joins (written as tasks first, ``Task.WhenAll`` after)."""

from __future__ import annotations

from dataclasses import replace

from durable_viz.graph import Block, Kind, Node

__all__ = ["COMBINATORS", "entries", "generalized", "joined_tasks"]


def entries(items: list[Block]) -> tuple[str, list[str], str] | None:
    """The entries a map over a written-out collection ran over, from its items' labels: the
    text the labels share before and after, and what differs (``region-us``, ``region-eu``:
    ``region-`` and ``us``, ``eu``)."""
    labels = [b.label or "" for b in items]
    if len(labels) < 2:
        return ("", labels, "")
    prefix = labels[0]
    for label in labels[1:]:
        while not label.startswith(prefix):
            prefix = prefix[:-1]
    suffix = labels[0][len(prefix) :]
    for label in labels[1:]:
        while not label[len(prefix) :].endswith(suffix):
            suffix = suffix[1:]
    entries = [label[len(prefix) : len(label) - len(suffix)] for label in labels]
    if not all(entries) or len(set(entries)) < len(entries):
        return ("", labels, "")
    return prefix, entries, suffix


def generalized(
    bodies: list[tuple[Node, ...]], entries: list[str], variable: str
) -> tuple[Node, ...] | None:
    """One body for every item: the first item's, with each name that holds the item's entry
    written over ``variable``; ``None`` when the items differ otherwise."""
    first = bodies[0]
    if any(len(b) != len(first) for b in bodies):
        return None
    out: list[Node] = []
    for position, node in enumerate(first):
        others = [b[position] for b in bodies]
        if any(o.kind is not node.kind or len(o.blocks) != len(node.blocks) for o in others):
            return None
        blocks: list[Block] = []
        for index, block in enumerate(node.blocks):
            inner = generalized([o.blocks[index].nodes for o in others], entries, variable)
            if inner is None:
                return None
            blocks.append(replace(block, nodes=inner))
        names = [o.name for o in others]
        if len(set(names)) > 1:
            pattern = _shared_pattern(names, entries)
            if pattern is None:
                return None
            before, after = pattern
            out.append(
                replace(
                    node,
                    name=f"{before}{{}}{after}",
                    label=f"{before}{{{variable}}}{after}",
                    dynamic=True,
                    blocks=tuple(blocks),
                )
            )
            continue
        out.append(replace(node, blocks=tuple(blocks)))
    return tuple(out)


def _shared_pattern(names: list[str | None], entries: list[str]) -> tuple[str, str] | None:
    """``(before, after)`` when each name is ``before + entry + after``."""
    first = names[0]
    if first is None or entries[0] not in first:
        return None
    at = first.index(entries[0])
    before, after = first[:at], first[at + len(entries[0]) :]
    if all(n == f"{before}{e}{after}" for n, e in zip(names, entries, strict=True)):
        return before, after
    return None


COMBINATORS = frozenset(
    {Kind.PROMISE_ALL, Kind.PROMISE_ANY, Kind.PROMISE_RACE, Kind.PROMISE_ALL_SETTLED}
)
_LISTS = ("combines ", "any of ", "all of ")


def joined_tasks(nodes: tuple[Node, ...]) -> dict[int, int]:
    """Operations a later combinator with no branches joins, by their index in ``nodes``, with
    the index of the combinator: the source created their tasks first and joined them after.

    The combinator's annotation lists what it combines (operation labels or the variables that
    held the tasks); labels are matched first, else the nearest operations before it."""
    joined: dict[int, int] = {}
    for position, node in enumerate(nodes):
        if node.kind not in COMBINATORS or node.blocks:
            continue
        listed: list[str] = []
        for note in node.annotations:
            for prefix in _LISTS:
                if note.startswith(prefix):
                    listed = [part.strip() for part in note[len(prefix) :].split(",")]
        candidates = [
            i
            for i in range(position - 1, -1, -1)
            if nodes[i].kind in _TASK_KINDS and i not in joined
        ]
        chosen = [i for i in candidates if nodes[i].label in listed][: len(listed)]
        if len(chosen) < len(listed):
            chosen = candidates[: len(listed)]
        for index in chosen:
            joined[index] = position
    return joined


_TASK_KINDS = frozenset({Kind.STEP, Kind.WAIT, Kind.INVOKE, Kind.WAIT_FOR_CONDITION})
