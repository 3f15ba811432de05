"""A JSON graph document (``durable-viz --format json``) read back into :class:`Workflow` trees.

The document lists each workflow's nodes flat, each naming its ``parent`` and the
``block_index`` of the parent's block it sits in, and each node with blocks lists them (role,
label, dynamic; and, when a block holds nodes that are not drawn, such as ``break``, all its
entries in order). That is the whole tree: reading it back and building the graph gives the same
nodes and edges as parsing the source did.

Documents written before the ``blocks`` field existed (same schema version) are read too: the
blocks are then inferred from the children's ``block`` labels and the kinds (an ``if`` whose only
outcome is ``yes`` falls through on ``no``), and ``break``/``continue`` are not known.

Every problem is one :class:`~durable_viz.errors.InputError` naming the file: not JSON (with
line and column), not a graph document (the first schema violation, checked without
``jsonschema``), an unknown ``schema_version``, a parent that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from durable_viz.emit.schema_check import first_error
from durable_viz.errors import InputError
from durable_viz.graph import Block, Kind, Node, Via, Workflow
from durable_viz.parsers.base import run_deep

__all__ = ["SUPPORTED_VERSION", "read_document"]

SUPPORTED_VERSION = 1
"""The ``schema_version`` this reader understands."""

_TERMINALS = frozenset({"start", "end"})

_INFERRED_ROLES: dict[str, str] = {
    "condition": "outcome",
    "loop": "body",
    "map": "item",
    "parallel": "branch",
    "promise_all": "branch",
    "promise_any": "branch",
    "promise_race": "branch",
    "promise_all_settled": "branch",
}
"""The role of every block of a kind, for documents that do not state roles."""

_TRY_ROLES = {"try": "body", "finally": "finally", "else": "else"}


def read_document(text: str, shown: str) -> list[Workflow]:
    """Every workflow of a graph document, in document order.

    Args:
        text: the document's text.
        shown: the file name to put in errors (``<stdin>`` for standard input).

    Raises:
        InputError: the text is not a graph document this version reads.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"not JSON: {error.msg}", path=shown, line=error.lineno, column=error.colno
        ) from None
    except RecursionError:
        raise InputError("not a durable-viz graph document: nested too deep", path=shown) from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise InputError(
            "not a durable-viz graph document (write one with durable-viz FILE --format json)",
            path=shown,
        )
    version = data["schema_version"]
    if version != SUPPORTED_VERSION or isinstance(version, bool):
        raise InputError(
            f"unknown schema_version {json.dumps(version)}; this durable-viz reads version "
            f"{SUPPORTED_VERSION}",
            path=shown,
        )
    from durable_viz.schema import load_schema

    problem = run_deep(lambda: first_error(data, load_schema()))
    if problem is not None:
        raise InputError(f"not a durable-viz graph document: {problem}", path=shown)
    try:
        return run_deep(lambda: [_Reader(w).workflow() for w in data["workflows"]])
    except _Broken as error:
        raise InputError(f"not a consistent graph document: {error}", path=shown) from None


class _Broken(Exception):
    """The document fits the schema but its tree does not hold together."""


