"""The HTML renderer: one self-contained interactive page for a whole document.

The page holds everything it shows: every workflow's SVG in both directions (from
:mod:`durable_viz.renderers.svg`), the Mermaid and JSON texts, the source lines around each node,
the diagnostics, and our own script and styles inlined from ``static/``. It makes no request of
any kind, to the network or to other files, and a Content-Security-Policy in the page says so to
the browser as well.

Text from the analysed code reaches the page three ways, each escaped for where it lands: inside
the SVG (escaped by the SVG renderer), as HTML text (jinja2 autoescape), and inside the
``<script type="application/json">`` data block (JSON with ``<``, ``>``, ``&``, U+2028 and U+2029
written as ``\\u`` escapes, so no label can close the tag or start a comment).

The same page runs in the VS Code webview: the extension passes a ``nonce``, which is written on
every ``<script>`` and ``<style>`` element and into the page's policy, and the script talks to its
host through one small object (see ``static/host.js``). While the user types, the extension does
not reload the page: it posts :func:`update`'s payload, which the page swaps in place
(``static/update.js``), keeping its zoom, direction, tab and workflow. The editor's page holds
one direction only (``parts_of(..., directions=...)``, half the drawing per keystroke): its
direction toggle asks the host for an update in the other one.

The script is written as a few files by concern (:data:`SCRIPTS`), inlined in that order into
one ``<script>`` element, inside one function so that they share its scope and leak nothing into
the page's globals.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from durable_viz.edges import GraphNode
from durable_viz.render import Document, WorkflowView

if TYPE_CHECKING:
    from collections.abc import Callable

    import jinja2

__all__ = [
    "CONTEXT_AFTER",
    "CONTEXT_BEFORE",
    "SCRIPTS",
    "Parts",
    "parts_of",
    "render",
    "script",
    "update",
    "valid_nonce",
]

SCRIPTS = (
    "host.js",
    "view.js",
    "routes.js",
    "details.js",
    "controls.js",
    "export.js",
    "update.js",
    "main.js",
)
"""The page script's files under ``static/``, in the order they are inlined. They share one
function scope; each file's top-level code runs in this order (a file's wiring uses only what
earlier files define), and ``main.js``, last, starts the page."""

CONTEXT_BEFORE = 3
"""Source lines shown above a node's own line."""

CONTEXT_AFTER = 6
"""Source lines shown below a node's own line (a call often spans a few)."""

_MAX_LINE = 400
"""Longer source lines are cut (a minified file's single line would otherwise fill the page)."""

_HERE = Path(__file__).resolve().parent
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_NONCE = re.compile(r"[A-Za-z0-9+/=_-]{1,200}")
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Parts:
    """What the page shows of a document, rendered once for the page and for its updates.

    Attributes:
        title: the page's title.
        views: the workflows drawn.
        diagrams: ``(workflow index, direction, svg)`` for every workflow in each direction
            drawn (both, unless :func:`parts_of` was told otherwise); the SVGs carry no nonce
            (:func:`render` adds one, the page adds its own to updates).
        mermaid_text: the Mermaid text.
        json_text: the JSON graph document.
        data: what the script needs beyond the SVGs (see :func:`_data`).
    """

    title: str
    views: tuple[WorkflowView, ...]
    diagrams: tuple[tuple[int, str, str], ...]
    mermaid_text: str
    json_text: str
    data: JsonObject


def valid_nonce(nonce: str) -> bool:
    """Whether ``nonce`` can be written into a Content-Security-Policy as it is."""
    return _NONCE.fullmatch(nonce) is not None


def parts_of(document: Document, directions: tuple[str, ...] | None = None) -> Parts:
    """Render everything the page shows of ``document`` (the SVGs, texts and data).

    Args:
        document: the files and workflows of one run.
        directions: the directions to draw each workflow in. By default both (``TD``, ``LR``):
            a page on its own toggles between them. The editor's page is given the one it shows
            (half the drawing), and asks its host for the other when the user toggles.
    """
    from durable_viz.renderers import json_graph, mermaid
    from durable_viz.renderers.svg import render_view

    views = document.views
    drawn = ("TD", "LR") if directions is None else directions
    diagrams = tuple(
        (index, direction, _diagram(view, direction, render_view))
        for index, view in enumerate(views)
        for direction in drawn
    )
    return Parts(
        title=_title(document, views),
        views=views,
        diagrams=diagrams,
        mermaid_text=mermaid.render(document),
        json_text=json_graph.render(document),
        data=_data(document, views),
    )


