"""The SVG renderer: well-formed XML, the DOM contract the HTML page relies on, the drawn
geometry matching the layout, hostile text kept inert, deterministic bytes, and speed."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from renderer_cases import CASES, HOSTILE, LONG_NAME, document, step, workflow
from workflows import generated

from durable_viz.api import load
from durable_viz.api import render as api_render
from durable_viz.edges import build_graph
from durable_viz.errors import DurableVizError
from durable_viz.graph import Block, Kind, Node
from durable_viz.render import Document, SourceFile, WorkflowView
from durable_viz.renderers.layout import layout_view
from durable_viz.renderers.svg import STYLE, render, render_view, text_width

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*/*") if p.is_file())


def _documents() -> list[Document]:
    docs = []
    for path in EXAMPLES:
        try:
            docs.append(load(str(path)))
        except DurableVizError:
            continue
    return docs


def _views() -> list[WorkflowView]:
    return [view for doc in _documents() for view in doc.views]


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def _groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if cls in _classes(g)]


def _check_contract(view: WorkflowView, direction: str, text: str) -> None:
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert _classes(root) == {"dv-diagram"}
    assert root.get("data-workflow") == view.title
    assert root.get("data-direction") == direction
    assert root.get("role") == "img" and root.get("aria-label")
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    assert float(root.get("width", 0)) == width and float(root.get("height", 0)) == height
    style = root.find(f"{SVG}style")
    assert style is not None and "var(--dv-step-fill," in (style.text or "")
    top = [g for g in root if g.tag == f"{SVG}g"]
    assert [g.get("class") for g in top] == ["dv-frames", "dv-edges", "dv-nodes"]
    # Every node of the graph, with its id, kind and source position.
    nodes = {g.get("data-id"): g for g in _groups(root, "dv-node")}
    graph = view.graph
    drawn_nodes = [n for n in graph.nodes if n.kind is not Kind.TRY]
    assert sorted(nodes, key=str) == sorted(n.id for n in drawn_nodes)
    for graph_node in drawn_nodes:
        g = nodes[graph_node.id]
        assert g.get("data-kind") == graph_node.kind.value
        assert f"dv-{graph_node.kind.value}" in _classes(g)
        assert g.get("tabindex") == "0"
        title = g.find(f"{SVG}title")
        assert title is not None and (title.text or "").startswith(graph_node.label[:20])
        if graph_node.node is None:
            assert g.get("data-line") is None
        else:
            assert g.get("data-line") == str(graph_node.node.line)
            assert g.get("data-column") == str(graph_node.node.column)
            assert g.get("data-file") == (graph_node.node.file or view.file.path)
            if graph_node.node.dynamic:
                assert "dv-dynamic" in _classes(g)
        assert g.find(f"{SVG}text") is not None
    # Every edge joins real node ids; try frames carry the try's id.
    frames = {g.get("data-id") for g in _groups(root, "dv-frame") if g.get("data-id")}
    for g in _groups(root, "dv-edge"):
        assert g.get("data-from") in nodes or g.get("data-from") in frames
        assert g.get("data-to") in nodes
        assert g.findall(f"{SVG}path")
    # Marker ids are prefixed per workflow and direction and every reference resolves.
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    for ref in re.findall(r"url\(#([^)]+)\)", text):
        assert ref in ids


@pytest.mark.parametrize("direction", ["TD", "LR"])
def test_every_example_follows_the_contract(direction: str) -> None:
    views = _views()
    assert len(views) >= 10
    for view in views:
        _check_contract(view, direction, render_view(view, direction))


def test_no_style_attributes_anywhere() -> None:
    # A host's nonce policy (the VS Code webview) blocks style attributes: every style must come
    # from the SVG's own <style>, by class (arrowheads included, or they are drawn black).
    texts = [render_view(v, d) for v in _views() for d in ("TD", "LR")]
    texts += [render(CASES[name]()) for name in sorted(CASES)]
    for text in texts:
        root = ET.fromstring(text.split("?>", 1)[-1])
        assert not [e.tag for e in root.iter() if "style" in e.attrib]
        assert " style=" not in text
        markers = list(root.iter(f"{SVG}marker"))
        assert [m.find(f"{SVG}path").get("class") for m in markers] == [  # type: ignore[union-attr]
            "dv-arrow",
            "dv-arrow-error",
        ]
    assert ".dv-arrow{fill:var(--dv-edge," in STYLE
    assert ".dv-arrow-error{fill:var(--dv-error," in STYLE


def _points(path: ET.Element) -> list[tuple[float, float]]:
    return [
        (float(x), float(y)) for x, y in (pair.split() for pair in path.get("d", "")[1:].split("L"))
    ]


def _node_boxes(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    """Each drawn node's bounding box, from its shape's attributes."""
    boxes = {}
    for g in _groups(root, "dv-node"):
        shape = next(e for e in g if "dv-shape" in _classes(e))
        if shape.tag == f"{SVG}ellipse":
            cx, cy, rx, ry = (float(shape.get(a, 0)) for a in ("cx", "cy", "rx", "ry"))
            boxes[g.get("data-id", "")] = (cx - rx, cy - ry, cx + rx, cy + ry)
        elif shape.tag == f"{SVG}polygon":
            pts = [tuple(map(float, p.split(","))) for p in shape.get("points", "").split()]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            boxes[g.get("data-id", "")] = (min(xs), min(ys), max(xs), max(ys))
        else:
            x, y, w, h = (float(shape.get(a, 0)) for a in ("x", "y", "width", "height"))
            boxes[g.get("data-id", "")] = (x, y, x + w, y + h)
    return boxes


def _whole_route(root: ET.Element, feed: ET.Element) -> tuple[list[tuple[float, float]], str]:
    """A feed's route followed through its data-join chain, and the data-to where it ends."""
    paths = [(g, p) for g in _groups(root, "dv-edge") for p in g.findall(f"{SVG}path")]
    route = _points(feed)
    path = feed
    owner = ""
    while path.get("data-join"):
        k, i = (int(v) for v in path.get("data-join", "").split())
        owner_group, path = paths[k]
        owner = owner_group.get("data-to", "")
        points = _points(path)
        # It joins where it ends: the joined polyline passes through the feed's last point.
        assert points[i] == route[-1]
        route += points[i + 1 :]
    assert path.get("marker-end"), "a route ends with an arrowhead"
    return route, owner


