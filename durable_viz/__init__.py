"""durable-viz: draw the workflow of an AWS Lambda durable-function handler from its source.

The analysed code is never imported or run. The public API::

    from durable_viz import load, render
    document = load("examples/python/order_processor.py")
    print(render(document, "mermaid"))
"""

from __future__ import annotations

from durable_viz.api import load, parse_file, parse_source, render
from durable_viz.edges import Edge, Graph, GraphNode, build_graph
from durable_viz.errors import DurableVizError
from durable_viz.graph import Block, Diagnostic, Kind, Node, ParseResult, Workflow
from durable_viz.render import Document

__version__ = "0.1.0"

__all__ = [
    "Block",
    "Diagnostic",
    "Document",
    "DurableVizError",
    "Edge",
    "Graph",
    "GraphNode",
    "Kind",
    "Node",
    "ParseResult",
    "Workflow",
    "__version__",
    "build_graph",
    "load",
    "parse_file",
    "parse_source",
    "render",
]
