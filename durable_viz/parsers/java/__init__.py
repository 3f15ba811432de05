"""The Java parser (tree-sitter): handlers of ``software.amazon.lambda.durable``.

Handlers are classes extending ``DurableHandler<I, O>``, anonymous ``new DurableHandler<...>()
{...}`` classes and ``LocalDurableTestRunner.create(..., (input, ctx) -> {...})`` lambdas. Methods
of other classes that receive the context are read from the same source tree: the class's file in
the same folder, or the file its import names under the tree's root (found from the ``package``).
See ``shared/SDK-API.md`` (Java) for the API it knows.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from durable_viz.graph import ParseResult
from durable_viz.parsers.entry import HelperFiles, parse_guarded, parse_result
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
        self._files: HelperFiles[JavaFile] | None = None

    def parse(
        self, source: str, *, path: Path, root: Path | None = None, display: str | None = None
    ) -> ParseResult:
        """Every durable handler of a Java file, as workflows."""
        shown = display or str(path)
        return parse_guarded(lambda: self._parse(source, path, shown), shown)

    def _parse(self, source: str, path: Path, display: str) -> ParseResult:
        main = JavaFile(path, display, source, is_main=True)
        self._files = HelperFiles(main, limit=MAX_FILES, noun="file")
        main.add_subclass_handlers(self.load_class)
        analyzer = Analyzer(self.load_class)
        workflows = tuple(analyzer.workflow(handler, main) for handler in main.handlers)
        return parse_result(
            self.language,
            workflows,
            [
                *syntax_diagnostics(main.source, display),
                *self._files.diagnostics,
                *analyzer.diagnostics,
            ],
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
                assert self._files is not None
                found = self._files.read(candidate, _helper_file)
                if found is not None and class_name in found.classes:
                    return found
        return None


def _helper_file(path: Path, display: str, source: str) -> JavaFile:
    return JavaFile(path, display, source, is_main=False)
