"""Parsers by file extension and renderers by format name, imported only when used.

The tables hold import strings, so that reading a TypeScript file never imports libcst and
printing Mermaid never imports jinja2.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from durable_viz.errors import UnsupportedFormatError, UnsupportedLanguageError

if TYPE_CHECKING:
    from durable_viz.graph import ParseResult
    from durable_viz.render import Document

__all__ = ["PARSERS", "RENDERERS", "Parser", "Renderer", "get_parser", "get_renderer"]


class Parser(Protocol):
    """Reads one language. ``root`` bounds where imported helpers are looked for."""

    language: ClassVar[str]

    def parse(
        self, source: str, *, path: Path, root: Path | None = None, display: str | None = None
    ) -> ParseResult: ...


class Renderer(Protocol):
    """Writes one output format for a whole document (one or more files' workflows)."""

    def __call__(self, document: Document) -> str: ...


_TYPESCRIPT = "durable_viz.parsers.typescript:TypeScriptParser"

PARSERS: dict[str, str] = {
    ".py": "durable_viz.parsers.python:PythonParser",
    ".pyi": "durable_viz.parsers.python:PythonParser",
    ".ts": _TYPESCRIPT,
    ".tsx": _TYPESCRIPT,
    ".mts": _TYPESCRIPT,
    ".cts": _TYPESCRIPT,
    ".js": _TYPESCRIPT,
    ".jsx": _TYPESCRIPT,
    ".mjs": _TYPESCRIPT,
    ".cjs": _TYPESCRIPT,
    ".java": "durable_viz.parsers.java:JavaParser",
    ".cs": "durable_viz.parsers.csharp:CSharpParser",
}

RENDERERS: dict[str, str] = {
    "mermaid": "durable_viz.renderers.mermaid:render",
    "json": "durable_viz.renderers.json_graph:render",
    "svg": "durable_viz.renderers.svg:render",
    "html": "durable_viz.renderers.html:render",
}


def _load(target: str) -> object:
    module, _, attribute = target.partition(":")
    return getattr(import_module(module), attribute)


def supported_extensions() -> tuple[str, ...]:
    """Every file extension some parser reads, sorted."""
    return tuple(sorted(PARSERS))


def get_parser(path: Path) -> Parser:
    """The parser for ``path``'s extension."""
    target = PARSERS.get(path.suffix.lower())
    if target is None:
        known = ", ".join(supported_extensions())
        raise UnsupportedLanguageError(
            f"unsupported file type {path.suffix or '(no extension)'!r}; durable-viz reads {known}",
            path=str(path),
        )
    parser_class = _load(target)
    parser: Parser = parser_class()  # type: ignore[operator]
    return parser


def get_renderer(name: str) -> Renderer:
    """The renderer registered as ``name``."""
    target = RENDERERS.get(name)
    if target is None:
        known = ", ".join(sorted(RENDERERS))
        raise UnsupportedFormatError(f"unknown format {name!r}; choose one of {known}")
    renderer: Renderer = _load(target)  # type: ignore[assignment]
    return renderer
