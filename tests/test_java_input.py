"""Hostile and broken Java input: every file gets a drawing or one clean error line, never a
traceback; and reading Java imports no libcst.

Inputs that could crash the interpreter (10,000-deep nesting, a 1 MB single-line file) run in a
subprocess, so that a crash shows as a return code instead of killing pytest.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from durable_viz.cli import run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/java/OrderProcessor.java"
CRASH_MARKS = ("Traceback", "RecursionError", "Fatal Python error", "Segmentation fault")

HANDLER_HEAD = (
    "import software.amazon.lambda.durable.*;\n"
    "public class Deep extends DurableHandler<String, String> {\n"
    "  public String handleRequest(String in, DurableContext ctx) {\n"
)


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(list(argv))
    return code, out.getvalue(), err.getvalue()


def subprocess_cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "durable_viz", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no durable handler found"),
        (b"   \n\n// nothing here\n", "no durable handler found"),
        (b"class A { void f() { } }\n", "no durable handler found"),
        (b"\x7fELF\x00\x01\x00\x00" * 64, "binary"),
        (b'class A { String s = "\xff\xfe"; }\n', "not valid UTF-8"),
        (b"}}}} {{{{ ))) class extends <<< ;;;\n", "no durable handler found"),
    ],
    ids=["empty", "blank", "no-handler", "binary", "bad-utf8", "garbage"],
)
def test_bad_input_is_one_clean_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "Handler.java"
    path.write_bytes(content)
    code, out, err = cli(str(path))
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"durable-viz: error: {path}")
    assert message in lines[0]


def test_syntax_errors_draw_with_warnings_and_exit_zero(tmp_path: Path) -> None:
    path = tmp_path / "Broken.java"
    path.write_text(
        HANDLER_HEAD
        + '    ctx.step("before", String.class, s -> "");\n'
        + "    int x = ;\n"
        + '    ctx.step("after", String.class, s -> "")\n'
        + "    return in;\n  }\n}\n",
        encoding="utf-8",
    )
    code, out, err = cli(str(path), "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    labels = [n["label"] for n in document["workflows"][0]["nodes"]]
    assert labels == ["Start", "before", "after", "End"]
    assert {(d["code"], d["line"]) for d in document["diagnostics"]} == {
        ("DV101", 5),
        ("DV101", 6),
    }
    assert "Traceback" not in err


def _run_generated(tmp_path: Path, name: str, text: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return subprocess_cli(name, "--format", "json", cwd=tmp_path)


@pytest.mark.parametrize("shape", ["blocks", "ifs", "parentheses", "lambdas"])
def test_nesting_ten_thousand_deep_gives_a_result_or_a_clean_error(
    tmp_path: Path, shape: str
) -> None:
    depth = 10_000
    open_, close = {
        "blocks": ("{ ", "} "),
        "ifs": ("if (x) { ", "} "),
        "parentheses": ("(", ")"),
        "lambdas": ("run(c -> ", ")"),
    }[shape]
    step = 'ctx.step("deep", String.class, s -> "")'
    if shape in ("parentheses", "lambdas"):
        body = "    var v = " + open_ * depth + step + close * depth + ";\n"
    else:
        body = "    " + open_ * depth + step + "; " + close * depth + "\n"
    result = _run_generated(tmp_path, "Deep.java", HANDLER_HEAD + body + "    return in;\n  }\n}\n")
    assert not any(mark in result.stderr for mark in CRASH_MARKS), result.stderr[-2000:]
    assert result.returncode in (0, 1), result.stderr[-2000:]
    if result.returncode == 1:
        assert result.stderr.startswith("durable-viz: error: Deep.java")
        assert len(result.stderr.strip().splitlines()) == 1
    else:
        document = json.loads(result.stdout)
        assert document["workflows"][0]["name"] == "Deep"
        if shape in ("blocks", "ifs", "parentheses"):
            assert "deep" in [n["label"] for n in document["workflows"][0]["nodes"]]


def test_a_one_megabyte_single_line_file(tmp_path: Path) -> None:
    calls = " ".join(f'ctx.step("s{i}", String.class, s -> "{"x" * 40}");' for i in range(12_500))
    text = HANDLER_HEAD.replace("\n", " ") + calls + " return in; } }"
    assert len(text) > 1_000_000 and "\n" not in text
    result = _run_generated(tmp_path, "Minified.java", text)
    assert result.returncode == 0, result.stderr[-2000:]
    document = json.loads(result.stdout)
    assert len(document["workflows"][0]["nodes"]) == 12_500 + 2


PROBE = """
import json, sys
from durable_viz.cli import run
code = run(sys.argv[1:])
heavy = sorted(m for m in ("libcst", "jinja2", "jsonschema") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}))
"""


@pytest.mark.parametrize("fmt", ["mermaid", "json"])
def test_java_imports_no_libcst(fmt: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, EXAMPLE, "--format", fmt],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"code": 0, "heavy": []}
