"""Timing benchmarks for the TypeScript/JavaScript parser, with its targets.

Run with ``python benchmarks/typescript.py [--runs N]``. Figures are medians of N runs.

Targets:
- cold ``python -m durable_viz EXAMPLE --format json`` on each TypeScript/JavaScript example:
  median <= 100 ms wall (a fresh interpreter each run, started through ``subprocess``);
- a generated 5,000-line TypeScript handler: parse, analysis and JSON rendering <= 0.5 s, timed
  inside one process (so interpreter start-up does not hide it), and also reported cold;
- no libcst or jinja2 import on the TypeScript -> JSON path (checked by
  tests/test_typescript_input.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from timing import ROOT, cold, in_process

PATTERNS = ("*.ts", "*.tsx", "*.mts", "*.cts", "*.js", "*.jsx", "*.mjs", "*.cjs")
COLD_TARGET = 0.100
BIG_TARGET = 0.5


def examples() -> list[Path]:
    """Every TypeScript/JavaScript example that holds a handler."""
    from durable_viz.api import parse_file

    found = sorted(
        {p for pattern in PATTERNS for p in (ROOT / "examples" / "typescript").glob(pattern)}
    )
    return [p for p in found if parse_file(p).result.workflows]


def generate_handler(lines: int) -> str:
    """A syntactically rich TypeScript handler of about ``lines`` lines."""
    out = [
        "import { withDurableExecution, type DurableContext }",
        '  from "@aws/durable-execution-sdk-js";',
        "",
        'const PREFIX = "step-";',
        "",
        "export const handler = withDurableExecution(",
        "  async (event: any, context: DurableContext) => {",
    ]
    index = 0
    while len(out) < lines:
        out += [
            f"  const value{index} = await context.step(`${{PREFIX}}{index}`, async () =>",
            f"    compute({index}, event));",
            f"  if (value{index} > {index}) {{",
            f"    await context.wait(`pause-${{value{index}}}`, {{ seconds: {index % 60 + 1} }});",
            "  } else {",
            f"    for (const item of event.items.slice({index})) {{",
            f'      await context.step("item-{index}", async () => handle(item));',
            "    }",
            "  }",
            "  try {",
            f'    await context.invoke("call-{index}", "fn-{index}", {{ n: {index} }});',
            "  } catch (err) {",
            f'    await context.step("undo-{index}", async () => undo({index}));',
            "  }",
        ]
        index += 1
    out += ["  return 0;", "  });"]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    failed = False
    for example in examples():
        command = [sys.executable, "-m", "durable_viz", str(example), "--format", "json"]
        median = cold(command, args.runs)
        verdict = "ok" if median <= COLD_TARGET else "SLOW"
        failed |= median > COLD_TARGET
        relative = example.relative_to(ROOT)
        print(
            f"cold {relative}: {median * 1000:.0f} ms (target {COLD_TARGET * 1000:.0f}) {verdict}"
        )
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.ts"
        big.write_text(generate_handler(5000), encoding="utf-8")
        lines = big.read_text(encoding="utf-8").count("\n")
        median = in_process(big, args.runs)
        verdict = "ok" if median <= BIG_TARGET else "SLOW"
        failed |= median > BIG_TARGET
        print(f"{lines}-line handler, in process: {median * 1000:.0f} ms (target 500) {verdict}")
        command = [sys.executable, "-m", "durable_viz", str(big), "--format", "json"]
        print(f"{lines}-line handler, cold: {cold(command, args.runs) * 1000:.0f} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
