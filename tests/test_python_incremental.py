"""Incremental re-parsing of Python files in an editor session (``durable-viz serve``).

The spec: whatever was parsed before, the module assembled from cached pieces prints as exactly
the source, and the parser draws from it exactly what a full parse draws (nodes, lines, columns,
names, diagnostics). Pieces that did not change are reused, not parsed again.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from durable_viz.api import parse_source
from durable_viz.graph import ParseResult, walk
from durable_viz.parsers import entry
from durable_viz.parsers.python import incremental

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "python").glob("*.py"))


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An editor session with an empty cache, ended after the test."""
    incremental.clear()
    monkeypatch.setattr(entry._Session, "editor", True)
    yield
    incremental.clear()


def full(source: str, path: Path) -> ParseResult:
    previous = entry._Session.editor
    entry._Session.editor = False
    try:
        return parse_source(source, path)
    finally:
        entry._Session.editor = previous


def assembled(source: str) -> cst.Module:
    return incremental.parse(source, ast.parse(source))


def check(source: str, path: Path) -> None:
    """The assembled module prints as a full parse does (the source itself, except that libcst
    drops a lone carriage return at the very end), and draws what a full parse draws."""
    assert assembled(source).code == cst.parse_module(source).code
    assert parse_source(source, path) == full(source, path)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_an_example_parsed_twice_draws_what_a_full_parse_draws(
    example: Path, session: None
) -> None:
    source = example.read_text(encoding="utf-8")
    check(source, example)
    check(source, example)  # from the cache this time


def test_unchanged_functions_are_reused_and_a_changed_one_is_parsed_again(session: None) -> None:
    source = (ROOT / "examples" / "python" / "order_processor.py").read_text(encoding="utf-8")
    before = assembled(source)
    edited = source.replace('name="create-shipment"', 'name="book-shipment"', 1)
    assert edited != source
    after = assembled(edited)
    assert after.code == edited
    defs_before = [s for s in before.body if isinstance(s, cst.FunctionDef)]
    defs_after = [s for s in after.body if isinstance(s, cst.FunctionDef)]
    assert len(defs_before) == len(defs_after) > 2
    changed = [
        a.name.value for a, b in zip(defs_after, defs_before, strict=True) if a.body is not b.body
    ]
    assert len(changed) == 1  # only the function holding the edit was parsed again
    assert "book-shipment" in after.code_for_node(
        next(d for d in defs_after if d.name.value == changed[0])
    )


def test_the_same_function_twice_in_a_file_keeps_each_ones_lines(session: None) -> None:
    body = (
        "@durable_execution\n"
        "def handler(event, context):\n"
        '    context.step(lambda _: 1, name="a")\n'
    )
    source = (
        "from aws_durable_execution_sdk_python import durable_execution\n\n\n"
        + body
        + "\n\n"
        + body
    )
    path = Path("/nonexistent/twice.py")
    check(source, path)
    lines = [w.nodes[0].line for w in parse_source(source, path).workflows]
    assert lines == [6, 11]


def test_a_function_written_twice_after_it_was_cached_keeps_each_ones_lines(
    session: None,
) -> None:
    """The second copy is put together from the statements the cached first copy holds: each
    must still be its own node, or both copies would report the same lines."""
    source = (ROOT / "examples" / "python" / "agent_loop.py").read_text(encoding="utf-8")
    path = ROOT / "examples" / "python" / "agent_loop.py"
    check(source, path)  # caches the handler, whole and statement by statement
    tree = ast.parse(source)
    handler = next(s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == "handler")
    lines = source.split("\n")
    first = min([handler.lineno, *(d.lineno for d in handler.decorator_list)]) - 1
    copy = lines[first : handler.end_lineno]
    # The copy after the handler (the cached piece comes first), then before it (the copy,
    # put together from cached statements, comes first).
    for doubled in (
        "\n".join([*lines, "", "", *copy]),
        "\n".join([*lines[:first], *copy, "", "", "", *lines[first:]]),
    ):
        check(doubled, path)
        one, two = parse_source(doubled, path).workflows
        assert [n.line for n in walk(one.nodes)] != [n.line for n in walk(two.nodes)]


def test_two_cached_functions_with_the_same_statements_in_one_file_keep_their_own_lines(
    session: None,
) -> None:
    """Each function is cached from a file of its own, both built from the same statement
    texts; a file holding both must not give the two the same statement nodes."""
    header = "from aws_durable_execution_sdk_python import durable_execution\n\n\n"

    def flow(name: str) -> str:
        return (
            f"@durable_execution\ndef {name}(event, context):\n"
            '    context.step(lambda _: 1, name="a")\n'
            '    context.step(lambda _: 2, name="b")\n'
        )

    path = Path("/nonexistent/flows.py")
    check(header + flow("one") + "\n\n", path)
    check(header + flow("two"), path)
    both = header + flow("one") + "\n\n" + flow("two")
    check(both, path)
    one, two = parse_source(both, path).workflows
    assert [n.line for n in one.nodes] == [6, 7]
    assert [n.line for n in two.nodes] == [12, 13]


