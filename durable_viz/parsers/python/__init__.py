"""The Python parser: libcst for the tree, CPython's ``ast`` for positions and syntax errors.

Handlers are functions decorated with ``@durable_execution`` (imported under any name, through
the module, bare or called with arguments). See ``shared/SDK-API.md`` for the API it knows.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import ClassVar

import libcst as cst

from durable_viz.errors import SourceSyntaxError
from durable_viz.graph import ParseResult
from durable_viz.parsers.entry import HelperFiles, parse_guarded, parse_result
from durable_viz.parsers.python import incremental
from durable_viz.parsers.python.analyzer import Analyzer
from durable_viz.parsers.python.module import SDK_ROOT, ModuleInfo
from durable_viz.parsers.python.positions import Positions

__all__ = ["PythonParser"]

MAX_MODULES = 32
"""How many other modules of the project one parse may read to follow helpers."""

MAX_PARENT_FOLDERS = 4
"""How far up from a module's folder an absolute import is looked for."""

# CPython refuses these before libcst would overflow its native stack on them.
_NESTING_ERRORS = ("too many nested", "too many levels of indentation", "too complex")


def _syntax_error(error: SyntaxError, display: str) -> SourceSyntaxError:
    message = error.msg or "invalid syntax"
    column = error.offset if error.offset and error.offset > 0 else 1
    return SourceSyntaxError(
        f"syntax error: {message}", path=display, line=error.lineno or 1, column=column
    )


def parse_module(source: str, path: Path, display: str, *, is_main: bool) -> ModuleInfo:
    """Parse Python source into a :class:`ModuleInfo` (raises on syntax errors)."""
    tree: ast.Module | None
    try:
        tree = ast.parse(source, filename=display)
    except SyntaxError as error:
        if any(text in (error.msg or "") for text in _NESTING_ERRORS):
            raise _syntax_error(error, display) from None
        # Perhaps syntax newer than this Python: libcst may still read it.
        try:
            module = cst.parse_module(source)
        except (cst.ParserSyntaxError, cst.CSTValidationError):  # ``b'' ''``: a node refused
            raise _syntax_error(error, display) from None
        tree = None
    except ValueError as error:  # NUL bytes on Python < 3.12
        raise SourceSyntaxError(
            f"cannot be parsed: {error}", path=display, line=1, column=1
        ) from None
    else:
        try:
            module = incremental.parse(source, tree)
        except cst.ParserSyntaxError as error:
            raise SourceSyntaxError(
                f"syntax error: {error.message}",
                path=display,
                line=error.raw_line,
                column=error.raw_column + 1,
            ) from None
    return ModuleInfo(
        path, display, source, module, Positions(module, tree, source), is_main=is_main
    )


class PythonParser:
    """Reads Python handler files."""

    language: ClassVar[str] = "python"

    def __init__(self) -> None:
        self._files: HelperFiles[ModuleInfo] | None = None

    def parse(
        self, source: str, *, path: Path, root: Path | None = None, display: str | None = None
    ) -> ParseResult:
        """Every ``@durable_execution`` handler of a module, as workflows."""
        shown = display or str(path)
        return parse_guarded(lambda: self._parse(source, path, shown), shown)

    def _parse(self, source: str, path: Path, display: str) -> ParseResult:
        main = parse_module(source, path, display, is_main=True)
        self._files = HelperFiles(main, limit=MAX_MODULES, noun="module")
        analyzer = Analyzer(self.load_module)
        workflows = tuple(analyzer.workflow(handler) for handler in main.handlers)
        return parse_result(
            self.language, workflows, [*self._files.diagnostics, *analyzer.diagnostics]
        )

    def load_module(self, importer: ModuleInfo, dotted: str) -> ModuleInfo | None:
        """Another module of the project, named as ``importer`` imports it (None if unseen)."""
        bare = dotted.lstrip(".")
        if bare.split(".")[0] == SDK_ROOT:
            return None
        dots = len(dotted) - len(bare)
        parts = bare.split(".") if bare else []
        if dots:
            base = importer.folder
            for _ in range(dots - 1):
                base = base.parent
            bases = [base]
        else:
            bases = [importer.folder, *list(importer.folder.parents)[:MAX_PARENT_FOLDERS]]
        for base in bases:
            for candidate in (
                base.joinpath(*parts).with_suffix(".py") if parts else None,
                base.joinpath(*parts, "__init__.py"),
            ):
                if candidate is not None and candidate.is_file():
                    assert self._files is not None
                    return self._files.read(candidate, _helper_module)
        return None


def _helper_module(path: Path, display: str, source: str) -> ModuleInfo:
    return parse_module(source, path, display, is_main=False)