class _Reader:
    """One workflow of a schema-valid document rebuilt as a tree; raises :class:`_Broken` when a
    parent does not exist, a node sits in no block or in two, or a block index is out of range."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.name = str(data["name"])
        self.nodes: dict[str, Mapping[str, Any]] = {}
        self.children: dict[tuple[str, int], list[str]] = {}
        self.top: list[str] = []
        self.used: set[str] = set()
        for node in data["nodes"]:
            if node["kind"] in _TERMINALS:
                continue
            node_id = node["id"]
            if node_id in self.nodes:
                raise _Broken(f"workflow {self.name!r}: two nodes have the id {node_id}")
            self.nodes[node_id] = node
        for node_id, node in self.nodes.items():
            parent = node["parent"]
            if parent is None:
                self.top.append(node_id)
            elif parent not in self.nodes:
                raise _Broken(
                    f"workflow {self.name!r}: node {node_id} names parent {parent}, "
                    "which does not exist"
                )
            else:
                self.children.setdefault((parent, node["block_index"]), []).append(node_id)

    def workflow(self) -> Workflow:
        line = int(self.data["line"])
        entries = self.data.get("sequence", self.top)
        nodes = self._sequence(entries, owner=None, index=None, line=line, column=1)
        unused = sorted(set(self.nodes) - self.used, key=lambda i: int(i[1:]))
        if unused:
            raise _Broken(f"workflow {self.name!r}: node {unused[0]} sits in no block")
        return Workflow(name=self.name, line=line, nodes=nodes, file=self.data.get("file"))

    # -- sequences -------------------------------------------------------------------------------

    def _sequence(
        self, entries: list[Any], owner: str | None, index: int | None, line: int, column: int
    ) -> tuple[Node, ...]:
        nodes: list[Node] = []
        for entry in entries:
            if isinstance(entry, dict):
                nodes.append(self._undrawn(entry, owner, index, line, column))
                continue
            node = self.nodes.get(entry)
            if node is None:
                raise _Broken(f"workflow {self.name!r}: no node has the id {entry}")
            if node["parent"] != owner or node.get("block_index") != index:
                raise _Broken(
                    f"workflow {self.name!r}: node {entry} is listed where its parent and "
                    "block_index do not place it"
                )
            if entry in self.used:
                raise _Broken(f"workflow {self.name!r}: node {entry} is listed twice")
            self.used.add(entry)
            nodes.append(self._node(entry, node))
        return tuple(nodes)

    def _undrawn(
        self,
        entry: Mapping[str, Any],
        owner: str | None,
        index: int | None,
        line: int,
        column: int,
    ) -> Node:
        """A break, continue or scope: placed at its owner's line (the document has none).

        A scope is transparent: the nodes of its blocks name the scope's own parent and block.
        """
        blocks = tuple(
            Block(
                role=description["role"],
                label=description["label"],
                dynamic=bool(description.get("dynamic", False)),
                nodes=self._sequence(description.get("nodes", []), owner, index, line, column),
            )
            for description in entry.get("blocks", ())
        )
        return Node(
            kind=Kind(entry["kind"]),
            label=entry["label"],
            line=line,
            column=column,
            blocks=blocks,
            jump_label=entry.get("jump_label"),
        )

    def _block(
        self,
        description: Mapping[str, Any],
        owner: str | None,
        index: int | None,
        line: int,
        column: int,
    ) -> Block:
        if "nodes" in description:
            entries = description["nodes"]
        else:
            entries = self.children.get((owner or "", index or 0), [])
        return Block(
            role=description["role"],
            label=description["label"],
            dynamic=bool(description.get("dynamic", False)),
            nodes=self._sequence(entries, owner, index, line, column),
        )

    # -- nodes -----------------------------------------------------------------------------------

    def _node(self, node_id: str, node: Mapping[str, Any]) -> Node:
        line, column = int(node["line"]), int(node["column"])
        descriptions = node.get("blocks")
        if descriptions is None:
            descriptions = self._inferred_blocks(node_id, node)
        used_indexes = {i for (parent, i) in self.children if parent == node_id}
        if used_indexes and max(used_indexes) >= len(descriptions):
            raise _Broken(
                f"workflow {self.name!r}: a node names block {max(used_indexes)} of {node_id}, "
                f"which has {len(descriptions)}"
            )
        blocks = tuple(self._block(d, node_id, i, line, column) for i, d in enumerate(descriptions))
        via = node.get("via")
        fallthrough = node.get("fallthrough")
        if "blocks" not in node and node["kind"] == "condition":
            labels = [b.label for b in blocks]
            fallthrough = "no" if labels == ["yes"] else None
        return Node(
            kind=Kind(node["kind"]),
            label=node["label"],
            line=line,
            column=column,
            name=node.get("name"),
            dynamic=bool(node.get("dynamic", False)),
            blocks=blocks,
            config=dict(node.get("config", {})),
            annotations=tuple(node.get("annotations", ())),
            target=node.get("target"),
            via=Via(via["name"], int(via["line"])) if via is not None else None,
            fallthrough=fallthrough,
            infinite=bool(node.get("infinite", False)),
            do_while=bool(node.get("do_while", False)),
            catch_all=bool(node.get("catch_all", False)),
            scope=node.get("scope", "workflow"),
            file=node.get("file"),
            jump_label=node.get("jump_label"),
        )

    def _inferred_blocks(self, node_id: str, node: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Blocks of a node in a document that does not list them: one per block index its
        children use, labelled as they say, with the role the kind implies."""
        labels: dict[int, str] = {}
        for (parent, index), ids in self.children.items():
            if parent == node_id:
                labels[index] = self.nodes[ids[0]]["block"]
        if not labels:
            return []
        kind = node["kind"]
        descriptions: list[dict[str, Any]] = []
        for index in range(max(labels) + 1):
            label = labels.get(index)
            if kind == "try":
                role = _TRY_ROLES.get(label or "", "handler")
            else:
                role = _INFERRED_ROLES.get(kind, "body")
            dynamic = kind == "map" and label is not None and "{" in label
            descriptions.append(
                {"role": role, "label": label, **({"dynamic": True} if dynamic else {})}
            )
        return descriptions
