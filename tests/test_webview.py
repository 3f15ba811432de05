"""The page as the VS Code webview runs it, in headless Chromium: served with the webview's strict
Content-Security-Policy (as a response header, on top of the page's own), rendered with a nonce,
and ``window.acquireVsCodeApi`` stubbed by an init script that records what the page posts and
keeps its state in ``sessionStorage`` (so it survives a reload, as VS Code's does a hidden panel).

Messages from the extension are dispatched as ``MessageEvent``s, as the webview delivers them.
Every visit must end with no CSP violation, no console error and no request.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser import VISIBLE, click_node, first_operation, launched_browser, view_box, wait_until
from page_cases import ROOT

from durable_viz.api import load
from durable_viz.render import Document
from durable_viz.renderers import html

NONCE = "w3bv13wN0nce+/="
URL = "https://webview.test/index.html"
POLICY = (
    f"default-src 'none'; script-src 'nonce-{NONCE}'; style-src 'nonce-{NONCE}'; "
    "img-src data: blob:"
)

STUB = """
window.posted = [];
window.violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.violations.push(event.violatedDirective + " " + event.blockedURI + " " + event.sample);
});
window.acquireVsCodeApi = () => ({
  postMessage: (message) => window.posted.push(message),
  getState: () => {
    const text = sessionStorage.getItem("vscode-state");
    return text === null ? undefined : JSON.parse(text);
  },
  setState: (value) => {
    sessionStorage.setItem("vscode-state", JSON.stringify(value));
    return value;
  },
});
"""


def body_classes(classes: str) -> str:
    """An init script giving ``<body>`` the classes VS Code sets for its theme."""
    return f"addEventListener('DOMContentLoaded', () => document.body.className = '{classes}');"


DARK_BODY = body_classes("vscode-dark")


@dataclass
class Webview:
    """A page opened as the webview opens it, and what it did wrong."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def post(self, message: dict[str, Any]) -> None:
        """Deliver a message from the extension."""
        self.page.evaluate(
            "m => window.dispatchEvent(new MessageEvent('message', {data: m}))", message
        )

    def posted(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.page.evaluate("window.posted")
        return result

    def problems(self) -> list[str]:
        violations: list[str] = self.page.evaluate("window.violations")
        return (
            [f"csp: {v}" for v in violations]
            + [f"request: {r}" for r in self.requests]
            + [f"console: {e}" for e in self.errors]
        )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_browser()


@pytest.fixture
def webview(browser: Any) -> Iterator[Any]:
    opened: list[Webview] = []

    def opener(
        document: Document,
        *,
        dark: bool = False,
        body_class: str | None = None,
        directions: tuple[str, ...] | None = None,
    ) -> Webview:
        """Open ``document``'s page; ``directions``: draw only those (as ``serve`` does)."""
        context = browser.new_context(viewport={"width": 1000, "height": 700})
        theme = DARK_BODY if dark else body_classes(body_class) if body_class else ""
        context.add_init_script(STUB + theme)
        page = context.new_page()
        seen = Webview(page)
        parts = html.parts_of(document, directions=directions) if directions else None
        body = html.render(document, nonce=NONCE, parts=parts)

        def route(request_route: Any) -> None:
            if request_route.request.url == URL:
                request_route.fulfill(
                    status=200,
                    body=body,
                    headers={"Content-Type": "text/html", "Content-Security-Policy": POLICY},
                )
            else:
                seen.requests.append(request_route.request.url)
                request_route.abort()

        context.route("**/*", route)
        page.on("console", lambda m: m.type in ("error", "warning") and seen.errors.append(m.text))
        page.on("pageerror", lambda error: seen.errors.append(str(error)))
        page.goto(URL)
        page.wait_for_selector("html[data-ready]", state="attached", timeout=10000)
        opened.append(seen)
        return seen

    yield opener
    problems = [p for seen in opened for p in seen.problems()]
    for seen in opened:
        seen.page.context.close()
    assert problems == [], "\n".join(problems)


def handler(steps: list[str], *, extra: str = "") -> str:
    """A small Python handler calling one step per name."""
    body = "\n".join(f'    context.step(lambda _: 1, name="{name}")' for name in steps)
    return (
        textwrap.dedent(
            """\
        from aws_durable_execution_sdk_python import DurableContext, durable_execution


        @durable_execution
        def handler(event, context: DurableContext):
        """
        )
        + body
        + "\n"
        + extra
    )


def document_of(tmp_path: Path, source: str, name: str = "handler.py") -> Document:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return load(str(path))


def labels(page: Any) -> list[str]:
    result: list[str] = page.eval_on_selector_all(
        f"{VISIBLE} .dv-node",
        "nodes => nodes.map(n => n.querySelector('title').textContent.split('\\n')[0])",
    )
    return result


def node_fill(page: Any) -> str:
    fill: str = page.eval_on_selector(
        f"{VISIBLE} .dv-node[data-line] > :is(rect,polygon,ellipse,circle,path)",
        "e => getComputedStyle(e).fill",
    )
    return fill


# -- the page talks to the extension -------------------------------------------------------------


def test_ready_then_reveal_on_node_click(webview: Any, tmp_path: Path) -> None:
    seen = webview(document_of(tmp_path, handler(["charge", "ship"])))
    assert seen.posted() == [{"type": "ready"}]
    node = first_operation(seen.page)
    click_node(seen.page, node["id"])
    assert seen.posted()[1:] == [
        {
            "type": "reveal",
            "file": str(tmp_path / "handler.py"),
            "line": int(node["line"]),
            "column": int(node["column"]),
        }
    ]


def test_reveal_of_a_helper_node_names_the_helper_file(webview: Any) -> None:
    workflow = ROOT / "examples/typescript/refundWorkflow.ts"
    seen = webview(load(str(workflow)))
    helper = str(ROOT / "examples/typescript/refundSteps.ts")
    node = seen.page.eval_on_selector(
        f'{VISIBLE} .dv-node[data-file="{helper}"]', "n => ({...n.dataset})"
    )
    click_node(seen.page, node["id"])
    reveal = seen.posted()[-1]
    assert reveal == {
        "type": "reveal",
        "file": helper,
        "line": int(node["line"]),
        "column": int(node["column"]),
    }


def cursor_nodes(page: Any) -> list[dict[str, str]]:
    result: list[dict[str, str]] = page.eval_on_selector_all(
        f"{VISIBLE} .dv-cursor", "ns => ns.map(n => ({file: n.dataset.file, line: n.dataset.line}))"
    )
    return result


def test_highlight_follows_the_cursor_in_the_handler_and_in_a_helper(webview: Any) -> None:
    workflow = ROOT / "examples/typescript/refundWorkflow.ts"
    helper = str(ROOT / "examples/typescript/refundSteps.ts")
    seen = webview(load(str(workflow)))
    page = seen.page
    nodes = page.eval_on_selector_all(
        f"{VISIBLE} .dv-node[data-line]", "ns => ns.map(n => ({...n.dataset}))"
    )
    own = next(n for n in nodes if n["file"] == str(workflow))
    inlined = next(n for n in nodes if n["file"] == helper)
    seen.post({"type": "highlight", "line": int(own["line"])})
    assert cursor_nodes(page) and {n["file"] for n in cursor_nodes(page)} == {str(workflow)}
    assert {n["line"] for n in cursor_nodes(page)} == {own["line"]}
    # The helper's line: only with the helper's file named (the handler's own file has other
    # code on that line number).
    seen.post({"type": "highlight", "line": int(inlined["line"]), "file": helper})
    assert cursor_nodes(page) and {n["file"] for n in cursor_nodes(page)} == {helper}
    seen.post({"type": "highlight", "line": int(inlined["line"])})
    assert all(n["file"] == str(workflow) for n in cursor_nodes(page))


def test_export_posts_save_with_a_data_url(webview: Any, tmp_path: Path) -> None:
    seen = webview(document_of(tmp_path, handler(["charge"])))
    seen.page.click("#dv-export-svg")
    wait_until(seen.page, "window.posted.length === 2")
    seen.page.click("#dv-export-png")
    wait_until(seen.page, "window.posted.length === 3")
    svg, png = seen.posted()[1:]
    assert svg["type"] == "save" and svg["name"] == "handler-TD.svg"
    assert svg["dataUrl"].startswith("data:image/svg+xml;base64,")
    assert png["type"] == "save" and png["name"] == "handler-TD.png"
    assert png["dataUrl"].startswith("data:image/png;base64,")


def test_vscode_dark_body_gives_the_dark_theme(webview: Any, tmp_path: Path) -> None:
    seen = webview(document_of(tmp_path, handler(["charge"])), dark=True)
    wait_until(seen.page, "document.documentElement.dataset.theme === 'dark'")
    background = seen.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(13, 17, 23)"


def test_high_contrast_light_body_gives_the_light_theme(webview: Any, tmp_path: Path) -> None:
    # VS Code's High Contrast Light theme sets both classes on <body>.
    classes = "vscode-high-contrast-light vscode-high-contrast"
    seen = webview(document_of(tmp_path, handler(["charge"])), body_class=classes)
    wait_until(seen.page, "document.documentElement.dataset.theme === 'light'")
    assert seen.page.inner_text("#dv-theme") == "Light"
    high_contrast = webview(
        document_of(tmp_path, handler(["charge"])), body_class="vscode-high-contrast"
    )
    wait_until(high_contrast.page, "document.documentElement.dataset.theme === 'dark'")


# -- update ------------------------------------------------------------------------------------


def test_update_replaces_the_content_and_keeps_the_view(webview: Any, tmp_path: Path) -> None:
    seen = webview(document_of(tmp_path, handler(["charge", "ship"])))
    page = seen.page
    page.keyboard.press("d")
    page.keyboard.press("+")
    page.keyboard.press("ArrowLeft")
    box = view_box(page)
    old_svg = page.evaluate_handle(f"document.querySelector('{VISIBLE} svg')")
    before = labels(page)
    page.click("#dv-tab-mermaid")

    changed = document_of(tmp_path, handler(["charge", "ship", "notify"]))
    seen.post({"type": "update", "payload": html.update(changed)})

    assert page.get_attribute("#dv-tab-mermaid", "aria-selected") == "true"
    assert "notify" in page.inner_text("#dv-mermaid-text")
    assert page.inner_text("#dv-mermaid-text").startswith("flowchart LR")
    assert '"notify"' in page.inner_text("#dv-json-text")
    page.click("#dv-tab-diagram")
    assert page.get_attribute(VISIBLE, "data-direction") == "LR"
    assert labels(page) == [*before[:-1], "notify", before[-1]]
    assert view_box(page) == box, "zoom and pan are kept"
    assert page.evaluate(f"s => s !== document.querySelector('{VISIBLE} svg')", old_svg)
    # One view per workflow and direction, no leftovers.
    assert page.locator(".dv-view").count() == 2
    # The new SVG's own styles apply under the policy (a refused <style> leaves black boxes).
    assert node_fill(page) not in ("", "none", "rgb(0, 0, 0)")
    sheets = "[...document.querySelectorAll('.dv-view > svg')].map(s => s.querySelector('style'))"
    assert page.evaluate(f"{sheets}.every(s => s && s.sheet && s.sheet.cssRules.length > 0)")
    assert page.evaluate("document.querySelectorAll('[style]').length") == 0
    # Clicks on the new nodes still reveal their lines.
    node = next(n for n in first_operations(page) if n["line"] == "8")
    click_node(page, node["id"])
    assert seen.posted()[-1]["line"] == 8


def node_labelled(page: Any, label: str) -> dict[str, str]:
    node: dict[str, str] = page.evaluate(
        f"""label => ({{...[...document.querySelectorAll('{VISIBLE} .dv-node')]
            .find(n => n.querySelector('title').textContent.split('\\n')[0] === label)
            .dataset}})""",
        label,
    )
    return node


def first_operations(page: Any) -> list[dict[str, str]]:
    result: list[dict[str, str]] = page.eval_on_selector_all(
        f"{VISIBLE} .dv-node[data-line]", "ns => ns.map(n => ({...n.dataset}))"
    )
    return result


TWO = textwrap.dedent(
    """\
    from aws_durable_execution_sdk_python import DurableContext, durable_execution

    {before}
    @durable_execution
    def intake(event, context: DurableContext):
        context.step(lambda _: 1, name="intake-step")


    @durable_execution
    def shipping(event, context: DurableContext):
        context.step(lambda _: 1, name="pack")
        context.step(lambda _: 2, name="ship")
    """
)

EARLIER = textwrap.dedent(
    """\

    @durable_execution
    def audit(event, context: DurableContext):
        context.step(lambda _: 1, name="audit-step")

    """
)


def test_update_keeps_the_selected_workflow_and_node(webview: Any, tmp_path: Path) -> None:
    seen = webview(document_of(tmp_path, TWO.format(before="")))
    page = seen.page
    page.select_option("#dv-workflow", "1")
    assert page.inner_text("#dv-title") == "shipping"
    node = node_labelled(page, "pack")
    click_node(page, node["id"])
    label = page.inner_text("#dv-details-label")
    seen.post({"type": "highlight", "line": int(node["line"])})

    # A workflow added before it: "shipping" moves to index 2 and stays the one shown.
    changed = document_of(tmp_path, TWO.format(before=EARLIER))
    seen.post({"type": "update", "payload": html.update(changed)})
    assert page.inner_text("#dv-title") == "shipping"
    assert page.eval_on_selector("#dv-workflow", "s => [s.value, s.options.length]") == ["2", 3]
    options = page.eval_on_selector_all("#dv-workflow option", "os => os.map(o => o.textContent)")
    assert options[0] == f"audit ({tmp_path / 'handler.py'}:5)"
    # The lines moved down by five: the same node (same id, kind and label) stays selected, and
    # the cursor highlight is re-applied to the line the editor last sent.
    assert page.inner_text("#dv-details-label") == label
    assert not page.is_hidden("#dv-details-body")
    page.select_option("#dv-workflow", "0")
    assert page.inner_text("#dv-title") == "audit"

    # Down to one workflow: the selector goes away.
    single = document_of(tmp_path, handler(["only"]))
    seen.post({"type": "update", "payload": html.update(single)})
    assert page.locator("#dv-workflow").count() == 0
    assert page.inner_text("#dv-title") == "handler"


def test_update_replaces_the_diagnostics(webview: Any, tmp_path: Path) -> None:
    seen = webview(document_of(tmp_path, handler(["charge"])))
    page = seen.page
    assert page.inner_text("#dv-tab-diagnostics") == "Diagnostics (0)"
    unknown = handler(["charge"], extra="    context.teleport()\n")
    seen.post({"type": "update", "payload": html.update(document_of(tmp_path, unknown))})
    assert page.inner_text("#dv-tab-diagnostics") == "Diagnostics (1)"
    page.click("#dv-tab-diagnostics")
    item = page.inner_text(".dv-diagnostic")
    assert item.startswith(f"warning DV102 {tmp_path / 'handler.py'}:7:5 ")
    page.click(".dv-diagnostic")
    assert seen.posted()[-1] == {
        "type": "reveal",
        "file": str(tmp_path / "handler.py"),
        "line": 7,
        "column": 5,
    }
    seen.post({"type": "update", "payload": html.update(document_of(tmp_path, handler(["x"])))})
    assert page.inner_text("#dv-tab-diagnostics") == "Diagnostics (0)"
    assert page.inner_text("#dv-panel-diagnostics").startswith("No diagnostics")


def test_a_broken_update_keeps_the_picture_and_says_so(webview: Any, tmp_path: Path) -> None:
    seen = webview(document_of(tmp_path, handler(["charge"])))
    page = seen.page
    before = labels(page)
    payload = html.update(document_of(tmp_path, handler(["x"])))
    # (Malformed XML cannot be tried here: Chromium's parser error page carries style
    # attributes, which the policy reports. Our renderer writes well-formed SVG.)
    payload["diagrams"][0]["svg"] = '<g xmlns="http://www.w3.org/2000/svg"/>'
    seen.post({"type": "update", "payload": payload})
    assert page.inner_text("#dv-error-message") == "update: a diagram is not valid SVG"
    assert labels(page) == before
    seen.post({"type": "update", "payload": {"diagrams": []}})
    assert page.inner_text("#dv-error-message") == "update: not an update payload"
    assert labels(page) == before
    assert seen.errors == [
        "update: a diagram is not valid SVG",
        "update: not an update payload",
    ]
    seen.errors.clear()


def one_direction_update(path: Path, direction: str) -> dict[str, Any]:
    """The ``update`` payload ``serve`` sends for ``path`` drawn in ``direction`` only."""
    document = load(str(path), direction=direction)
    return html.update(document, parts=html.parts_of(document, directions=(direction,)))


def test_direction_toggle_asks_the_host_and_keeps_the_picture_until_it_comes(
    webview: Any, tmp_path: Path
) -> None:
    # The editor's page holds the direction it shows only (as serve draws it).
    seen = webview(document_of(tmp_path, handler(["charge", "ship"])), directions=("TD",))
    page = seen.page
    assert page.locator(".dv-view").count() == 1
    before = sorted(labels(page))
    page.keyboard.press("d")
    assert seen.posted()[-1] == {"type": "direction", "direction": "LR"}
    # No blank: the old picture stays until the new direction comes.
    assert page.get_attribute(VISIBLE, "data-direction") == "TD"
    assert sorted(labels(page)) == before
    assert page.inner_text("#dv-direction") == "TD"
    assert page.get_attribute("#dv-direction", "aria-busy") == "true"
    # An update sent before the toggle (still top-down) arrives first: still waiting.
    changed = tmp_path / "handler.py"
    changed.write_text(handler(["charge", "ship", "notify"]), encoding="utf-8")
    seen.post({"type": "update", "payload": one_direction_update(changed, "TD")})
    assert page.get_attribute(VISIBLE, "data-direction") == "TD"
    assert "notify" in labels(page)
    # Then the one in the new direction.
    seen.post({"type": "update", "payload": one_direction_update(changed, "LR")})
    assert page.get_attribute(VISIBLE, "data-direction") == "LR"
    assert page.inner_text("#dv-direction") == "LR"
    assert page.get_attribute("#dv-direction", "aria-busy") is None
    assert sorted(labels(page)) == sorted([*before, "notify"])
    assert page.locator(".dv-view").count() == 1
    assert (page.text_content("#dv-mermaid-text") or "").startswith("flowchart LR")
    # And back: asked for again, since the page no longer holds top-down.
    page.keyboard.press("d")
    assert seen.posted()[-1] == {"type": "direction", "direction": "TD"}
    assert page.get_attribute(VISIBLE, "data-direction") == "LR"
    # Kept state naming a direction this page does not hold: the page shows the one it holds.
    page.evaluate(
        "sessionStorage.setItem('vscode-state', JSON.stringify({given: 'TD', direction: 'LR'}))"
    )
    page.reload()
    page.wait_for_selector("html[data-ready]", state="attached", timeout=10000)
    assert page.get_attribute(VISIBLE, "data-direction") == "TD"


def test_a_page_holding_both_directions_switches_at_once_and_tells_the_host(
    webview: Any, tmp_path: Path
) -> None:
    seen = webview(document_of(tmp_path, handler(["charge"])))
    seen.page.keyboard.press("d")
    assert seen.page.get_attribute(VISIBLE, "data-direction") == "LR"
    assert seen.posted()[-1] == {"type": "direction", "direction": "LR"}


# -- errors ------------------------------------------------------------------------------------


def test_error_banner_over_the_last_good_picture(webview: Any, tmp_path: Path) -> None:
    seen = webview(document_of(tmp_path, handler(["charge"])))
    page = seen.page
    assert page.is_hidden("#dv-error")
    before = labels(page)
    message = "handler.py:3:1: no durable handler found <b>x</b>"
    seen.post({"type": "error", "message": message, "hint": "Open the handler's file."})
    banner = page.locator("[role=alert]")
    assert banner.is_visible()
    assert page.inner_text("#dv-error-message") == message
    assert page.locator("#dv-error b").count() == 0
    assert page.inner_text("#dv-error-hint") == "Open the handler's file."
    assert labels(page) == before and page.is_visible(VISIBLE)
    assert page.evaluate("document.documentElement.classList.contains('dv-stale')")
    seen.post({"type": "clear-error"})
    assert page.is_hidden("#dv-error")
    # Without a hint, no empty hint line; an update clears the error too.
    seen.post({"type": "error", "message": "gone"})
    assert page.is_hidden("#dv-error-hint")
    seen.post({"type": "update", "payload": html.update(document_of(tmp_path, handler(["y"])))})
    assert page.is_hidden("#dv-error")
    assert not page.evaluate("document.documentElement.classList.contains('dv-stale')")


# -- state -------------------------------------------------------------------------------------


def test_view_state_survives_a_reload(webview: Any, tmp_path: Path) -> None:
    seen = webview(document_of(tmp_path, TWO.format(before="")))
    page = seen.page
    page.select_option("#dv-workflow", "1")
    page.keyboard.press("d")
    page.keyboard.press("+")
    page.keyboard.press("+")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("t")
    theme = page.evaluate("document.documentElement.dataset.theme")
    box = view_box(page)
    page.click("#dv-tab-json")
    state = page.evaluate("JSON.parse(sessionStorage.getItem('vscode-state'))")
    assert state["direction"] == "LR" and state["tab"] == "json"
    assert state["workflow"] == {"name": "shipping", "file": str(tmp_path / "handler.py")}

    page.reload()
    page.wait_for_selector("html[data-ready]", state="attached", timeout=10000)
    assert page.get_attribute("#dv-tab-json", "aria-selected") == "true"
    assert page.is_hidden("#dv-panel-diagram")
    assert page.inner_text("#dv-title") == "shipping"
    assert page.eval_on_selector("#dv-workflow", "s => s.value") == "1"
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    page.click("#dv-tab-diagram")
    assert page.get_attribute(VISIBLE, "data-direction") == "LR"
    assert view_box(page) == box


def test_state_naming_a_workflow_that_is_gone_starts_fresh(webview: Any, tmp_path: Path) -> None:
    seen = webview(document_of(tmp_path, handler(["charge"])))
    page = seen.page
    page.evaluate(
        """sessionStorage.setItem('vscode-state', JSON.stringify({direction: 'sideways',
        workflow: {name: 'gone', file: 'x'}, tab: 'nope', theme: 7,
        view: {scale: 'big', x: 1, y: 2}}))"""
    )
    page.reload()
    page.wait_for_selector("html[data-ready]", state="attached", timeout=10000)
    assert page.get_attribute(VISIBLE, "data-direction") == "TD"
    assert page.inner_text("#dv-title") == "handler"
    assert page.get_attribute("#dv-tab-diagram", "aria-selected") == "true"


def test_a_browser_tab_takes_no_update_or_error_from_other_windows(
    browser: Any, tmp_path: Path
) -> None:
    from browser import visit

    page_file = tmp_path / "page.html"
    page_file.write_text(html.render(document_of(tmp_path, handler(["charge"]))), encoding="utf-8")
    seen = visit(browser, page_file)
    page = seen.page
    before = labels(page)
    payload = html.update(document_of(tmp_path, handler(["other"])))
    page.evaluate("p => window.postMessage({type: 'update', payload: p}, '*')", payload)
    page.evaluate("window.postMessage({type: 'error', message: 'injected'}, '*')")
    page.wait_for_timeout(100)
    assert labels(page) == before
    assert page.is_hidden("#dv-error")
    assert seen.problems() == []
    page.context.close()


def open_with_state(browser: Any, document: Document, state: dict[str, Any]) -> Any:
    """A webview page of ``document`` whose host holds ``state`` from an earlier page."""
    context = browser.new_context()
    saved = json.dumps(json.dumps(state))
    context.add_init_script(STUB + f"sessionStorage.setItem('vscode-state', {saved});")
    body = html.render(document, nonce=NONCE)
    context.route(
        "**/*",
        lambda r: r.fulfill(
            status=200,
            body=body,
            headers={"Content-Type": "text/html", "Content-Security-Policy": POLICY},
        ),
    )
    page = context.new_page()
    page.goto(URL)
    page.wait_for_selector("html[data-ready]", state="attached", timeout=10000)
    return page


def test_state_left_by_another_file(browser: Any, tmp_path: Path) -> None:
    # VS Code keeps one state per panel, and the panel goes on to draw other files. What is
    # about the panel (tab, theme, a toggled direction) stays; the zoom of a workflow that is not
    # this one (same name, other file) does not; a changed direction setting wins.
    (tmp_path / "other").mkdir()
    other = str(tmp_path / "other" / "handler.py")
    state = {
        "given": "TD",
        "direction": "LR",
        "workflow": {"name": "handler", "file": other},
        "tab": "mermaid",
        "theme": "dark",
        "view": {"scale": 3, "x": 500, "y": 500},
    }
    document = document_of(tmp_path, handler(["charge"]))
    page = open_with_state(browser, document, state)
    try:
        assert page.get_attribute("#dv-tab-mermaid", "aria-selected") == "true"
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        page.click("#dv-tab-diagram")
        assert page.get_attribute(VISIBLE, "data-direction") == "LR"
        assert view_box(page)[:2] != [500, 500]
        assert page.evaluate("window.violations") == []
    finally:
        page.context.close()

    same_file = {**state, "workflow": {"name": "handler", "file": str(tmp_path / "handler.py")}}
    page = open_with_state(browser, document, same_file)
    try:
        page.click("#dv-tab-diagram")
        assert view_box(page)[:2] == [500, 500], "the same workflow gets its zoom back"
    finally:
        page.context.close()

    setting = {**state, "direction": "TD"}
    lr_document = load(str(tmp_path / "handler.py"), direction="LR")
    page = open_with_state(browser, lr_document, setting)
    try:
        page.click("#dv-tab-diagram")
        assert page.get_attribute(VISIBLE, "data-direction") == "LR"
    finally:
        page.context.close()
