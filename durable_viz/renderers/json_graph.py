"""The JSON renderer: the versioned, machine-readable contract.

The document is described by ``durable_viz/schema/workflow-graph.v1.json``; every field written here
is declared there. Output is byte-deterministic: keys are sorted, nodes keep the edge builder's
pre-order and edges its construction order, and nothing depends on memory addresses or the clock.
"""

from __future__ import annotations

import json
import re
from typing import Any

from durable_viz.edges import Edge, GraphNode
from durable_viz.graph import Block, Diagnostic, Kind, Node, Workflow
from durable_viz.render import Document, WorkflowView

__all__ = ["SCHEMA_VERSION", "render", "to_dict"]

SCHEMA_VERSION = 1
"""Bumped when a field is renamed or removed; adding a field keeps it."""

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

JsonObject = dict[str, Any]


def render(document: Document) -> str:
    """Render a document as the JSON contract, ending with a newline.

    Args:
        document: the files and workflows of one run.

    Returns:
        JSON with sorted keys, one node, edge or diagnostic per line; the same document always
        gives the same bytes.
    """
    text = "".join(_layout(to_dict(document), "")) + "\n"
    # A name resolved from an escape such as "\ud800" holds a lone surrogate, which no encoder
    # can write; JSON's own \u escape keeps the value and the output stays valid UTF-8.
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_INLINE = frozenset({"blocks"})
"""Keys whose lists of dicts stay on their node's line (a node is one record, blocks and all)."""


def _is_record(value: object) -> bool:
    """A dict holding no list of dicts (but a node's blocks): written on one line."""
    return isinstance(value, dict) and not any(
        isinstance(v, list) and any(isinstance(i, dict) for i in v)
        for k, v in value.items()
        if k not in _INLINE
    )


def _layout(value: object, indent: str) -> list[str]:
    """Pretty layout down to records, which the C encoder writes compactly on one line each.

    ``json.dumps(indent=...)`` falls back to the pure-Python encoder, several times slower on
    large workflows; this keeps the output readable and diff-friendly at the C encoder's speed.
    """
    if _is_record(value) or not isinstance(value, (dict, list)):
        return [json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))]
    inner = indent + "  "
    if isinstance(value, list):
        if not value:
            return ["[]"]
        parts = ["[\n"]
        for position, item in enumerate(value):
            parts.append(inner)
            parts.extend(_layout(item, inner))
            parts.append(",\n" if position < len(value) - 1 else "\n")
        parts.append(indent + "]")
        return parts
    parts = ["{\n"]
    keys = sorted(value)
    for position, key in enumerate(keys):
        parts.append(f"{inner}{json.dumps(key, ensure_ascii=False)}: ")
        parts.extend(_layout(value[key], inner))
        parts.append(",\n" if position < len(keys) - 1 else "\n")
    parts.append(indent + "}")
    return parts


def to_dict(document: Document) -> JsonObject:
    """The JSON document as plain Python data (what :func:`render` serialises).

    Args:
        document: the files and workflows of one run.

    Returns:
        A dict of dicts, lists, strings, numbers, booleans and ``None``.
    """
    return {
        "schema_version": SCHEMA_VERSION,
        "file": document.path,
        "language": document.language,
        "direction": document.direction,
        "workflows": [_workflow(view) for view in document.views],
        "diagnostics": [_diagnostic(d) for d in document.diagnostics],
    }


def _workflow(view: WorkflowView) -> JsonObject:
    tree = _Tree(view.workflow)
    data: JsonObject = {
        "name": view.workflow.name,
        "title": view.title,
        "file": view.file.path,
        "language": view.file.language,
        "line": view.workflow.line,
        "nodes": [_node(node, tree) for node in view.graph.nodes],
        "edges": [_edge(edge) for edge in view.graph.edges],
    }
    if tree.top_hidden:
        data["sequence"] = tree.top
    return data


_UNDRAWN = frozenset({Kind.BREAK, Kind.CONTINUE, Kind.SCOPE})


