"""``durable-viz convert`` and ``durable-viz scaffold`` through the command line.

What the commands do around the emitters: read the input (a handler file; a JSON graph file or
stdin), pick the workflow, write stdout or ``--out`` atomically, and fail with one clean line and
the right exit code (1 bad input, 2 wrong usage). The emitters' own output is the round trip's
business (tests/test_roundtrip.py); here a stand-in emitter writes the workflow's description, so
these tests run whether or not an emitter exists, plus one real conversion per written emitter.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from importlib.util import find_spec
from pathlib import Path

import pytest
from bad_input import ERROR, Result, assert_one_error, in_process
from signature import describe, workflow_signature

import durable_viz.emit
from durable_viz.api import load, parse_source, render
from durable_viz.emit import LANGUAGES, convert, language_of, scaffold
from durable_viz.errors import DurableVizError
from durable_viz.graph import Workflow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "python" / "order_processor.py"

TWO_HANDLERS = textwrap.dedent(
    """\
    from aws_durable_execution_sdk_python import DurableContext, durable_execution


    @durable_execution
    def first(event, context: DurableContext):
        context.step(lambda _: 1, name="one")


    @durable_execution
    def second(event, context: DurableContext):
        context.step(lambda _: 2, name="two")
    """
)


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Replace the emitters with one that writes ``LANGUAGE`` and the workflow's tree; the list
    records (workflow name, language) of every call."""
    calls: list[tuple[str, str]] = []

    def emit(workflow: Workflow, language: str) -> str:
        canonical = language_of(language)
        calls.append((workflow.name, canonical))
        return f"{canonical}\n{describe(workflow)}\n"

    monkeypatch.setattr(durable_viz.emit, "emit", emit)
    return calls


def run(args: list[str], cwd: Path = ROOT, stdin: bytes | None = None) -> Result:
    """The command in this interpreter, with ``stdin`` as its standard input."""
    if stdin is None:
        return in_process(args, cwd)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        return in_process(args, cwd)


def graph_json(path: Path) -> str:
    return render(load(path), "json")


# -- languages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("python", "python"),
        ("PY", "python"),
        ("ts", "typescript"),
        ("TypeScript", "typescript"),
        ("java", "java"),
        ("cs", "csharp"),
        ("C#", "csharp"),
        ("csharp", "csharp"),
    ],
)
def test_language_names_and_aliases(text: str, language: str) -> None:
    assert language_of(text) == language
    assert language in LANGUAGES


def test_an_unknown_language_lists_the_choices() -> None:
    with pytest.raises(DurableVizError, match="python, typescript, java, csharp"):
        language_of("cobol")


@pytest.mark.parametrize("command", ["convert", "scaffold"])
def test_an_unknown_language_is_wrong_usage(command: str, tmp_path: Path) -> None:
    option = "--to" if command == "convert" else "--language"
    result = run([command, str(EXAMPLE), option, "cobol"])
    line = assert_one_error(result, 2, "", "cobol")
    assert "python" in line and "csharp" in line


@pytest.mark.parametrize("command", ["convert", "scaffold"])
def test_a_missing_language_is_wrong_usage(command: str) -> None:
    result = run([command, str(EXAMPLE)])
    assert_one_error(result, 2, "")


# -- convert -------------------------------------------------------------------------------------


def test_convert_writes_stdout(stand_in: list[tuple[str, str]]) -> None:
    result = run(["convert", "examples/python/order_processor.py", "--to", "ts"])
    assert result.code == 0, result
    assert result.stdout.startswith("typescript\nworkflow handler\n")
    assert "validate-order" in result.stdout
    assert result.stderr == ""
    assert stand_in == [("handler", "typescript")]


def test_convert_writes_out_atomically(stand_in: list[tuple[str, str]], tmp_path: Path) -> None:
    out = tmp_path / "Handler.java"
    result = run(["convert", str(EXAMPLE), "--to", "java", "--out", str(out)])
    assert result.code == 0, result
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("java\nworkflow handler\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Handler.java"]


def test_a_failed_convert_leaves_out_as_it_was(
    stand_in: list[tuple[str, str]], tmp_path: Path
) -> None:
    out = tmp_path / "handler.py"
    out.write_text("kept\n", encoding="utf-8")
    result = run(["convert", str(tmp_path / "missing.py"), "--to", "python", "--out", str(out)])
    assert_one_error(result, 1, str(tmp_path / "missing.py"), "no such file")
    assert out.read_text(encoding="utf-8") == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handler.py"]
    assert stand_in == []


