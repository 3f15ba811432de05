"""The language-neutral ground every parser builds on: how an operation node is finished from
the parts a parser read (``parsers/operations.py``), and the parse entry, helper files and
result order (``parsers/entry.py``); then the same rules seen through the parsers themselves."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from durable_viz import parse_source
from durable_viz.errors import SourceSyntaxError
from durable_viz.graph import Diagnostic, Kind, Node, ParseResult, Severity
from durable_viz.parsers.base import NONE_NAME, NameValue
from durable_viz.parsers.entry import (
    HelperFiles,
    by_position_and_message,
    parse_guarded,
    parse_result,
)
from durable_viz.parsers.operations import operation_node


def place(kind: Kind, label: str, **fields: object) -> Node:
    return Node(kind=kind, label=label, line=3, column=5, **fields)  # type: ignore[arg-type]


def no_description() -> str | None:
    return None


def never_asked() -> str | None:
    raise AssertionError("a named operation needs no description")


def drawn(node: Node) -> tuple[str, str | None, tuple[str, ...], dict[str, str]]:
    return node.label, node.name, node.annotations, dict(node.config)


# -- finishing an operation node -------------------------------------------------------------------


def test_a_named_operation_keeps_its_name_and_config() -> None:
    name = NameValue("charge-{}", "charge-{order.id}", True)
    node = operation_node(
        place, Kind.STEP, name, {"retry": "linear"}, ["retry: linear"], describe=never_asked
    )
    assert drawn(node) == (
        "charge-{order.id}",
        "charge-{}",
        ("retry: linear",),
        {"retry": "linear"},
    )
    assert (node.dynamic, node.line, node.column, node.target, node.blocks) == (
        True,
        3,
        5,
        None,
        (),
    )


def test_an_unnamed_operation_is_labelled_by_the_function_it_runs() -> None:
    node = operation_node(place, Kind.STEP, NONE_NAME, {}, [], describe=lambda: "audit.write")
    assert drawn(node) == ("audit.write", None, ("unnamed",), {})


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (Kind.STEP, "step"),
        (Kind.CHILD_CONTEXT, "child context"),
        (Kind.CREATE_CALLBACK, "callback"),
        (Kind.WAIT_FOR_CALLBACK, "wait for callback"),
        (Kind.WAIT_FOR_CONDITION, "wait for condition"),
        (Kind.WITH_RETRY, "with retry"),
        (Kind.PROMISE_ALL, "promise_all"),
    ],
)
def test_an_unnamed_operation_with_nothing_to_describe_is_labelled_by_its_kind(
    kind: Kind, label: str
) -> None:
    node = operation_node(place, kind, NONE_NAME, {}, [], describe=no_description)
    assert node.label == label


def test_a_wait_shows_its_duration_first() -> None:
    unnamed = operation_node(
        place, Kind.WAIT, NONE_NAME, {}, [], describe=no_description, duration="5m"
    )
    assert drawn(unnamed) == ("wait 5m", None, ("5m", "unnamed"), {"duration": "5m"})
    named = operation_node(
        place,
        Kind.WAIT,
        NameValue.literal("cool-off"),
        {"tenant": "acme"},
        ["tenant acme"],
        describe=never_asked,
        duration="1h 30m",
    )
    assert drawn(named) == (
        "cool-off",
        "cool-off",
        ("1h 30m", "tenant acme"),
        {"tenant": "acme", "duration": "1h 30m"},
    )


def test_an_invoke_names_what_it_calls() -> None:
    named = operation_node(
        place,
        Kind.INVOKE,
        NameValue.literal("ship"),
        {},
        ["timeout 30s"],
        describe=never_asked,
        target="arn:shipping",
    )
    assert drawn(named) == ("ship", "ship", ("calls arn:shipping", "timeout 30s"), {})
    assert named.target == "arn:shipping"
    unnamed = operation_node(
        place, Kind.INVOKE, NONE_NAME, {}, [], describe=never_asked, target="arn:shipping"
    )
    assert drawn(unnamed) == ("arn:shipping", None, ("unnamed",), {})


def test_retry_backoff_waits_are_named_after_the_retry() -> None:
    named = operation_node(
        place, Kind.WITH_RETRY, NameValue.literal("api"), {}, [], describe=never_asked
    )
    assert named.config == {"backoff_waits": "api-backoff-{n}"}
    unnamed = operation_node(place, Kind.WITH_RETRY, NONE_NAME, {}, [], describe=no_description)
    assert unnamed.config == {}
    java = operation_node(
        place, Kind.WITH_RETRY, NONE_NAME, {}, [], describe=no_description, unnamed_retry="retry"
    )
    assert java.config == {"backoff_waits": "retry-backoff-{n}"}
    step = operation_node(
        place, Kind.STEP, NameValue.literal("api"), {}, [], describe=never_asked, unnamed_retry="x"
    )
    assert step.config == {}


# -- the parse entry and the result --------------------------------------------------------------


def test_nesting_too_deep_even_for_a_large_stack_is_a_clean_error() -> None:
    def always_too_deep() -> ParseResult:
        raise RecursionError

    with pytest.raises(SourceSyntaxError) as raised:
        parse_guarded(always_too_deep, "deep.ts")
    assert (raised.value.path, raised.value.line, raised.value.column) == ("deep.ts", 1, 1)
    assert "nesting too deep to analyse" in str(raised.value)


def warning(code: str, message: str, line: int, file: str | None = None) -> Diagnostic:
    return Diagnostic(
        severity=Severity.WARNING, code=code, message=message, line=line, column=1, file=file
    )


def test_diagnostics_are_ordered_by_file_and_position_ties_kept_in_order() -> None:
    given = [
        warning("DV106", "b", 9),
        warning("DV107", "z", 1, "helpers.py"),
        warning("DV103", "y", 2),
        warning("DV103", "x", 2),
        warning("DV101", "w", 2),
    ]
    result = parse_result("python", (), given)
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("DV101", "w"),
        ("DV103", "y"),
        ("DV103", "x"),
        ("DV106", "b"),
        ("DV107", "z"),
    ]
    by_message = parse_result("typescript", (), given, order=by_position_and_message)
    assert [d.message for d in by_message.diagnostics] == ["w", "x", "y", "b", "z"]
    assert (result.language, result.workflows) == ("python", ())
    twice = parse_result("python", (), [*given, warning("DV103", "y", 2)])
    assert twice.diagnostics == result.diagnostics  # the same finding from two places, once


# -- helper files ----------------------------------------------------------------------------------


class Read:
    """What a test's ``load`` made of a file."""

    def __init__(self, path: Path, display: str, text: str) -> None:
        self.path, self.display, self.text = path, display, text


