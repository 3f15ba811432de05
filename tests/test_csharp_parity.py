"""Every Python example has a C# port in examples/csharp that draws the same workflow.

Where C# cannot say what Python says, the port is written the idiomatic C# way and the
difference is listed here as data: a named adaptation of the Python model, with its reason.
The Python workflow, adapted, must then match the port exactly (node ids, kinds, names, dynamic
flags, parents, blocks and edges; see tests/parity.py), and every adaptation must be needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from parity import PYTHON_EXAMPLES, differences, normalised, ports

from durable_viz import build_graph
from durable_viz.api import parse_file
from durable_viz.graph import Block, Kind, Node, Workflow

ROOT = Path(__file__).resolve().parent.parent
CSHARP_EXAMPLES = ROOT / "examples" / "csharp"
PAIRS = ports(CSHARP_EXAMPLES, ("*.cs",))

Adaptation = Callable[[tuple[Node, ...]], tuple[Node, ...]]


def _each(nodes: tuple[Node, ...], change: Callable[[Node], Node]) -> tuple[Node, ...]:
    """Apply ``change`` to every node, children first."""
    changed = []
    for node in nodes:
        blocks = tuple(replace(b, nodes=_each(b.nodes, change)) for b in node.blocks)
        changed.append(change(replace(node, blocks=blocks)))
    return tuple(changed)


def try_else_into_body(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """C# has no ``try``/``else``: the else block's operations end the try body instead."""

    def change(node: Node) -> Node:
        orelse = [b for b in node.blocks if b.role == "else"]
        if node.kind is not Kind.TRY or not orelse:
            return node
        blocks: list[Block] = []
        for b in node.blocks:
            if b.role == "body":
                blocks.append(replace(b, nodes=b.nodes + orelse[0].nodes))
            elif b.role != "else":
                blocks.append(b)
        return replace(node, blocks=tuple(blocks))

    return _each(nodes, change)


def with_retry_as_child_context(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """The .NET SDK has no ``with_retry``: the port runs a retrying step in a child context of
    the same name."""
    return _each(
        nodes,
        lambda n: replace(n, kind=Kind.CHILD_CONTEXT) if n.kind is Kind.WITH_RETRY else n,
    )


def for_else_as_flag(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """C# has no ``for``/``else``: instead of ``else: continue`` and a ``break`` after the
    inner loop, the port sets a flag that the outer loop's test reads (so the outer loop is no
    longer ``while true``)."""

    def change(node: Node) -> Node:
        if node.kind is not Kind.LOOP or not node.infinite:
            return node
        body = node.blocks[0].nodes
        kept: list[Node] = []
        found = False
        for inner in body:
            if inner.kind is Kind.LOOP and any(b.role == "else" for b in inner.blocks):
                kept.append(
                    replace(inner, blocks=tuple(b for b in inner.blocks if b.role != "else"))
                )
                found = True
            elif not (found and inner.kind is Kind.BREAK):
                kept.append(inner)
        if not found:
            return node
        return replace(node, infinite=False, blocks=(replace(node.blocks[0], nodes=tuple(kept)),))

    return _each(nodes, change)


def submitter_without_operations(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """A .NET submitter receives an ``IWaitForCallbackContext``, which runs no durable
    operation: the port's submitter makes a plain call where Python's runs a step."""
    return _each(
        nodes,
        lambda n: replace(n, blocks=()) if n.kind is Kind.WAIT_FOR_CALLBACK else n,
    )


ADAPTATIONS: dict[str, tuple[Adaptation, ...]] = {
    "PaymentSaga.cs": (try_else_into_body, with_retry_as_child_context),
    "AgentLoop.cs": (for_else_as_flag,),
    "HumanApproval.cs": (submitter_without_operations,),
}
"""The expected differences: per port, how the Python model is adapted (reasons: docstrings)."""


def workflows(path: Path) -> tuple[Workflow, ...]:
    return parse_file(path, display=path.name).result.workflows


def signature(workflow: Workflow) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """What must match: the same fields tests/parity.py compares, from the built graph."""
    graph = build_graph(workflow)
    nodes = [
        (
            n.id,
            n.kind.value,
            n.node.name if n.node is not None else None,
            n.node.dynamic if n.node is not None else False,
            n.parent,
            n.block_index,
        )
        for n in graph.nodes
    ]
    edges = [(e.source, e.target, e.back, e.error) for e in graph.edges]
    return nodes, edges


def adapted(workflow: Workflow, adaptations: tuple[Adaptation, ...]) -> Workflow:
    nodes = workflow.nodes
    for adaptation in adaptations:
        nodes = adaptation(nodes)
    return replace(workflow, nodes=nodes)


def test_every_python_example_has_a_csharp_port() -> None:
    python = {normalised(p.stem) for p in PYTHON_EXAMPLES.glob("*.py")}
    assert {normalised(python_path.stem) for python_path, _ in PAIRS} == python
    assert set(ADAPTATIONS) <= {port.name for _, port in PAIRS}


@pytest.mark.parametrize(("python", "port"), PAIRS, ids=[p.name for _, p in PAIRS])
def test_port_draws_the_python_workflow(python: Path, port: Path) -> None:
    ours = workflows(python)
    theirs = workflows(port)
    assert len(ours) == len(theirs)
    for workflow, ported in zip(ours, theirs, strict=True):
        expected = adapted(workflow, ADAPTATIONS.get(port.name, ()))
        assert signature(ported) == signature(expected), port.name


@pytest.mark.parametrize(("python", "port"), PAIRS, ids=[p.name for _, p in PAIRS])
def test_only_the_listed_differences_exist(python: Path, port: Path) -> None:
    if not workflows(python):
        # A module of helpers only: neither file draws anything on its own.
        assert workflows(port) == ()
        return
    found = differences(python, port)
    if port.name in ADAPTATIONS:
        assert found, f"{port.name} matches without its adaptations: remove them"
        for left_out in ADAPTATIONS[port.name]:
            others = tuple(a for a in ADAPTATIONS[port.name] if a is not left_out)
            pairs = zip(workflows(python), workflows(port), strict=True)
            assert any(signature(adapted(w, others)) != signature(p) for w, p in pairs), (
                f"{left_out.__name__} is not needed for {port.name}"
            )
    else:
        assert found == []


def test_a_workflow_reached_from_another_file_draws_as_it_does_on_its_own() -> None:
    # ShipmentFunction.cs wraps ShipmentWorkflow.RunAsync, declared in ShipmentWorkflow.cs.
    wrapped = workflows(CSHARP_EXAMPLES / "ShipmentFunction.cs")
    own = workflows(CSHARP_EXAMPLES / "ShipmentWorkflow.cs")
    assert [w.name for w in wrapped] == [w.name for w in own] == ["RunAsync"]
    assert [signature(w) for w in wrapped] == [signature(w) for w in own]
    assert {n.file for n in wrapped[0].nodes} == {"ShipmentWorkflow.cs"}