def test_an_edit_inside_the_handler_parses_only_that_statement_again(session: None) -> None:
    source = (ROOT / "examples" / "python" / "order_processor.py").read_text(encoding="utf-8")
    before = assembled(source)
    edited = source.replace('name="create-shipment"', 'name="book-shipment"', 1)
    after = assembled(edited)
    assert after.code == edited

    def handler_statements(module: cst.Module) -> list[cst.BaseStatement]:
        found = next(
            s for s in module.body if isinstance(s, cst.FunctionDef) and s.name.value == "handler"
        )
        assert isinstance(found.body, cst.IndentedBlock)
        return list(found.body.body)

    old, new = handler_statements(before), handler_statements(after)
    assert len(old) == len(new) > 5
    # The first statement is copied (it carries the lines before it); the rest are shared but
    # for the one holding the edit.
    changed = [i for i, (a, b) in enumerate(zip(old[1:], new[1:], strict=True), 1) if a is not b]
    assert len(changed) == 1
    assert "book-shipment" in after.code_for_node(new[changed[0]])


@pytest.mark.parametrize(
    "source",
    [
        # Two indent styles: each piece prints with its own, so the file is parsed whole.
        "def a(context):\n  context.step(f, name='x')\n\n\ndef b(context):\n    context.step(f)\n",
        # Windows ends of line, and old Mac ones.
        "import x\r\n\r\n\r\ndef a(context):\r\n    return 1\r\n\r\n\r\ndef b():\r\n    pass\r\n",
        "import x\r\rdef a(context):\r    return 1\r",
        # No end of line at the end; comments and blank lines between pieces; a form feed.
        "# head\n\nimport x  # tail\n\n# before a\n@d\n@e(1)\ndef a():\n    pass\n"
        "    # inside\n# after\n\x0c\nclass B:\n    x = 1",
        # A file that starts with a function, and one with only a docstring before it.
        "def a():\n    pass\n\n\ndef b():\n    pass\n",
        '"""doc"""\ndef a():\n    pass\n',
        # An indented comment in the blank lines before a class (found by the property test:
        # libcst loses a blank line of such a piece parsed on its own).
        "from x import y\n\n        # typed\n\nclass A:\n    pass\n",
        "def a():\n    x = 1\n\n        # typed\n\n    y = 2\n    z = 3\n",
        # Tabs.
        "def a():\n\tif x:\n\t\tpass\n\n\ndef b():\n\tpass\n",
    ],
)
def test_files_of_every_shape_are_put_back_exactly(source: str, session: None) -> None:
    whole = cst.parse_module(source).code
    assert whole == source or source.endswith("\r")  # libcst's own limit, see check()
    assert assembled(source).code == whole
    assert assembled(source).code == whole  # from the cache


EDITS = st.sampled_from(["comment", "indented", "blank", "rename", "duplicate", "join", "crlf"])


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    example=st.sampled_from(EXAMPLES),
    edits=st.lists(st.tuples(EDITS, st.integers(min_value=0, max_value=10_000)), max_size=3),
)
def test_a_file_edited_as_in_an_editor_draws_what_a_full_parse_draws(
    example: Path, edits: list[tuple[str, int]], session: None
) -> None:
    source = example.read_text(encoding="utf-8")
    for edit, at in edits:
        lines = source.split("\n")
        where = at % len(lines)
        if edit == "comment":
            lines.insert(where, "# a comment typed here")
        elif edit == "indented":
            lines.insert(where, "        # typed in a block")
        elif edit == "join":
            # Two statements on one line.
            lines.insert(
                where,
                lines[where][: len(lines[where]) - len(lines[where].lstrip())] + "x = 1; y = 2",
            )
        elif edit == "blank":
            lines.insert(where, "")
        elif edit == "rename":
            quoted = [i for i, line in enumerate(lines) if 'name="' in line]
            if quoted:
                index = quoted[at % len(quoted)]
                lines[index] = lines[index].replace('name="', 'name="x', 1)
        elif edit == "duplicate":
            tree = ast.parse(source)
            defs = [s for s in tree.body if isinstance(s, ast.FunctionDef)]
            if defs:
                chosen = defs[at % len(defs)]
                first = min([chosen.lineno, *(d.lineno for d in chosen.decorator_list)]) - 1
                lines += ["", "", *lines[first : chosen.end_lineno]]
        candidate = "\n".join(lines)
        if edit == "crlf":
            candidate = candidate.replace("\n", "\r\n")
        try:
            ast.parse(candidate)
        except SyntaxError:
            continue  # an edit that broke the code (a comment inside a string): skip it
        source = candidate
        check(source, example)
