"""The JSON and Mermaid renderers, on hand-built workflows (see ``renderer_cases.py``).

JSON output is validated against the shipped schema and checked for structure and determinism;
every Mermaid output goes through the real Mermaid parser (one batched Node call) and is checked
line by line: declarations, subgraph nesting, edges, click lines and classes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from mermaid_parser import check_mermaid
from renderer_cases import CASES, HOSTILE, LONG_NAME

from durable_viz.edges import FAIL_ID, Graph, GraphNode
from durable_viz.graph import CONTAINER_KINDS, Kind
from durable_viz.render import Document
from durable_viz.renderers import json_graph, mermaid
from durable_viz.schema import load_schema

NAMES = sorted(CASES)
VALIDATOR = Draft202012Validator(load_schema())

# -- helpers ---------------------------------------------------------------------------------------

_SAFE_TEXT = re.compile(r"(?:[A-Za-z0-9 _.,/()+\-=?!@*]|: |#\d+;|<br/>)+")
# Mermaid's own preprocessing (encodeEntities) drops the last ";" of lines matching these.
_STRIPPED = (re.compile(r"style.*:\S*#.*;"), re.compile(r"classDef.*:\S*#.*;"))
_PAIRS = {"([": "])", "[[": "]]", "[/": "\\]", "{{": "}}", "((": "))", "[": "]", "{": "}"}
_DECLARATION = re.compile(
    r'(\w+)(\(\[|\[\[|\[/|\{\{|\(\(|\[|\{)"([^"]*)"(\]\)|\]\]|\\\]|\}\}|\)\)|\]|\})'
)
_SUBGRAPH = re.compile(r'subgraph (\w+)\["([^"]*)"\]')
_EDGE = re.compile(r'(\w+) (-->|-\.->)(?:\|"([^"]*)"\|)? (\w+)')
_CLICK = re.compile(r'click (\w+) href "#L(\d+)" "([^"]*)"')
_CLASS_DEF = re.compile(r"classDef (\w+) ([\w#:,.-]+(?: [\w#:,.-]+)*)")
_CLASS = re.compile(r"class ([\w,]+) (\w+)")


def decode(text: str) -> str:
    """Undo :func:`mermaid.escape` (and read ``<br/>`` as a line break)."""
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text.replace("<br/>", "\n"))


class Chart:
    """A Mermaid text taken apart; the constructor fails on any line it does not recognise."""

    def __init__(self, text: str) -> None:
        lines = text.split("\n")
        assert text.endswith("\n") and lines[-1] == ""
        self.header = lines[0]
        self.nodes: dict[str, tuple[str, str, str | None]] = {}  # id -> shape, text, subgraph
        self.subgraphs: dict[str, tuple[str, str | None]] = {}  # id -> title, enclosing subgraph
        self.edges: list[tuple[str, str, str | None, bool]] = []
        self.clicks: dict[str, tuple[int, str]] = {}
        self.class_defs: dict[str, str] = {}
        self.classes: dict[str, list[str]] = {}
        stack: list[str] = []
        for line in lines[1:-1]:
            body = line.strip()
            if match := _SUBGRAPH.fullmatch(body):
                assert match[1] not in self.subgraphs, f"subgraph {match[1]} twice"
                self.subgraphs[match[1]] = (match[2], stack[-1] if stack else None)
                stack.append(match[1])
            elif body == "end":
                assert stack, "end without subgraph"
                stack.pop()
            elif match := _DECLARATION.fullmatch(body):
                assert _PAIRS[match[2]] == match[4], line
                assert match[1] not in self.nodes, f"{match[1]} declared twice"
                self.nodes[match[1]] = (match[2], match[3], stack[-1] if stack else None)
            elif match := _EDGE.fullmatch(body):
                self.edges.append((match[1], match[4], match[3], match[2] == "-.->"))
            elif match := _CLICK.fullmatch(body):
                self.clicks[match[1]] = (int(match[2]), match[3])
            elif match := _CLASS_DEF.fullmatch(body):
                assert match[1] not in self.class_defs, f"classDef {match[1]} twice"
                self.class_defs[match[1]] = match[2]
            elif match := _CLASS.fullmatch(body):
                assert match[2] not in self.classes, f"class {match[2]} twice"
                self.classes[match[2]] = match[1].split(",")
            else:
                raise AssertionError(f"unexpected line {line!r}")
        assert not stack, f"unclosed subgraphs {stack}"
        self.quoted = [t for _, t, _ in self.nodes.values()]
        self.quoted += [t for t, _ in self.subgraphs.values()]
        self.quoted += [t for *_, t, _ in self.edges if t is not None]
        self.quoted += [t for _, t in self.clicks.values()]


def mermaid_id(view_index: int, several: bool, node_id: str) -> str:
    """The id the Mermaid renderer gives a graph node."""
    if several:
        return f"w{view_index}_{node_id}"
    return "end_" if node_id == "end" else node_id


def expected_group(graph: Graph, graph_node: GraphNode, ids: dict[str, str]) -> str | None:
    """The subgraph a node must be declared in, from its parent and block."""
    if graph_node.parent is None:
        return None
    parent = graph.node(graph_node.parent)
    assert parent.node is not None
    if parent.kind in (Kind.CONDITION, Kind.LOOP):
        return expected_group(graph, parent, ids)
    if parent.kind is Kind.TRY or len(parent.node.blocks) > 1:
        return f"{ids[parent.id]}_b{graph_node.block_index}"
    return f"{ids[parent.id]}_g"


def all_documents() -> dict[str, Document]:
    documents = {name: CASES[name]() for name in NAMES}
    for name in NAMES:
        base = CASES[name]()
        documents[f"{name}-lr"] = Document(base.path, base.files, "LR", base.title, base.workflow)
    return documents


# -- Mermaid: the real parser ----------------------------------------------------------------------

_REFUSED = ('flowchart TD\n    n1["unclosed]\n', 'flowchart TD\n    end["x"] --> n1\n')


@pytest.fixture(scope="module")
def parser_verdicts() -> dict[str, str | None]:
    """Every Mermaid output of every case, plus two texts Mermaid must refuse, in one Node run."""
    texts = {name: mermaid.render(doc) for name, doc in all_documents().items()}
    texts.update({f"refused-{i}": text for i, text in enumerate(_REFUSED)})
    return dict(zip(texts, check_mermaid(list(texts.values())), strict=True))


def test_harness_reports_refusals(parser_verdicts: dict[str, str | None]) -> None:
    for index in range(len(_REFUSED)):
        assert parser_verdicts[f"refused-{index}"], "the harness accepted a broken diagram"


@pytest.mark.parametrize("name", sorted(all_documents()))
def test_mermaid_accepted_by_mermaid(parser_verdicts: dict[str, str | None], name: str) -> None:
    assert parser_verdicts[name] is None


# -- Mermaid: structure ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_mermaid_structure(name: str) -> None:
    document = CASES[name]()
    text = mermaid.render(document)
    assert text == mermaid.render(CASES[name]())
    chart = Chart(text)
    assert chart.header == f"flowchart {document.direction}"
    views = document.views
    # Several workflows, or a title given with -n, are drawn in titled subgraphs.
    several = len(views) > 1 or document.title is not None
    expected_nodes: set[str] = set()
    for index, view in enumerate(views, start=1):
        graph = view.graph
        ids = {g.id: mermaid_id(index, several, g.id) for g in graph.nodes}
        top = f"w{index}" if several else None
        if several:
            assert chart.subgraphs[f"w{index}"] == (mermaid.escape(view.title), None)
        for graph_node in graph.nodes:
            mid = ids[graph_node.id]
            if graph_node.kind is Kind.TRY:
                assert mid not in chart.nodes
                if f"{mid}_g" in chart.subgraphs:
                    assert mid + "_g" in chart.classes["try"]
                continue
            expected_nodes.add(mid)
            _, label, group = chart.nodes[mid]
            annotations = graph_node.node.annotations if graph_node.node else ()
            texts = [graph_node.label, *annotations]
            assert decode(label) == "\n".join(t or "\xa0" for t in texts)
            assert (expected_group(graph, graph_node, ids) or top) == group, mid
            assert mid in chart.classes[mermaid.node_class(graph_node)]
            dynamic = graph_node.node is not None and graph_node.node.dynamic
            assert (mid in chart.classes.get("dynamic", [])) == dynamic
            if graph_node.node is None:
                assert mid not in chart.clicks
            else:
                line = graph_node.node.line
                assert chart.clicks[mid] == (line, mermaid.escape(f"{view.file.path}:{line}"))
            if graph_node.kind in CONTAINER_KINDS and any(
                g.parent == graph_node.id for g in graph.nodes
            ):
                assert decode(chart.subgraphs[f"{mid}_g"][0]) == (graph_node.label or "\xa0")
        edges = [(ids[e.source], ids[e.target], e.label or None, e.error) for e in graph.edges]
        assert [e for e in chart.edges if e[0] in ids.values()] == [
            (s, t, mermaid.escape(label) if label else None, error) for s, t, label, error in edges
        ]
    assert set(chart.nodes) == expected_nodes
    assert not set(chart.subgraphs) & set(chart.nodes)
    for source, target, _, _ in chart.edges:
        assert source in chart.nodes and target in chart.nodes
    assert set(chart.classes) == set(chart.class_defs)
    kind_classes = [
        c for name_, ids_ in chart.classes.items() if name_ not in ("dynamic", "try") for c in ids_
    ]
    assert Counter(kind_classes) == Counter(expected_nodes)
    for quoted in chart.quoted:
        assert _SAFE_TEXT.fullmatch(quoted), quoted
    for row in text.splitlines():
        assert not any(pattern.search(row) for pattern in _STRIPPED), row


def test_mermaid_shapes_and_colours() -> None:
    chart = Chart(mermaid.render(CASES["sequence"]()))
    shapes = {mid: shape for mid, (shape, _, _) in chart.nodes.items()}
    assert shapes == {
        "start": "([",
        "n1": "[",
        "n2": "[/",
        "n3": "((",
        "n4": "((",
        "n5": "((",
        "n6": "[[",
        "n7": "[",
        "n8": "[[",
        "n9": "[",
        "n10": "([",
        "end_": "([",
    }
    assert chart.class_defs["step"] == "fill:#4a8c72,stroke:#3d7360,color:#e0efe8"
    assert chart.class_defs["invoke"] == "fill:#b8873a,stroke:#967032,color:#f5edd8"
    assert chart.classes["dynamic"] == ["n7"]
    assert chart.nodes["n2"][1] == "charge<br/>timeout 30s"
    errors = Chart(mermaid.render(CASES["errors"]()))
    assert errors.classes["fail"] == [FAIL_ID]
    assert errors.subgraphs["n1_g"] == ("try", None)
    titles = [errors.subgraphs[f"n1_b{i}"][0] for i in range(5)]
    assert titles == ["try", "except ValueError", "except KeyError", "else", "finally"]
    assert ("n2", "n4", "ValueError", True) in errors.edges
    callbacks = Chart(mermaid.render(CASES["callbacks"]()))
    assert callbacks.nodes["n2"][2] == "n1_g"
    assert "catch Error" in mermaid.render(CASES["several"]())


def test_mermaid_parallel_branches_and_inline_conditions() -> None:
    chart = Chart(mermaid.render(CASES["containers"]()))
    assert chart.subgraphs["n1_b0"] == ("inventory", "n1_g")
    assert "n1_b1" not in chart.subgraphs  # the empty branch draws no box, only n1 --> join
    assert ("n1", "n5", None, False) in chart.edges
    assert chart.nodes["n4"][2] == chart.nodes["n3"][2] == "n1_b2"
    loops = Chart(mermaid.render(CASES["loops"]()))
    assert not loops.subgraphs
    assert ("n2", "n1", "next item", False) in loops.edges


def test_mermaid_several_workflows_are_prefixed() -> None:
    chart = Chart(mermaid.render(CASES["several"]()))
    assert chart.header == "flowchart LR"
    assert [s for s, (_, parent) in chart.subgraphs.items() if parent is None] == ["w1", "w2", "w3"]
    assert {"w1_start", "w1_end", "w1_fail", "w2_end", "w3_n2"} <= set(chart.nodes)
    assert chart.clicks["w3_n2"] == (3, mermaid.escape("src/b.ts:3"))


def test_hostile_text_never_reaches_mermaid_raw() -> None:
    text = mermaid.render(CASES["hostile"]())
    for hostile in HOSTILE:
        if hostile.strip() and not _SAFE_TEXT.fullmatch(hostile):
            assert hostile not in text
    for needle in ("<script", "<img", "`", "a|b", "%%", "\n\n", "\r", "\t", "\ud800", "\u2028"):
        assert needle not in text
    assert mermaid.escape(LONG_NAME) in text


@given(st.text())
def test_escape_is_safe_and_reversible(text: str) -> None:
    escaped = mermaid.escape(text)
    assert not escaped or _SAFE_TEXT.fullmatch(escaped)
    assert decode(escaped) == text


def test_mermaid_refuses_unknown_direction() -> None:
    base = CASES["empty"]()
    with pytest.raises(ValueError, match="TD or LR"):
        mermaid.render(Document(base.path, base.files, "TD; click"))


# -- JSON ------------------------------------------------------------------------------------------


def _sorted_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    assert keys == sorted(keys)
    return dict(pairs)


@pytest.mark.parametrize("name", sorted(all_documents()))
def test_json_valid_and_deterministic(name: str) -> None:
    document = all_documents()[name]
    text = json_graph.render(document)
    assert text == json_graph.render(all_documents()[name])
    assert text.endswith("}\n") and text.startswith("{\n  ")
    text.encode("utf-8")  # writable: no lone surrogate left raw
    data = json.loads(text, object_pairs_hook=_sorted_object)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(data)]
    assert not errors
    assert data["direction"] == document.direction
    assert data["language"] == document.language
    for view, workflow in zip(document.views, data["workflows"], strict=True):
        graph = view.graph
        assert workflow["title"] == view.title and workflow["file"] == view.file.path
        nodes = {n["id"]: n for n in workflow["nodes"]}
        assert [n["id"] for n in workflow["nodes"]] == [g.id for g in graph.nodes]
        assert len(nodes) == len(workflow["nodes"])
        for graph_node, node in zip(graph.nodes, workflow["nodes"], strict=True):
            assert node["label"] == graph_node.label and node["kind"] == graph_node.kind.value
            if node["parent"] is not None:
                parent = graph.node(node["parent"])
                assert parent.node is not None
                assert list(nodes).index(parent.id) < list(nodes).index(node["id"])
                block = parent.node.blocks[node["block_index"]]
                assert node["block"] == (block.label or block.role)
        for edge, item in zip(graph.edges, workflow["edges"], strict=True):
            assert (item["from"], item["to"], item["label"]) == (
                edge.source,
                edge.target,
                edge.label,
            )
            assert item["from"] in nodes and item["to"] in nodes
    assert len(data["diagnostics"]) == len(document.diagnostics)


def test_json_fields() -> None:
    data = json.loads(json_graph.render(CASES["sequence"]()))
    assert data["schema_version"] == 1 and data["file"] == "handler.py"
    nodes = {n["id"]: n for n in data["workflows"][0]["nodes"]}
    assert nodes["start"] == {"id": "start", "kind": "start", "label": "Start", "parent": None}
    assert nodes["n2"]["target"] == "payments-fn" and nodes["n2"]["config"] == {"timeout": "30s"}
    assert nodes["n2"]["annotations"] == ["timeout 30s"]
    assert nodes["n3"]["name"] is None and nodes["n3"]["dynamic"] is False
    assert nodes["n7"] == {
        "id": "n7",
        "kind": "step",
        "label": "write-{id}",
        "name": "write-{id}",
        "dynamic": True,
        "line": 10,
        "column": 5,
        "parent": "n6",
        "block": "body",
        "block_index": 0,
    }
    assert nodes["n8"]["via"] == {"name": "ship_helper", "line": 40}
    assert nodes["n10"] == {
        "id": "n10",
        "kind": "return",
        "label": "return",
        "line": 14,
        "column": 5,
        "parent": None,
    }
    loops = json.loads(json_graph.render(CASES["loops"]()))["workflows"][0]
    flags = {n["id"]: (n.get("infinite"), n.get("do_while")) for n in loops["nodes"]}
    assert flags["n1"] == (None, None) and flags["n3"] == (True, None)
    assert flags["n6"] == (None, True)
    assert {"from": "n2", "to": "n1", "label": "next item", "back": True} in loops["edges"]
    errors = json.loads(json_graph.render(CASES["errors"]()))
    tries = [n for n in errors["workflows"][0]["nodes"] if n["kind"] == "try"]
    assert [t.get("catch_all") for t in tries] == [None, True]
    assert errors["diagnostics"] == [
        {"severity": "warning", "code": "DV101", "message": "cannot read x", "line": 3, "column": 9}
    ]
    mapped = json.loads(json_graph.render(CASES["containers"]()))["workflows"][0]["nodes"]
    assert [n.get("scope") for n in mapped if n["kind"] == "return"] == ["function"]


def test_json_several_files() -> None:
    data = json.loads(json_graph.render(CASES["several"]()))
    assert data["language"] is None and data["file"] == "src"
    assert [(w["name"], w["file"], w["language"]) for w in data["workflows"]] == [
        ("first", "src/a.py", "python"),
        ("second", "src/a.py", "python"),
        ("handler", "src/b.ts", "typescript"),
    ]
    assert data["diagnostics"][0]["file"] == "a.py"


def test_json_keeps_hostile_text() -> None:
    data = json.loads(json_graph.render(CASES["hostile"]()))
    labels = [n["label"] for n in data["workflows"][0]["nodes"]]
    for text in HOSTILE:
        assert text in labels
    assert data["workflows"][0]["title"] == '"><img src=x onerror=alert(1)>'
    assert [d["message"] for d in data["diagnostics"]] == list(HOSTILE)


_BROKEN: dict[str, tuple[str, Any]] = {
    "unknown key": ("/workflows/0/nodes/1/colour", "red"),
    "unknown kind": ("/workflows/0/nodes/1/kind", "lambda"),
    "operation without name": ("/workflows/0/nodes/1/name", ...),
    "name on a control node": ("/workflows/0/nodes/10/name", "x"),
    "block without parent": ("/workflows/0/nodes/1/block", "body"),
    "parent without block": ("/workflows/0/nodes/7/block", ...),
    "flag on a step": ("/workflows/0/nodes/1/infinite", True),
    "false flag": ("/workflows/0/nodes/1/dynamic", "no"),
    "edge to a bad id": ("/workflows/0/edges/0/to", "node-1"),
    "edge without label": ("/workflows/0/edges/0/label", ...),
    "bad severity": (
        "/diagnostics/0",
        {"severity": "fatal", "code": "X", "message": "", "line": 1, "column": 1},
    ),
    "bad version": ("/schema_version", 2),
    "terminal with line": ("/workflows/0/nodes/0/line", 1),
}


@pytest.mark.parametrize("case", sorted(_BROKEN))
def test_schema_is_strict(case: str) -> None:
    data = json.loads(json_graph.render(CASES["sequence"]()))
    pointer, value = _BROKEN[case]
    *path, last = pointer.strip("/").split("/")
    target: Any = data
    for part in path:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is ...:
        del target[last]
    elif isinstance(target, list):
        target.insert(int(last), value)
    else:
        target[last] = value
    assert not VALIDATOR.is_valid(data)


def test_schema_ships_in_package() -> None:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema_version"]["const"] == json_graph.SCHEMA_VERSION
    kinds = set(schema["$defs"]["treeNode"]["properties"]["kind"]["enum"])
    hidden = {Kind.START, Kind.END, Kind.BREAK, Kind.CONTINUE, Kind.SCOPE}
    assert kinds == {k.value for k in Kind if k not in hidden}
    assert load_schema() is not load_schema()
