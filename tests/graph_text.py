"""Reading a built graph as short texts, so edge assertions read like the diagram."""

from __future__ import annotations

from durable_viz.edges import Graph


def edge_texts(graph: Graph) -> set[str]:
    """Every edge as ``"source -> target [label] (back) (error)"``, by node label."""
    label = {n.id: n.label for n in graph.nodes}
    texts = set()
    for e in graph.edges:
        text = f"{label[e.source]} -> {label[e.target]}"
        text += f" [{e.label}]" if e.label is not None else ""
        text += " (back)" if e.back else ""
        text += " (error)" if e.error else ""
        texts.add(text)
    return texts
