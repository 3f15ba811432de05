"""The TypeScript/JavaScript parser: tree-sitter (``typescript``, ``tsx`` and ``javascript``
grammars) for the tree, a hand-written walk for the workflow.

Handlers are ``withDurableExecution(...)`` calls (imported under any name, through a namespace,
with generic type arguments) wrapping an arrow, a function expression, or a function declared in
the file or imported from a relative module. See ``shared/SDK-API.md`` section 1 for the API it
knows. A file with syntax errors is still drawn from what tree-sitter recovers; each error
region is reported as a DV101 warning.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from durable_viz.errors import DurableVizError, SourceSyntaxError
from durable_viz.graph import Diagnostic, ParseResult, Severity
from durable_viz.parsers.base import run_deep
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
        self._modules: dict[Path, ModuleInfo | None] = {}
        self._main: ModuleInfo | None = None
        self._root: Path | None = None
        self._diagnostics: list[Diagnostic] = []

    def parse(
        self, source: str, *, path: Path, root: Path | None = None, display: str | None = None
    ) -> ParseResult:
        """Every ``withDurableExecution`` handler of a module, as workflows."""
        shown = display or str(path)
        try:
            return run_deep(lambda: self._parse(source, path, shown, root))
        except RecursionError:
            raise SourceSyntaxError(
                "nesting too deep to analyse", path=shown, line=1, column=1
            ) from None

    def _parse(self, source: str, path: Path, display: str, root: Path | None) -> ParseResult:
        self._modules = {}
        self._root = _key(root) if root is not None else None
        main = ModuleInfo(path, display, Source(source, grammar_for(path)), is_main=True)
        self._main = main
        self._diagnostics = list(syntax_diagnostics(main.source, None))
        self._modules[_key(path)] = main
        analyzer = Analyzer(self.load_module)
        workflows = tuple(analyzer.workflow(handler, main) for handler in main.handlers)
        diagnostics = sorted(
            [*self._diagnostics, *analyzer.diagnostics],
            key=lambda d: (d.file or "", d.line, d.column, d.code, d.message),
        )
        return ParseResult(
            language=self.language, workflows=workflows, diagnostics=tuple(diagnostics)
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
                return self._read(candidate)
        return None

    def _inside_root(self, candidate: Path) -> bool:
        if self._root is None:
            return True
        try:
            _key(candidate).relative_to(self._root)
        except ValueError:
            return False
        return True

    def _read(self, path: Path) -> ModuleInfo | None:
        key = _key(path)
        if key in self._modules:
            return self._modules[key]
        if len(self._modules) >= MAX_MODULES:
            return None
        from durable_viz.api import read_source

        main = self._main
        assert main is not None
        display = _display(path, main)
        self._modules[key] = None  # a module importing itself back is read once
        try:
            text = read_source(path, display)
        except DurableVizError as error:
            self._diagnostics.append(
                Diagnostic(
                    severity=Severity.WARNING,
                    code="DV107",
                    message=f"helper module not read: {error.message}",
                    line=error.line or 1,
                    column=error.column or 1,
                    file=display,
                )
            )
            return None
        module = ModuleInfo(path, display, Source(text, grammar_for(path)), is_main=False)
        self._diagnostics.extend(syntax_diagnostics(module.source, display))
        self._modules[key] = module
        return module


def _key(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _display(path: Path, main: ModuleInfo) -> str:
    """How to name another module: relative to the main file, as the user named that one."""
    relative = os.path.relpath(_key(path), _key(main.path).parent)
    return (Path(main.display).parent / relative).as_posix()
