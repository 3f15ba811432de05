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
from durable_viz.graph import ParseResult
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
        # Tabs.
        "def a():\n\tif x:\n\t\tpass\n\n\ndef b():\n\tpass\n",
    ],
)
def test_files_of_every_shape_are_put_back_exactly(source: str, session: None) -> None:
    whole = cst.parse_module(source).code
    assert whole == source or source.endswith("\r")  # libcst's own limit, see check()
    assert assembled(source).code == whole
    assert assembled(source).code == whole  # from the cache


EDITS = st.sampled_from(["comment", "blank", "rename", "duplicate", "crlf"])


@settings(
    max_examples=25,
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
