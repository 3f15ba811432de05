"""The TypeScript/JavaScript parser: tree-sitter (``typescript``, ``tsx`` and ``javascript``
grammars) for the tree, a hand-written walk for the workflow.

Handlers are ``withDurableExecution(...)`` calls (imported under any name, through a namespace,
with generic type arguments) wrapping an arrow, a function expression, or a function declared in
the file or imported from a relative module. See ``shared/SDK-API.md`` section 1 for the API it
knows. A file with syntax errors is still drawn from what tree-sitter recovers; each error
region is reported as a DV101 warning.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from durable_viz.graph import Diagnostic, ParseResult
from durable_viz.parsers.entry import (
    HelperFiles,
    by_position_and_message,
    parse_guarded,
    parse_result,
    path_key,
)
from durable_viz.parsers.treesitter import Source, syntax_diagnostics
from durable_viz.parsers.typescript.analyzer import Analyzer
from durable_viz.parsers.typescript.module import SDK_PACKAGE, ModuleInfo, grammar_for

__all__ = ["TypeScriptParser"]

MAX_MODULES = 32
"""How many other modules of the project one parse may read to follow helpers."""

_EXTENSIONS = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
# TypeScript's ESM style imports "./helpers.js" for the source file "./helpers.ts".
_COMPILED_TO = {".js": (".ts", ".tsx"), ".mjs": (".mts",), ".cjs": (".cts",), ".jsx": (".tsx",)}


class TypeScriptParser:
    """Reads TypeScript and JavaScript handler files."""

    language: ClassVar[str] = "typescript"

    def __init__(self) -> None:
        self._files: HelperFiles[ModuleInfo] | None = None
        self._root: Path | None = None
        self._diagnostics: list[Diagnostic] = []

    def parse(
        self, source: str, *, path: Path, root: Path | None = None, display: str | None = None
    ) -> ParseResult:
        """Every ``withDurableExecution`` handler of a module, as workflows."""
        shown = display or str(path)
        return parse_guarded(lambda: self._parse(source, path, shown, root), shown)

    def _parse(self, source: str, path: Path, display: str, root: Path | None) -> ParseResult:
        self._root = path_key(root) if root is not None else None
        main = ModuleInfo(path, display, Source(source, grammar_for(path)), is_main=True)
        self._diagnostics = list(syntax_diagnostics(main.source, None))
        self._files = HelperFiles(main, limit=MAX_MODULES, noun="module")
        analyzer = Analyzer(self.load_module)
        workflows = tuple(analyzer.workflow(handler, main) for handler in main.handlers)
        return parse_result(
            self.language,
            workflows,
            [*self._diagnostics, *self._files.diagnostics, *analyzer.diagnostics],
            order=by_position_and_message,
        )

    def load_module(self, importer: ModuleInfo, specifier: str) -> ModuleInfo | None:
        """Another module of the project, named as ``importer`` imports it (None if unseen)."""
        if not specifier.startswith(".") or specifier == SDK_PACKAGE:
            return None
        base = importer.folder / specifier
        candidates: list[Path] = []
        suffix = base.suffix.lower()
        if suffix in _COMPILED_TO:
            candidates.extend(base.with_suffix(s) for s in _COMPILED_TO[suffix])
        if suffix in _EXTENSIONS:
            candidates.append(base)
        candidates.extend(base.with_name(base.name + ext) for ext in _EXTENSIONS)
        candidates.extend(base / f"index{ext}" for ext in _EXTENSIONS)
        for candidate in candidates:
            if candidate.is_file() and self._inside_root(candidate):
                assert self._files is not None
                return self._files.read(candidate, self._helper_module)
        return None

    def _inside_root(self, candidate: Path) -> bool:
        if self._root is None:
            return True
        try:
            path_key(candidate).relative_to(self._root)
        except ValueError:
            return False
        return True

    def _helper_module(self, path: Path, display: str, source: str) -> ModuleInfo:
        module = ModuleInfo(path, display, Source(source, grammar_for(path)), is_main=False)
        self._diagnostics.extend(syntax_diagnostics(module.source, display))
        return module