def test_each_helper_file_is_read_once_and_named_from_the_main_file(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "steps.py").write_text("x = 1\n", encoding="utf-8")
    files = HelperFiles(Read(tmp_path / "main.py", "app/main.py", ""), limit=32, noun="module")
    loads: list[str] = []

    def load(path: Path, display: str, text: str) -> Read:
        loads.append(display)
        return Read(path, display, text)

    first = files.read(tmp_path / "lib" / "steps.py", load)
    again = files.read(tmp_path / "lib" / ".." / "lib" / "steps.py", load)
    assert first is not None and again is first
    assert (first.display, first.text, loads) == (
        "app/lib/steps.py",
        "x = 1\n",
        ["app/lib/steps.py"],
    )
    assert files.read(tmp_path / "main.py", load) is files.main
    assert files.diagnostics == []


def test_helper_files_stop_at_the_limit(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.py").write_text("", encoding="utf-8")
    files = HelperFiles(Read(tmp_path / "main.py", "main.py", ""), limit=3, noun="module")
    found = [files.read(tmp_path / f"{name}.py", Read) for name in ("a", "b", "c")]
    assert [f.display if f else None for f in found] == ["a.py", "b.py", None]


def test_a_helper_file_leading_back_to_itself_is_not_read_again(tmp_path: Path) -> None:
    (tmp_path / "loop.py").write_text("", encoding="utf-8")
    files = HelperFiles(Read(tmp_path / "main.py", "main.py", ""), limit=32, noun="module")
    inner: list[Read | None] = []

    def load(path: Path, display: str, text: str) -> Read:
        inner.append(files.read(path, load))  # what the file imports: itself
        return Read(path, display, text)

    assert files.read(tmp_path / "loop.py", load) is not None
    assert inner == [None]


def test_a_helper_file_that_cannot_be_read_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "steps.py").write_bytes(b"ok = 1\nbad = '\xff'\n")
    files = HelperFiles(Read(tmp_path / "main.py", "main.py", ""), limit=32, noun="file")
    assert files.read(tmp_path / "steps.py", Read) is None
    (found,) = files.diagnostics
    assert (found.code, found.severity, found.file, found.line, found.column) == (
        "DV107",
        Severity.WARNING,
        "steps.py",
        2,
        8,
    )
    assert found.message.startswith("helper file not read: ")
    assert "UTF-8" in found.message
    assert files.read(tmp_path / "steps.py", Read) is None
    assert len(files.diagnostics) == 1