def test_convert_into_a_missing_folder_is_one_error(
    stand_in: list[tuple[str, str]], tmp_path: Path
) -> None:
    out = tmp_path / "nowhere" / "handler.py"
    result = run(["convert", str(EXAMPLE), "--to", "python", "--out", str(out)])
    assert_one_error(result, 1, str(out.parent), "folder does not exist")


def test_convert_of_a_missing_file(stand_in: list[tuple[str, str]]) -> None:
    result = run(["convert", "no/such/file.py", "--to", "python"])
    assert_one_error(result, 1, "no/such/file.py", "no such file")


def test_convert_of_a_file_without_handler(stand_in: list[tuple[str, str]], tmp_path: Path) -> None:
    source = tmp_path / "plain.py"
    source.write_text("print('hello')\n", encoding="utf-8")
    result = run(["convert", str(source), "--to", "java"])
    assert_one_error(result, 1, str(source), "no durable handler")


def test_convert_of_a_syntax_error_names_the_line(
    stand_in: list[tuple[str, str]], tmp_path: Path
) -> None:
    source = tmp_path / "broken.py"
    source.write_text("def handler(:\n", encoding="utf-8")
    result = run(["convert", str(source), "--to", "java"])
    assert_one_error(result, 1, f"{source}:1:")


def test_two_workflows_need_workflow(stand_in: list[tuple[str, str]], tmp_path: Path) -> None:
    source = tmp_path / "two.py"
    source.write_text(TWO_HANDLERS, encoding="utf-8")
    result = run(["convert", str(source), "--to", "ts"])
    assert_one_error(result, 1, str(source), "2 workflows (first, second)", "--workflow")
    picked = run(["convert", str(source), "--to", "ts", "--workflow", "second"])
    assert picked.code == 0, picked
    assert stand_in == [("second", "typescript")]


def test_a_workflow_that_is_not_there(stand_in: list[tuple[str, str]], tmp_path: Path) -> None:
    source = tmp_path / "two.py"
    source.write_text(TWO_HANDLERS, encoding="utf-8")
    result = run(["convert", str(source), "--to", "ts", "--workflow", "third"])
    assert_one_error(result, 1, str(source), "'third'", "first, second")


# -- scaffold ------------------------------------------------------------------------------------


def test_scaffold_from_a_file(stand_in: list[tuple[str, str]], tmp_path: Path) -> None:
    graph = tmp_path / "graph.json"
    graph.write_text(graph_json(EXAMPLE), encoding="utf-8")
    result = run(["scaffold", str(graph), "-l", "csharp"])
    assert result.code == 0, result
    assert result.stdout.startswith("csharp\nworkflow handler\n")
    assert stand_in == [("handler", "csharp")]


def test_scaffold_from_stdin(stand_in: list[tuple[str, str]]) -> None:
    result = run(["scaffold", "-", "--language", "py"], stdin=graph_json(EXAMPLE).encode())
    assert result.code == 0, result
    assert result.stdout.startswith("python\nworkflow handler\n")


def test_scaffold_writes_out(stand_in: list[tuple[str, str]], tmp_path: Path) -> None:
    graph = tmp_path / "graph.json"
    graph.write_text(graph_json(EXAMPLE), encoding="utf-8")
    out = tmp_path / "handler.ts"
    result = run(["scaffold", str(graph), "-l", "ts", "--out", str(out)])
    assert result.code == 0, result
    assert out.read_text(encoding="utf-8").startswith("typescript\n")


def test_scaffold_of_a_document_with_two_workflows_picks_one(
    stand_in: list[tuple[str, str]], tmp_path: Path
) -> None:
    source = tmp_path / "two.py"
    source.write_text(TWO_HANDLERS, encoding="utf-8")
    text = graph_json(source)
    result = run(["scaffold", "-", "-l", "java"], stdin=text.encode())
    assert_one_error(result, 1, "<stdin>", "2 workflows (first, second)", "--workflow")
    picked = run(["scaffold", "-", "-l", "java", "--workflow", "first"], stdin=text.encode())
    assert picked.code == 0, picked
    assert stand_in == [("first", "java")]
    missing = run(["scaffold", "-", "-l", "java", "--workflow", "third"], stdin=text.encode())
    assert_one_error(missing, 1, "<stdin>", "'third'", "first, second")


