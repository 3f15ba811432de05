"""The HTML page's interaction in a real headless Chromium (network blocked, as in
``test_browser.py``): pan, zoom, fit, keys, the workflow selector, diagnostics, edge highlights,
the editor's messages and the VS Code host, on small documents.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import (
    VISIBLE,
    click_node,
    first_operation,
    launched_browser,
    page_opener,
    view_box,
    visible_nodes,
    wait_until,
)
from page_cases import (
    EXAMPLES,
    example_document,
    generated_document,
)
from renderer_cases import document, step, workflow

from durable_viz.api import load
from durable_viz.graph import Block, Kind, Node, Workflow
from durable_viz.render import Document


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_browser()


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    yield from page_opener(browser, tmp_path)


# -- interaction -------------------------------------------------------------------------------

TWO_WORKFLOWS = textwrap.dedent(
    """\
    from aws_durable_execution_sdk_python import DurableContext, durable_execution


    @durable_execution
    def intake(event, context: DurableContext):
        context.step(lambda _: 1, name="intake-step")


    @durable_execution
    def shipping(event, context: DurableContext):
        context.step(lambda _: 1, name="pack")
        context.step(lambda _: 2, name="ship")
    """
)


def screen_point(page: Any, x: float, y: float) -> list[float]:
    """Where the diagram point (x, y) is on the screen."""
    point: list[float] = page.eval_on_selector(
        f"{VISIBLE} svg",
        """(svg, [x, y]) => { const p = svg.createSVGPoint(); p.x = x; p.y = y;
            const s = p.matrixTransform(svg.getScreenCTM()); return [s.x, s.y]; }""",
        [x, y],
    )
    return point


def diagram_point(page: Any, x: float, y: float) -> list[float]:
    """The diagram point under the screen point (x, y)."""
    point: list[float] = page.eval_on_selector(
        f"{VISIBLE} svg",
        """(svg, [x, y]) => { const p = svg.createSVGPoint(); p.x = x; p.y = y;
            const s = p.matrixTransform(svg.getScreenCTM().inverse()); return [s.x, s.y]; }""",
        [x, y],
    )
    return point


def test_wheel_zooms_toward_the_cursor(open_page: Any) -> None:
    page = open_page(example_document(EXAMPLES[0])).page
    page.mouse.move(300, 250)
    before = diagram_point(page, 300, 250)
    width_before = view_box(page)[2]
    page.mouse.wheel(0, -300)
    wait_until(
        page,
        f"document.querySelector('{VISIBLE} svg').viewBox.baseVal.width < {width_before}",
    )
    after = diagram_point(page, 300, 250)
    assert view_box(page)[2] < width_before
    assert after == pytest.approx(before, abs=0.5)


def test_drag_pans_and_fit_restores(open_page: Any) -> None:
    page = open_page(example_document(EXAMPLES[0])).page
    page.click("#dv-fit")
    fitted = view_box(page)
    page.mouse.move(200, 300)
    page.mouse.down()
    page.mouse.move(260, 340, steps=5)
    page.mouse.up()
    scale = page.evaluate("document.getElementById('dv-viewport').clientWidth") / fitted[2]
    panned = view_box(page)
    assert panned[0] == pytest.approx(fitted[0] - 60 / scale, abs=0.5)
    assert panned[1] == pytest.approx(fitted[1] - 40 / scale, abs=0.5)
    assert page.is_hidden("#dv-details-body"), "a drag is not a click"
    page.click("#dv-zoom-in")
    assert view_box(page)[2] < panned[2]
    page.click("#dv-fit")
    assert view_box(page) == pytest.approx(fitted, abs=0.01)


@pytest.mark.parametrize("direction", ["TD", "LR"])
def test_a_long_workflow_opens_readable_at_its_start(open_page: Any, direction: str) -> None:
    page = open_page(generated_document(150)).page
    if direction == "LR":
        page.click("#dv-direction")
    x, y, width, height = view_box(page)
    scale = page.evaluate("document.getElementById('dv-viewport').clientWidth") / width
    assert scale >= 0.75
    start = page.eval_on_selector(
        f'{VISIBLE} .dv-node[data-id="start"]',
        "n => { const b = n.getBBox(); return [b.x, b.y, b.width, b.height]; }",
    )
    assert x <= start[0] and start[0] + start[2] <= x + width
    assert y <= start[1] and start[1] + start[3] <= y + height
    page.click("#dv-fit")
    assert view_box(page)[2] > width, "fit shows all of it, smaller"


def test_keyboard_shortcuts(open_page: Any) -> None:
    page = open_page(example_document(EXAMPLES[0]), color_scheme="dark").page
    assert page.inner_text("#dv-theme") == "Dark"
    page.keyboard.press("f")
    fitted = view_box(page)
    page.keyboard.press("+")
    assert view_box(page)[2] < fitted[2]
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert view_box(page)[2] > fitted[2]
    page.keyboard.press("f")
    assert view_box(page) == pytest.approx(fitted, abs=0.01)
    page.keyboard.press("0")
    assert page.evaluate("document.getElementById('dv-viewport').clientWidth") == pytest.approx(
        view_box(page)[2], abs=0.01
    )
    page.keyboard.press("t")
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    page.keyboard.press("d")
    assert page.get_attribute(VISIBLE, "data-direction") == "LR"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "dv-search"
    page.keyboard.type("t")  # typed into the box, not a shortcut
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    page.keyboard.press("Escape")
    assert page.input_value("#dv-search") == ""
    for key in ("+", "-", "0", "f", "/", "t", "d"):
        assert page.locator(".dv-keys kbd", has_text=key).count() >= 1, key


def test_workflow_selector(open_page: Any, tmp_path: Path) -> None:
    (tmp_path / "two.py").write_text(TWO_WORKFLOWS, encoding="utf-8")
    document = load(tmp_path / "two.py")
    page = open_page(document).page
    options = page.eval_on_selector_all("#dv-workflow option", "os => os.map(o => o.textContent)")
    assert [o.split(" (")[0] for o in options] == ["intake", "shipping"]
    assert page.get_attribute(VISIBLE, "data-index") == "0"
    page.select_option("#dv-workflow", "1")
    assert page.get_attribute(VISIBLE, "data-index") == "1"
    assert page.inner_text("#dv-title") == "shipping"
    labels = {g.label for g in document.views[1].graph.nodes}
    assert {"pack", "ship"} <= labels
    assert len(visible_nodes(page)) == len(document.views[1].graph.nodes)
    page.keyboard.press("w")
    assert page.get_attribute(VISIBLE, "data-index") == "0"


def test_single_workflow_has_no_selector(open_page: Any) -> None:
    page = open_page(example_document(EXAMPLES[0])).page
    assert page.locator("#dv-workflow").count() == 0


def test_diagnostics_listed(open_page: Any, tmp_path: Path) -> None:
    from durable_viz.graph import Diagnostic, Severity

    base = example_document(EXAMPLES[0])
    source_file = base.files[0]
    diagnostic = Diagnostic(
        severity=Severity.WARNING, code="DV105", message="branches built at run time <b>x</b>",
        line=3, column=7, file=source_file.path,
    )  # fmt: skip
    result = type(source_file.result)(
        language=source_file.result.language,
        workflows=source_file.result.workflows,
        diagnostics=(diagnostic,),
    )
    document = Document(
        base.path, (type(source_file)(source_file.path, source_file.source, result),)
    )
    page = open_page(document).page
    assert page.inner_text("#dv-tab-diagnostics") == "Diagnostics (1)"
    page.click("#dv-tab-diagnostics")
    item = page.inner_text(".dv-diagnostic")
    assert item == f"warning DV105 {source_file.path}:3:7 branches built at run time <b>x</b>"
    assert page.locator(".dv-diagnostic b").count() == 0


def test_editor_highlight_message(open_page: Any) -> None:
    page = open_page(example_document(EXAMPLES[0])).page
    node = first_operation(page)
    page.evaluate("line => window.postMessage({type: 'highlight', line}, '*')", int(node["line"]))
    page.wait_for_selector(f"{VISIBLE} .dv-node.dv-cursor")
    cursor = page.eval_on_selector_all(f"{VISIBLE} .dv-cursor", "ns => ns.map(n => n.dataset.line)")
    assert cursor and set(cursor) == {node["line"]}
    page.evaluate("window.postMessage({type: 'highlight', line: 999999}, '*')")
    wait_until(page, f"!document.querySelector('{VISIBLE} .dv-cursor')")


VSCODE = """
window.posted = [];
window.acquireVsCodeApi = () => ({ postMessage: (message) => window.posted.push(message),
                                   getState: () => undefined, setState: () => {} });