# -- the same through the parsers -----------------------------------------------------------------


def test_python_helper_module_that_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_bytes(b"def summarize(ctx):\n    return '\xff'\n")
    source = textwrap.dedent("""\
        from aws_durable_execution_sdk_python import durable_execution
        from helpers import summarize

        @durable_execution
        def handler(event, context):
            summarize(context)
    """)
    result = parse_source(source, tmp_path / "main.py", display="app/main.py")
    helper = [d for d in result.diagnostics if d.code == "DV107"]
    assert [(d.file, d.line) for d in helper] == [("app/helpers.py", 2)]
    assert helper[0].message.startswith("helper module not read: ")


def test_java_helper_file_that_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "Steps.java").write_bytes(b"\x7fELF\x00\x01\x00\x00" * 8)
    source = (
        "import software.amazon.lambda.durable.*;\n"
        "public class Flow extends DurableHandler<String, String> {\n"
        "  public String handleRequest(String in, DurableContext ctx) {\n"
        "    Steps.audit(ctx);\n"
        "    return in;\n"
        "  }\n"
        "}\n"
    )
    result = parse_source(source, tmp_path / "Flow.java", display="Flow.java")
    helper = [d for d in result.diagnostics if d.code == "DV107"]
    assert [(d.file, d.line) for d in helper] == [("Steps.java", 1)]
    assert helper[0].message.startswith("helper file not read: ")


@pytest.mark.parametrize(
    ("name", "source"),
    [
        (
            "flow.ts",
            'import { withDurableExecution } from "@aws/durable-execution-sdk-js";\n'
            "export const handler = withDurableExecution(async (event: any, context: any) => {\n"
            '  await context.step("a", async () => 1);\n'
            "\n"
            '  await context.wait("b", { seconds: 5 });\n'
            "});\n",
        ),
        (
            "Flow.java",
            "public class Flow extends DurableHandler<String, String> {\n"
            "    @Override\n"
            "    public String handleRequest(String input, DurableContext ctx) {\n"
            '        ctx.step("a", String.class, s -> "x");\n'
            "\n"
            '        ctx.wait("b", Duration.ofSeconds(5));\n'
            '        return "";\n'
            "    }\n"
            "}\n",
        ),
        (
            "Flow.cs",
            "public class Function\n{\n"
            "    public async Task<string> Workflow(Input input, IDurableContext context)\n    {\n"
            '        await context.StepAsync(async (_, ct) => 1, name: "a");\n'
            "\n"
            '        await context.WaitAsync(TimeSpan.FromSeconds(5), name: "b");\n'
            '        return "";\n'
            "    }\n}\n",
        ),
    ],
)
@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_every_end_of_line_style_gives_the_same_lines_and_columns(
    name: str, source: str, newline: str
) -> None:
    """An old Mac file ("\\r" alone) and a Windows one number lines as a Unix one does."""

    def positions(text: str) -> list[tuple[str, int, int]]:
        result = parse_source(text, Path("/nonexistent") / name)
        return [(n.label, n.line, n.column) for w in result.workflows for n in w.nodes]

    expected = positions(source)
    assert [label for label, _, _ in expected] == ["a", "b"]
    assert expected[1][1] == expected[0][1] + 2
    assert positions(source.replace("\n", newline)) == expected
