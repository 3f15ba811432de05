"""What every parser does around its own reading: the parse entry that survives deep nesting,
the other files of the project a parse reads to follow helpers, and the result's diagnostics in
order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from durable_viz.errors import DurableVizError, SourceSyntaxError
from durable_viz.graph import Diagnostic, ParseResult, Severity, Workflow
from durable_viz.parsers.base import run_deep

__all__ = [
    "editor_session",
    "start_editor_session",
    "HelperFiles",
    "by_position",
    "by_position_and_message",
    "display_path",
    "parse_guarded",
    "parse_result",
    "path_key",
]


class ReadFile(Protocol):
    """A file a parser has read: where it is, and how the user is shown its name."""

    @property
    def path(self) -> Path: ...

    @property
    def display(self) -> str: ...


F = TypeVar("F", bound=ReadFile)


def parse_guarded(parse: Callable[[], ParseResult], shown: str) -> ParseResult:
    """Run a parse through :func:`~durable_viz.parsers.base.run_deep`; input nested too deep
    even for its large stack is a clean error naming the file ``shown``, not a crash."""
    try:
        return run_deep(parse)
    except RecursionError:
        raise SourceSyntaxError(
            "nesting too deep to analyse", path=shown, line=1, column=1
        ) from None


def path_key(path: Path) -> Path:
    """The one name of a file however it was reached (links and ``..`` resolved)."""
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def display_path(path: Path, main: ReadFile) -> str:
    """How to name another file: relative to the main file, as the user named that one."""
    relative = os.path.relpath(path_key(path), path_key(main.path).parent)
    return (Path(main.display).parent / relative).as_posix()


def by_position(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    """Diagnostics in file order: by file, line, column, then code."""
    return (diagnostic.file or "", diagnostic.line, diagnostic.column, diagnostic.code)


def by_position_and_message(diagnostic: Diagnostic) -> tuple[str, int, int, str, str]:
    """As :func:`by_position`, two at the same place with the same code by their message."""
    return (*by_position(diagnostic), diagnostic.message)


def parse_result(
    language: str,
    workflows: Iterable[Workflow],
    diagnostics: Iterable[Diagnostic],
    order: Callable[[Diagnostic], tuple[str | int, ...]] = by_position,
) -> ParseResult:
    """A parse's result, its diagnostics sorted by ``order`` (a stable sort: diagnostics that
    tie keep the order they were given in). A diagnostic found twice (a helper read from two
    places) is reported once."""
    return ParseResult(
        language=language,
        workflows=tuple(workflows),
        diagnostics=tuple(sorted(dict.fromkeys(diagnostics), key=order)),
    )


class HelperFiles(Generic[F]):
    """The files one parse reads besides the main one, to follow helpers into them.

    Each file is read once (one that leads back to itself is not read again), at most ``limit``
    of them; one that cannot be read is left out with a DV107 warning, kept in ``diagnostics``.
    """

    def __init__(self, main: F, *, limit: int, noun: str) -> None:
        self.main = main
        self.diagnostics: list[Diagnostic] = []
        self._limit = limit
        self._noun = noun
        self._files: dict[Path, F | None] = {path_key(main.path): main}

    def read(self, path: Path, load: Callable[[Path, str, str], F]) -> F | None:
        """The file at ``path``: its text, read and handed to ``load`` with the path and the
        file's display name; None when it cannot be read or the limit is reached."""
        key = path_key(path)
        if key in self._files:
            return self._files[key]
        if len(self._files) >= self._limit:
            return None
        from durable_viz.api import read_source

        display = display_path(path, self.main)
        self._files[key] = None  # a file leading back to itself is read once
        try:
            loaded = load(path, display, read_source(path, display))
        except DurableVizError as error:
            self.diagnostics.append(
                Diagnostic(
                    severity=Severity.WARNING,
                    code="DV107",
                    message=f"helper {self._noun} not read: {error.message}",
                    line=error.line or 1,
                    column=error.column or 1,
                    file=display,
                )
            )
            return None
        self._files[key] = loaded
        return loaded


class _Session:
    editor = False


def start_editor_session() -> None:
    """Say that this process serves an editor (``durable-viz serve``): it parses the same files
    again and again, so parsers may keep what they parsed to reuse for the next request."""
    _Session.editor = True


def editor_session() -> bool:
    """True in a process that serves an editor (see :func:`start_editor_session`)."""
    return _Session.editor
