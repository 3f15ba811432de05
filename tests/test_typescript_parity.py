"""Parity: every Python example and its TypeScript port draw the same graph.

Ids, kinds, names, dynamic flags, parents, blocks and edges must match exactly (see
``tests/parity.py``). Where TypeScript cannot say what the Python example says, the port is
written the idiomatic way and the resulting differences are listed below as data, with the
reason; a listed difference that disappears, or one that is not listed, fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from parity import PYTHON_EXAMPLES, differences, normalised, ports

from durable_viz import load
from durable_viz.errors import NoHandlerError

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "examples" / "typescript"
PATTERNS = ("*.ts", "*.tsx", "*.mts", "*.cts", "*.js", "*.jsx", "*.mjs", "*.cjs")
PAIRS = ports(FOLDER, PATTERNS)

EXPECTED: dict[str, tuple[str, list[str]]] = {
    "paymentsaga": (
        "TypeScript has no `try/else`: `send-itinerary` moves from the Python else block to the "
        "end of the try body, so it is n9 in the try block and the handlers' nodes shift by one.",
        [
            "handler 1 nodes: only in payment_saga.py: [('n9', 'condition', None, False, 'n1', 1), "
            "('n10', 'step', 'cancel_hotel', False, 'n9', 0), "
            "('n11', 'step', 'cancel_flight', False, 'n1', 1), "
            "('n12', 'raise', None, False, 'n1', 1), ('n13', 'condition', None, False, 'n1', 2), "
            "('n14', 'step', 'release-flight-hold', False, 'n13', 0)]; "
            "only in paymentSaga.ts: [('n9', 'step', 'send-itinerary', False, 'n1', 0), "
            "('n10', 'condition', None, False, 'n1', 1), "
            "('n11', 'step', 'cancel_hotel', False, 'n10', 0), "
            "('n12', 'step', 'cancel_flight', False, 'n1', 1), "
            "('n13', 'raise', None, False, 'n1', 1), ('n14', 'condition', None, False, 'n1', 2)]",
            "handler 1 edges: only in payment_saga.py: [('n8', 'n17', False, False), "
            "('n2', 'n9', False, True), ('n4', 'n9', False, True), ('n6', 'n9', False, True), "
            "('n7', 'n9', False, True), ('n9', 'n10', False, False)]; "
            "only in paymentSaga.ts: [('n8', 'n9', False, False), ('n2', 'n10', False, True), "
            "('n4', 'n10', False, True), ('n6', 'n10', False, True), ('n7', 'n10', False, True), "
            "('n9', 'n10', False, True)]",
        ],
    ),
}


def _has_handler(path: Path) -> bool:
    try:
        load(path)
    except NoHandlerError:
        return False
    return True


def test_every_python_example_has_a_port() -> None:
    ported = {normalised(python.stem) for python, _ in PAIRS}
    assert ported == {normalised(p.stem) for p in PYTHON_EXAMPLES.glob("*.py")}


@pytest.mark.parametrize(("python", "port"), PAIRS, ids=[p.name for _, p in PAIRS])
def test_port_draws_the_same_graph(python: Path, port: Path) -> None:
    if not _has_handler(python):
        # A helpers-only module: the port must hold no handler either.
        assert not _has_handler(port)
        return
    reason, expected = EXPECTED.get(normalised(port.stem), ("", []))
    assert differences(python, port) == expected, reason
