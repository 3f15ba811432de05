"""The ``durable-viz`` command line: exit codes, one-line errors, options, folders, hostile input.

Errors are checked three ways: in-process through :func:`durable_viz.cli.run`, as
``python -m durable_viz`` and as the installed ``durable-viz`` console script. Each failure must be
exactly one stderr line ``durable-viz: error: FILE[:LINE:COL]: message``, never a traceback, with
exit code 1 for bad input and 2 for wrong usage. Options are exercised through typer's
``CliRunner``; inputs that could crash the interpreter (deep nesting, huge files) run in a
subprocess so that a crash shows as a negative return code instead of killing pytest.
"""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest
from bad_input import (
    ERROR,
    ROOT,
    Result,
    as_module,
    assert_not_crashed,
    assert_one_error,
    in_process,
    run_command,
    step_names,
)
from typer.testing import CliRunner

import durable_viz
from durable_viz.cli import app

SCRIPT = Path(sys.executable).with_name("durable-viz")
WARNING = "durable-viz: warning: "

HANDLER = textwrap.dedent(
    """\
    from aws_durable_execution_sdk_python import DurableContext, durable_execution


    @durable_execution
    def handler(event, context: DurableContext):
        context.step(lambda _: 1, name="first")
        context.step(lambda _: 2, name="second")
    """
)

TWO_HANDLERS = textwrap.dedent(
    """\
    from aws_durable_execution_sdk_python import DurableContext, durable_execution
    from aws_durable_execution_sdk_python.config import Duration


    @durable_execution
    def intake(event, context: DurableContext):
        context.step(lambda _: 1, name="intake-step")


    @durable_execution
    def settle(event, context: DurableContext):
        context.wait(Duration.from_seconds(5), name="settle-wait")
    """
)

SYNTAX_ERROR = "import os\n\ndef f(:\n    pass\n"


def named_handler(name: str, step: str) -> str:
    """A one-step handler module whose handler function is ``name``."""
    return HANDLER.replace("def handler", f"def {name}").replace('"first"', f'"{step}"')


# -- running the command ---------------------------------------------------------------------------


def as_script(args: list[str], cwd: Path, timeout: float = 120) -> Result:
    """The installed ``durable-viz`` console script."""
    if not SCRIPT.is_file():
        pytest.skip(f"console script not installed at {SCRIPT}")
    return run_command([str(SCRIPT), *args], cwd, timeout)


Runner = Callable[[list[str], Path], Result]
RUNNERS: dict[str, Runner] = {"run": in_process, "module": as_module, "script": as_script}


@pytest.fixture(params=sorted(RUNNERS))
def durable_viz_cli(request: pytest.FixtureRequest) -> Runner:
    """The command, run each of the three ways."""
    return RUNNERS[request.param]


def write(folder: Path, files: dict[str, str | bytes]) -> None:
    """Create ``files`` (relative path -> text or bytes) under ``folder``."""
    for relative, content in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


# -- errors: one line, right exit code, on every way of running ------------------------------------


@dataclass(frozen=True)
class Case:
    """A run that must fail: the files it needs, its arguments, what it must print."""

    files: dict[str, str | bytes]
    args: list[str]
    code: int
    where: str  # how the line starts after "durable-viz: error: "
    words: tuple[str, ...]  # what the message must hold


