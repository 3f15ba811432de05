"""Timing benchmarks for the Python parser, with the targets the project holds itself to.

Run with ``python benchmarks/python.py [--runs N]`` (``make bench`` runs every benchmark). Each
figure is the median wall time of N cold runs of a fresh interpreter; the machines are noisy, so
the targets compare ratios measured in the same run rather than absolute numbers.

Targets:
- cold ``durable-viz EXAMPLE --format json`` <= 1.15 x ``python -c "import libcst, typer;
  libcst.parse_module(...)"`` on the same file (the floor of this design);
- a generated 5,000-line handler: <= 2 x ``libcst.parse_module`` alone on that file (both timed
  inside one process, so interpreter start-up does not hide the analysis);
- no libcst or jinja2 import when the input is not Python or the format does not need them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import ROOT, cold_pair


def _has_handler(path: Path) -> bool:
    from durable_viz.api import parse_file

    return bool(parse_file(path).result.workflows)


EXAMPLES = [p for p in sorted((ROOT / "examples" / "python").glob("*.py")) if _has_handler(p)]


def generate_handler(lines: int) -> str:
    """A syntactically rich handler of about ``lines`` lines."""
    out = [
        "from aws_durable_execution_sdk_python import durable_execution, DurableContext",
        "from aws_durable_execution_sdk_python.config import Duration, StepConfig",
        "",
        "@durable_execution",
        "def handler(event, context: DurableContext):",
    ]
    index = 0
    while len(out) < lines:
        out += [
            f"    value_{index} = context.step("
            f"lambda _: compute({index}, event), name='step-{index}')",
            f"    if value_{index} > {index}:",
            f"        context.wait(Duration.from_seconds({index % 60 + 1}), "
            f"name=f'pause-{{value_{index}}}')",
            "    else:",
            f"        for item in event['items'][{index}:]:",
            f"            context.step(lambda _: handle(item), name='item-{index}')",
            "    try:",
            f"        context.invoke('fn-{index}', {{'n': {index}}}, name='call-{index}')",
            "    except ValueError:",
            f"        context.step(lambda _: undo({index}), name='undo-{index}')",
        ]
        index += 1
    out.append("    return value_0")
    return "\n".join(out) + "\n"


IN_PROCESS = """
import sys, time, statistics
from pathlib import Path
import libcst
from durable_viz.api import load, render
source = Path(sys.argv[1]).read_text()
runs = int(sys.argv[2])
def median(f):
    t = []
    for _ in range(runs):
        s = time.perf_counter(); f(); t.append(time.perf_counter() - s)
    return statistics.median(t)
parse = median(lambda: libcst.parse_module(source))
full = median(lambda: render(load(sys.argv[1]), "json"))
print(parse, full)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    python = sys.executable
    # Time what an installed wheel runs: byte-compiled modules (an editable install under
    # PYTHONDONTWRITEBYTECODE would otherwise recompile our sources on every run).
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "durable_viz")], check=True)
    failures = 0

    print(f"cold runs, median of {args.runs} (seconds)")
    for example in EXAMPLES:
        relative = example.relative_to(ROOT).as_posix()
        floor, ours = cold_pair(
            [
                python,
                "-c",
                "import sys, libcst, typer; libcst.parse_module(open(sys.argv[1]).read())",
                relative,
            ],
            [python, "-m", "durable_viz", relative, "--format", "json"],
            args.runs,
        )
        ratio = ours / floor
        ok = ratio <= 1.15
        failures += not ok
        print(
            f"  {example.name:32} floor {floor:.3f}  durable-viz {ours:.3f}  "
            f"ratio {ratio:.2f}  {'ok' if ok else 'OVER 1.15'}"
        )

    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder, "big_handler.py")
        big.write_text(generate_handler(5000), encoding="utf-8")
        output = subprocess.run(
            [python, "-c", IN_PROCESS, str(big), str(args.runs)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        parse, full = (float(x) for x in output.split())
        ratio = full / parse
        ok = ratio <= 2.0
        failures += not ok
        print(
            f"5,000-line handler, in process: parse_module {parse:.3f}  "
            f"durable-viz {full:.3f}  ratio {ratio:.2f}  {'ok' if ok else 'OVER 2.0'}"
        )
        floor, ours = cold_pair(
            [
                python,
                "-c",
                "import sys, libcst; libcst.parse_module(open(sys.argv[1]).read())",
                str(big),
            ],
            [python, "-m", "durable_viz", str(big), "--format", "json"],
            args.runs,
        )
        print(
            f"5,000-line handler, cold: parse {floor:.3f}  durable-viz {ours:.3f}  "
            f"ratio {ours / floor:.2f}"
        )

    probe = (
        "import sys, durable_viz.cli as c; c.run(sys.argv[1:]); "
        "print(sorted(m for m in ('libcst', 'jinja2') if m in sys.modules))"
    )
    mermaid = subprocess.run(
        [python, "-c", probe, EXAMPLES[0].as_posix(), "--format", "mermaid"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    print(f"modules imported for Python -> mermaid: {mermaid.strip().splitlines()[-1]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
