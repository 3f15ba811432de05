"""``durable-viz serve``: the editor extension's long-lived process, JSON lines over stdio.

One request per line on stdin, one response per line on stdout, in request order, each flushed at
once (the protocol, version :data:`PROTOCOL`, is described in the README). stdout carries nothing
else: before the first request the process says it is ready, and from then on anything else that
would reach stdout (a stray ``print`` in some library, a C extension writing to file descriptor 1)
is sent to stderr instead. Every request is answered, also a broken one, and no request can end
the process but ``shutdown`` (or the end of stdin).

Imports: the ready line is written first, and the first request pays for importing its parser and
the renderers. Importing the html renderer (jinja2 included) before the ready line was measured as
no faster for the first picture (the editor sends its first request at once), and it would load
jinja2 for clients that never ask for html.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import sys
import time
import traceback
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from durable_viz import __version__
from durable_viz.errors import (
    DurableVizError,
    NoHandlerError,
    SourceSyntaxError,
    UnsupportedLanguageError,
)

if TYPE_CHECKING:
    from durable_viz.render import Document

__all__ = ["FORMATS", "PROTOCOL", "handle", "serve"]

PROTOCOL = 1
"""The protocol's version, in the ready line; a client refuses a version it does not know."""

FORMATS = ("html", "update", "json", "mermaid", "svg")
"""What a render request may ask for."""

_DIRECTIONS = ("TD", "LR")
_METHODS = ("render", "ping", "shutdown")
_MAX_REQUEST = 128 * 1024 * 1024
"""A longer line is refused: the largest file read (20 MB) fits, even written as ``\\u`` escapes."""

_HINTS = {
    "no_handler": "Open the file that defines the durable handler; the message says what one "
    "looks like in this language.",
    "syntax": "Fix the syntax error; the diagram comes back as soon as the file parses.",
    "language": "durable-viz reads Python, TypeScript, JavaScript, Java and C# files.",
    "missing": "Save the file first, or send its text as `source`.",
    "internal": "This is a fault of durable-viz: please report it with the log of "
    "`durable-viz serve` (its stderr).",
}

JsonObject = dict[str, Any]


class _Usage(Exception):
    """A request the protocol does not allow (kind ``usage``)."""