_DRAWN: list[tuple[tuple[object, ...], str]] = []
"""The SVGs drawn last, most recent first, by everything :func:`~.svg.render_view` reads."""

_DRAWN_MAX = 16
"""Enough for both directions of the few workflows an editor shows in turn."""


def _diagram(view: WorkflowView, direction: str, draw: Callable[[WorkflowView, str], str]) -> str:
    """The SVG of ``view`` in ``direction``, drawn again only when what it shows changed.

    An editor asks for a new picture on every keystroke, and most keystrokes (in a comment, in a
    step's body) leave the workflow as it was: the same workflow value (every node, label, line
    and column) gives the same SVG, so that one is reused. The key is compared by value, never
    by identity, so nothing of an earlier document can leak into a later one.
    """
    key = (view.file.path, view.title, direction, view.workflow)
    for at, (drawn_key, svg) in enumerate(_DRAWN):
        if drawn_key == key:
            _DRAWN.insert(0, _DRAWN.pop(at))
            return svg
    svg = draw(view, direction)
    _DRAWN.insert(0, (key, svg))
    del _DRAWN[_DRAWN_MAX:]
    return svg


def render(document: Document, nonce: str | None = None, *, parts: Parts | None = None) -> str:
    """Render a document as one self-contained interactive HTML page.

    Args:
        document: the files and workflows of one run.
        nonce: a Content-Security-Policy nonce (letters, digits, ``+/=_-``) to write on every
            ``<script>`` and ``<style>`` element, as a host with a strict policy (the VS Code
            webview) needs. Without one, the page's own policy allows exactly its script by hash.
        parts: the document's :func:`parts_of`, when the caller has them already.

    Returns:
        The HTML text; the same document (and nonce) always gives the same bytes.

    Raises:
        ValueError: the nonce holds characters that cannot appear in a policy.
    """
    from markupsafe import Markup

    if nonce is not None and not valid_nonce(nonce):
        raise ValueError("nonce must be 1-200 letters, digits or '+/=_-'")
    if parts is None:
        parts = parts_of(document)
    diagrams = []
    for index, direction, svg in parts.diagrams:
        # Under the host's policy an SVG's own <style> needs the nonce as well. Labels cannot
        # hold a raw "<style>": the SVG renderer escapes every "<" in text.
        text = svg if nonce is None else svg.replace("<style>", f'<style nonce="{nonce}">')
        diagrams.append({"index": index, "direction": direction, "svg": Markup(text)})
    script = _script()
    style = _static("page.css")
    if nonce is not None:
        policy_script = policy_style = f"'nonce-{nonce}'"
    else:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        policy_script = f"'sha256-{digest}'"
        policy_style = "'unsafe-inline'"
    page = _template().render(
        title=parts.title,
        direction=document.direction,
        views=parts.views,
        diagrams=diagrams,
        mermaid_text=parts.mermaid_text,
        json_text=parts.json_text,
        diagnostics=document.diagnostics,
        data=Markup(_script_json(parts.data)),
        script=Markup(script),
        style=Markup(style),
        nonce=nonce,
        policy=Markup(
            "default-src 'none'; "
            f"script-src {policy_script}; style-src {policy_style}; "
            "img-src data: blob:; base-uri 'none'; form-action 'none'"
        ),
    )
    # A name resolved from an escape such as "\ud800" holds a lone surrogate, which UTF-8 cannot
    # encode; the JSON block already wrote its own as escapes, any left in text become U+FFFD.
    return _LONE_SURROGATE.sub("\ufffd", page)


def update(document: Document, *, parts: Parts | None = None) -> JsonObject:
    """What a page already open needs to show ``document`` instead of what it shows.

    The page (``static/update.js``) swaps its diagrams, data, texts and diagnostics in place,
    keeping its zoom, direction, tab and workflow. The SVGs come without their ``<style>``: the
    page adds it to each, with the nonce of its own script, from ``style``.

    Returns:
        ``{"title", "direction", "style", "diagrams": [{"index", "direction", "svg"}],
        "mermaid", "json", "data"}``, JSON-serialisable.
    """
    from durable_viz.renderers.svg import STYLE

    if parts is None:
        parts = parts_of(document)
    # The SVGs' one stylesheet travels once: a <style> parsed from text would be checked against
    # the host's policy before the page could give it the nonce, so the page creates it.
    own_style = f"<style>{STYLE}</style>"
    return {
        "title": parts.title,
        "direction": document.direction,
        "style": STYLE,
        "diagrams": [
            {
                "index": index,
                "direction": direction,
                "svg": _LONE_SURROGATE.sub("\ufffd", svg.replace(own_style, "", 1)),
            }
            for index, direction, svg in parts.diagrams
        ],
        "mermaid": parts.mermaid_text,
        "json": parts.json_text,
        "data": parts.data,
    }


