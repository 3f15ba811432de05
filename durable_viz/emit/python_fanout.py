"""Pure helpers for the fan-out operations: reading a choice between two names, naming a
branch's function, reading an item namer's parameters, and folding the written-out items of a
map into one body over its item."""

from __future__ import annotations

from dataclasses import replace

from durable_viz.emit.python_values import is_identifier
from durable_viz.graph import Block, Node

__all__ = ["branch_words", "choice_of", "namer_params", "template"]


def choice_of(label: str | None) -> tuple[str | None, str | None] | None:
    """``{a | b}``: a name or target chosen between two texts (None: not that shape)."""
    if label is None or not (label.startswith("{") and label.endswith("}")):
        return None
    inner = label[1:-1]
    if "{" in inner or "}" in inner:
        return None
    parts = inner.split(" | ")
    if len(parts) != 2:
        return None
    first, second = (None if p == "None" else p for p in parts)
    return first, second


def branch_words(block: Block, default: bool) -> str:
    if not default and block.label:
        return block.label.replace("{", " ").replace("}", " ")
    for node in block.nodes:
        if node.is_operation:
            return (node.name or node.label).replace("{}", " ")
    return "branch"


def namer_params(text: str | None) -> tuple[str, str]:
    """The item and index parameter names of an item namer, as the original wrote them
    (``lambda key, i: ...``, ``(key, i) => ...``, ``region -> ...``); ``item``, ``index``."""
    found: list[str] = []
    if text:
        body = text.strip()
        if body.startswith("lambda"):
            head = body[len("lambda") :].split(":", 1)[0]
        elif body.startswith("("):
            head = body[1 : body.find(")")] if ")" in body else ""
        else:
            head = body.split("=>")[0].split("->")[0]
        for part in head.split(","):
            words = part.split(":")[0].split()
            if words and is_identifier(words[-1]):
                found.append(words[-1])
    item = found[0] if found else "item"
    index = found[1] if len(found) > 1 and found[1] != item else "index"
    return item, index


def template(
    labels: list[str], bodies: list[tuple[Node, ...]], item: str
) -> tuple[list[str], str, str, tuple[Node, ...]] | None:
    """One item body standing for several: the items' values, the namer's text around the
    value, and the body with names that differ by item written over ``item``. None when the
    bodies differ otherwise."""
    if len(labels) == 1:
        return labels, "", "", bodies[0]
    prefix = _common_prefix(labels)
    rest = [label[len(prefix) :] for label in labels]
    suffix = _common_prefix([r[::-1] for r in rest])[::-1]
    values = [r[: len(r) - len(suffix)] for r in rest]
    merged = _merge(list(bodies), values, item)
    if merged is None:
        return None
    return values, prefix, suffix, merged


def _common_prefix(texts: list[str]) -> str:
    first = min(texts, default="")
    last = max(texts, default="")
    size = 0
    while size < len(first) and first[size] == last[size]:
        size += 1
    return first[:size]


def _merge(bodies: list[tuple[Node, ...]], values: list[str], item: str) -> tuple[Node, ...] | None:
    if len({len(body) for body in bodies}) != 1:
        return None
    merged: list[Node] = []
    for nodes in zip(*bodies, strict=True):
        first = nodes[0]
        if any(
            n.kind is not first.kind
            or n.dynamic != first.dynamic
            or len(n.blocks) != len(first.blocks)
            or [(b.role, b.label) for b in n.blocks] != [(b.role, b.label) for b in first.blocks]
            for n in nodes
        ):
            return None
        node = first
        names = [n.name for n in nodes]
        if len(set(names)) > 1:
            if any(name is None for name in names) or first.dynamic:
                return None
            pattern = _around([n or "" for n in names], values)
            if pattern is None:
                return None
            before, after = pattern
            node = replace(
                first, name=f"{before}{{}}{after}", label=f"{before}{{{item}}}{after}", dynamic=True
            )
        blocks: list[Block] = []
        for position, block in enumerate(first.blocks):
            inner = _merge([n.blocks[position].nodes for n in nodes], values, item)
            if inner is None:
                return None
            blocks.append(replace(block, nodes=inner))
        merged.append(replace(node, blocks=tuple(blocks)))
    return tuple(merged)


def _around(names: list[str], values: list[str]) -> tuple[str, str] | None:
    """The texts before and after each item's value in its name, the same for every item."""
    first, value = names[0], values[0]
    if not value:
        return None
    start = first.find(value)
    while start >= 0:
        before, after = first[:start], first[start + len(value) :]
        if all(n == f"{before}{v}{after}" for n, v in zip(names, values, strict=True)):
            return before, after
        start = first.find(value, start + 1)
    return None
