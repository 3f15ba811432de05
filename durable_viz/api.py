"""Reading files and folders into a :class:`~durable_viz.render.Document`, and rendering it."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from durable_viz.errors import DurableVizError, InputError, NoHandlerError
from durable_viz.graph import Diagnostic, ParseResult, Severity
from durable_viz.parsers.base import run_deep
from durable_viz.registry import PARSERS, get_parser, get_renderer
from durable_viz.render import Document, SourceFile

__all__ = ["MAX_FILE_BYTES", "load", "parse_file", "parse_source", "read_source", "render"]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Larger files are refused: no handler is that big, and reading one would only be slow."""

_SKIPPED_DIRS = frozenset(
    {
        "node_modules",
        "__pycache__",
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".mypy_cache",
        ".pytest_cache",
        "site-packages",
        "dist",
        "build",
        "target",
        "bin",
        "obj",
    }
)


def read_source(path: Path, display: str | None = None) -> str:
    """The text of a source file, or an :class:`InputError` saying why it cannot be read."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"file is {size // (1024 * 1024)} MB; durable-viz reads files up to "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB",
                path=shown,
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file or folder", path=shown) from None
    except IsADirectoryError:
        raise InputError("is a folder, expected a file", path=shown) from None
    except PermissionError:
        raise InputError("permission denied", path=shown) from None
    except OSError as error:
        raise InputError(error.strerror or "cannot be read", path=shown) from None
    return decode_source(data, shown)


def decode_source(data: bytes, shown: str) -> str:
    """Decode UTF-8 source bytes (with or without BOM); refuse binary data."""
    if b"\x00" in data[:8192] or b"\x00" in data[-8192:]:
        raise InputError("looks like a binary file, not source code", path=shown)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x})",
            path=shown,
            line=line,
            column=column,
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(
            "holds a NUL byte: looks like a binary file, not source code", path=shown, line=line
        )
    return text


def parse_source(
    source: str, path: Path, *, display: str | None = None, root: Path | None = None
) -> ParseResult:
    """Parse source text as the language its path's extension names."""
    parser = get_parser(path)
    shown = display or str(path)
    try:
        result = parser.parse(source, path=path, root=root, display=shown)
    except DurableVizError as error:
        if error.path is None:
            error.path = shown
        raise
    if any(d.file is None for d in result.diagnostics):
        # Diagnostics name their file, so that a folder's report says where each one is.
        diagnostics = tuple(
            d if d.file is not None else replace(d, file=shown) for d in result.diagnostics
        )
        result = replace(result, diagnostics=diagnostics)
    return result


def parse_file(path: Path, *, display: str | None = None) -> SourceFile:
    """Read and parse one file."""
    shown = display or str(path)
    get_parser(path)  # an unsupported extension is reported before the file is read
    source = read_source(path, shown)
    return SourceFile(shown, source, parse_source(source, path, display=shown))


def _candidates(folder: Path) -> list[Path]:
    found: list[Path] = []
    for directory, subdirs, files in os.walk(folder):
        subdirs[:] = sorted(d for d in subdirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            candidate = Path(directory, name)
            if candidate.suffix.lower() in PARSERS and not name.startswith("."):
                found.append(candidate)
    return found


def load(
    target: str | os.PathLike[str],
    *,
    source: str | None = None,
    direction: str = "TD",
    title: str | None = None,
    workflow: str | None = None,
) -> Document:
    """Read a file or every handler in a folder.

    Args:
        target: a file or folder path, as the user wrote it (shown as written in the output).
        source: the file's text, when it comes from elsewhere (an unsaved editor buffer).
        direction: ``TD`` or ``LR``.
        title: overrides the displayed workflow names.
        workflow: keep only the workflows with this name.

    Raises:
        DurableVizError: the input cannot be read or parsed, or holds no handler.
    """
    target = os.fspath(target)
    path = Path(target)
    if source is not None:
        files = [SourceFile(target, source, parse_source(source, path, display=target))]
    elif path.is_dir():
        files = _load_folder(path, target)
    elif not path.exists():
        raise InputError("no such file or folder", path=target)
    else:
        files = [parse_file(path, display=target)]
    if not any(f.result.workflows for f in files):
        if len(files) == 1:
            raise NoHandlerError(_no_handler_message(files[0].language), path=files[0].path)
        raise NoHandlerError("no durable handler found in any file of this folder", path=target)
    document = Document(target, tuple(files), direction, title, workflow)
    if workflow is not None and not document.views:
        names = ", ".join(sorted({w.name for f in files for w in f.result.workflows}))
        raise InputError(f"no workflow named {workflow!r}; this input has: {names}", path=target)
    return document


def _load_folder(folder: Path, target: str) -> list[SourceFile]:
    """Every file of the folder that holds a handler, plus one entry per file that failed."""
    files: list[SourceFile] = []
    failures: list[DurableVizError] = []
    candidates = _candidates(folder)
    for candidate in candidates:
        try:
            source_file = parse_file(candidate, display=candidate.as_posix())
        except DurableVizError as error:
            failures.append(error)
            continue
        if source_file.result.workflows:
            files.append(source_file)
    if not candidates:
        raise NoHandlerError("no source file of a supported language in this folder", path=target)
    if not files and failures:
        raise failures[0]
    for failure in failures:
        # One unreadable file does not hide the handlers of the others: it is reported as an
        # error diagnostic of that file.
        diagnostic = Diagnostic(
            severity=Severity.ERROR,
            code="DV001",
            message=failure.message,
            line=failure.line or 1,
            column=failure.column or 1,
            file=failure.path,
        )
        language = PARSERS[Path(failure.path or "").suffix.lower()].split(":")[0].rsplit(".", 1)[-1]
        files.append(
            SourceFile(
                failure.path or target,
                "",
                ParseResult(language=language, diagnostics=(diagnostic,)),
            )
        )
    return sorted(files, key=lambda f: f.path)


def _no_handler_message(language: str) -> str:
    hints = {
        "python": "no durable handler found (a function decorated with @durable_execution)",
        "java": "no durable handler found (a class extending DurableHandler<I, O>)",
        "typescript": "no durable handler found (a withDurableExecution(...) call)",
        "csharp": (
            "no durable handler found (a DurableFunction.WrapAsync(...) call, a "
            "[DurableExecution] method, or a method taking (TIn input, IDurableContext ctx))"
        ),
    }
    return hints.get(language, "no durable handler found")


def render(document: Document, format_name: str) -> str:
    """Render a document in the named format.

    Graph building and the renderers recurse over the block tree; a workflow nested thousands
    of levels deep (which every parser reads) is rendered on a large stack rather than refused.
    """
    renderer = get_renderer(format_name)
    return run_deep(lambda: renderer(document))
