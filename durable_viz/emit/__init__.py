"""Workflows written back as source: ``convert`` (a handler in one SDK language to another) and
``scaffold`` (a JSON graph document, as ``--format json`` writes it, to a handler skeleton).

One emitter module per language (``durable_viz.emit.python`` ...), each with
``emit(workflow) -> str``, imported only when its language is asked for: converting to Python
never loads the Java emitter.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import TYPE_CHECKING

from durable_viz.errors import InputError, UnsupportedLanguageError

if TYPE_CHECKING:
    from durable_viz.graph import Workflow

__all__ = ["LANGUAGES", "convert", "emit", "language_of", "scaffold"]

LANGUAGES = ("python", "typescript", "java", "csharp")
"""The languages an emitter writes, by their canonical names."""

_ALIASES = {
    "python": "python",
    "py": "python",
    "typescript": "typescript",
    "ts": "typescript",
    "java": "java",
    "csharp": "csharp",
    "cs": "csharp",
    "c#": "csharp",
}


def language_of(text: str) -> str:
    """The canonical language a user's spelling names (``ts``, ``C#``, ``Python`` ...).

    Raises:
        UnsupportedLanguageError: the text names no language we write; the message lists the
            choices.
    """
    language = _ALIASES.get(text.strip().lower())
    if language is None:
        choices = ", ".join(LANGUAGES)
        raise UnsupportedLanguageError(
            f"unknown language {text!r}; choose one of: {choices} (or py, ts, cs, c#)"
        )
    return language


def emit(workflow: Workflow, language: str) -> str:
    """The whole source file of a handler in ``language`` that draws as ``workflow``.

    Args:
        workflow: the workflow to write.
        language: a language name or alias (see :func:`language_of`).
    """
    canonical = language_of(language)
    module = import_module(f"durable_viz.emit.{canonical}")
    text: str = module.emit(workflow)
    return text


def convert(path: str, language: str, *, workflow: str | None = None) -> str:
    """Read a handler file and write its workflow in another language.

    Args:
        path: a source file (or a folder) holding handlers.
        language: the language to write.
        workflow: the workflow to pick when the input holds several.

    Raises:
        DurableVizError: the input cannot be read, holds no handler, holds several without
            ``workflow`` naming one, or the language is unknown.
    """
    from durable_viz.api import load

    language = language_of(language)  # an unknown language is reported before any reading
    document = load(path, workflow=workflow)
    chosen = _pick([view.workflow for view in document.views], path, workflow)
    return emit(chosen, language)


def scaffold(path: str, language: str, *, workflow: str | None = None) -> str:
    """Write a handler skeleton from a JSON graph document (``durable-viz --format json``).

    Args:
        path: the JSON file, or ``-`` for standard input.
        language: the language to write.
        workflow: the workflow to pick when the document holds several.

    Raises:
        DurableVizError: the file cannot be read, is not a graph document, holds no workflow or
            several without ``workflow`` naming one, or the language is unknown.
    """
    from pathlib import Path

    from durable_viz.api import decode_source, read_source
    from durable_viz.emit.document import read_document

    language = language_of(language)
    if path == "-":
        shown = "<stdin>"
        text = decode_source(sys.stdin.buffer.read(), shown)
    else:
        shown = path
        text = read_source(Path(path), shown)
    workflows = read_document(text, shown)
    if workflow is not None:
        named = [w for w in workflows if w.name == workflow]
        if not named:
            names = ", ".join(sorted({w.name for w in workflows})) or "no workflow"
            raise InputError(f"no workflow named {workflow!r}; this input has: {names}", path=shown)
        workflows = named
    return emit(_pick(workflows, shown, workflow), language)


def _pick(workflows: list[Workflow], shown: str, wanted: str | None) -> Workflow:
    """The one workflow to write, or an error naming the candidates."""
    if not workflows:
        raise InputError("holds no workflow", path=shown)
    if len(workflows) == 1:
        return workflows[0]
    names = [w.name for w in workflows]
    if wanted is not None or len(set(names)) == 1:
        # --workflow cannot tell them apart: each sits in its own file.
        files = ", ".join(sorted({w.file or "?" for w in workflows}))
        raise InputError(
            f"holds {len(workflows)} workflows named {names[0]!r} (in {files}); "
            "convert the file that holds the one you want",
            path=shown,
        )
    raise InputError(
        f"holds {len(workflows)} workflows ({', '.join(names)}); pick one with --workflow NAME",
        path=shown,
    )