def test_workflows_of_the_same_name_are_told_apart_by_file(
    stand_in: list[tuple[str, str]],
) -> None:
    """A folder's document holds a ``handler`` per file: the message says to take one file."""
    text = render(load(ROOT / "examples" / "python"), "json")
    result = run(["scaffold", "-", "-l", "java", "--workflow", "handler"], stdin=text.encode())
    assert_one_error(result, 1, "<stdin>", "named 'handler'", "examples/python/order_processor.py")
    converted = run(["convert", "examples/python", "--to", "java", "--workflow", "handler"])
    assert_one_error(converted, 1, "examples/python", "named 'handler'", "convert the file")


BAD_GRAPHS = [
    pytest.param('{"schema_version": 1, "workflows": [', ":1:", "not JSON", id="truncated"),
    pytest.param("{\n  oops\n}", ":2:3", "not JSON", id="bad-token"),
    pytest.param('{"nodes": []}', "", "not a durable-viz graph document", id="no-version"),
    pytest.param('{"schema_version": 9}', "", "unknown schema_version 9", id="version"),
    pytest.param(
        '{"schema_version": 1, "file": "x", "language": "python", "direction": "TD", '
        '"workflows": [], "diagnostics": [], "extra": 1}',
        "",
        "unexpected key 'extra'",
        id="wrong-shape",
    ),
    pytest.param(
        '{"schema_version": 1, "file": "x", "language": "python", "direction": "TD", '
        '"workflows": [], "diagnostics": []}',
        "",
        "holds no workflow",
        id="no-workflow",
    ),
]


@pytest.mark.parametrize(("text", "where", "words"), BAD_GRAPHS)
def test_a_bad_graph_is_one_clean_error(
    stand_in: list[tuple[str, str]], tmp_path: Path, text: str, where: str, words: str
) -> None:
    graph = tmp_path / "graph.json"
    graph.write_text(text, encoding="utf-8")
    result = run(["scaffold", str(graph), "-l", "python"])
    assert_one_error(result, 1, f"{graph}{where}", words)
    from_stdin = run(["scaffold", "-", "-l", "python"], stdin=text.encode())
    assert_one_error(from_stdin, 1, f"<stdin>{where}", words)
    assert stand_in == []


def test_scaffold_of_a_binary_file(stand_in: list[tuple[str, str]], tmp_path: Path) -> None:
    graph = tmp_path / "graph.json"
    graph.write_bytes(b"\x00\x01\x02")
    result = run(["scaffold", str(graph), "-l", "python"])
    assert_one_error(result, 1, str(graph), "binary")


def test_scaffold_of_a_missing_file(stand_in: list[tuple[str, str]]) -> None:
    result = run(["scaffold", "missing.json", "-l", "python"])
    assert_one_error(result, 1, "missing.json", "no such file")


def test_errors_never_print_a_traceback(stand_in: list[tuple[str, str]], tmp_path: Path) -> None:
    graph = tmp_path / "graph.json"
    graph.write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
    result = run(["scaffold", str(graph), "-l", "python"])
    assert_one_error(result, 1, str(graph))
    assert ERROR in result.stderr


# -- the real emitters -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_convert_and_scaffold_write_what_reads_back(language: str, tmp_path: Path) -> None:
    """With a real emitter, both commands write a handler that parses back as the workflow."""
    if find_spec(f"durable_viz.emit.{language}") is None:
        pytest.skip("emitter not written yet")
    extension = {"python": "py", "typescript": "ts", "java": "java", "csharp": "cs"}[language]
    expected = workflow_signature(load(EXAMPLE).views[0].workflow)
    graph = tmp_path / "graph.json"
    graph.write_text(graph_json(EXAMPLE), encoding="utf-8")
    for text in (convert(str(EXAMPLE), language), scaffold(str(graph), language)):
        (back,) = parse_source(text, Path(f"/nonexistent/Flow.{extension}")).workflows
        assert workflow_signature(back) == expected


PROBE = """
import contextlib, io, json, sys
from durable_viz.cli import run
with contextlib.redirect_stdout(io.StringIO()):
    code = run(sys.argv[1:])
heavy = sorted(m for m in ("libcst", "jinja2", "jsonschema") if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}))
"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_scaffold_imports_no_parser_renderer_or_validator(language: str, tmp_path: Path) -> None:
    """A JSON graph needs no libcst (whatever the target), no jinja2 and no jsonschema."""
    if find_spec(f"durable_viz.emit.{language}") is None:
        pytest.skip("emitter not written yet")
    graph = tmp_path / "graph.json"
    graph.write_text(graph_json(EXAMPLE), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "scaffold", str(graph), "-l", language],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"code": 0, "heavy": []}
