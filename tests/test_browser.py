"""The HTML page in a real headless Chromium, with every request blocked and recorded: every
example, hostile labels, the nonce policy, export, screenshots and speed.

For each example: the page renders with zero requests and zero console errors; clicking a node
shows its source lines; search highlights; theme and direction toggles work; the exported PNG has
content. Hostile labels never run script and still render. Screenshots of a few examples in both
themes go to ``test-artifacts/`` (not committed). Interaction on small documents (pan, zoom, keys,
the workflow selector, edge highlights, the editor's messages, the VS Code host) is in
``test_page_interaction.py``.
"""

from __future__ import annotations

import base64
import json
import re
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import (
    VISIBLE,
    Visit,
    click_node,
    corner_pixel,
    distinct_colours,
    first_operation,
    launched_browser,
    page_opener,
    png_size,
    source_line,
    visible_nodes,
)
from page_cases import (
    EXAMPLES,
    HOSTILE_LABELS,
    ROOT,
    example_document,
    generated_document,
    hostile_document,
    hostile_handler,
)

from durable_viz.api import load
from durable_viz.graph import Kind
from durable_viz.render import Document


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_browser()


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    yield from page_opener(browser, tmp_path)


ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ("order_processor", "payment_saga", "etl_fanout")
EXAMPLE_IDS = [p.relative_to(ROOT / "examples").as_posix() for p in EXAMPLES]


# -- every example -----------------------------------------------------------------------------
# One page per example runs every check in turn (a page load costs more than the checks).


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_example_page(open_page: Any, example: Path) -> None:
    document = example_document(example)
    seen = open_page(document, color_scheme="light")
    check_renders(seen, document)
    check_click_shows_source_lines(seen.page)
    check_search_highlights(seen.page, document)
    check_png_export(seen.page)
    check_theme_and_direction_toggle(seen.page)


def check_renders(seen: Visit, document: Document) -> None:
    page = seen.page
    assert page.locator(f"{VISIBLE} svg").count() == 1
    # A try is drawn as a frame around its parts, not as a node.
    expected = {g.id for g in document.views[0].graph.nodes if g.kind is not Kind.TRY}
    assert {n["id"] for n in visible_nodes(page)} == expected
    size = page.eval_on_selector(f"{VISIBLE} svg", "s => [s.clientWidth, s.clientHeight]")
    assert min(size) > 100, size
    # The page's own file is the only thing loaded (the fixture checks again at the end).
    assert seen.requests == []
    assert seen.console_errors == []


def check_click_shows_source_lines(page: Any) -> None:
    node = first_operation(page)
    click_node(page, node["id"])
    current = page.inner_text("#dv-details-source .dv-current")
    line = int(node["line"])
    assert current.split(None, 1)[0] == str(line)
    assert current.split(None, 1)[1].strip() == source_line(node["file"], line).strip()
    assert page.inner_text("#dv-details-where") == f"{node['file']}:{line}:{node['column']}"
    assert page.locator(f'{VISIBLE} .dv-node.dv-selected[data-id="{node["id"]}"]').count() == 1


def check_search_highlights(page: Any, document: Document) -> None:
    nodes = [
        g for g in document.views[0].graph.nodes if g.node is not None and g.kind is not Kind.TRY
    ]
    graph_node = nodes[0]
    query = graph_node.label[:12]
    page.fill("#dv-search", query)
    matches = page.eval_on_selector_all(
        f"{VISIBLE} .dv-node.dv-match", "ns => ns.map(n => n.dataset.id)"
    )
    expected = [
        g.id
        for g in nodes
        if query.lower() in "\n".join([g.label, (g.node.name if g.node else None) or ""]).lower()
    ]
    assert graph_node.id in matches
    assert set(expected) <= set(matches)
    assert page.inner_text("#dv-search-count") in (f"{len(matches)} matches", "1 match")
    page.fill("#dv-search", "")
    assert page.locator(f"{VISIBLE} .dv-match").count() == 0


def check_theme_and_direction_toggle(page: Any) -> None:
    background = "getComputedStyle(document.body).backgroundColor"
    fill = f"getComputedStyle(document.querySelector('{VISIBLE} .dv-node .dv-shape')).fill"
    assert page.evaluate(background) == "rgb(255, 255, 255)"
    light_fill = page.evaluate(fill)
    page.click("#dv-theme")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate(background) == "rgb(13, 17, 23)"
    assert page.evaluate(fill) != light_fill, "the diagram follows the theme"
    page.click("#dv-theme")
    assert page.evaluate(background) == "rgb(255, 255, 255)"

    assert page.get_attribute(f"{VISIBLE} svg", "data-direction") == "TD"
    page.click("#dv-direction")
    assert page.get_attribute(VISIBLE, "data-direction") == "LR"
    assert page.get_attribute(f"{VISIBLE} svg", "data-direction") == "LR"
    assert page.inner_text("#dv-direction") == "LR"
    assert page.locator(".dv-view:not([hidden])").count() == 1
    page.click("#dv-tab-mermaid")
    assert page.inner_text("#dv-mermaid-text").startswith("flowchart LR")
    page.click("#dv-tab-diagram")


def exported_png(page: Any) -> bytes:
    """The PNG as the export builds it (the download itself is exercised in test_screenshots)."""
    encoded = page.evaluate(
        """async () => {
            const png = await window.durableViz.exportPng();
            const bytes = new Uint8Array(await png.arrayBuffer());
            let text = "";
            for (const byte of bytes) text += String.fromCharCode(byte);
            return btoa(text);
        }"""
    )
    return base64.b64decode(encoded)