@pytest.mark.parametrize("direction", ["TD", "LR"])
def test_every_feed_names_the_route_it_joins_up_to_its_target(direction: str) -> None:
    # Highlighting a merged edge needs its whole route: the SVG says where each feed goes on.
    feeds = 0
    for view in _views():
        root = ET.fromstring(render_view(view, direction))
        boxes = _node_boxes(root)
        for group in _groups(root, "dv-edge"):
            for feed in group.findall(f"{SVG}path[@class='dv-feed']"):
                feeds += 1
                route, owner = _whole_route(root, feed)
                target = group.get("data-to", "")
                assert owner == target
                x, y = route[-1]
                x0, y0, x1, y1 = boxes[target]
                assert x0 - 0.1 <= x <= x1 + 0.1 and y0 - 0.1 <= y <= y1 + 0.1
    assert feeds >= 20


def test_marker_ids_differ_between_views_and_directions() -> None:
    views = _views()
    prefixes = set()
    for view in views:
        for direction in ("TD", "LR"):
            text = render_view(view, direction)
            prefixes.add(re.search(r'<marker id="([^"]+)-arrow"', text).group(1))  # type: ignore[union-attr]
    assert len(prefixes) == 2 * len({(v.file.path, v.workflow.name) for v in views})


def test_standalone_has_a_prolog_and_inline_does_not() -> None:
    view = _views()[0]
    assert render_view(view, "TD", standalone=True).startswith("<?xml")
    assert render_view(view, "TD").startswith("<svg ")


