"""What the emitter tests share: every example workflow of every language, and reading an
emitted file back with our own parser to compare it with what was emitted."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from signature import describe, workflow_signature

from durable_viz.api import load, parse_source
from durable_viz.errors import NoHandlerError
from durable_viz.graph import Workflow

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = frozenset({".py", ".ts", ".js", ".mjs", ".java", ".cs"})
EXTENSIONS = {"python": "py", "typescript": "ts", "java": "java", "csharp": "cs"}


@cache
def example_workflows() -> tuple[tuple[str, Workflow], ...]:
    """Every workflow of ``examples/*/*``, with its file as ``language/name`` (helper-only files
    hold none)."""
    found: list[tuple[str, Workflow]] = []
    for path in sorted(p for p in (ROOT / "examples").glob("*/*") if p.suffix in SUFFIXES):
        try:
            document = load(path)
        except NoHandlerError:
            continue  # helpers only
        shown = path.relative_to(ROOT / "examples").as_posix()
        found.extend((shown, view.workflow) for view in document.views)
    return tuple(found)


def read_back(text: str, language: str) -> Workflow:
    """The one workflow our parser reads from source emitted in ``language``."""
    result = parse_source(text, Path(f"/nonexistent/Flow.{EXTENSIONS[language]}"))
    assert len(result.workflows) == 1, (
        f"{len(result.workflows)} workflows read back from the emitted {language} source:\n{text}"
    )
    return result.workflows[0]


def same(workflow: Workflow, text: str, language: str) -> bool:
    """True when the emitted source reads back as ``workflow``."""
    return workflow_signature(read_back(text, language)) == workflow_signature(workflow)


def assert_round_trip(workflow: Workflow, emit: Callable[[Workflow], str], language: str) -> str:
    """Emit, read back, compare (saying what was drawn and written when they differ); the
    emitted source."""
    text = emit(workflow)
    back = read_back(text, language)
    assert workflow_signature(back) == workflow_signature(workflow), (
        f"--- original\n{describe(workflow)}\n--- read back\n{describe(back)}\n--- source\n{text}"
    )
    return text
