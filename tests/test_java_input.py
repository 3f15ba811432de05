"""Hostile and broken Java input: every file gets a drawing or one clean error line, never a
traceback; and reading Java imports no libcst.

Inputs that could crash the interpreter (10,000-deep nesting, a 1 MB single-line file) run in a
subprocess, so that a crash shows as a return code instead of killing pytest.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bad_input import (
    Result,
    as_module,
    assert_drawn_or_one_error,
    assert_one_error,
    heavy_imports,
    in_process,
)

EXAMPLE = "examples/java/OrderProcessor.java"

HANDLER_HEAD = (
    "import software.amazon.lambda.durable.*;\n"
    "public class Deep extends DurableHandler<String, String> {\n"
    "  public String handleRequest(String in, DurableContext ctx) {\n"
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
    assert_one_error(in_process([str(path)], tmp_path), 1, str(path), message)


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
    result = in_process([str(path), "--format", "json"], tmp_path)
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    labels = [n["label"] for n in document["workflows"][0]["nodes"]]
    assert labels == ["Start", "before", "after", "End"]
    assert {(d["code"], d["line"]) for d in document["diagnostics"]} == {
        ("DV101", 5),
        ("DV101", 6),
    }
    assert "Traceback" not in result.stderr


def _run_generated(tmp_path: Path, name: str, text: str) -> Result:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return as_module([name, "--format", "json"], tmp_path)


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
    assert_drawn_or_one_error(result, "Deep.java")
    if result.code == 0:
        document = json.loads(result.stdout)
        assert document["workflows"][0]["name"] == "Deep"
        if shape in ("blocks", "ifs", "parentheses"):
            assert "deep" in [n["label"] for n in document["workflows"][0]["nodes"]]


def test_a_one_megabyte_single_line_file(tmp_path: Path) -> None:
    calls = " ".join(f'ctx.step("s{i}", String.class, s -> "{"x" * 40}");' for i in range(12_500))
    text = HANDLER_HEAD.replace("\n", " ") + calls + " return in; } }"
    assert len(text) > 1_000_000 and "\n" not in text
    result = _run_generated(tmp_path, "Minified.java", text)
    assert result.code == 0, result.stderr[-2000:]
    document = json.loads(result.stdout)
    assert len(document["workflows"][0]["nodes"]) == 12_500 + 2


@pytest.mark.parametrize("fmt", ["mermaid", "json"])
def test_java_imports_no_libcst(fmt: str) -> None:
    assert heavy_imports(EXAMPLE, "--format", fmt) == {"code": 0, "heavy": []}
