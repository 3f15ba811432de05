"""What the bad-input tests of every language share: running the command in this interpreter or
in a fresh one, what a run printed, and what a clean failure looks like.

A clean failure is exactly one stderr line ``durable-viz: error: FILE[:LINE:COL]: message`` and
nothing on stdout; a crash is a traceback, a RecursionError or a fatal error of the interpreter.
Inputs that could crash the interpreter (deep nesting, huge files) run in a fresh one
(:func:`as_module`), so that a crash shows as a return code instead of killing pytest.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from durable_viz.cli import run

ROOT = Path(__file__).resolve().parent.parent
ERROR = "durable-viz: error: "
CRASH_MARKS = ("Traceback", "RecursionError", "Fatal Python error", "Segmentation fault")

HEAVY_IMPORTS_PROBE = """
import json, sys
from durable_viz import parse_source
from durable_viz.cli import run
from durable_viz.graph import Kind, walk
code = run(sys.argv[1:])
heavy = sorted(m for m in ("libcst", "jinja2", "jsonschema") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}))
"""
"""Imports the public API, runs the command in a fresh interpreter, then prints its exit code and
the heavy modules imported by then (the last line, as JSON)."""


@dataclass(frozen=True)
class Result:
    """What one run of the command printed."""

    code: int
    stdout: str
    stderr: str


def in_process(args: list[str], cwd: Path) -> Result:
    """``run(args)`` in this interpreter, from ``cwd``."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out), redirect_stderr(err):
        patch.chdir(cwd)
        code = run(args)
    return Result(code, out.getvalue(), err.getvalue())


def run_command(command: list[str], cwd: Path, timeout: float) -> Result:
    """Any command line, from ``cwd``, its output read as UTF-8."""
    done = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def as_module(args: list[str], cwd: Path, timeout: float = 120) -> Result:
    """``python -m durable_viz ARGS`` in a fresh interpreter."""
    return run_command([sys.executable, "-m", "durable_viz", *args], cwd, timeout)


def heavy_imports(*args: str, cwd: Path = ROOT) -> dict[str, object]:
    """The exit code of the command run with ``args`` and the heavy modules it imported (see
    :data:`HEAVY_IMPORTS_PROBE`)."""
    done = subprocess.run(
        [sys.executable, "-c", HEAVY_IMPORTS_PROBE, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=True,
    )
    last: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return last


def step_names(json_text: str) -> list[str]:
    """Names of the ``step`` nodes of every workflow, in output order."""
    document: dict[str, Any] = json.loads(json_text)
    return [
        node["name"]
        for workflow in document["workflows"]
        for node in workflow["nodes"]
        if node["kind"] == "step"
    ]


def assert_one_error(result: Result, code: int, where: str, *words: str) -> str:
    """The run failed with ``code`` and exactly one ``durable-viz: error: WHERE...`` line."""
    assert result.code == code, result
    for mark in CRASH_MARKS:
        assert mark not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one stderr line, got:\n{result.stderr}"
    line = lines[0]
    assert line.startswith(ERROR + where), line
    for word in words:
        assert word in line, f"{word!r} not in {line!r}"
    assert result.stdout == "", "nothing is printed on stdout when the run fails"
    return line


def assert_not_crashed(result: Result) -> None:
    """A result or a clean error: exit 0 or 1, never a signal, a traceback or a fatal error."""
    assert result.code in (0, 1), f"exit {result.code}\n{result.stderr[-2000:]}"
    for mark in CRASH_MARKS:
        assert mark not in result.stderr, result.stderr[-2000:]


def assert_drawn_or_one_error(result: Result, where: str = "") -> None:
    """Not crashed (see :func:`assert_not_crashed`); a failure is one clean error line."""
    assert_not_crashed(result)
    if result.code == 1:
        assert_one_error(result, 1, where)
