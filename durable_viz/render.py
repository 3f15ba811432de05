"""What renderers receive: the parsed files of one run, with each workflow's graph built once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from durable_viz.edges import Graph, build_graph
from durable_viz.graph import Diagnostic, ParseResult, Workflow

__all__ = ["Document", "SourceFile", "WorkflowView"]


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file that was read: its display path, its text and what its parser found."""

    path: str
    source: str
    result: ParseResult

    @property
    def language(self) -> str:
        """The language of the file (``python``, ``typescript``, ...)."""
        return self.result.language


@dataclass(frozen=True, slots=True)
class WorkflowView:
    """A workflow with the file it comes from and its graph."""

    file: SourceFile
    workflow: Workflow
    graph: Graph
    title: str


@dataclass(frozen=True)
class Document:
    """Everything one run draws.

    Attributes:
        path: what the user named (a file or a folder), as given.
        files: the files read, in path order.
        direction: ``TD`` or ``LR``.
        title: overrides every workflow's displayed name (the CLI's ``-n``).
        workflow: keep only the workflows with this name.
    """

    path: str
    files: tuple[SourceFile, ...]
    direction: str = "TD"
    title: str | None = None
    workflow: str | None = None

    @cached_property
    def views(self) -> tuple[WorkflowView, ...]:
        """The workflows to draw, each with its graph, in file then source order."""
        views: list[WorkflowView] = []
        for source_file in self.files:
            for workflow in source_file.result.workflows:
                if self.workflow is not None and workflow.name != self.workflow:
                    continue
                views.append(
                    WorkflowView(
                        source_file, workflow, build_graph(workflow), self.title or workflow.name
                    )
                )
        return tuple(views)

    @property
    def language(self) -> str | None:
        """The one language of every file read, or ``None`` when they differ."""
        languages = {f.language for f in self.files}
        return languages.pop() if len(languages) == 1 else None

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every diagnostic of every file, in file order."""
        return tuple(d for f in self.files for d in f.result.diagnostics)
