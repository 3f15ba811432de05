"""Timing benchmarks for the C# parser, with its targets.

Run with ``python benchmarks/csharp.py [--runs N]``. Figures are medians of N runs.

Targets:
- cold ``python -m durable_viz EXAMPLE --format json`` on each C# example: median <= 100 ms wall
  (a fresh interpreter each run, started through ``subprocess``);
- a generated 5,000-line C# workflow: parse, analysis and JSON rendering <= 0.5 s, timed inside
  one process (so interpreter start-up does not hide it), and also reported cold;
- no libcst or jinja2 import on the C# -> JSON path (checked by tests/test_csharp_input.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from timing import ROOT, cold, in_process

COLD_TARGET = 0.100
BIG_TARGET = 0.5


def examples() -> list[Path]:
    """Every C# example that holds a workflow."""
    from durable_viz.api import parse_file

    found = sorted((ROOT / "examples" / "csharp").glob("*.cs"))
    return [p for p in found if parse_file(p).result.workflows]


def generate_workflow(lines: int) -> str:
    """A syntactically rich C# workflow of about ``lines`` lines."""
    out = [
        "using Amazon.Lambda.Core;",
        "using Amazon.Lambda.DurableExecution;",
        "",
        "public class Function",
        "{",
        '    private const string Prefix = "step-";',
        "",
        "    public Task<DurableExecutionInvocationOutput> Handler(",
        "        DurableExecutionInvocationInput input, ILambdaContext context)",
        "        => DurableFunction.WrapAsync<Input, Output>(Workflow, input, context);",
        "",
        "    private async Task<Output> Workflow(Input input, IDurableContext ctx)",
        "    {",
    ]
    index = 0
    while len(out) < lines:
        out += [
            f"        var value{index} = await ctx.StepAsync(",
            f"            async (_, ct) => await Compute({index}, input, ct), "
            f'name: $"{{Prefix}}{index}");',
            f"        if (value{index} > {index})",
            "        {",
            f"            await ctx.WaitAsync(TimeSpan.FromSeconds({index % 60 + 1}), "
            f'name: $"pause-{{value{index}}}");',
            "        }",
            "        else",
            "        {",
            f"            foreach (var item in input.Items.Skip({index}))",
            "                await ctx.StepAsync(async (_, ct) => await Handle(item, ct), "
            f'name: "item-{index}");',
            "        }",
            "        try",
            "        {",
            f'            await ctx.InvokeAsync<Req, Res>("fn-{index}", new Req({index}), '
            f'name: "call-{index}");',
            "        }",
            "        catch (InvalidOperationException)",
            "        {",
            f"            await ctx.StepAsync(async (_, ct) => await Undo({index}, ct), "
            f'name: "undo-{index}");',
            "        }",
        ]
        index += 1
    out += ["        return new Output();", "    }", "}"]
    return "\n".join(out) + "\n"


def main() -> int:
    """Print every figure with its target; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    sys.path.insert(0, str(ROOT))
    missed = False
    # The floor on this machine, now: a fresh interpreter that imports the CLI and exits.
    floor = cold([sys.executable, "-m", "durable_viz", "--version"], runs)
    print(f"cold floor (python -m durable_viz --version): {floor * 1000:.0f} ms")
    for example in examples():
        command = [sys.executable, "-m", "durable_viz", str(example), "--format", "json"]
        median = cold(command, runs)
        ok = median <= COLD_TARGET
        missed = missed or not ok
        # On a busy machine the cold figure is mostly the interpreter: the in-process time is
        # what the C# parser itself adds.
        own = in_process(example, runs)
        print(
            f"cold {example.relative_to(ROOT)}: {median * 1000:.0f} ms "
            f"(target <= {COLD_TARGET * 1000:.0f} ms) {'ok' if ok else 'MISSED'}; "
            f"in process {own * 1000:.1f} ms"
        )
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "Generated.cs"
        big.write_text(generate_workflow(5_000), encoding="utf-8")
        lines = big.read_text(encoding="utf-8").count("\n")
        median = in_process(big, runs)
        ok = median <= BIG_TARGET
        missed = missed or not ok
        print(
            f"generated {lines}-line workflow, in process: {median * 1000:.0f} ms "
            f"(target <= {BIG_TARGET * 1000:.0f} ms) {'ok' if ok else 'MISSED'}"
        )
        command = [sys.executable, "-m", "durable_viz", str(big), "--format", "json"]
        print(f"generated {lines}-line workflow, cold: {cold(command, runs) * 1000:.0f} ms")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
