"""Timing benchmarks for the Java parser, with its targets.

Run with ``python benchmarks/java.py [--runs N]``. Figures are medians of N runs.

Targets:
- cold ``python -m durable_viz EXAMPLE --format json`` on each Java example: median <= 100 ms
  wall (a fresh interpreter each run, started through ``subprocess``);
- a generated 5,000-line Java handler: analysis and JSON rendering <= 0.5 s, timed inside one
  process (so interpreter start-up does not hide it), and also reported cold;
- no libcst or jinja2 import on the Java -> JSON path.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import ROOT, cold

EXAMPLES = sorted((ROOT / "examples" / "java").glob("*.java"))
COLD_TARGET = 0.100
BIG_TARGET = 0.5


def generate_handler(lines: int) -> str:
    """A syntactically rich Java handler of about ``lines`` lines."""
    out = [
        "package com.acme.bench;",
        "",
        "import java.time.Duration;",
        "import software.amazon.lambda.durable.*;",
        "import software.amazon.lambda.durable.config.*;",
        "",
        "public class Big extends DurableHandler<Event, String> {",
        '    static final String PREFIX = "step-";',
        "",
        "    @Override",
        "    public String handleRequest(Event event, DurableContext context) {",
    ]
    index = 0
    while len(out) < lines:
        out += [
            f"        var value{index} = context.step(PREFIX + {index}, Integer.class,"
            f" s -> compute({index}, event));",
            f"        if (value{index} > {index}) {{",
            f'            context.wait("pause-" + value{index},'
            f" Duration.ofSeconds({index % 60 + 1}));",
            "        } else {",
            "            for (var item : event.items()) {",
            f'                context.step("item-{index}", String.class, s -> handle(item));',
            "            }",
            "        }",
            "        try {",
            f'            context.invoke("call-{index}", "fn-{index}", event, String.class);',
            "        } catch (IllegalStateException e) {",
            f'            context.step("undo-{index}", String.class, s -> undo({index}));',
            "        }",
            f"        switch (event.kind{index % 7}()) {{",
            f'            case "a" -> context.step("case-{index}", String.class, s -> "a");',
            "            default -> { }",
            "        }",
        ]
        index += 1
    out += ["        return null;", "    }", "}"]
    return "\n".join(out) + "\n"


IN_PROCESS = """
import sys, time, statistics
from durable_viz.api import load, render
runs = int(sys.argv[2])
times = []
for _ in range(runs):
    start = time.perf_counter()
    render(load(sys.argv[1]), "json")
    times.append(time.perf_counter() - start)
print(statistics.median(times))
"""

PROBE = (
    "import sys, durable_viz.cli as c; c.run(sys.argv[1:]); "
    "print(sorted(m for m in ('libcst', 'jinja2') if m in sys.modules))"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    python = sys.executable
    # Time what an installed wheel runs: byte-compiled modules.
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "durable_viz")], check=True)
    failures = 0

    print(f"cold runs, median of {args.runs} (seconds; target <= {COLD_TARGET:.3f})")
    for example in EXAMPLES:
        relative = example.relative_to(ROOT).as_posix()
        done = subprocess.run(
            [python, "-m", "durable_viz", relative, "--format", "json"],
            capture_output=True,
            cwd=ROOT,
            check=False,
        )
        if done.returncode != 0:
            print(f"  {example.name:32} (no handler: skipped)")
            continue
        seconds = cold([python, "-m", "durable_viz", relative, "--format", "json"], args.runs)
        ok = seconds <= COLD_TARGET
        failures += not ok
        print(f"  {example.name:32} {seconds:.3f}  {'ok' if ok else 'OVER'}")

    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder, "Big.java")
        text = generate_handler(5000)
        big.write_text(text, encoding="utf-8")
        output = subprocess.run(
            [python, "-c", IN_PROCESS, str(big), str(args.runs)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        seconds = float(output)
        ok = seconds <= BIG_TARGET
        failures += not ok
        lines = text.count("\n")
        print(
            f"{lines:,}-line handler, in process: {seconds:.3f}  "
            f"{'ok' if ok else f'OVER {BIG_TARGET}'}"
        )
        print(
            f"{lines:,}-line handler, cold: "
            f"{cold([python, '-m', 'durable_viz', str(big), '--format', 'json'], args.runs):.3f}"
        )

    imported = subprocess.run(
        [python, "-c", PROBE, EXAMPLES[0].relative_to(ROOT).as_posix(), "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    heavy = imported.strip().splitlines()[-1]
    failures += heavy != "[]"
    print(f"heavy modules imported for Java -> json: {heavy}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
