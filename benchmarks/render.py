"""Timing of the structured SVG layout and renderer, with the targets of issue 6.

Run with ``python benchmarks/render.py [--runs N]``. Figures are medians of N runs, in one
process (the layout's own cost, not interpreter start-up).

Targets:
- ``render_view`` of a generated 1,000-operation workflow: at most 0.25 s (the HTML page, which
  needs the SVG in both directions plus its own work, must stay within 0.5 s);
- layout time linear in node count: the time per node at 10,000 nodes within 1.5 x the time per
  node at 1,000 (measured at 100, 1,000 and 10,000 nodes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from workflows import generated  # noqa: E402

from durable_viz.edges import build_graph  # noqa: E402
from durable_viz.graph import ParseResult  # noqa: E402
from durable_viz.render import SourceFile, WorkflowView  # noqa: E402
from durable_viz.renderers.layout import layout_view  # noqa: E402
from durable_viz.renderers.svg import render_view  # noqa: E402

SVG_TARGET = 0.25
LINEARITY_TARGET = 1.5
SIZES = (100, 1_000, 10_000)


def _median(function: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _view(operations: int) -> WorkflowView:
    workflow = generated(operations)
    source = SourceFile("generated.py", "", ParseResult(language="python", workflows=(workflow,)))
    return WorkflowView(source, workflow, build_graph(workflow), workflow.name)


def main() -> int:
    """Print the figures; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    per_node: dict[int, float] = {}
    ok = True
    for size in SIZES:
        view = _view(size)
        nodes = len(view.graph.nodes)
        layout = _median(lambda view=view: layout_view(view.graph, "TD"), runs)
        svg = _median(lambda view=view: render_view(view, "TD"), runs)
        both = _median(lambda view=view: (render_view(view, "TD"), render_view(view, "LR")), runs)
        per_node[size] = layout / nodes
        print(
            f"{size:>6} operations ({nodes:>6} nodes): layout {layout * 1000:8.1f} ms "
            f"({layout / nodes * 1e6:5.1f} us/node), svg {svg * 1000:8.1f} ms, "
            f"svg TD+LR {both * 1000:8.1f} ms"
        )
        if size == 1_000 and svg > SVG_TARGET:
            print(f"  MISSED: svg {svg:.3f} s > {SVG_TARGET} s")
            ok = False
    ratio = per_node[10_000] / per_node[1_000]
    print(f"time per node, 10,000 vs 1,000: x{ratio:.2f} (target <= x{LINEARITY_TARGET})")
    if ratio > LINEARITY_TARGET:
        ok = False
        print("  MISSED: layout time grows faster than linearly")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