@cache
def _template() -> jinja2.Template:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("page.html.j2")


def script() -> str:
    """The page's script: the files of :data:`SCRIPTS` in order, in one function scope."""
    return _script()


@cache
def _script() -> str:
    parts = [f"// -- {name} --\n{_static(name)}" for name in SCRIPTS]
    return '"use strict";\n(function () {\n' + "\n".join(parts) + "})();\n"


@cache
def _static(name: str) -> str:
    text = (_HERE / "static" / name).read_text(encoding="utf-8")
    # Inlined into <script>/<style>: our own files never hold a closing tag, and a test keeps it so.
    if "</" in text:
        raise ValueError(f"static/{name} must not contain '</'")
    return text


def _title(document: Document, views: tuple[WorkflowView, ...]) -> str:
    if len(views) == 1:
        return views[0].title
    return document.title or document.path


def _script_json(value: object) -> str:
    """JSON that is safe between ``<script type="application/json">`` tags."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return _JSON_ESCAPES.get(char) or f"\\u{ord(char):04x}"

    return _JSON_UNSAFE.sub(escape, text)


def _data(document: Document, views: tuple[WorkflowView, ...]) -> JsonObject:
    """What the script needs beyond the SVGs: node details, source lines, diagnostics."""
    files = {f.path: f for f in document.files}
    wanted: dict[str, set[int]] = {}
    workflows = []
    for view in views:
        nodes: dict[str, list[Any]] = {}
        for graph_node in view.graph.nodes:
            nodes[graph_node.id] = _node(graph_node, view, wanted)
        workflows.append(
            {
                "title": view.title,
                "name": view.workflow.name,
                "file": view.file.path,
                "language": view.file.language,
                "line": view.workflow.line,
                "nodes": nodes,
            }
        )
    sources = {}
    for path, numbers in sorted(wanted.items()):
        text = files[path].source if path in files else _helper_source(path)
        if text is not None:
            sources[path] = _lines(text, numbers)
    return {
        "direction": document.direction,
        "workflows": workflows,
        "sources": sources,
        "diagnostics": [
            {
                "severity": d.severity.value,
                "code": d.code,
                "message": d.message,
                "file": d.file or document.path,
                "line": d.line,
                "column": d.column,
            }
            for d in document.diagnostics
        ],
    }


def _node(graph_node: GraphNode, view: WorkflowView, wanted: dict[str, set[int]]) -> list[Any]:
    """``[kind, label, name, file, line, column, annotations]``: a list keeps big pages small."""
    node = graph_node.node
    if node is None:
        return [graph_node.kind.value, graph_node.label, None, None, None, None, []]
    path = node.file or view.file.path
    wanted.setdefault(path, set()).add(node.line)
    return [
        graph_node.kind.value,
        graph_node.label,
        node.name,
        path,
        node.line,
        node.column,
        list(node.annotations),
    ]


def _helper_source(path: str) -> str | None:
    """The text of a helper module a node was inlined from, which the document does not hold.

    The parser read it moments ago (that is how the node was found); if it cannot be read now,
    the page says the source is not included.
    """
    from durable_viz.api import read_source
    from durable_viz.errors import DurableVizError

    try:
        return read_source(Path(path))
    except DurableVizError:
        return None


def _lines(source: str, numbers: set[int]) -> dict[str, str]:
    """The source lines around each of ``numbers`` (1-based), keyed by line number."""
    lines = _LINE_BREAK.split(source)
    keep: set[int] = set()
    for number in numbers:
        keep.update(range(max(1, number - CONTEXT_BEFORE), number + CONTEXT_AFTER + 1))
    return {str(number): _cut(lines[number - 1]) for number in sorted(keep) if number <= len(lines)}


def _cut(line: str) -> str:
    return line if len(line) <= _MAX_LINE else line[:_MAX_LINE] + "\u2026"