def test_drawn_paths_and_boxes_are_the_layout() -> None:
    view = next(v for v in _views() if v.workflow.name == "handler" and "saga" in v.file.path)
    layout = layout_view(view.graph, "TD")
    root = ET.fromstring(render_view(view, "TD"))
    paths = [
        [tuple(float(c) for c in pair.split()) for pair in p.get("d", "")[1:].split("L")]
        for g in _groups(root, "dv-edge")
        for p in g.findall(f"{SVG}path")
    ]
    expected = [path for edge in layout.edges for path in edge.paths + edge.feeds]
    assert len(paths) == len(expected)
    for got, want in zip(paths, expected, strict=True):
        assert len(got) == len(want)
        for (gx, gy), (wx, wy) in zip(got, want, strict=True):
            assert abs(gx - wx) <= 0.051 and abs(gy - wy) <= 0.051
    rects = {
        g.get("data-id"): g.find(f"{SVG}rect")
        for g in _groups(root, "dv-node")
        if g.find(f"{SVG}rect") is not None
    }
    for node in layout.nodes:
        rect = rects.get(node.id)
        if rect is not None:
            assert abs(float(rect.get("x", 0)) - node.x) <= 0.051
            assert abs(float(rect.get("width", 0)) - node.width) <= 0.051


@pytest.mark.parametrize("name", sorted(CASES))
def test_renderer_cases_parse_as_xml(name: str) -> None:
    doc = CASES[name]()
    for direction in ("TD", "LR"):
        doc = Document(doc.path, doc.files, direction, doc.title, doc.workflow)
        root = ET.fromstring(render(doc).split("?>", 1)[1])
        assert root.get("data-direction") == direction
        assert len(_groups(root, "dv-workflow")) == len(doc.views)


def test_hostile_labels_stay_text() -> None:
    nodes = [step(text, index + 1) for index, text in enumerate(HOSTILE)]
    doc = document(workflow("</svg><script>alert(1)</script>", 1, *nodes))
    text = render(doc)
    root = ET.fromstring(text.split("?>", 1)[1])
    assert not [e for e in root.iter() if e.tag.endswith(("script", "img", "foreignObject"))]
    titles = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert any("</script><script>alert(1)</script>" in t for t in titles)
    assert any(t.startswith(LONG_NAME[:100]) for t in titles)
    # No text reached an attribute name or opened an element: the only attributes are ours.
    names = {name for e in root.iter() for name in e.attrib}
    assert not [name for name in names if name.lower().startswith("on")]
    assert {e.tag.removeprefix(SVG) for e in root.iter()} <= {
        "svg", "style", "defs", "marker", "path", "g", "text", "tspan", "title", "rect",
        "polygon", "ellipse",
    }  # fmt: skip


def test_long_labels_wrap_inside_their_box_with_the_full_text_in_the_title() -> None:
    doc = document(workflow("w", 1, step(LONG_NAME, 2)))
    view = doc.views[0]
    root = ET.fromstring(render_view(view, "TD"))
    (node,) = [g for g in _groups(root, "dv-node") if g.get("data-id") == "n1"]
    spans = [s.text or "" for s in node.iter(f"{SVG}tspan")]
    assert 1 < len(spans) <= 3 and spans[-1].endswith("\u2026")
    rect = node.find(f"{SVG}rect")
    assert rect is not None
    width = float(rect.get("width", 0))
    assert all(text_width(s, 13) <= width - 20 for s in spans)
    title = node.find(f"{SVG}title")
    assert title is not None and LONG_NAME in (title.text or "")


def test_text_width_comes_from_the_measured_table() -> None:
    assert text_width("", 13) == 0
    assert text_width("iiii", 13) < text_width("WWWW", 13)
    assert text_width("abc", 26) == pytest.approx(2 * text_width("abc", 13), abs=0.2)
    # DejaVu Sans "a" is 0.613 em wide, the widest of the stack on the machine that measured.
    assert text_width("a", 100) == pytest.approx(61.3, abs=0.2)
    assert text_width("\U0001f600", 10) == 20  # outside the table: counted wide


