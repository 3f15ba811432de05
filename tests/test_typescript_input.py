"""Hostile and broken TypeScript/JavaScript input through the command line: every file gets a
drawing or one clean error line, never a traceback; a TypeScript path never imports libcst.

Inputs that could crash the interpreter (deep nesting, a huge minified line) run in a
subprocess, so that a crash shows as a return code instead of killing pytest.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from bad_input import (
    as_module,
    assert_drawn_or_one_error,
    assert_one_error,
    heavy_imports,
    in_process,
    step_names,
)

from durable_viz import parse_source
from durable_viz.graph import Kind, walk

HANDLER = """\
import { withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event, context) => {
  await context.step("first", async () => 1);
  await context.step("second", async () => 2);
});
"""


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
    assert_one_error(result, 1, name, "no durable handler found (a withDurableExecution(...) call)")


def test_binary_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bundle.js").write_bytes(b"\x7fELF\x00\x01\x02binary\x00")
    assert_one_error(in_process(["bundle.js"], tmp_path), 1, "bundle.js", "binary")


def test_not_utf8_is_refused_with_its_position(tmp_path: Path) -> None:
    (tmp_path / "latin.ts").write_bytes(b"const a = 1;\nconst b = '\xe9';\n")
    assert_one_error(in_process(["latin.ts"], tmp_path), 1, "latin.ts:2:12", "not valid UTF-8")


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
    assert_drawn_or_one_error(result)
    if result.code == 0:
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


@pytest.mark.parametrize(
    "example",
    ["examples/typescript/orderProcessor.ts", "examples/typescript/notifyCustomer.js"],
)
@pytest.mark.parametrize("fmt", ["json", "mermaid"])
def test_typescript_path_never_imports_libcst(example: str, fmt: str) -> None:
    assert heavy_imports(example, "--format", fmt) == {"code": 0, "heavy": []}
