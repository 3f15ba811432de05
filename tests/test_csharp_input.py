"""Hostile and broken C# input through the command line: every file gets a drawing or one clean
error line, never a traceback; a C# path never imports libcst.

Inputs that could crash the interpreter (deep nesting, a huge one-line file) run in a
subprocess, so that a crash shows as a return code instead of killing pytest.
"""

# C# sources are written as they would be in a C# file, some lines longer than ours.
# ruff: noqa: E501

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from bad_input import (
    ROOT,
    as_module,
    assert_drawn_or_one_error,
    assert_one_error,
    heavy_imports,
    in_process,
    step_names,
)

NO_HANDLER = "no durable handler found (a DurableFunction.WrapAsync(...) call"

HANDLER = """\
using Amazon.Lambda.DurableExecution;

public class Function
{
    public Task<DurableExecutionInvocationOutput> Handler(DurableExecutionInvocationInput input, ILambdaContext context)
        => DurableFunction.WrapAsync<In, Out>(Workflow, input, context);

    private async Task<Out> Workflow(In input, IDurableContext ctx)
    {
        await ctx.StepAsync(async (_, ct) => 1, name: "first");
        await ctx.StepAsync(async (_, ct) => 2, name: "second");
        return new Out();
    }
}
"""


# -- files that hold no handler or cannot be read --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Empty.cs", ""),
        ("Blank.cs", "\n\n   \n"),
        ("Usings.cs", "using System;\nnamespace A.B;\n"),
        ("Comment.cs", "// nothing here\n/* nor here */\n"),
        ("Garbage.cs", "}}}{{{ ((( ;;; <<<>>> @@@ #if\n"),
        (
            "Helper.cs",
            "static class H { static Task F(IDurableContext c, string n) => c.WaitAsync(default); }\n",
        ),
    ],
)
def test_no_handler_is_one_error_naming_what_a_handler_looks_like(
    tmp_path: Path, name: str, content: str
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    assert_one_error(in_process([name], tmp_path), 1, name, NO_HANDLER)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "Program.cs").write_bytes(b"MZ\x90\x00\x03\x00binary\x00")
    assert_one_error(in_process(["Program.cs"], tmp_path), 1, "Program.cs", "binary")


def test_not_utf8_is_refused_with_its_position(tmp_path: Path) -> None:
    (tmp_path / "Latin.cs").write_bytes(b'class A {}\nvar s = "\xe9";\n')
    assert_one_error(in_process(["Latin.cs"], tmp_path), 1, "Latin.cs:2:10", "not valid UTF-8")


def test_byte_order_mark_and_crlf_line_ends_are_read(tmp_path: Path) -> None:
    data = "\ufeff" + HANDLER.replace("\n", "\r\n")
    (tmp_path / "Bom.cs").write_bytes(data.encode("utf-8"))
    result = in_process(["Bom.cs", "--format", "json"], tmp_path)
    assert result.code == 0, result.stderr
    assert step_names(result.stdout) == ["first", "second"]
    lines = [
        n["line"] for w in json.loads(result.stdout)["workflows"] for n in w["nodes"] if "line" in n
    ]
    assert lines == [10, 11]


# -- syntax errors ---------------------------------------------------------------------------------


def test_syntax_error_is_drawn_with_a_warning(tmp_path: Path) -> None:
    broken = HANDLER.replace(
        "        await ctx.StepAsync(async (_, ct) => 2",
        "        var x = (;\n        await ctx.StepAsync(async (_, ct) => 2",
    )
    (tmp_path / "Broken.cs").write_text(broken, encoding="utf-8")
    result = in_process(["Broken.cs", "--format", "json"], tmp_path)
    assert result.code == 0, result.stderr
    assert step_names(result.stdout) == ["first", "second"]
    diagnostics = json.loads(result.stdout)["diagnostics"]
    assert (diagnostics[0]["code"], diagnostics[0]["line"], diagnostics[0]["severity"]) == (
        "DV101",
        11,
        "warning",
    )
    assert "Broken.cs:11:" in result.stderr
    assert "Traceback" not in result.stderr


def test_workflow_with_an_unclosed_body_still_draws(tmp_path: Path) -> None:
    cut = HANDLER[: HANDLER.index("        return new Out();")]
    (tmp_path / "Cut.cs").write_text(cut, encoding="utf-8")
    result = in_process(["Cut.cs", "--format", "json"], tmp_path)
    assert result.code == 0, result.stderr
    assert step_names(result.stdout) == ["first", "second"]
    assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == ["DV101"]
    assert "Cut.cs:3:1: syntax error" in result.stderr


# -- hostile sizes ---------------------------------------------------------------------------------


def _deep(shape: str, depth: int) -> str:
    call = 'await ctx.StepAsync(async (_, ct) => 1, name: "deep")'
    if shape == "parens":
        inner = "var x = " + "(" * depth + call + ")" * depth + ";"
    elif shape == "blocks":
        inner = "{" * depth + call + ";" + "}" * depth
    elif shape == "ifs":
        inner = "if (a) " * depth + call + ";"
    elif shape == "lambdas":
        inner = "Run(() => " * depth + call + ")" * depth + ";"
    elif shape == "ternaries":
        inner = "var y = " + "a ? 1 : " * depth + call + ";"
    else:
        inner = "var z = new[] { " * depth + "1" + " }" * depth + ";\n" + call + ";"
    return HANDLER.replace('        await ctx.StepAsync(async (_, ct) => 1, name: "first");', inner)


@pytest.mark.parametrize("shape", ["parens", "blocks", "ifs", "lambdas", "ternaries", "arrays"])
def test_nesting_ten_thousand_deep_never_crashes(tmp_path: Path, shape: str) -> None:
    (tmp_path / "Deep.cs").write_text(_deep(shape, 10_000), encoding="utf-8")
    result = as_module(["Deep.cs", "--format", "json"], tmp_path, timeout=300)
    assert_drawn_or_one_error(result)
    if result.code == 0:
        assert "second" in step_names(result.stdout)


def test_a_one_megabyte_single_line_file_is_drawn_quickly(tmp_path: Path) -> None:
    steps = " ".join(
        f'await ctx.StepAsync(async (_, ct) => {i}, name: "s{i}");' for i in range(18_000)
    )
    source = HANDLER.replace("\n", " ").replace(
        'await ctx.StepAsync(async (_, ct) => 1, name: "first");', steps
    )
    assert "\n" not in source and len(source) > 1_000_000
    (tmp_path / "Minified.cs").write_text(source, encoding="utf-8")
    started = time.perf_counter()
    result = as_module(["Minified.cs", "--format", "json"], tmp_path, timeout=300)
    elapsed = time.perf_counter() - started
    assert result.code == 0, result.stderr[-2000:]
    names = step_names(result.stdout)
    assert names[:2] == ["s0", "s1"] and names[-1] == "second" and len(names) == 18_001
    assert elapsed < 60


# -- what a C# run imports -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["mermaid", "json"])
def test_csharp_never_imports_libcst(fmt: str) -> None:
    probed = heavy_imports("examples/csharp/OrderProcessor.cs", "--format", fmt)
    assert probed == {"code": 0, "heavy": []}


def test_a_project_folder_with_helpers_and_a_project_file_draws(tmp_path: Path) -> None:
    result = in_process([str(ROOT / "examples" / "csharp"), "--format", "json"], tmp_path)
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert {w["name"] for w in document["workflows"]} >= {"ProcessOrder", "RunAsync"}
