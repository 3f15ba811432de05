"""A JSON graph document read back into workflows (durable_viz/emit/document.py).

The document is the whole tree: every example's document, read back and built into a graph,
gives the same nodes (ids, kinds, labels, positions, names, config, blocks) and edges as parsing
the source; so does every generated workflow of every language. Documents that are not JSON, not
graph documents, of another schema version or with a tree that does not hold together fail with
one clean error naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from workflow_strategy import workflows

from durable_viz.api import load, render
from durable_viz.edges import Graph, build_graph
from durable_viz.emit.document import read_document
from durable_viz.emit.schema_check import KNOWN_KEYWORDS, first_error
from durable_viz.errors import InputError, NoHandlerError
from durable_viz.graph import Block, Kind, Node, ParseResult, Workflow
from durable_viz.render import Document, SourceFile
from durable_viz.schema import load_schema

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    p
    for p in (ROOT / "examples").glob("*/*")
    if p.suffix in {".py", ".ts", ".js", ".mjs", ".java", ".cs"}
)
VALIDATOR = Draft202012Validator(load_schema())


def everything(graph: Graph) -> tuple[list[Any], list[Any]]:
    """Every field of every node and edge of a graph."""
    nodes = []
    for n in graph.nodes:
        node = n.node
        fields: tuple[Any, ...] = (n.id, n.kind, n.label, n.parent, n.block, n.block_index)
        if node is not None:
            fields += (
                node.name,
                node.dynamic,
                node.line,
                node.column,
                dict(node.config),
                node.annotations,
                node.target,
                node.via,
                node.file,
                node.scope,
                node.infinite,
                node.do_while,
                node.catch_all,
                node.fallthrough,
                node.jump_label,
                tuple((b.role, b.label, b.dynamic) for b in node.blocks),
            )
        nodes.append(fields)
    return nodes, list(graph.edges)


def document_of(workflow: Workflow, language: str = "python") -> str:
    """The JSON document of one workflow, as ``--format json`` writes it."""
    result = ParseResult(language=language, workflows=(workflow,))
    return render(Document("flow.py", (SourceFile("flow.py", "", result),)), "json")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_an_example_read_back_from_its_document_draws_the_same_graph(path: Path) -> None:
    try:
        document = load(path)
    except NoHandlerError:
        pytest.skip("helpers only: no handler of its own")
    text = render(document, "json")
    read = read_document(text, "doc.json")
    assert [w.name for w in read] == [v.workflow.name for v in document.views]
    for workflow, view in zip(read, document.views, strict=True):
        assert everything(build_graph(workflow)) == everything(view.graph)


@pytest.mark.parametrize("language", ["python", "typescript", "java", "csharp"])
@settings(max_examples=25, derandomize=True, deadline=None, database=None)
@given(data=st.data())
def test_a_generated_workflow_read_back_from_its_document_is_the_same(
    language: str, data: st.DataObject
) -> None:
    workflow = data.draw(workflows(language), label="workflow")
    text = document_of(workflow, language)
    VALIDATOR.validate(json.loads(text))
    (read,) = read_document(text, "doc.json")
    assert everything(build_graph(read)) == everything(build_graph(workflow))


def _at(line: int) -> Node:
    return Node(kind=Kind.STEP, label=f"s{line}", name=f"s{line}", line=line, column=1)


def test_undrawn_nodes_and_empty_blocks_are_kept() -> None:
    """break/continue, a labelled block, a function scope holding a return and an empty else
    decide edges without being drawn: the document keeps them where they stand."""
    guard = Node(
        kind=Kind.CONDITION,
        label="x",
        line=3,
        column=1,
        blocks=(
            Block(
                role="outcome",
                label="yes",
                nodes=(
                    _at(4),
                    Node(kind=Kind.BREAK, label="break", line=5, column=1, jump_label="found"),
                ),
            ),
            Block(role="outcome", label="no"),
        ),
    )
    loop = Node(
        kind=Kind.LOOP,
        label="for x of xs",
        line=2,
        column=1,
        jump_label="outer",
        blocks=(
            Block(
                role="body",
                nodes=(
                    Node(
                        kind=Kind.CONTINUE, label="continue", line=9, column=1, jump_label="outer"
                    ),
                ),
            ),
        ),
    )
    found = Node(
        kind=Kind.SCOPE,
        label="found",
        line=1,
        column=1,
        jump_label="found",
        blocks=(Block(role="body", nodes=(guard, _at(6))),),
    )
    helper = Node(
        kind=Kind.SCOPE,
        label="helper",
        line=7,
        column=1,
        blocks=(
            Block(
                role="body",
                nodes=(
                    Node(
                        kind=Kind.CONDITION,
                        label="y",
                        line=8,
                        column=1,
                        fallthrough="no",
                        blocks=(
                            Block(
                                role="outcome",
                                label="yes",
                                nodes=(
                                    Node(
                                        kind=Kind.RETURN,
                                        label="return",
                                        line=8,
                                        column=2,
                                        scope="function",
                                    ),
                                ),
                            ),
                        ),
                    ),
                    _at(9),
                ),
            ),
        ),
    )
    child = Node(
        kind=Kind.CHILD_CONTEXT,
        label="child",
        name="child",
        line=11,
        column=1,
        blocks=(Block(role="body", label="body", nodes=(_at(12), found)),),
    )
    workflow = Workflow(name="flow", line=1, nodes=(found, helper, loop, _at(10), child))
    text = document_of(workflow)
    VALIDATOR.validate(json.loads(text))
    assert '"sequence"' in text
    (read,) = read_document(text, "doc.json")
    assert everything(build_graph(read)) == everything(build_graph(workflow))
    kinds = [n.kind for n in read.nodes]
    assert kinds == [Kind.SCOPE, Kind.SCOPE, Kind.LOOP, Kind.STEP, Kind.CHILD_CONTEXT]
    assert [n.kind for n in read.nodes[-1].blocks[0].nodes] == [Kind.STEP, Kind.SCOPE]


def test_a_document_without_blocks_is_read_by_inference() -> None:
    """Documents written before nodes listed their blocks: roles come from the kinds."""
    document = load(ROOT / "examples" / "python" / "order_processor.py")
    data = json.loads(render(document, "json"))
    for workflow in data["workflows"]:
        for node in workflow["nodes"]:
            node.pop("blocks", None)
            node.pop("fallthrough", None)
    (read,) = read_document(json.dumps(data), "old.json")
    assert everything(build_graph(read)) == everything(document.views[0].graph)


def test_the_schema_uses_only_keywords_the_checker_knows() -> None:
    found: set[str] = set()

    def collect(value: object, in_properties: bool = False) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if not in_properties:
                    found.add(key)
                collect(item, in_properties=key in ("properties", "$defs") and not in_properties)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(load_schema())
    assert found <= KNOWN_KEYWORDS, found - KNOWN_KEYWORDS


BAD_DOCUMENTS = [
    pytest.param('{"schema_version": 1,', "not JSON", 1, id="truncated"),
    pytest.param("", "not JSON", 1, id="empty"),
    pytest.param("[1, 2]", "not a durable-viz graph document", None, id="a-list"),
    pytest.param('{"nodes": []}', "not a durable-viz graph document", None, id="no-version"),
    pytest.param('{"schema_version": 2}', "unknown schema_version 2", None, id="version-2"),
    pytest.param('{"schema_version": "1"}', 'unknown schema_version "1"', None, id="version-text"),
    pytest.param(
        '{"schema_version": true}', "unknown schema_version true", None, id="version-bool"
    ),
    pytest.param(
        '{"schema_version": 1, "file": "x", "language": "python", "direction": "TD", '
        '"workflows": [{"name": "h"}], "diagnostics": []}',
        "document.workflows[0]: missing 'title'",
        None,
        id="workflow-missing-fields",
    ),
]


@pytest.mark.parametrize(("text", "words", "line"), BAD_DOCUMENTS)
def test_a_bad_document_is_one_clean_error(text: str, words: str, line: int | None) -> None:
    with pytest.raises(InputError) as caught:
        read_document(text, "graph.json")
    error = caught.value
    assert error.path == "graph.json"
    assert words in error.message
    assert "\n" not in str(error)
    assert error.line == line


def _valid() -> dict[str, Any]:
    document = load(ROOT / "examples" / "python" / "order_processor.py")
    data: dict[str, Any] = json.loads(render(document, "json"))
    return data


def test_a_node_of_the_wrong_shape_names_where_it_is() -> None:
    data = _valid()
    data["workflows"][0]["nodes"][1]["kind"] = "teleport"
    with pytest.raises(InputError, match=r"document\.workflows\[0\]\.nodes\[1\]"):
        read_document(json.dumps(data), "graph.json")
    assert first_error(_valid(), load_schema()) is None


def test_a_missing_parent_is_named() -> None:
    data = _valid()
    node = next(n for n in data["workflows"][0]["nodes"] if n.get("parent") == "n4")
    node["parent"] = "n99"
    with pytest.raises(InputError, match=r"node n\d+ names parent n99, which does not exist"):
        read_document(json.dumps(data), "graph.json")


def test_a_block_index_out_of_range_is_named() -> None:
    data = _valid()
    node = next(n for n in data["workflows"][0]["nodes"] if n.get("parent") == "n4")
    node["block_index"] = 7
    with pytest.raises(InputError, match="names block 7 of n4, which has 3"):
        read_document(json.dumps(data), "graph.json")


def test_a_node_listed_twice_is_refused() -> None:
    data = _valid()
    workflow = data["workflows"][0]
    condition = next(n for n in workflow["nodes"] if n["id"] == "n2")
    condition["blocks"][0]["nodes"] = ["n3", "n3"]
    with pytest.raises(InputError, match="node n3 is listed twice"):
        read_document(json.dumps(data), "graph.json")


def test_a_document_nested_thousands_deep_is_read() -> None:
    node = _at(1)
    for depth in range(3000):
        node = Node(
            kind=Kind.CHILD_CONTEXT,
            label=f"c{depth}",
            name=f"c{depth}",
            line=1,
            column=1,
            blocks=(Block(role="body", label="body", nodes=(node,)),),
        )
    workflow = Workflow(name="deep", line=1, nodes=(node,))
    text = document_of(workflow)
    (read,) = read_document(text, "deep.json")
    assert read.nodes[0].label == "c2999"


def test_json_nested_beyond_the_parser_is_a_clean_error() -> None:
    with pytest.raises(InputError, match=r"nested too deep|not a durable-viz"):
        read_document('{"schema_version": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "x.json")


def test_no_jsonschema_at_run_time() -> None:
    import subprocess
    import sys

    golden = ROOT / "tests" / "goldens" / "python" / "order_processor.json"
    probe = (
        "import sys\n"
        "from durable_viz.emit.document import read_document\n"
        f"read_document(open({str(golden)!r}).read(), 'x')\n"
        "print('jsonschema' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
