"""Timing of the interactive HTML page, with the targets of issue 6.

Run with ``python benchmarks/page.py [--runs N]``. Figures are medians of N runs.

Targets, for a generated workflow of 1,000 operations:
- SVG (both directions) + HTML rendered in Python in at most 0.5 s;
- the page interactive in headless Chromium within 1 s of navigation start (the page sets
  ``<html data-ready>`` to ``performance.now()`` when its script has wired everything up).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import LAUNCH_ARGS, MISSING, chromium_path, visit  # noqa: E402
from page_cases import generated_document  # noqa: E402

from durable_viz.renderers import html  # noqa: E402

PYTHON_TARGET = 0.5
BROWSER_TARGET_MS = 1000.0


def python_seconds(operations: int, runs: int) -> float:
    """Median seconds to render the page (both SVGs included) of a fresh generated document."""
    timings = []
    for _ in range(runs):
        document = generated_document(operations)
        start = time.perf_counter()
        html.render(document)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def browser_ms(operations: int, runs: int) -> tuple[float, int]:
    """Median milliseconds until the page is interactive, and the page's size in bytes."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise SystemExit(MISSING)
    page_text = html.render(generated_document(operations))
    timings = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        path = Path(folder, "page.html")
        path.write_text(page_text, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        for _ in range(runs):
            seen = visit(browser, path)
            timings.append(float(seen.page.evaluate("document.documentElement.dataset.ready")))
            problems = seen.problems()
            seen.page.context.close()
            if problems:
                raise SystemExit(f"the page was not clean: {problems}")
        browser.close()
    return statistics.median(timings), len(page_text.encode("utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    failures = 0
    print(f"medians of {args.runs} runs")
    for operations in (100, 1000, 10000):
        seconds = python_seconds(operations, args.runs if operations <= 1000 else 3)
        line = f"python: page of {operations:>6,} operations (SVG TD+LR + HTML): {seconds:.3f} s"
        if operations == 1000:
            ok = seconds <= PYTHON_TARGET
            failures += not ok
            line += f"  target <= {PYTHON_TARGET} s  {'ok' if ok else 'FAIL'}"
        print(line)
    for operations in (100, 1000):
        ms, size = browser_ms(operations, args.runs)
        line = (
            f"chromium: page of {operations:>5,} operations ({size / 1e6:.2f} MB) "
            f"interactive after {ms:.0f} ms"
        )
        if operations == 1000:
            ok = ms <= BROWSER_TARGET_MS
            failures += not ok
            line += f"  target <= {BROWSER_TARGET_MS:.0f} ms  {'ok' if ok else 'FAIL'}"
        print(line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