ERROR_CASES = {
    "missing-path": Case({}, ["missing.py"], 1, "missing.py: ", ("no such file",)),
    "folder-without-handler": Case(
        {"plain/a.py": "x = 1\n", "plain/b.py": "def f():\n    return 2\n"},
        ["plain"],
        1,
        "plain: ",
        ("no durable handler",),
    ),
    "folder-without-supported-file": Case(
        {"docs/readme.txt": "hello\n", "docs/x.rb": "puts 1\n"},
        ["docs"],
        1,
        "docs: ",
        ("no source file",),
    ),
    "unsupported-extension": Case({"x.rb": "puts 1\n"}, ["x.rb"], 1, "x.rb: ", (".rb", ".py")),
    "binary-file": Case(
        {"blob.py": b"\x7fELF\x00\x01\x00\x00" * 64}, ["blob.py"], 1, "blob.py: ", ("binary",)
    ),
    "not-utf8": Case({"latin.py": b"x = '\xff'\n"}, ["latin.py"], 1, "latin.py:1:6: ", ("UTF-8",)),
    "empty-file": Case({"empty.py": ""}, ["empty.py"], 1, "empty.py: ", ("no durable handler",)),
    "only-comments": Case(
        {"notes.py": "# one\n# two\n"}, ["notes.py"], 1, "notes.py: ", ("no durable handler",)
    ),
    "syntax-error": Case({"bad.py": SYNTAX_ERROR}, ["bad.py"], 1, "bad.py:3:7: ", ("syntax",)),
    "unknown-workflow": Case(
        {"two.py": TWO_HANDLERS},
        ["two.py", "--workflow", "nope"],
        1,
        "two.py: ",
        ("nope", "intake", "settle"),
    ),
    "out-into-missing-folder": Case(
        {"h.py": HANDLER},
        ["h.py", "--out", "no/such/dir/out.mmd"],
        1,
        "no/such/dir: ",
        ("does not exist",),
    ),
    "bad-format": Case(
        {"h.py": HANDLER},
        ["h.py", "--format", "nope"],
        2,
        "",
        ("--format", "nope", "mermaid", "json"),
    ),
    "bad-direction": Case({"h.py": HANDLER}, ["h.py", "-d", "XX"], 2, "", ("XX", "td", "lr")),
    "no-path": Case({}, [], 2, "", ("PATH",)),
    "unknown-option": Case({"h.py": HANDLER}, ["h.py", "--bogus"], 2, "", ("--bogus",)),
    "extra-argument": Case({"h.py": HANDLER}, ["h.py", "other.py"], 2, "", ("other.py",)),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_error_is_one_line(durable_viz_cli: Runner, tmp_path: Path, case: str) -> None:
    expected = ERROR_CASES[case]
    write(tmp_path, expected.files)
    before = sorted(tmp_path.rglob("*"))
    result = durable_viz_cli(expected.args, tmp_path)
    line = assert_one_error(result, expected.code, expected.where)
    # Usage messages are click's wording, with its own capitalisation: compare those loosely.
    loose = expected.code == 2
    for word in expected.words:
        assert (word.lower() if loose else word) in (line.lower() if loose else line), line
    assert sorted(tmp_path.rglob("*")) == before, "a failed run leaves the folder as it was"


def test_file_too_large(tmp_path: Path) -> None:
    # Sparse: the size check must refuse it before reading 21 MB.
    with (tmp_path / "huge.py").open("wb") as stream:
        stream.truncate(21 * 1024 * 1024)
    assert_one_error(in_process(["huge.py"], tmp_path), 1, "huge.py: ", "MB")


SYNTAX_ERRORS = {
    "def-paren": SYNTAX_ERROR,
    "non-ascii-before": "x = 1\n\ny = 'ééé' + (:\n",
    "never-closed": "x = 1\ny = (1,\nz = 2\n",
    "unexpected-indent": "def f():\n  x = 1\n    y = 2\n",
    "tabs-and-spaces": "if True:\n\tx = 1\n        y = 2\n",
    "unterminated-string": "x = 1\ny = 'abc\n",
    "crlf": "x = 1\r\n\r\ndef f(:\r\n    pass\r\n",
    "f-string": 'x = 1\ny = f"{x!z}"\n',
}


@pytest.mark.parametrize("case", sorted(SYNTAX_ERRORS))
def test_syntax_error_position_is_cpythons(tmp_path: Path, case: str) -> None:
    source = SYNTAX_ERRORS[case]
    (tmp_path / "bad.py").write_bytes(source.encode("utf-8"))
    with pytest.raises(SyntaxError) as cpython:
        compile(source, "bad.py", "exec")
    where = f"bad.py:{cpython.value.lineno}:{cpython.value.offset}: "
    line = assert_one_error(in_process(["bad.py"], tmp_path), 1, where, "syntax error")
    if case == "def-paren":
        assert where == "bad.py:3:7: ", line


def test_not_utf8_column_counts_characters(tmp_path: Path) -> None:
    # 'v = ' + quote + 'éé' + quote + ' + ' + quote: the bad byte is the 13th character.
    (tmp_path / "bad.py").write_bytes(b"# ok\nv = '\xc3\xa9\xc3\xa9' + '\xff'\n")
    assert_one_error(in_process(["bad.py"], tmp_path), 1, "bad.py:2:13: ", "UTF-8")


def test_open_with_another_format_is_usage_error(tmp_path: Path) -> None:
    write(tmp_path, {"h.py": HANDLER})
    assert_one_error(in_process(["h.py", "--open", "--json"], tmp_path), 2, "", "html")


# -- hostile input: deep nesting and a big file ----------------------------------------------------

DEPTH = 3000


def _deep_expression(shape: str, depth: int, inner: str) -> str:
    if shape == "unary":
        return "-" * depth + inner
    if shape == "parens":
        return "(" * depth + inner + ")" * depth
    return "[" * depth + inner + "]" * depth


def _deep_ifs(depth: int, indent: int, inner: str) -> str:
    lines = [" " * 4 * (indent + level) + "if True:\n" for level in range(depth)]
    return "".join(lines) + " " * 4 * (indent + depth) + inner + "\n"


def deep_source(shape: str, placement: str, depth: int) -> str:
    """A module holding one deeply nested construct; ``placement`` says where."""
    if shape == "ifs":
        if placement == "alone":
            return "def f():\n" + _deep_ifs(depth, 1, "pass")
        if placement == "module":
            return HANDLER + "\n\n" + _deep_ifs(depth, 0, "pass")
        return HANDLER + _deep_ifs(depth, 1, 'context.step(lambda _: 3, name="deep")')
    if placement == "alone":
        return f"x = {_deep_expression(shape, depth, '1')}\n"
    if placement == "module":
        return HANDLER + f"\n\nx = {_deep_expression(shape, depth, '1')}\n"
    call = 'context.step(lambda _: 3, name="deep")'
    return HANDLER + f"    x = {_deep_expression(shape, depth, call)}\n"


@pytest.mark.parametrize("placement", ["alone", "module", "handler"])
@pytest.mark.parametrize("shape", ["unary", "parens", "list", "ifs"])
def test_very_deep_nesting_never_crashes(tmp_path: Path, shape: str, placement: str) -> None:
    (tmp_path / "deep.py").write_text(
        deep_source(shape, placement, 120 if shape == "ifs" else DEPTH), encoding="utf-8"
    )
    result = as_module(["deep.py", "--format", "json"], tmp_path)
    assert_not_crashed(result)
    if result.code == 1:
        assert_one_error(result, 1, "deep.py")
    else:
        assert placement != "alone", "a file without a handler cannot succeed"
        assert step_names(result.stdout)[:2] == ["first", "second"]


@pytest.mark.parametrize(
    ("shape", "depth"), [("unary", 500), ("parens", 150), ("list", 150), ("ifs", 90)]
)
def test_deep_nesting_python_accepts_is_drawn(tmp_path: Path, shape: str, depth: int) -> None:
    source = deep_source(shape, "handler", depth)
    compile(source, "deep.py", "exec")  # CPython itself accepts this depth
    (tmp_path / "deep.py").write_text(source, encoding="utf-8")
    result = as_module(["deep.py", "--format", "json"], tmp_path)
    assert result.code == 0, result.stderr
    assert step_names(result.stdout) == ["first", "second", "deep"]


@pytest.mark.parametrize("fmt", ["json", "mermaid"])
def test_thousands_of_nested_operations_are_drawn(tmp_path: Path, fmt: str) -> None:
    # CPython refuses 100 nested blocks, TypeScript does not: the graph builder and every
    # renderer must handle a workflow as deep as any parser can read.
    depth = 2000
    opening = "".join(
        f'if (e.a{i}) {{ await context.step("s{i}", async () => {i});\n' for i in range(depth)
    )
    source = (
        'import { withDurableExecution } from "@aws/durable-execution-sdk-js";\n'
        "export const handler = withDurableExecution(async (e, context) => {\n"
        + opening
        + "}" * depth
        + "\n});\n"
    )
    (tmp_path / "deep.ts").write_text(source, encoding="utf-8")
    result = in_process(["deep.ts", "--format", fmt], tmp_path)
    assert result.code == 0, result.stderr
    if fmt == "json":
        (workflow,) = json.loads(result.stdout)["workflows"]
        kinds = [node["kind"] for node in workflow["nodes"]]
        assert kinds.count("condition") == depth
        assert kinds.count("step") == depth
    else:
        steps = re.findall(r'^ *n\d+\["(s\d+)"\]$', result.stdout, flags=re.MULTILINE)
        assert steps == [f"s{i}" for i in range(depth)]


@pytest.mark.slow
def test_five_megabyte_handler(tmp_path: Path) -> None:
    payload = "x" * 120
    lines = [HANDLER]
    size = len(HANDLER)
    count = 0
    while size < 5 * 1024 * 1024:
        line = f'    context.step(lambda _: send("{payload}"), name="bulk-{count}")\n'
        lines.append(line)
        size += len(line)
        count += 1
    (tmp_path / "big.py").write_text("".join(lines), encoding="utf-8")
    # A generous bound for slow CI machines; this takes about 20 s on a modest laptop.
    result = as_module(["big.py", "--format", "json"], tmp_path, timeout=300)
    assert result.code == 0, result.stderr[-2000:]
    assert result.stderr == ""
    names = step_names(result.stdout)
    assert names == ["first", "second", *(f"bulk-{i}" for i in range(count))]


# -- options ---------------------------------------------------------------------------------------


@pytest.fixture
def handler_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with ``h.py`` (one handler) and ``two.py`` (two), made the working directory."""
    write(tmp_path, {"h.py": HANDLER, "two.py": TWO_HANDLERS})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(args: list[str]) -> str:
    """Run the typer app through ``CliRunner``; it must succeed. Returns stdout."""
    result = CliRunner().invoke(app, args)
    assert result.exception is None, result.exception
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_json_flag_equals_format_json(handler_dir: Path) -> None:
    flag = invoke(["h.py", "--json"])
    assert flag == invoke(["h.py", "--format", "json"])
    assert flag == invoke(["h.py", "-f", "json"])
    assert step_names(flag) == ["first", "second"]


def test_default_format_is_mermaid_top_down(handler_dir: Path) -> None:
    assert invoke(["h.py"]).startswith("flowchart TD\n")
    assert invoke(["h.py"]) == invoke(["h.py", "--format", "mermaid", "-d", "TD"])


def test_direction_lr(handler_dir: Path) -> None:
    assert invoke(["h.py", "-d", "LR"]).startswith("flowchart LR\n")
    assert invoke(["h.py", "--direction", "lr"]).startswith("flowchart LR\n")
    assert json.loads(invoke(["h.py", "--json", "-d", "LR"]))["direction"] == "LR"


def test_name_sets_json_title(handler_dir: Path) -> None:
    document = json.loads(invoke(["h.py", "--json", "-n", "Order Flow"]))
    assert [w["title"] for w in document["workflows"]] == ["Order Flow"]
    assert [w["name"] for w in document["workflows"]] == ["handler"]


def test_name_sets_title_of_several_workflows_in_mermaid(handler_dir: Path) -> None:
    assert "Order Flow" not in invoke(["two.py"])
    assert 'subgraph w1["Order Flow"]' in invoke(["two.py", "-n", "Order Flow"])


def test_name_sets_mermaid_title_of_one_workflow(handler_dir: Path) -> None:
    plain = invoke(["h.py"])
    titled = invoke(["h.py", "-n", "Order Flow"])
    assert titled != plain
    assert "Order Flow" in titled


def test_workflow_selects_one_handler(handler_dir: Path) -> None:
    both = json.loads(invoke(["two.py", "--json"]))
    assert [w["name"] for w in both["workflows"]] == ["intake", "settle"]
    only = json.loads(invoke(["two.py", "--json", "--workflow", "settle"]))
    assert [w["name"] for w in only["workflows"]] == ["settle"]
    assert step_names(invoke(["two.py", "--json", "--workflow", "intake"])) == ["intake-step"]


def test_out_writes_file_atomically(handler_dir: Path) -> None:
    stdout = invoke(["h.py"])
    before = {p.name for p in handler_dir.iterdir()}
    assert invoke(["h.py", "--out", "chart.mmd"]) == ""
    assert {p.name for p in handler_dir.iterdir()} == before | {"chart.mmd"}, "no temp file left"
    assert (handler_dir / "chart.mmd").read_bytes() == stdout.encode("utf-8")
    # Replacing an existing file works the same way.
    assert invoke(["h.py", "--json", "--out", "chart.mmd"]) == ""
    assert (handler_dir / "chart.mmd").read_text(encoding="utf-8") == invoke(["h.py", "--json"])
    assert {p.name for p in handler_dir.iterdir()} == before | {"chart.mmd"}


def test_out_file_mode_follows_umask(handler_dir: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    invoke(["h.py", "--out", "chart.mmd"])
    assert (handler_dir / "chart.mmd").stat().st_mode & 0o777 == 0o666 & ~umask


def test_out_not_written_when_the_run_fails(handler_dir: Path) -> None:
    write(handler_dir, {"plain.py": "x = 1\n"})
    result = in_process(["plain.py", "--out", "chart.mmd"], handler_dir)
    assert_one_error(result, 1, "plain.py: ")
    assert not (handler_dir / "chart.mmd").exists()


def test_out_into_missing_folder_creates_nothing(handler_dir: Path) -> None:
    before = sorted(handler_dir.rglob("*"))
    result = as_module(["h.py", "--out", "missing/chart.mmd"], handler_dir)
    assert_one_error(result, 1, "missing: ", "does not exist")
    assert sorted(handler_dir.rglob("*")) == before


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(tmp_path: Path, flag: str) -> None:
    expected = f"durable-viz {durable_viz.__version__}\n"
    assert invoke([flag]) == expected
    result = as_script([flag], tmp_path)
    assert (result.code, result.stdout, result.stderr) == (0, expected, "")
    assert durable_viz.__version__ == version("durable-viz"), "installed metadata is current"


def test_help(tmp_path: Path) -> None:
    text = invoke(["--help"])
    for option in (
        "--format",
        "--json",
        "--direction",
        "--name",
        "--workflow",
        "--open",
        "--out",
        "--version",
        "mermaid",
        "json",
    ):
        assert option in text
    result = as_module(["--help"], tmp_path)
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.startswith("Usage: durable-viz ")


# -- folders ---------------------------------------------------------------------------------------


def test_folder_draws_every_handler(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "proj/a.py": named_handler("alpha", "alpha-step"),
            "proj/sub/b.py": named_handler("beta", "beta-step"),
            "proj/plain.py": "x = 1\n",
            "proj/notes.txt": "not code\n",
        },
    )
    result = in_process(["proj", "--json"], tmp_path)
    assert (result.code, result.stderr) == (0, "")
    document = json.loads(result.stdout)
    assert [(w["file"], w["name"]) for w in document["workflows"]] == [
        ("proj/a.py", "alpha"),
        ("proj/sub/b.py", "beta"),
    ]
    assert step_names(result.stdout) == ["alpha-step", "second", "beta-step", "second"]
    mermaid = in_process(["proj"], tmp_path)
    assert mermaid.code == 0
    assert 'subgraph w1["alpha"]' in mermaid.stdout
    assert 'subgraph w2["beta"]' in mermaid.stdout


def test_folder_with_one_broken_file(tmp_path: Path) -> None:
    write(tmp_path, {"proj/bad.py": SYNTAX_ERROR, "proj/good.py": HANDLER})
    result = as_module(["proj", "--json"], tmp_path)
    assert result.code == 0, result.stderr
    assert step_names(result.stdout) == ["first", "second"]
    assert result.stderr.splitlines() == [f"{ERROR}proj/bad.py:3:7: syntax error: invalid syntax"]
    diagnostics = json.loads(result.stdout)["diagnostics"]
    assert [(d["severity"], d["file"], d["line"], d["column"]) for d in diagnostics] == [
        ("error", "proj/bad.py", 3, 7)
    ]


# -- warnings --------------------------------------------------------------------------------------

WARNS = HANDLER + "    context.frobnicate(1)\n"
WARN_LINE = WARNS.splitlines().index("    context.frobnicate(1)") + 1


def test_warning_goes_to_stderr(tmp_path: Path) -> None:
    write(tmp_path, {"warn.py": WARNS})
    result = in_process(["warn.py", "--json"], tmp_path)
    assert result.code == 0
    assert step_names(result.stdout) == ["first", "second"]
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{WARNING}warn.py:{WARN_LINE}:5: "), lines[0]
    assert "frobnicate" in lines[0]
    mermaid = in_process(["warn.py"], tmp_path)
    assert mermaid.stdout.startswith("flowchart TD\n")
    assert mermaid.stderr == result.stderr


def test_warning_in_folder_names_the_file(tmp_path: Path) -> None:
    write(tmp_path, {"proj/warn.py": WARNS})
    result = in_process(["proj"], tmp_path)
    assert result.code == 0
    assert result.stderr.startswith(f"{WARNING}proj/warn.py:{WARN_LINE}:5: "), result.stderr


# -- ways of running -------------------------------------------------------------------------------


def test_module_script_and_run_agree(tmp_path: Path) -> None:
    write(tmp_path, {"h.py": HANDLER})
    results = [RUNNERS[name](["h.py", "--json"], tmp_path) for name in sorted(RUNNERS)]
    assert results[0].code == 0
    assert step_names(results[0].stdout) == ["first", "second"]
    assert all(r == results[0] for r in results), results


def test_python_dash_m_on_an_example() -> None:
    result = as_module(["examples/python/order_processor.py"], ROOT)
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.startswith("flowchart TD\n")
