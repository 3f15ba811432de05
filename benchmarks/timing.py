"""Timing helpers the benchmark scripts share: cold runs of a fresh interpreter, and medians of
work repeated inside one process."""

from __future__ import annotations

import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def once(command: list[str]) -> float:
    """Wall time of one run of ``command`` from the repository root, output discarded."""
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    return time.perf_counter() - start


def cold(command: list[str], runs: int) -> float:
    """Median wall time of ``runs`` runs of ``command`` after one warm-up run, in seconds."""
    once(command)
    return statistics.median(once(command) for _ in range(runs))


def cold_pair(floor: list[str], ours: list[str], runs: int) -> tuple[float, float]:
    """Medians of two commands run alternately, so that machine noise hits both alike."""
    once(floor)
    once(ours)  # warm the file cache for both
    pairs = [(once(floor), once(ours)) for _ in range(runs)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def in_process(path: Path, runs: int) -> float:
    """Median time to parse, analyse and render ``path`` as JSON inside this process (imports
    and grammar loading happen in a first, untimed load: they are start-up, not analysis)."""
    from durable_viz.api import load, render

    load(path)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render(load(path), "json")
        times.append(time.perf_counter() - start)
    return statistics.median(times)
