"""The HTML renderer in Python: one self-contained file, escaped data, the CLI's html and --open.

What the page does in a browser is tested in ``test_browser.py``; here: nothing in the page can
load anything, text from the code never reaches the page raw, the embedded data is what the
script needs (source lines, Mermaid and JSON texts, diagnostics), the policy matches the script,
rendering is deterministic and fast.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import statistics
import subprocess
import sys
import time
import webbrowser
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from page_cases import (
    EXAMPLES,
    HOSTILE_LABELS,
    ROOT,
    example_document,
    generated_document,
    hostile_document,
)
from typer.testing import CliRunner

from durable_viz.api import load
from durable_viz.cli import app, run
from durable_viz.graph import Diagnostic, Kind, Node, ParseResult, Severity, Workflow
from durable_viz.render import Document, SourceFile
from durable_viz.renderers import html, json_graph, mermaid

EXAMPLE_IDS = [p.relative_to(ROOT / "examples").as_posix() for p in EXAMPLES]
LINKING_ATTRIBUTES = {
    "src",
    "href",
    "xlink:href",
    "action",
    "formaction",
    "srcset",
    "poster",
    "data",
}


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def data_block(page: str) -> dict[str, object]:
    start = page.index('<script type="application/json" id="dv-data">') + 45
    value: dict[str, object] = json.loads(page[start : page.index("</script>", start)])
    return value


def pre_text(page: str, element_id: str) -> str:
    match = re.search(f'<pre class="dv-code" id="{element_id}">(.*?)</pre>', page, re.S)
    assert match is not None
    return unescape(match.group(1))


# -- self-contained ------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_page_links_to_nothing_outside_itself(example: Path) -> None:
    page = html.render(example_document(example))
    for tag, attributes in tags(page):
        assert tag not in {"iframe", "object", "embed", "img", "audio", "video", "base", "form"}
        for name in LINKING_ATTRIBUTES & set(attributes):
            value = attributes[name] or ""
            assert value.startswith("#") or value == "data:,", (tag, name, value)
        # No inline event handlers: a strict policy (the VS Code webview) would refuse them.
        assert not [name for name in attributes if name.startswith("on")], tag
        # Nor style attributes: the same policy blocks them (styles come by class).
        assert "style" not in attributes, tag
        if tag == "link":
            assert attributes == {"rel": "icon", "href": "data:,"}
        if tag == "script":
            assert "src" not in attributes
    assert "@import" not in page
    assert re.findall(r"url\((?!#)", page) == []
    scripts = [a for t, a in tags(page) if t == "script"]
    assert [a.get("type") for a in scripts] == ["application/json", None]


def test_policy_forbids_every_request_and_allows_exactly_our_script() -> None:
    page = html.render(example_document(EXAMPLES[0]))
    policy = next(
        a["content"]
        for t, a in tags(page)
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert policy is not None
    assert policy.startswith("default-src 'none'; ")
    script = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(script) == 1
    digest = base64.b64encode(hashlib.sha256(script[0].encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}';" in policy
    assert "connect-src" not in policy  # default-src 'none' covers fetch, XHR, websockets


def test_nonce_goes_on_every_script_and_style() -> None:
    page = html.render(example_document(EXAMPLES[0]), nonce="abc123XYZ")
    found = [(t, a) for t, a in tags(page) if t in {"script", "style"}]
    assert len(found) >= 4, "the page's script and style, the data block, the SVGs' styles"
    for tag, attributes in found:
        if attributes.get("type") != "application/json":
            assert attributes.get("nonce") == "abc123XYZ", tag
    assert "script-src 'nonce-abc123XYZ'; style-src 'nonce-abc123XYZ'" in page


@pytest.mark.parametrize("nonce", ["", "a b", 'x"><script>', "é"])
def test_a_bad_nonce_is_refused(nonce: str) -> None:
    with pytest.raises(ValueError, match="nonce"):
        html.render(example_document(EXAMPLES[0]), nonce=nonce)


def test_the_script_never_writes_style_attributes() -> None:
    # A nonce policy blocks style attributes set from script as well: the script only toggles
    # classes and writes presentation or data attributes.
    script = html.script()
    for banned in ('setAttribute("style"', "setAttribute('style'", ".style.", "cssText"):
        assert banned not in script, banned


STATIC = ROOT / "durable_viz" / "renderers" / "static"


def test_static_files_cannot_close_their_tags() -> None:
    for name in (*html.SCRIPTS, "page.css"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert "</" not in text, name


def test_the_script_files_are_inlined_in_order_in_one_scope() -> None:
    # Every script file is inlined, in the fixed order, into the page's one <script>, inside
    # one function (nothing leaks into the page's globals); every file in static/ is used.
    assert sorted(p.name for p in STATIC.glob("*.js")) == sorted(html.SCRIPTS)
    page = html.render(example_document(EXAMPLES[0]))
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert script == html.script()
    assert script.startswith('"use strict";\n(function () {\n') and script.endswith("})();\n")
    at = [script.index((STATIC / name).read_text(encoding="utf-8")) for name in html.SCRIPTS]
    assert at == sorted(at)
    for name in html.SCRIPTS:
        lines = (STATIC / name).read_text(encoding="utf-8").count("\n")
        assert lines <= 300, f"static/{name}: {lines} lines, split it by concern"


# -- escaping ------------------------------------------------------------------------------------


def test_hostile_labels_are_escaped_everywhere() -> None:
    document = hostile_document()
    page = html.render(document)
    for raw in ("<script>alert", "<img src=x", "</style><style>", "<!-- </style>"):
        assert raw not in page, raw
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "\u2028" not in page.split('id="dv-data">')[1].split("</script>")[0]
    data = data_block(page)
    nodes = data["workflows"][0]["nodes"]  # type: ignore[index]
    labels = [row[1] for node_id, row in nodes.items() if node_id.startswith("n")]
    assert set(HOSTILE_LABELS) <= set(labels)
    assert data["workflows"][0]["name"] == HOSTILE_LABELS[0]  # type: ignore[index]
    assert pre_text(page, "dv-json-text") == json_graph.render(document)
    assert pre_text(page, "dv-mermaid-text") == mermaid.render(document)


def test_lone_surrogates_still_give_a_page_utf8_can_write() -> None:
    workflow = Workflow(
        name="lone \ud800",
        line=1,
        nodes=(Node(kind=Kind.STEP, label="x \udfff", name="x \udfff", line=2, column=5),),
    )
    result = ParseResult(language="python", workflows=(workflow,))
    document = Document("h.py", (SourceFile("h.py", "a\nb\n", result),))
    page = html.render(document)
    page.encode("utf-8")
    assert data_block(page)["workflows"][0]["nodes"]["n1"][1] == "x \udfff"  # type: ignore[index]


# -- content -------------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_source_lines_around_each_node_are_embedded(example: Path) -> None:
    document = example_document(example)
    data = data_block(html.render(document))
    sources = data["sources"]
    assert isinstance(sources, dict)
    # Nodes inlined from a helper module of another file carry that file's lines.
    for workflow, view in zip(data["workflows"], document.views, strict=True):  # type: ignore[call-overload]
        for graph_node in view.graph.nodes:
            row = workflow["nodes"][graph_node.id]
            if graph_node.node is None:
                assert row[3:5] == [None, None]
                continue
            file, line = row[3], row[4]
            assert (file, line, row[5]) == (
                graph_node.node.file or view.file.path,
                graph_node.node.line,
                graph_node.node.column,
            )
            lines = re.split(r"\r\n|\r|\n", (ROOT / file).read_text(encoding="utf-8"))
            for number in range(max(1, line - html.CONTEXT_BEFORE), line + html.CONTEXT_AFTER + 1):
                if number <= len(lines):
                    assert sources[file][str(number)] == lines[number - 1][:400] + (
                        "\u2026" if len(lines[number - 1]) > 400 else ""
                    )


def test_long_source_lines_are_cut() -> None:
    workflow = Workflow(
        name="h", line=1, nodes=(Node(kind=Kind.STEP, label="s", name="s", line=2, column=1),)
    )
    result = ParseResult(language="python", workflows=(workflow,))
    source = "first\n" + "x" * 1_000_000 + "\nthird"
    page = html.render(Document("h.py", (SourceFile("h.py", source, result),)))
    lines = data_block(page)["sources"]["h.py"]  # type: ignore[index]
    assert lines == {"1": "first", "2": "x" * 400 + "\u2026", "3": "third"}
    assert len(page) < 100_000


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_both_directions_of_every_workflow_and_the_texts(example: Path) -> None:
    document = example_document(example)
    page = html.render(document)
    views = re.findall(r'<div class="dv-view" data-index="(\d+)" data-direction="(TD|LR)"', page)
    assert views == [(str(i), d) for i in range(len(document.views)) for d in ("TD", "LR")]
    assert pre_text(page, "dv-mermaid-text") == mermaid.render(document)
    assert pre_text(page, "dv-json-text") == json_graph.render(document)
    assert html.render(example_document(example)) == page, "deterministic"


def test_diagnostics_are_listed_and_embedded() -> None:
    diagnostic = Diagnostic(
        severity=Severity.WARNING, code="DV105", message="<branches> & more", line=4, column=2
    )
    workflow = Workflow(name="h", line=1, nodes=())
    result = ParseResult(language="python", workflows=(workflow,), diagnostics=(diagnostic,))
    page = html.render(Document("h.py", (SourceFile("h.py", "", result),)))
    assert "Diagnostics (1)" in page
    assert "&lt;branches&gt; &amp; more" in page
    assert data_block(page)["diagnostics"] == [
        {"severity": "warning", "code": "DV105", "message": "<branches> & more", "file": "h.py",
         "line": 4, "column": 2}
    ]  # fmt: skip


def test_large_workflow_renders_within_half_a_second() -> None:
    document = generated_document(1000)
    assert sum(1 for g in document.views[0].graph.nodes if g.node and g.node.is_operation) >= 1000
    timings = []
    for _ in range(3):
        fresh = generated_document(1000)
        start = time.perf_counter()
        html.render(fresh)
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) <= 0.5, timings


# -- command line --------------------------------------------------------------------------------

runner = CliRunner()


def test_format_html_writes_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    example = EXAMPLES[0].relative_to(ROOT).as_posix()
    result = runner.invoke(app, [example, "--format", "html"])
    assert result.exit_code == 0, result.output
    assert result.stdout == html.render(load(example))


def opened(monkeypatch: pytest.MonkeyPatch, *, display: bool) -> list[str]:
    urls: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: urls.append(url) or True)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    if display:
        monkeypatch.setenv("DISPLAY", ":0")
    return urls


def test_open_writes_a_temporary_page_and_opens_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = opened(monkeypatch, display=True)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    monkeypatch.chdir(ROOT)
    example = EXAMPLES[0].relative_to(ROOT).as_posix()
    result = runner.invoke(app, [example, "-o"])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert (
        path.parent == tmp_path and path.name.startswith("durable-viz-") and path.suffix == ".html"
    )
    assert path.read_text(encoding="utf-8") == html.render(load(example))
    assert urls == [path.resolve().as_uri()]


def test_open_without_a_display_only_prints_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = opened(monkeypatch, display=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.chdir(ROOT)
    out = tmp_path / "page.html"
    result = runner.invoke(
        app, [EXAMPLES[0].relative_to(ROOT).as_posix(), "--open", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert urls == []


def test_open_accepts_an_explicit_html_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = opened(monkeypatch, display=True)
    out = tmp_path / "page.html"
    monkeypatch.chdir(ROOT)
    example = EXAMPLES[0].relative_to(ROOT).as_posix()
    result = runner.invoke(app, [example, "-f", "html", "-o", "--out", str(out), "-d", "LR"])
    assert result.exit_code == 0, result.output
    assert urls == [out.resolve().as_uri()]
    assert 'id="dv-direction" title="Direction: top-down or left-right (d)">LR<' in out.read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("extra", [["--json"], ["--format", "json"], ["-f", "mermaid"]])
def test_open_with_another_format_is_a_usage_error(
    extra: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = opened(monkeypatch, display=True)
    monkeypatch.chdir(ROOT)
    assert run([EXAMPLES[0].relative_to(ROOT).as_posix(), "--open", *extra]) == 2
    assert "--open shows the html page" in capsys.readouterr().err
    assert urls == []


def test_html_format_needs_jinja2_and_mermaid_does_not() -> None:
    probe = (
        "import json, sys\nfrom durable_viz.cli import run\nimport io, contextlib\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    code = run(sys.argv[1:])\n"
        "print(json.dumps([code, 'jinja2' in sys.modules]))\n"
    )
    example = EXAMPLES[0].relative_to(ROOT).as_posix()
    for argv, needs in (([example, "--format", "html"], True), ([example], False)):
        done = subprocess.run(
            [sys.executable, "-c", probe, *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        assert json.loads(done.stdout.strip().splitlines()[-1]) == [0, needs]