"""


def test_vscode_host_receives_node_clicks(open_page: Any) -> None:
    page = open_page(example_document(EXAMPLES[0]), init_script=VSCODE).page
    node = first_operation(page)
    click_node(page, node["id"])
    posted = page.evaluate("window.posted")
    assert posted[0] == {"type": "ready"}
    assert posted[1:] == [
        {
            "type": "reveal",
            "file": node["file"],
            "line": int(node["line"]),
            "column": int(node["column"]),
        }
    ]
    page.click("#dv-export-svg")
    wait_until(page, "window.posted.length === 3")
    save = page.evaluate("window.posted[2]")
    assert save["type"] == "save" and save["name"].endswith("-TD.svg")
    assert save["dataUrl"].startswith("data:image/svg+xml;base64,")


def test_vscode_host_receives_diagnostic_clicks(open_page: Any) -> None:
    from durable_viz.graph import Diagnostic, ParseResult, Severity
    from durable_viz.render import SourceFile

    diagnostic = Diagnostic(
        severity=Severity.INFO, code="DV106", message="context passed on", line=7, column=3
    )
    result = ParseResult(
        language="python", workflows=(Workflow(name="h", line=1),), diagnostics=(diagnostic,)
    )
    document = Document("src/h.py", (SourceFile("src/h.py", "", result),))
    page = open_page(document, init_script=VSCODE).page
    page.click("#dv-tab-diagnostics")
    page.click(".dv-diagnostic")
    assert page.evaluate("window.posted") == [
        {"type": "ready"},
        {"type": "reveal", "file": "src/h.py", "line": 7, "column": 3},
    ]


def test_vscode_editor_theme_is_the_default(open_page: Any) -> None:
    script = (
        VSCODE
        + "addEventListener('DOMContentLoaded', () => document.body.className = 'vscode-dark');"
    )
    page = open_page(example_document(EXAMPLES[0]), init_script=script, color_scheme="light").page
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.evaluate("document.body.className = 'vscode-light'")
    wait_until(page, "document.documentElement.dataset.theme === 'light'")
    page.keyboard.press("t")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.evaluate("document.body.className = 'vscode-light'")
    page.wait_for_timeout(50)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark", "a choice sticks"


# -- edge highlights ---------------------------------------------------------------------------


def _merging_document() -> Document:
    """A condition whose two outcomes merge on their way to the next step."""
    condition = Node(
        kind=Kind.CONDITION,
        label="ok?",
        line=2,
        column=1,
        blocks=(Block(role="outcome", label="yes", nodes=(step("audit", 3),)),),
        fallthrough="no",
    )
    return document(workflow("merge", 1, condition, step("ship", 4)))


ROUTES = """(svg, cls) => [...svg.querySelectorAll('.dv-routes .dv-route.' + cls)].map(
    (p) => p.getAttribute('d').slice(1).split('L').map((q) => q.split(' ').map(Number)))"""


def _routes(page: Any, cls: str) -> list[list[list[float]]]:
    routes: list[list[list[float]]] = page.eval_on_selector(f"{VISIBLE} svg", ROUTES, cls)
    return routes


def _points(page: Any, selector: str) -> list[list[float]]:
    d: str = page.get_attribute(selector, "d")
    return [[float(v) for v in pair.split()] for pair in d[1:].split("L")]


def test_hovering_a_merged_edge_highlights_its_whole_route(open_page: Any) -> None:
    page = open_page(_merging_document()).page
    feed = f"{VISIBLE} .dv-edge path.dv-feed"
    assert page.locator(feed).count() == 1
    target = page.eval_on_selector(feed, "p => p.parentNode.dataset.to")
    lead = f'{VISIBLE} .dv-edge[data-to="{target}"] path[marker-end]'
    own, ending = _points(page, feed), _points(page, lead)
    page.dispatch_event(feed, "pointerover")
    (route,) = _routes(page, "dv-lit-hover")
    # From the feed's start, past the merge point, to the target, with its arrowhead.
    assert route[0] == own[0] and route[: len(own)] == own
    assert route[-1] == ending[-1] and len(route) > len(own)
    assert page.eval_on_selector(f"{VISIBLE} .dv-route", "r => r.getAttribute('marker-end')")
    page.dispatch_event("#dv-viewport", "pointerleave")
    assert _routes(page, "dv-lit-hover") == []


def test_selecting_a_node_highlights_its_edges_whole_routes(open_page: Any) -> None:
    page = open_page(_merging_document()).page
    feed = f"{VISIBLE} .dv-edge path.dv-feed"
    target = page.eval_on_selector(feed, "p => p.parentNode.dataset.to")
    click_node(page, target)
    routes = _routes(page, "dv-lit-linked")
    paths = page.locator(
        f'{VISIBLE} .dv-edge[data-to="{target}"] > path, '
        f'{VISIBLE} .dv-edge[data-from="{target}"] > path'
    ).count()
    assert len(routes) == paths >= 3
    entry = _points(page, f'{VISIBLE} .dv-edge[data-to="{target}"] path[marker-end]')[-1]
    assert sum(route[-1] == entry for route in routes) == 2, "both merged edges reach the node"
    # The export shows the diagram, not the page's highlights.
    exported = page.evaluate("window.durableViz.exportedSvg()")
    assert "dv-route" not in exported and "dv-lit-" not in exported
    page.keyboard.press("Escape")
    assert _routes(page, "dv-lit-linked") == []
