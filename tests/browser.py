"""Headless Chromium for the page tests and benchmark: a page that may not reach anything.

Every request other than the page's own file is recorded and aborted; console errors, uncaught
exceptions and dialogs (``alert`` from an injected script) are recorded too, so a test can assert
there were none. The fixtures (``browser``, ``open_page``) and page helpers here are shared by
``test_browser.py`` and ``test_page_interaction.py``, which import them.
"""

from __future__ import annotations

import re
import shutil
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from page_cases import ROOT

from durable_viz.render import Document
from durable_viz.renderers import html

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
MISSING = (
    f"Chromium is not installed at {CHROMIUM}; `make test` installs it (its `browser` target runs "
    "`apt-get install chromium`)."
)


def chromium_path() -> str | None:
    """The system Chromium, or ``None`` when it is missing."""
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


@dataclass
class Visit:
    """A page opened with the network blocked, and what it tried to do."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    checked: bool = False
    """Set by a test that asserted on the problems itself."""

    def problems(self) -> list[str]:
        """Requests, console errors and dialogs, each as one line (empty when clean)."""
        return (
            [f"request: {url}" for url in self.requests]
            + [f"console: {text}" for text in self.console_errors]
            + [f"dialog: {text}" for text in self.dialogs]
        )


def visit(browser: Any, path: Path, *, init_script: str | None = None, **options: Any) -> Visit:
    """Open ``path`` (an HTML file) in a fresh context and wait until the page is interactive."""
    context = browser.new_context(accept_downloads=True, **options)
    if init_script is not None:
        context.add_init_script(init_script)
    page = context.new_page()
    url = path.resolve().as_uri()
    seen = Visit(page, url)

    def route(request_route: Any) -> None:
        if request_route.request.url == url:
            request_route.continue_()
        else:
            seen.requests.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
    page.on("pageerror", lambda error: seen.console_errors.append(str(error)))

    def dialog(opened: Any) -> None:
        seen.dialogs.append(f"{opened.type}: {opened.message}")
        opened.dismiss()

    page.on("dialog", dialog)
    page.goto(url)
    page.wait_for_selector("html[data-ready]", state="attached", timeout=10000)
    return seen


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


_DISTINCT = """async (b64) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d");
  context.drawImage(bitmap, 0, 0);
  const image = context.getImageData(0, 0, bitmap.width, bitmap.height);
  const pixels = new Uint32Array(image.data.buffer);
  const seen = new Set();
  for (let i = 0; i < pixels.length; i += 7) seen.add(pixels[i]);
  return seen.size;
}"""


def distinct_colours(browser: Any, data: bytes) -> int:
    """How many distinct RGBA values (sampled) a PNG holds: 1 for a blank image.

    The image is decoded by Chromium in a blank page of its own (no imaging library here).
    """
    import base64

    page = browser.new_page()
    try:
        count: int = page.evaluate(_DISTINCT, base64.b64encode(data).decode())
    finally:
        page.close()
    return count


def wait_until(page: Any, expression: str, timeout: float = 5.0) -> None:
    """Poll a JavaScript expression until it is truthy.

    Playwright's ``wait_for_function`` evaluates its predicate with ``eval`` inside the page,
    which the page's own Content-Security-Policy (rightly) forbids.
    """
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(20)


def corner_pixel(browser: Any, data: bytes) -> list[int]:
    """The RGBA value of a PNG's top-left pixel, decoded by Chromium."""
    import base64

    page = browser.new_page()
    try:
        pixel: list[int] = page.evaluate(
            """async (b64) => {
              const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
              const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
              const context = new OffscreenCanvas(1, 1).getContext("2d");
              context.drawImage(bitmap, 0, 0);
              return [...context.getImageData(0, 0, 1, 1).data];
            }""",
            base64.b64encode(data).decode(),
        )
    finally:
        page.close()
    return pixel


# -- fixtures and page helpers shared by the browser test modules ---------------------------------

VISIBLE = ".dv-view:not([hidden])"


def launched_browser() -> Iterator[Any]:
    """Body of each module's ``browser`` fixture: the system Chromium, launched headless.

    Each browser test module wraps these two generators in its own fixtures (module-scoped for
    the browser: one Playwright instance at a time); importing fixtures would shadow them.
    """
    executable = chromium_path()
    if executable is None:
        pytest.fail(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def page_opener(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """Body of the ``open_page`` fixture: render a document into tmp_path and open it; every
    visit must end clean (no request, console error or dialog) unless a test checked itself."""
    visits: list[Visit] = []

    def opener(document: Document, *, nonce: str | None = None, **options: Any) -> Visit:
        path = tmp_path / f"page{len(visits)}.html"
        path.write_text(html.render(document, nonce=nonce), encoding="utf-8")
        seen = visit(browser, path, **options)
        visits.append(seen)
        return seen

    yield opener
    for seen in visits:
        seen.page.context.close()
    for seen in visits:
        if not seen.checked:
            assert seen.problems() == [], seen.url


def visible_nodes(page: Any) -> list[dict[str, str]]:
    result: list[dict[str, str]] = page.eval_on_selector_all(
        f"{VISIBLE} .dv-node", "nodes => nodes.map(n => ({...n.dataset}))"
    )
    return result


def first_operation(page: Any) -> dict[str, str]:
    return next(n for n in visible_nodes(page) if n.get("line"))


def click_node(page: Any, node_id: str) -> None:
    page.evaluate("id => window.durableViz.showNode(id)", node_id)
    page.locator(f'{VISIBLE} .dv-node[data-id="{node_id}"]').first.click()


def source_line(path: str, line: int) -> str:
    text = (ROOT / path).read_text(encoding="utf-8")
    return re.split(r"\r\n|\r|\n", text)[line - 1]


def view_box(page: Any) -> list[float]:
    box: str = page.get_attribute(f"{VISIBLE} svg", "viewBox")
    return [float(v) for v in box.split()]