class _Tree:
    """The block tree as the document states it, so that a reader can rebuild the workflow.

    Each drawn node with blocks gets the list of its blocks (role, label, dynamic); a block holding
    a node that is not drawn (``break``, ``continue``, a ``scope``) also lists its entries in
    order: the ids of drawn nodes and the undrawn nodes themselves. Ids are numbered as the edge
    builder numbers them: drawn nodes in pre-order, undrawn ones skipped but their blocks walked.
    """

    def __init__(self, workflow: Workflow) -> None:
        self.count = 0
        self.blocks: dict[str, list[JsonObject]] = {}
        self.top_hidden = False
        self.top, self.top_hidden = self._entries(workflow.nodes)

    def _entries(self, nodes: tuple[Node, ...]) -> tuple[list[str | JsonObject], bool]:
        entries: list[str | JsonObject] = []
        hidden = False
        for node in nodes:
            if node.kind in _UNDRAWN:
                hidden = True
                entry: JsonObject = {"kind": node.kind.value, "label": node.label}
                if node.jump_label is not None:
                    entry["jump_label"] = node.jump_label
                if node.kind is Kind.SCOPE:
                    # Its nodes name the scope's own parent: only this list says they are its.
                    entry["blocks"] = [self._block(block, listed=True) for block in node.blocks]
                entries.append(entry)
                continue
            self.count += 1
            node_id = f"n{self.count}"
            entries.append(node_id)
            if node.blocks:
                self.blocks[node_id] = [self._block(block) for block in node.blocks]
        return entries, hidden

    def _block(self, block: Block, listed: bool = False) -> JsonObject:
        entries, hidden = self._entries(block.nodes)
        data: JsonObject = {"role": block.role, "label": block.label}
        if block.dynamic:
            data["dynamic"] = True
        if hidden or listed:
            data["nodes"] = entries
        return data


def _node(graph_node: GraphNode, tree: _Tree) -> JsonObject:
    data: JsonObject = {
        "id": graph_node.id,
        "kind": graph_node.kind.value,
        "label": graph_node.label,
        "parent": graph_node.parent,
    }
    if graph_node.parent is not None:
        data["block"] = graph_node.block
        data["block_index"] = graph_node.block_index
    node = graph_node.node
    if node is None:
        return data
    data["line"] = node.line
    data["column"] = node.column
    if node.is_operation:
        data["name"] = node.name
        data["dynamic"] = node.dynamic
    if node.config:
        data["config"] = {str(key): str(value) for key, value in node.config.items()}
    if node.annotations:
        data["annotations"] = list(node.annotations)
    if node.target:
        data["target"] = node.target
    if node.via is not None:
        data["via"] = {"name": node.via.name, "line": node.via.line}
    if node.file is not None:
        data["file"] = node.file
    if node.kind is Kind.LOOP:
        if node.infinite:
            data["infinite"] = True
        if node.do_while:
            data["do_while"] = True
    if node.kind is Kind.TRY and node.catch_all:
        data["catch_all"] = True
    if node.kind is Kind.RETURN and node.scope == "function":
        data["scope"] = "function"
    blocks = tree.blocks.get(graph_node.id)
    if blocks is not None:
        data["blocks"] = blocks
    if node.fallthrough is not None:
        data["fallthrough"] = node.fallthrough
    if node.jump_label is not None:
        data["jump_label"] = node.jump_label
    return data


def _edge(edge: Edge) -> JsonObject:
    data: JsonObject = {"from": edge.source, "to": edge.target, "label": edge.label}
    if edge.back:
        data["back"] = True
    if edge.error:
        data["error"] = True
    return data


def _diagnostic(diagnostic: Diagnostic) -> JsonObject:
    data: JsonObject = {
        "severity": diagnostic.severity.value,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "line": diagnostic.line,
        "column": diagnostic.column,
    }
    if diagnostic.file is not None:
        data["file"] = diagnostic.file
    return data
