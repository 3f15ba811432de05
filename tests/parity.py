"""Comparing a Python example with its port to another language.

A port draws the same workflow when, handler by handler, the nodes have the same ids, kinds,
names and dynamic flags, sit in the same block of the same parent, and the edges join the same
ids with the same back/error flags. Labels are left out: a condition reads ``order.total > 100``
in one language and ``order.total > 100m`` in another, and a catch clause may name no error type
at all.

Ports are found by a normalised stem: ``order_processor.py``, ``orderProcessor.ts``,
``OrderProcessor.java`` and ``OrderProcessor.cs`` are the same example.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from durable_viz import load, render

ROOT = Path(__file__).resolve().parent.parent
PYTHON_EXAMPLES = ROOT / "examples" / "python"


def normalised(stem: str) -> str:
    """The language-neutral name of an example: lower case, no separators."""
    return "".join(c for c in stem.lower() if c.isalnum())


def ports(folder: Path, patterns: tuple[str, ...]) -> list[tuple[Path, Path]]:
    """(Python example, port) pairs: every file in ``folder`` named like a Python example."""
    python = {normalised(p.stem): p for p in PYTHON_EXAMPLES.glob("*.py")}
    found = sorted({p for pattern in patterns for p in folder.glob(pattern)})
    return [(python[normalised(p.stem)], p) for p in found if normalised(p.stem) in python]


def graph_of(path: Path) -> list[dict[str, Any]]:
    """The JSON workflows the library draws for one file."""
    document: dict[str, Any] = json.loads(render(load(path), "json"))
    workflows: list[dict[str, Any]] = document["workflows"]
    return workflows


def signature(workflow: dict[str, Any]) -> dict[str, Any]:
    """What must match between a workflow and its port."""
    return {
        "nodes": [
            (
                n["id"],
                n["kind"],
                n.get("name"),
                n.get("dynamic", False),
                n.get("parent"),
                n.get("block_index"),
            )
            for n in workflow["nodes"]
        ],
        "edges": [
            (e["from"], e["to"], e.get("back", False), e.get("error", False))
            for e in workflow["edges"]
        ],
    }


def differences(python: Path, port: Path) -> list[str]:
    """Where the port's graph differs from the Python example's (empty when they match)."""
    ours = [signature(w) for w in graph_of(python)]
    theirs = [signature(w) for w in graph_of(port)]
    if len(ours) != len(theirs):
        return [f"{python.name} has {len(ours)} handlers, {port.name} has {len(theirs)}"]
    found = []
    for index, (a, b) in enumerate(zip(ours, theirs, strict=True), start=1):
        for part in ("nodes", "edges"):
            if a[part] != b[part]:
                only_a = [x for x in a[part] if x not in b[part]]
                only_b = [x for x in b[part] if x not in a[part]]
                found.append(
                    f"handler {index} {part}: only in {python.name}: {only_a[:6]}; "
                    f"only in {port.name}: {only_b[:6]}"
                )
    return found
