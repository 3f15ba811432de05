"""Timing of ``durable-viz serve``: a re-render as the editor asks for one while the user types.

Run with ``python benchmarks/serve.py [--runs N]`` (N >= 15). One ``serve`` process is started;
for each language a 300-line handler (``serve_handlers.py``) is written to a temporary folder,
and every request sends it as unsaved text, edited as a keystroke would: either a step renamed
(the drawing changes, so the diagrams are drawn again) or a comment typed in (the drawing stays;
the SVGs drawn last are reused). Requests ask for one direction (``TD``), as the editor does:
``serve`` draws only the direction asked for. After 3 warm-up requests, N requests are timed by
the client, from writing the request line to reading the whole response line. Figures are
medians. The same requests are also answered inside this process and their CPU time reported, a
figure other busy processes on the machine inflate less.

Two handlers per language:
- *realistic* (the main figure, and the target): written like the examples (step functions with
  bodies, comments, a helper taking the context, conditions, a loop, a parallel, a try), 300
  lines and 57 nodes, one per 5-6 lines (the examples have one per 6-8 lines);
- *dense* (reported only, no target): an operation every 1.7 lines, 300 lines and about 180
  operations (190-210 nodes). No handler we know of is written like this; the time grows with the
  nodes drawn, not the lines, and this figure shows how far.

Targets (issue 7), for the realistic 300-line handler through a running ``serve`` process:
- ``update`` (what the open panel receives on each edit): median <= 20 ms;
- ``html`` (the whole page, when the panel opens): median <= 20 ms;
- ``json`` alone is reported too (the floor: parse, analyse, build the graph).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from serve_handlers import dense_python, dense_typescript, realistic_python, realistic_typescript
from timing import ROOT

TARGET_MS = 20.0
WARM_UPS = 3


class Client:
    """A ``serve`` process and the client side of its protocol."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "durable_viz", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        self.ready = json.loads(self._line())
        self.next_id = 0

    def _line(self) -> bytes:
        assert self.process.stdout is not None
        return self.process.stdout.readline()

    def request(self, fields: dict[str, object]) -> tuple[float, dict[str, object]]:
        """Milliseconds from sending to the whole response read, and the response."""
        assert self.process.stdin is not None
        self.next_id += 1
        line = json.dumps({"id": self.next_id, **fields}).encode() + b"\n"
        start = time.perf_counter()
        self.process.stdin.write(line)
        self.process.stdin.flush()
        raw = self._line()
        elapsed = (time.perf_counter() - start) * 1000
        response = json.loads(raw)
        if not response.get("ok"):
            raise SystemExit(f"request failed: {response}")
        return elapsed, response

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


EDITS = {
    # A keystroke that changes the drawing: a step renamed (every diagram is drawn again).
    "rename": lambda source, n: _first(source, ("validate-order", "load-order"), f"-{n}"),
    # A keystroke that leaves it as it was: typing in a comment (parsed again, SVGs reused).
    "comment": lambda source, n: _first(source, ("batch 0 ", "stage 0:"), f"({n}) "),
}


# Every request of the run types something new: a server that keeps what it parsed (serve does,
# see parsers/python/incremental.py) must not be timed on texts it has already seen.
_TYPED = itertools.count()


def _first(source: str, marks: tuple[str, ...], typed: str) -> str:
    """``source`` with ``typed`` inserted after the first of ``marks`` it holds."""
    mark = next(m for m in marks if m in source)
    return source.replace(mark, mark + typed, 1)


def medians(
    client: Client, path: Path, source: str, formats: list[str], edit: str, runs: int
) -> tuple[float, float]:
    """Client-side and server-side (``ms``) medians of ``runs`` edits after the warm-ups."""
    client_ms: list[float] = []
    server_ms: list[float] = []
    for number in range(WARM_UPS + runs):
        edited = EDITS[edit](source, next(_TYPED))
        assert edited != source
        fields = {
            "path": str(path),
            "source": edited,
            "direction": "TD",
            "formats": formats,
            "nonce": "bench",
        }
        elapsed, response = client.request(fields)
        if number >= WARM_UPS:
            client_ms.append(elapsed)
            server_ms.append(float(response["ms"]))  # type: ignore[arg-type]
    return statistics.median(client_ms), statistics.median(server_ms)


def cpu_median(path: Path, source: str, formats: list[str], edit: str, runs: int) -> float:
    """Median CPU milliseconds of the same requests answered in this process: a figure that a
    busy machine (other processes taking the cores) does not inflate as it does wall time."""
    from durable_viz.parsers.entry import start_editor_session
    from durable_viz.serve import handle

    start_editor_session()  # as serve() does

    timings: list[float] = []
    for number in range(WARM_UPS + runs):
        fields = {
            "id": number,
            "path": str(path),
            "source": EDITS[edit](source, next(_TYPED)),
            "direction": "TD",
            "formats": formats,
            "nonce": "bench",
        }
        line = json.dumps(fields)
        start = time.process_time()
        response, _ = handle(line)
        json.dumps(response)
        if number >= WARM_UPS:
            timings.append((time.process_time() - start) * 1000)
    return statistics.median(timings)


HANDLERS = (
    # (shape, language, file suffix, source, whether it counts toward the target)
    ("realistic", "python", ".py", realistic_python, True),
    ("realistic", "typescript", ".ts", realistic_typescript, True),
    ("dense", "python", ".py", lambda: dense_python(300), False),
    ("dense", "typescript", ".ts", lambda: dense_typescript(300), False),
)
REQUESTS = {
    True: (
        (["update"], "rename"),
        (["update"], "comment"),
        (["html"], "rename"),
        (["json"], "rename"),
    ),
    False: ((["update"], "rename"), (["html"], "rename")),
}


def main() -> int:
    """Print the medians; exit 1 when a target (realistic handler) is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    runs = max(args.runs, 15)
    client = Client()
    missed = False
    try:
        with tempfile.TemporaryDirectory() as folder:
            for shape, language, suffix, generate, target in HANDLERS:
                source = generate()
                path = Path(folder, f"{shape}{suffix}")
                path.write_text(source, encoding="utf-8")
                lines = source.count("\n")
                nodes = _nodes(client, path)
                for formats, edit in REQUESTS[target]:
                    client_median, server_median = medians(
                        client, path, source, formats, edit, runs
                    )
                    cpu = cpu_median(path, source, formats, edit, runs)
                    verdict = ""
                    if formats != ["json"]:
                        ok = client_median <= TARGET_MS
                        if target:
                            missed = missed or not ok
                            verdict = f"(target {TARGET_MS:.0f}) {'ok' if ok else 'MISSED'}"
                        else:
                            verdict = "(reported only)"
                    print(
                        f"{shape:9} {language:10} {lines} lines {nodes:3} nodes, "
                        f"{formats[0]:6} after a {edit:7} edit: "
                        f"median {client_median:6.1f} ms (server {server_median:6.1f} ms, "
                        f"cpu in process {cpu:6.1f} ms) "
                        f"{verdict}".rstrip()
                    )
    finally:
        client.close()
    return 1 if missed else 0


def _nodes(client: Client, path: Path) -> int:
    """How many nodes the JSON graph of ``path`` holds (start and end included)."""
    _, response = client.request({"path": str(path), "formats": ["json"]})
    document = response["results"]["json"]  # type: ignore[index]
    return sum(len(workflow["nodes"]) for workflow in document["workflows"])


if __name__ == "__main__":
    sys.exit(main())
