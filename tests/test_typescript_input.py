"""Hostile and broken TypeScript/JavaScript input through the command line: every file gets a
drawing or one clean error line, never a traceback; a TypeScript path never imports libcst.

Inputs that could crash the interpreter (deep nesting, a huge minified line) run in a
subprocess, so that a crash shows as a return code instead of killing pytest.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from durable_viz import parse_source
from durable_viz.cli import run
from durable_viz.graph import Kind, walk

ROOT = Path(__file__).resolve().parent.parent
ERROR = "durable-viz: error: "
CRASH_MARKS = ("Traceback", "RecursionError", "Fatal Python error", "Segmentation fault")

HANDLER = """\
import { withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event, context) => {
  await context.step("first", async () => 1);
  await context.step("second", async () => 2);
});
"""


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


def in_process(args: list[str], cwd: Path) -> Result:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out), redirect_stderr(err):
        patch.chdir(cwd)
        code = run(args)
    return Result(code, out.getvalue(), err.getvalue())


def as_module(args: list[str], cwd: Path, timeout: float = 120) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "durable_viz", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def step_names(stdout: str) -> list[str]:
    document = json.loads(stdout)
    return [n["name"] for w in document["workflows"] for n in w["nodes"] if n["kind"] == "step"]


def assert_one_error(result: Result, name: str, fragment: str) -> None:
    assert result.code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{ERROR}{name}"), lines[0]
    assert fragment in lines[0]
    assert not any(mark in result.stderr for mark in CRASH_MARKS)


# -- files that hold no handler or cannot be read --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.ts", ""),
        ("blank.js", "\n\n   \n"),
        ("plain.mjs", "export const x = 1;\n"),
        ("comment.tsx", "// nothing here\n"),
        ("garbage.ts", "}}}{{{ ((( ;;; <<<>>> @@@\n"),
    ],
)
def test_no_handler_is_one_error_naming_the_sdk_call(
    tmp_path: Path, name: str, content: str
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    result = in_process([name], tmp_path)
    assert_one_error(result, name, "no durable handler found (a withDurableExecution(...) call)")


def test_binary_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bundle.js").write_bytes(b"\x7fELF\x00\x01\x02binary\x00")
    assert_one_error(in_process(["bundle.js"], tmp_path), "bundle.js", "binary")


def test_not_utf8_is_refused_with_its_position(tmp_path: Path) -> None:
    (tmp_path / "latin.ts").write_bytes(b"const a = 1;\nconst b = '\xe9';\n")
    assert_one_error(in_process(["latin.ts"], tmp_path), "latin.ts:2:12", "not valid UTF-8")


# -- syntax errors ---------------------------------------------------------------------------------


def test_syntax_error_is_drawn_with_a_warning(tmp_path: Path) -> None:
    broken = HANDLER.replace(
        '  await context.step("second"', '  const x = (;\n  await context.step("second"'
    )
    (tmp_path / "broken.ts").write_text(broken, encoding="utf-8")
    result = in_process(["broken.ts", "--format", "json"], tmp_path)
    assert result.code == 0, result.stderr
    assert step_names(result.stdout) == ["first", "second"]
    diagnostics = json.loads(result.stdout)["diagnostics"]
    assert [(d["code"], d["line"], d["severity"]) for d in diagnostics][:1] == [
        ("DV101", 5, "warning")
    ]
    assert "durable-viz: warning: broken.ts:5:" in result.stderr
    assert "syntax error" in result.stderr


def test_handler_with_an_unclosed_body_still_draws(tmp_path: Path) -> None:
    (tmp_path / "cut.ts").write_text(HANDLER[: HANDLER.rindex("});")], encoding="utf-8")
    result = in_process(["cut.ts", "--format", "json"], tmp_path)
    assert result.code == 0, result.stderr
    assert step_names(result.stdout) == ["first", "second"]
    assert "syntax error" in result.stderr


# -- hostile sizes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["parens", "arrays", "blocks", "ifs", "arrows"])
def test_nesting_ten_thousand_deep_never_crashes(tmp_path: Path, shape: str) -> None:
    depth = 10_000
    call = 'await context.step("deep", async () => 1)'
    if shape == "parens":
        inner = "(" * depth + call + ")" * depth + ";"
    elif shape == "arrays":
        inner = "const x = " + "[" * depth + call + "]" * depth + ";"
    elif shape == "blocks":
        inner = "{" * depth + call + ";" + "}" * depth
    elif shape == "ifs":
        inner = "if (event.a) " * depth + call + ";"
    else:
        inner = "const f = " + "async () => " * depth + "1;\n" + call + ";"
    source = HANDLER.replace("});\n", f"  {inner}\n}});\n")
    (tmp_path / "deep.ts").write_text(source, encoding="utf-8")
    result = as_module(["deep.ts", "--format", "json"], tmp_path, timeout=300)
    assert not any(mark in result.stderr for mark in CRASH_MARKS), result.stderr[-2000:]
    if result.code == 1:
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(ERROR)
    else:
        assert result.code == 0
        assert step_names(result.stdout) == ["first", "second", "deep"]


def test_parser_reads_ten_thousand_nested_ifs() -> None:
    # The CLI may refuse to lay out such a graph (one clean error, above); the parser reads it.
    depth = 10_000
    body = "if (event.a) " * depth + 'await context.step("deep", async () => 1);'
    source = HANDLER.replace("});\n", f"  {body}\n}});\n")
    result = parse_source(source, Path("deep.ts"))
    nodes = list(walk(result.workflows[0].nodes))
    assert [n.name for n in nodes if n.is_operation] == ["first", "second", "deep"]
    assert sum(n.kind is Kind.CONDITION for n in nodes) == depth


def test_huge_minified_file(tmp_path: Path) -> None:
    # One 1 MB line: a bundle with the handler in the middle of unrelated code.
    filler = "var a" + "=function(){return 1};var a".join(str(i) for i in range(40_000)) + "=0;"
    filler = filler[:500_000]
    filler = filler[: filler.rindex(";") + 1]
    handler = (
        'const{withDurableExecution:w}=require("@aws/durable-execution-sdk-js");'
        'exports.handler=w(async(e,c)=>{await c.step("first",async()=>1);'
        'await c.step("second",async()=>2)});'
    )
    line = filler + handler + filler
    assert len(line) > 1_000_000 and "\n" not in line
    (tmp_path / "bundle.min.js").write_text(line, encoding="utf-8")
    started = time.perf_counter()
    result = as_module(["bundle.min.js", "--format", "json"], tmp_path, timeout=120)
    elapsed = time.perf_counter() - started
    assert result.code == 0, result.stderr[-2000:]
    assert step_names(result.stdout) == ["first", "second"]
    assert elapsed < 20


# -- imports ---------------------------------------------------------------------------------------

PROBE = """
import json, sys
from durable_viz import parse_source
from durable_viz.cli import run
from durable_viz.graph import Kind, walk
code = run(sys.argv[1:])
heavy = sorted(m for m in ("libcst", "jinja2", "jsonschema") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}))
"""


@pytest.mark.parametrize(
    "example",
    ["examples/typescript/orderProcessor.ts", "examples/typescript/notifyCustomer.js"],
)
@pytest.mark.parametrize("fmt", ["json", "mermaid"])
def test_typescript_path_never_imports_libcst(example: str, fmt: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, example, "--format", fmt],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome == {"code": 0, "heavy": []}