def test_cli_writes_svg(tmp_path: Path) -> None:
    out = tmp_path / "saga.svg"
    result = subprocess.run(
        [sys.executable, "-m", "durable_viz", "examples/python/payment_saga.py", "--format",
         "svg", "-d", "LR", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    root = ET.fromstring(out.read_text(encoding="utf-8").split("?>", 1)[1])
    assert root.get("data-direction") == "LR"


PROBE = """
import hashlib, json, sys
from durable_viz.api import load
from durable_viz.api import render as api_render
from durable_viz.renderers.svg import render
digest = hashlib.sha256(render(load(sys.argv[1])).encode()).hexdigest()
print(json.dumps({"digest": digest, "jinja2": "jinja2" in sys.modules}))
"""


def test_bytes_are_the_same_in_every_process_and_svg_needs_no_jinja2() -> None:
    outputs = []
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run(
            [sys.executable, "-c", PROBE, "examples/python/payment_saga.py"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        outputs.append(json.loads(result.stdout))
    assert len({o["digest"] for o in outputs}) == 1
    assert not any(o["jinja2"] for o in outputs)


def _generated_view(operations: int) -> WorkflowView:
    wf = generated(operations)
    source = SourceFile("generated.py", "", document(wf).files[0].result)
    return WorkflowView(source, wf, build_graph(wf), wf.name)


def test_a_1000_operation_workflow_renders_fast() -> None:
    view = _generated_view(1000)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        render_view(view, "TD")
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.5


def test_frames_are_rounded_dashed_and_annotations_sit_under_labels() -> None:
    view = next(v for v in _views() if "etl_fanout" in v.file.path)
    root = ET.fromstring(render_view(view, "TD"))
    frames = [g for g in _groups(root, "dv-frame") if g.get("data-id")]
    assert frames
    nodes = {g.get("data-id"): g for g in _groups(root, "dv-node")}
    for frame in frames:
        rect = frame.find(f"{SVG}rect")
        label = frame.find(f"{SVG}text")
        assert rect is not None and float(rect.get("rx", 0)) > 0 and rect.get("stroke-dasharray")
        # A container's frame is named by its node, just above it: no label repeats the name.
        assert frame.get("data-id") in nodes and label is None
    annotated = 0
    for node in _groups(root, "dv-node"):
        label = node.find(f"{SVG}text[@class='dv-label']")
        notes = node.findall(f"{SVG}text[@class='dv-annotation']")
        assert label is not None
        spans = label.findall(f"{SVG}tspan")
        last_line = float(label.get("y", 0)) + 16 * (len(spans) - 1)
        for note in notes:
            annotated += 1
            assert float(note.get("y", 0)) > last_line
    assert annotated >= 3


def test_a_try_frame_is_labelled_try_in_both_directions() -> None:
    # A try has no node of its own: its frame says what it is.
    view = next(v for v in _views() if "payment_saga" in v.file.path)
    for direction in ("TD", "LR"):
        root = ET.fromstring(render_view(view, direction))
        labels = [
            (g.find(f"{SVG}text[@class='dv-frame-label']"), g)
            for g in _groups(root, "dv-frame")
            if g.get("data-id")
        ]
        assert labels
        for label, frame in labels:
            assert ("dv-try" in _classes(frame)) == (label is not None)
            assert label is None or label.text == "try"


def test_dynamic_names_are_styled_distinctly() -> None:
    doc = document(workflow("w", 1, step("process-{idx}", 2, dynamic=True), step("fixed", 3)))
    text = render_view(doc.views[0], "TD")
    root = ET.fromstring(text)
    dynamic = [g.get("data-id") for g in _groups(root, "dv-node") if "dv-dynamic" in _classes(g)]
    assert dynamic == ["n1"]
    assert ".dv-dynamic .dv-shape{stroke-dasharray" in text


def _nested(depth: int) -> Document:
    node = step("leaf", 2)
    for index in range(depth):
        node = Node(
            kind=Kind.CONDITION,
            label=f"c{index}",
            line=1,
            column=1,
            blocks=(Block(role="outcome", label="yes", nodes=(node,)),),
            fallthrough="no",
        )
    return document(workflow("deep", 1, node))


def test_deep_nesting_renders_and_grows_linearly() -> None:
    # Through the API, which renders on a large stack; merging edges share their route, so the
    # output does not repeat it at every level.
    small = api_render(_nested(400), "svg")
    large = api_render(_nested(2000), "svg")
    ET.fromstring(large.split("?>", 1)[1])
    assert len(large) < 6 * len(small)