def check_png_export(page: Any) -> None:
    data = exported_png(page)
    svg_width = float(page.get_attribute(f"{VISIBLE} svg", "width"))
    svg_height = float(page.get_attribute(f"{VISIBLE} svg", "height"))
    assert png_size(data) == (round(svg_width * 2), round(svg_height * 2))
    assert distinct_colours(page.context.browser, data) >= 3, "the PNG is blank"


# -- hostile labels ----------------------------------------------------------------------------


def test_hostile_labels_never_run_and_still_render(open_page: Any) -> None:
    document = hostile_document()
    seen = open_page(document)
    page = seen.page
    assert page.evaluate("window.injected === undefined")
    assert page.locator("img").count() == 0
    ids = {n["id"] for n in visible_nodes(page)}
    assert ids == {g.id for g in document.views[0].graph.nodes}
    assert page.inner_text("#dv-title") == HOSTILE_LABELS[0]
    for graph_node in document.views[0].graph.nodes:
        if graph_node.node is None or graph_node.kind.value != "step":
            continue
        click_node(page, graph_node.id)
        shown = page.evaluate("document.getElementById('dv-details-label').textContent")
        assert shown == graph_node.label
    page.fill("#dv-search", "alert(1)")
    assert page.locator(f"{VISIBLE} .dv-match").count() >= 3
    page.click("#dv-tab-mermaid")
    page.click("#dv-tab-json")
    assert json.loads(page.inner_text("#dv-json-text"))["workflows"][0]["name"] == HOSTILE_LABELS[0]
    assert seen.dialogs == []


def test_hostile_handler_file_never_runs_script(open_page: Any, tmp_path: Path) -> None:
    document = load(hostile_handler(tmp_path))
    seen = open_page(document)
    names = [g.node.name for g in document.views[0].graph.nodes if g.node is not None]
    assert names == list(HOSTILE_LABELS)
    assert len(visible_nodes(seen.page)) == len(HOSTILE_LABELS) + 2
    seen.page.keyboard.press("d")
    assert seen.page.get_attribute(VISIBLE, "data-direction") == "LR"
    assert seen.dialogs == []


def test_page_under_a_nonce_policy_runs(open_page: Any) -> None:
    seen = open_page(example_document(EXAMPLES[0]), nonce="r4nd0mN0nce")
    seen.checked = True
    assert seen.problems() == []
    page = seen.page
    click_node(page, first_operation(page)["id"])
    assert not page.is_hidden("#dv-details-body")
    # The SVG's own styles applied: a CSP refusal would be a console error, checked on exit.
    fill = page.eval_on_selector(
        f"{VISIBLE} .dv-node[data-line] > :is(rect,polygon,ellipse,circle,path)",
        "e => getComputedStyle(e).fill",
    )
    assert fill not in ("", "none", "rgb(0, 0, 0)")
    # Arrowheads are coloured by class (a style attribute would be refused: black arrowheads).
    arrow = page.eval_on_selector(f"{VISIBLE} marker path", "e => getComputedStyle(e).fill")
    assert arrow not in ("", "none", "rgb(0, 0, 0)")
    # Nothing anywhere carries a style attribute, after interaction either.
    page.keyboard.press("d")
    page.keyboard.press("t")
    page.evaluate("window.durableViz.search('a')")
    assert page.evaluate("document.querySelectorAll('[style]').length") == 0
    assert seen.problems() == []


def test_png_background_is_themed_or_transparent(open_page: Any) -> None:
    page = open_page(example_document(EXAMPLES[0]), color_scheme="dark").page
    assert corner_pixel(page.context.browser, exported_png(page)) == [13, 17, 23, 255]
    page.check("#dv-transparent")
    assert corner_pixel(page.context.browser, exported_png(page))[3] == 0


def test_svg_export_keeps_the_theme(open_page: Any) -> None:
    page = open_page(example_document(EXAMPLES[0]), color_scheme="dark").page
    with page.expect_download() as download:
        page.click("#dv-export-svg")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')
    assert "--dv-step-fill:#17392b" in text
    assert 'fill="#0d1117"' in text, "themed background"
    assert not re.search(r'class="[^"]*dv-(selected|match|searching)', text)
    assert "nonce" not in text
    page.check("#dv-transparent")
    with page.expect_download() as download:
        page.click("#dv-export-svg")
    assert 'fill="#0d1117"' not in Path(download.value.path()).read_text(encoding="utf-8")


# -- screenshots and speed ---------------------------------------------------------------------


@pytest.mark.parametrize("name", SCREENSHOTS)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots(open_page: Any, name: str, theme: str) -> None:
    example = ROOT / "examples" / "python" / f"{name}.py"
    page = open_page(example_document(example), color_scheme=theme, device_scale_factor=1).page
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}-{theme}.png"
    page.screenshot(path=str(target))
    diagram = page.locator("#dv-viewport").screenshot()
    assert distinct_colours(page.context.browser, diagram) >= 10, "the diagram area is blank"
    with page.expect_download() as download:
        page.click("#dv-export-png")
    exported = ARTIFACTS / f"{name}-{theme}-export.png"
    download.value.save_as(str(exported))
    assert distinct_colours(page.context.browser, exported.read_bytes()) >= 3, "blank export"


def test_large_workflow_is_interactive_within_a_second(open_page: Any) -> None:
    document = generated_document(1000)
    timings = []
    for _ in range(3):
        page = open_page(document).page
        timings.append(float(page.evaluate("document.documentElement.dataset.ready")))
    assert statistics.median(timings) <= 1000, timings
    page.fill("#dv-search", "step-99")
    assert page.locator(f"{VISIBLE} .dv-match").count() >= 1