def serve(stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Answer requests from ``stdin`` on ``stdout`` until ``shutdown`` or the end of ``stdin``.

    Args:
        stdin: where request lines come from (``sys.stdin.buffer``).
        stdout: where response lines go (``sys.stdout.buffer``); nothing else is written there.

    Returns:
        The exit code: 0 (after ``shutdown``, at the end of input, or when the client went away).
    """
    from durable_viz.parsers.entry import start_editor_session

    start_editor_session()
    with _guarded(stdout) as out, contextlib.redirect_stdout(sys.stderr):
        try:
            _write(out, {"event": "ready", "protocol": PROTOCOL, "version": __version__})
            while True:
                line = stdin.readline(_MAX_REQUEST)
                if not line:
                    return 0
                if len(line) >= _MAX_REQUEST and not line.endswith(b"\n"):
                    _skip_rest(stdin)
                    _write(out, _failure(None, "usage", "request line too long", None))
                    continue
                if not line.strip():
                    continue  # a blank line is no request: nothing to answer
                with _collect_after():
                    response, stop = handle(line)
                    _write(out, response)
                if stop:
                    return 0
        except (BrokenPipeError, ConnectionResetError):
            return 0  # the client went away: nobody is left to answer


@contextlib.contextmanager
def _guarded(stdout: BinaryIO) -> Iterator[BinaryIO]:
    """The stream to answer on; when it is file descriptor 1, that descriptor is moved aside and
    descriptor 1 pointed at stderr, so output from anything else cannot corrupt the protocol."""
    try:
        descriptor = stdout.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        descriptor = -1
    if descriptor != 1:
        yield stdout
        return
    stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
    except OSError:  # no stderr to send stray output to: keep descriptor 1 as it is
        os.close(saved)
        yield stdout
        return
    try:
        with os.fdopen(os.dup(saved), "wb") as answers:
            yield answers
    finally:
        os.dup2(saved, 1)
        os.close(saved)


@contextlib.contextmanager
def _collect_after() -> Iterator[None]:
    """No garbage collection while a request is answered, one of the young objects after.

    A parse allocates many objects that stay alive to the end of the request; the collector,
    triggered by allocation counts, walks them over and over (about 7% of a re-render). Most of
    a request's garbage is freed by reference counting anyway; the rest is collected once the
    response is out, while the editor is still debouncing the next keystroke.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(1)


def _skip_rest(stdin: IO[bytes]) -> None:
    while True:
        chunk = stdin.readline(_MAX_REQUEST)
        if not chunk or chunk.endswith(b"\n"):
            return


def _write(out: IO[bytes], message: JsonObject) -> None:
    # ensure_ascii: one line of plain ASCII whatever the labels hold (lone surrogates included).
    out.write(json.dumps(message, ensure_ascii=True, separators=(",", ":")).encode() + b"\n")
    out.flush()


def handle(line: bytes | str) -> tuple[JsonObject, bool]:
    """The response to one request line, and whether the process should stop after sending it.

    Never raises (but ``KeyboardInterrupt``/``SystemExit``): every failure is a response.
    """
    start = time.perf_counter()
    try:
        request = json.loads(line)
    except (ValueError, UnicodeDecodeError) as error:
        return _failure(None, "usage", f"not a JSON line: {_one_line(str(error))}", None), False
    if not isinstance(request, dict):
        return _failure(None, "usage", "a request must be a JSON object", None), False
    if "id" not in request:
        return _failure(None, "usage", "a request needs an id", None), False
    request_id = request["id"]
    if not _is_id(request_id):
        return _failure(None, "usage", "id must be a number or a string", None), False
    method = request.get("method", "render")
    path = request.get("path") if isinstance(request.get("path"), str) else None
    try:
        if method not in _METHODS:
            known = ", ".join(_METHODS)
            raise _Usage(f"unknown method {method!r}; the methods are {known}")
        files: list[str] | None = None
        if method == "render":
            results, diagnostics, files = _render(request)
        else:
            results, diagnostics = {}, []
    except _Usage as error:
        return _failure(request_id, "usage", str(error), None), False
    except DurableVizError as error:
        return _failure(request_id, _kind(error), str(error), error, path), False
    except RecursionError:
        shown = path or "input"
        return _failure(request_id, "input", f"{shown}: nesting too deep to analyse", None), False
    except Exception as error:  # a fault of ours must not end the session
        traceback.print_exc(file=sys.stderr)
        # As the command line words it; the traceback went to stderr, the extension's log.
        where = f" ({path})" if path else ""
        message = f"internal error{where}: {type(error).__name__}: {_one_line(str(error))}"
        failure = _failure(request_id, "internal", message, None)
        failure["error"]["hint"] = _HINTS["internal"]
        return failure, False
    response = {
        "id": request_id,
        "ok": True,
        "results": results,
        "diagnostics": diagnostics,
        **({"files": files} if files is not None else {}),
        "ms": round((time.perf_counter() - start) * 1000, 2),
    }
    return response, method == "shutdown"


def _is_id(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def _kind(error: DurableVizError) -> str:
    return "no_handler" if isinstance(error, NoHandlerError) else "input"


def _hint(error: DurableVizError) -> str | None:
    if isinstance(error, NoHandlerError):
        return _HINTS["no_handler"]
    if isinstance(error, SourceSyntaxError):
        return _HINTS["syntax"]
    if isinstance(error, UnsupportedLanguageError):
        return _HINTS["language"]
    if error.message == "no such file or folder":
        return _HINTS["missing"]
    return None


def _failure(
    request_id: object,
    kind: str,
    message: str,
    error: DurableVizError | None,
    path: str | None = None,
) -> JsonObject:
    return {
        "id": request_id,
        "ok": False,
        "error": {
            "kind": kind,
            "message": message,
            "file": (error.path or path) if error is not None else None,
            "line": error.line if error is not None else None,
            "column": error.column if error is not None else None,
            "hint": _hint(error) if error is not None else None,
        },
    }


def _field(request: JsonObject, name: str, kind: type | tuple[type, ...], default: Any) -> Any:
    value = request.get(name)
    if value is None:
        return default
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _Usage(f"{name} has the wrong type ({type(value).__name__})")
    return value


def _render(request: JsonObject) -> tuple[JsonObject, list[JsonObject], list[str]]:
    """Read (or take the unsaved text of) one file and render it in the asked formats.

    Returns:
        The results by format, the diagnostics, and the files the drawing read (see
        :func:`_files`).
    """
    from durable_viz.api import load, render
    from durable_viz.parsers.base import run_deep

    path = request.get("path")
    if not isinstance(path, str) or not path:
        raise _Usage("path must be a non-empty string")
    source = _field(request, "source", str, None)
    direction = _field(request, "direction", str, "TD").upper()
    if direction not in _DIRECTIONS:
        raise _Usage(f"direction must be TD or LR, not {request['direction']!r}")
    workflow = _field(request, "workflow", str, None)
    nonce = _field(request, "nonce", str, None)
    formats = _formats(request)
    if "html" in formats:
        from durable_viz.renderers.html import valid_nonce

        if nonce is None or not valid_nonce(nonce):
            raise _Usage("html needs a nonce of 1-200 letters, digits or '+/=_-'")
    document = load(path, source=source, direction=direction, workflow=workflow)
    results: JsonObject = {}
    if "html" in formats or "update" in formats:
        from durable_viz.renderers import html

        # The editor's page shows one direction at a time: drawing only that one halves the
        # work of every keystroke. Its toggle asks for an update in the other direction.
        parts = run_deep(lambda: html.parts_of(document, directions=(direction,)))
        if "html" in formats:
            results["html"] = html.render(document, nonce=nonce, parts=parts)
        if "update" in formats:
            results["update"] = html.update(document, parts=parts)
        if "json" in formats:
            results["json"] = json.loads(parts.json_text)
        if "mermaid" in formats:
            results["mermaid"] = parts.mermaid_text
    for name in formats:
        if name not in results:
            text = render(document, name)
            results[name] = json.loads(text) if name == "json" else text
    diagnostics = [
        {
            "severity": d.severity.value,
            "code": d.code,
            "message": d.message,
            "file": d.file or path,
            "line": d.line,
            "column": d.column,
        }
        for d in document.diagnostics
    ]
    return {name: results[name] for name in formats}, diagnostics, _files(document, path)


def _files(document: Document, path: str) -> list[str]:
    """The files the drawing read: ``path`` as the request named it, then each helper file as the
    JSON's ``file`` fields name it (of nodes, and of diagnostics but "helper not read"), in the
    order they first appear. The editor follows these: the cursor in a helper file highlights
    its nodes, and saving one draws the handler again."""
    files = dict.fromkeys([path])
    for view in document.views:
        files.setdefault(view.file.path)
        # The tree by hand (a stack, not recursion): nesting can be 10,000 deep.
        stack = list(reversed(view.workflow.nodes))
        while stack:
            node = stack.pop()
            if node.file is not None:
                files.setdefault(node.file)
            for block in reversed(node.blocks):
                stack.extend(reversed(block.nodes))
    for diagnostic in document.diagnostics:
        if diagnostic.file is not None and diagnostic.code != "DV107":
            files.setdefault(diagnostic.file)
    return list(files)


def _formats(request: JsonObject) -> list[str]:
    formats = request.get("formats")
    if formats is None:
        return ["json"]
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        raise _Usage("formats must be a list of strings")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise _Usage(f"unknown format {unknown[0]!r}; choose among {', '.join(FORMATS)}")
    return list(dict.fromkeys(formats))
