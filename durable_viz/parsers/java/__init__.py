"""The Java parser (tree-sitter): handlers of ``software.amazon.lambda.durable``.

Handlers are classes extending ``DurableHandler<I, O>``, anonymous ``new DurableHandler<...>()
{...}`` classes and ``LocalDurableTestRunner.create(..., (input, ctx) -> {...})`` lambdas. Methods
of other classes that receive the context are read from the same source tree: the class's file in
the same folder, or the file its import names under the tree's root (found from the ``package``).
See ``shared/SDK-API.md`` (Java) for the API it knows.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from durable_viz.errors import DurableVizError, SourceSyntaxError
from durable_viz.graph import Diagnostic, ParseResult, Severity
from durable_viz.parsers.base import run_deep
from durable_viz.parsers.java.analyzer import Analyzer
from durable_viz.parsers.java.module import JavaFile
from durable_viz.parsers.treesitter import syntax_diagnostics

__all__ = ["JavaParser"]

MAX_FILES = 32
"""How many other files of the source tree one parse may read to follow helpers."""

MAX_PARENT_FOLDERS = 4
"""How far up from a file's folder a class's file is looked for."""


class JavaParser:
    """Reads Java handler files."""

    language: ClassVar[str] = "java"

    def __init__(self) -> None:
        self._files: dict[Path, JavaFile | None] = {}
        self._main: JavaFile | None = None
        self._diagnostics: list[Diagnostic] = []

    def parse(
        self, source: str, *, path: Path, root: Path | None = None, display: str | None = None
    ) -> ParseResult:
        """Every durable handler of a Java file, as workflows."""
        shown = display or str(path)
        try:
            return run_deep(lambda: self._parse(source, path, shown))
        except RecursionError:
            raise SourceSyntaxError(
                "nesting too deep to analyse", path=shown, line=1, column=1
            ) from None

    def _parse(self, source: str, path: Path, display: str) -> ParseResult:
        self._files = {}
        self._diagnostics = []
        main = JavaFile(path, display, source, is_main=True)
        self._main = main
        self._files[_key(path)] = main
        main.add_subclass_handlers(self.load_class)
        analyzer = Analyzer(self.load_class)
        workflows = tuple(analyzer.workflow(handler, main) for handler in main.handlers)
        diagnostics = sorted(
            [
                *syntax_diagnostics(main.source, display),
                *self._diagnostics,
                *analyzer.diagnostics,
            ],
            key=lambda d: (d.file or "", d.line, d.column, d.code),
        )
        return ParseResult(
            language=self.language, workflows=workflows, diagnostics=tuple(diagnostics)
        )

    def load_class(self, importer: JavaFile, class_name: str) -> JavaFile | None:
        """The file of the source tree declaring ``class_name`` as ``importer`` sees it."""
        candidates: list[Path] = []
        imported = importer.imports.get(class_name)
        folder = importer.path.parent
        package_depth = len(importer.package.split(".")) if importer.package else 0
        source_root = folder
        for _ in range(package_depth):
            source_root = source_root.parent
        if imported is not None:
            parts = imported.split(".")
            candidates.append(source_root.joinpath(*parts).with_suffix(".java"))
            # ``import com.acme.Outer.Inner``: the outer class's file.
            if len(parts) > 1:
                candidates.append(source_root.joinpath(*parts[:-1]).with_suffix(".java"))
        candidates.append(folder / f"{class_name}.java")
        if imported is None:
            parents = list(folder.parents)[:MAX_PARENT_FOLDERS]
            candidates.extend(parent / f"{class_name}.java" for parent in parents)
        for candidate in candidates:
            if candidate.is_file():
                found = self._read(candidate)
                if found is not None and class_name in found.classes:
                    return found
        return None

    def _read(self, path: Path) -> JavaFile | None:
        key = _key(path)
        if key in self._files:
            return self._files[key]
        if len(self._files) >= MAX_FILES:
            return None
        from durable_viz.api import read_source

        main = self._main
        assert main is not None
        display = _display(path, main)
        self._files[key] = None  # a file naming itself back is read once
        try:
            loaded = JavaFile(path, display, read_source(path, display), is_main=False)
        except DurableVizError as error:
            self._diagnostics.append(
                Diagnostic(
                    severity=Severity.WARNING,
                    code="DV107",
                    message=f"helper file not read: {error.message}",
                    line=error.line or 1,
                    column=error.column or 1,
                    file=display,
                )
            )
            return None
        self._files[key] = loaded
        return loaded


def _key(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _display(path: Path, main: JavaFile) -> str:
    """How to name another file: relative to the main file, as the user named that one."""
    relative = os.path.relpath(_key(path), _key(main.path).parent)
    return (Path(main.display).parent / relative).as_posix()
