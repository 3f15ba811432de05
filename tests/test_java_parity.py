"""Every Python example has a Java port in examples/java that draws the same workflow.

Where Java cannot say what the Python example says, the port is the idiomatic Java and the
difference is listed here as data, with its reason: exactly which nodes only one side has. The
rest of such a port must still hold the same operations (kinds, names, dynamic flags).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from parity import PYTHON_EXAMPLES, differences, graph_of, normalised, ports

from durable_viz import load
from durable_viz.errors import NoHandlerError

JAVA_EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "java"

PORTS = ports(JAVA_EXAMPLES, ("*.java",))
HELPERS_ONLY = "coordinator_helpers"
DRAWN = [(python, java) for python, java in PORTS if python.stem != HELPERS_ONLY]

Op = tuple[str, str | None]

EXPECTED: dict[str, tuple[str, list[Op], list[Op]]] = {
    "paymentsaga": (
        "Java has no try/else: send-itinerary ends the try body instead of an else block, "
        "so it moves before the catch clauses and is covered by their error edges",
        [],
        [],
    ),
    "agentloop": (
        "Java has no for/else: a flag and a condition after the tool loop decide whether the "
        "agent stops, where Python continues in the loop's else block and breaks after it",
        [],
        [("condition", None)],
    ),
    "humanapproval": (
        "a Java waitForCallback submitter receives a StepContext, which runs no durable "
        "operation: the escalation pages from the submitter itself, not in a page-approver step",
        [("step", "page-approver")],
        [],
    ),
}
"""Normalised example name -> (reason, nodes only in Python, nodes only in Java)."""


def _ops(path: Path) -> Counter[Op]:
    return Counter(
        (n["kind"], n.get("name"))
        for workflow in graph_of(path)
        for n in workflow["nodes"]
        if n["kind"] not in ("start", "end")
    )


def test_every_python_example_with_a_handler_has_a_java_port() -> None:
    ported = {normalised(python.stem) for python, _ in PORTS}
    assert ported == {normalised(p.stem) for p in PYTHON_EXAMPLES.glob("*.py")}


def test_the_helpers_only_port_holds_no_handler() -> None:
    helpers = next(java for python, java in PORTS if python.stem == HELPERS_ONLY)
    with pytest.raises(NoHandlerError, match="no durable handler found"):
        load(helpers)


@pytest.mark.parametrize(("python", "java"), DRAWN, ids=[j.name for _, j in DRAWN])
def test_port_draws_the_same_workflow(python: Path, java: Path) -> None:
    key = normalised(python.stem)
    found = differences(python, java)
    if key not in EXPECTED:
        assert found == []
        return
    reason, only_python, only_java = EXPECTED[key]
    assert found, f"{java.name} now matches {python.name}; drop its EXPECTED entry ({reason})"
    ours, theirs = _ops(python), _ops(java)
    assert sorted((ours - theirs).elements(), key=str) == sorted(only_python, key=str)
    assert sorted((theirs - ours).elements(), key=str) == sorted(only_java, key=str)
