"""What must match when one workflow is drawn from two sources: the cross-language oracle's
comparison (``signature``) and the round trip's (``workflow_signature``).

Labels are left out on purpose: a condition reads ``event["vip"]`` in one language and
``input.vip()`` in another, a loop header names a variable the writer chose, and a catch clause
names the error type each language has. What is compared is what the SDK records and how control
flows: kinds, operation names and their dynamic flags, invoke targets, where each node sits
(parent and block index), the names of parallel branches and map items, and the edges.
"""

from __future__ import annotations

from typing import Any

from durable_viz.edges import Graph, build_graph
from durable_viz.graph import Workflow

__all__ = ["describe", "pattern", "signature", "workflow_signature"]

_NAMED_BLOCKS = ("branch", "item")


def signature(graph: Graph, annotations: bool) -> dict[str, Any]:
    """What must match between languages for one workflow."""
    nodes = []
    for n in graph.nodes:
        node = n.node
        entry: tuple[Any, ...] = (
            n.id,
            n.kind.value,
            node.name if node is not None else None,
            node.dynamic if node is not None else False,
            node.target if node is not None else None,
            n.parent,
            n.block_index,
        )
        if node is not None:
            # The names of parallel branches and map items are names too (not condition labels).
            entry += (
                tuple((b.role, b.label, b.dynamic) for b in node.blocks if b.role in _NAMED_BLOCKS),
            )
            if annotations:
                entry += (node.annotations,)
        nodes.append(entry)
    edges = sorted((e.source, e.target, e.back, e.error) for e in graph.edges)
    return {"nodes": nodes, "edges": edges}


def workflow_signature(workflow: Workflow) -> dict[str, Any]:
    """What a workflow written as source and read back must keep.

    The cross-language signature, with the name of a branch or item built at run time compared
    as a pattern (``file-{}``, like an operation's name: the expression that fills it is written
    in each language's own syntax), plus every block's role (an ``else`` is not a ``finally``)
    and the loop, try and return flags (``while true``, do-while, a catch-all handler, a return
    that ends only its function).
    """
    graph = build_graph(workflow)
    base = signature(graph, annotations=False)
    nodes: list[tuple[Any, ...]] = []
    shapes: list[tuple[Any, ...]] = []
    for entry, n in zip(base["nodes"], graph.nodes, strict=True):
        node = n.node
        if node is None:
            nodes.append(entry)
            shapes.append((n.id,))
            continue
        named = tuple(
            (b.role, pattern(b.label) if b.dynamic else b.label, b.dynamic)
            for b in node.blocks
            if b.role in _NAMED_BLOCKS
        )
        nodes.append((*entry[:-1], named))
        shapes.append(
            (
                n.id,
                tuple(b.role for b in node.blocks),
                node.infinite,
                node.do_while,
                node.catch_all,
                node.scope,
            )
        )
    return {"nodes": nodes, "edges": base["edges"], "shapes": shapes}


def pattern(label: str | None) -> str | None:
    """A run-time name with each ``{expression}`` as ``{}``: ``file-{key.name}`` -> ``file-{}``.

    Braces nest (``{f(x)[{y}]}`` is one hole); an unbalanced label is kept as it is.
    """
    if label is None:
        return None
    out: list[str] = []
    depth = 0
    for char in label:
        if char == "{":
            if depth == 0:
                out.append("{}")
            depth += 1
        elif char == "}" and depth > 0:
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out) if depth == 0 else label


def describe(workflow: Workflow) -> str:
    """The workflow's tree as indented text, for failure messages."""
    lines: list[str] = [f"workflow {workflow.name}"]

    def add(nodes: tuple[Any, ...], depth: int) -> None:
        for node in nodes:
            flags = [
                flag
                for flag, on in (
                    ("dynamic", node.dynamic),
                    ("infinite", node.infinite),
                    ("do_while", node.do_while),
                    ("catch_all", node.catch_all),
                )
                if on
            ]
            extra = f" fallthrough={node.fallthrough}" if node.fallthrough else ""
            extra += f" target={node.target}" if node.target else ""
            extra += f" scope={node.scope}" if node.scope != "workflow" else ""
            extra += f" jump={node.jump_label}" if node.jump_label else ""
            lines.append(
                "  " * depth
                + f"{node.kind.value} {node.label!r} name={node.name!r}"
                + (f" [{', '.join(flags)}]" if flags else "")
                + extra
            )
            for block in node.blocks:
                dyn = " dynamic" if block.dynamic else ""
                lines.append("  " * (depth + 1) + f"<{block.role} {block.label!r}{dyn}>")
                add(block.nodes, depth + 2)

    add(workflow.nodes, 1)
    return "\n".join(lines)
