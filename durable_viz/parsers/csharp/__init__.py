"""The C# parser (tree-sitter), for the .NET durable-execution SDK.

Workflows are the methods (or lambdas) handed to ``DurableFunction.WrapAsync`` and the methods
marked ``[DurableExecution]`` (Lambda Annotations). A workflow passed as ``OtherClass.RunAsync``
is looked for in the project: the folder tree of the nearest ``.csproj``. A file with neither
(a workflow class reached from another file) draws each method with the workflow signature
``(TIn input, IDurableContext ctx)``. See ``shared/SDK-API.md`` for the API it knows.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from durable_viz.errors import DurableVizError
from durable_viz.graph import Diagnostic, ParseResult, Severity, Workflow
from durable_viz.parsers.csharp.analyzer import Analyzer
from durable_viz.parsers.csharp.assigned import forget_summaries
from durable_viz.parsers.csharp.module import CSharpFile
from durable_viz.parsers.csharp.scope import Scope
from durable_viz.parsers.csharp.syntax import FUNCTION_NODES, ancestors, arguments, text
from durable_viz.parsers.csharp.syntax import field as child
from durable_viz.parsers.entry import display_path, parse_guarded, parse_result, path_key
from durable_viz.parsers.treesitter import Source, syntax_diagnostics

if TYPE_CHECKING:
    from tree_sitter import Node

    from durable_viz.parsers.csharp.module import ClassInfo

__all__ = ["CSharpParser"]

MAX_PARENT_FOLDERS = 4
"""How far up from a file's folder the project file (``.csproj``) is looked for."""

MAX_PROJECT_FILES = 400
"""How many ``.cs`` files of a project are considered when looking for a class."""

MAX_READ_FILES = 32
"""How many other files one parse may read to follow workflows and helpers."""

_CLOSINGS = ("\n}", "\n}\n}", "\n}\n}\n}")

_SKIPPED_DIRS = frozenset({"bin", "obj", "node_modules", ".git", ".vs", ".idea", "packages"})


class CSharpParser:
    """Reads C# handler files."""

    language: ClassVar[str] = "csharp"

    def parse(
        self, source: str, *, path: Path, root: Path | None = None, display: str | None = None
    ) -> ParseResult:
        """Every durable workflow a C# file declares, as workflows."""
        shown = display or str(path)
        try:
            return parse_guarded(lambda: self._parse(source, path, shown, root), shown)
        finally:
            # What one parse learnt about its trees is of no use to the next, and it keeps them
            # alive: in `serve` the process lives as long as the editor.
            forget_summaries()

    def _parse(self, source: str, path: Path, display: str, root: Path | None) -> ParseResult:
        tree = Source(source, "csharp")
        main = CSharpFile(path, display, tree, is_main=True)
        project = Project(main, root)
        analyzer = Analyzer(project.find_class)
        workflows = _workflows(main, analyzer)
        if not workflows and tree.root.has_error:
            # A file cut short (an editor buffer mid-typing) leaves its class and method open,
            # and tree-sitter then reads neither. Closing them at the end keeps every position.
            # The first closing that gives a tree without errors wins, else the first that
            # gives a workflow at all.
            attempts = []
            for closing in _CLOSINGS:
                retried = CSharpFile(path, display, Source(source + closing, "csharp"))
                retried_project = Project(retried, root)
                retried_analyzer = Analyzer(retried_project.find_class)
                found = _workflows(retried, retried_analyzer)
                if found:
                    attempts.append(
                        (retried.source.root.has_error, found, retried_project, retried_analyzer)
                    )
            if attempts:
                _, workflows, project, analyzer = min(attempts, key=lambda a: a[0])
        return parse_result(
            self.language,
            workflows,
            [*syntax_diagnostics(tree, display), *project.diagnostics, *analyzer.diagnostics],
        )


def _workflows(main: CSharpFile, analyzer: Analyzer) -> list[Workflow]:
    """The workflows of the file, in the order the file declares them."""
    found: list[tuple[int, Workflow]] = []
    seen: set[str] = set()
    for wrap in main.wraps:
        args = arguments(wrap)
        if not args:
            continue
        workflow = next((a.value for a in args if a.name == "workflow"), args[0].value)
        method, owner = main.enclosing(wrap)
        scope = Scope(main, owner, analyzer.find_class)
        if method is not None:
            for local in main.local_functions(method.node):
                scope.functions.setdefault(local.name, local)
        if workflow.type in FUNCTION_NODES:
            name = method.name if method is not None else _declared_name(wrap) or "workflow"
            found.append((wrap.start_byte, analyzer.lambda_workflow(workflow, scope, name)))
            continue
        target = analyzer.find_method(workflow, scope, 2)
        if target is None:
            analyzer.warn(
                "DV107",
                f"the workflow {main.code(workflow, 60)} handed to WrapAsync is not in this "
                "project's source; it is not drawn",
                workflow,
                scope,
            )
            continue
        if target.key not in seen:
            seen.add(target.key)
            found.append((wrap.start_byte, analyzer.method_workflow(target)))
    for method in main.annotated:
        if method.key not in seen:
            seen.add(method.key)
            found.append((method.node.start_byte, analyzer.method_workflow(method)))
    if not found:
        # A file of workflow classes reached from elsewhere: draw what has the workflow shape.
        for method in main.workflow_shaped():
            found.append((method.node.start_byte, analyzer.method_workflow(method)))
    return [workflow for _, workflow in sorted(found, key=lambda pair: pair[0])]


def _declared_name(node: Node) -> str | None:
    """The variable a top-level handler lambda is stored in (``var handler = ...``)."""
    for parent in ancestors(node):
        if parent.type == "variable_declarator":
            name = child(parent, "name")
            return text(name) if name is not None else None
    return None


class Project:
    """The other files of a C# project, read only when a class is looked for.

    The project is the folder tree of the nearest ``.csproj`` (searched up to
    ``MAX_PARENT_FOLDERS`` levels above the file); without one, the file's own folder.
    """

    def __init__(self, main: CSharpFile, root: Path | None) -> None:
        self.main = main
        self.root = root
        self.diagnostics: list[Diagnostic] = []
        self._files: dict[Path, CSharpFile | None] = {}
        self._texts: dict[Path, str | None] = {}
        self._candidates: list[Path] | None = None
        self._classes: dict[str, ClassInfo | None] = {}

    def find_class(self, name: str) -> ClassInfo | None:
        """The class called ``name``: in the file itself, else in another file of the project."""
        found = self.main.classes.get(name)
        if found is not None or not name:
            return found
        if name in self._classes:
            return self._classes[name]
        self._classes[name] = None
        for path in self.candidates():
            source = self._text(path)
            # A file that does not mention the name cannot declare it: skip parsing it.
            if source is None or name not in source:
                continue
            other = self._parse(path, source)
            if other is not None and name in other.classes:
                self._classes[name] = other.classes[name]
                break
        return self._classes[name]

    def candidates(self) -> list[Path]:
        """The project's other ``.cs`` files, sorted, at most ``MAX_PROJECT_FILES``."""
        if self._candidates is not None:
            return self._candidates
        found: list[Path] = []
        main_key = path_key(self.main.path)
        folder, recursive = self._folder()
        if folder is not None:
            for directory, subdirs, files in os.walk(folder):
                subdirs[:] = sorted(
                    d
                    for d in subdirs
                    if recursive and d not in _SKIPPED_DIRS and not d.startswith(".")
                )
                for name in sorted(files):
                    path = Path(directory, name)
                    if name.endswith(".cs") and path_key(path) != main_key:
                        found.append(path)
                if len(found) >= MAX_PROJECT_FILES:
                    break
        self._candidates = found[:MAX_PROJECT_FILES]
        return self._candidates

    def _folder(self) -> tuple[Path | None, bool]:
        if self.root is not None:
            return self.root, True
        start = path_key(self.main.path).parent
        if not start.is_dir():
            return None, False
        folder = start
        for _ in range(MAX_PARENT_FOLDERS + 1):
            try:
                if any(p.suffix == ".csproj" for p in folder.iterdir() if p.is_file()):
                    return folder, True
            except OSError:
                break
            if folder.parent == folder:
                break
            folder = folder.parent
        return start, False

    def _text(self, path: Path) -> str | None:
        if path in self._texts:
            return self._texts[path]
        if len(self._texts) >= MAX_PROJECT_FILES:
            return None
        from durable_viz.api import read_source

        try:
            source: str | None = read_source(path, display_path(path, self.main))
        except DurableVizError:
            source = None  # an unreadable file is reported only if it had to be parsed
        self._texts[path] = source
        return source

    def _parse(self, path: Path, source: str) -> CSharpFile | None:
        if path in self._files:
            return self._files[path]
        if len(self._files) >= MAX_READ_FILES:
            return None
        display = display_path(path, self.main)
        try:
            parsed: CSharpFile | None = CSharpFile(
                path, display, Source(source, "csharp"), is_main=False
            )
        except (RecursionError, ValueError) as error:
            self.diagnostics.append(
                Diagnostic(
                    severity=Severity.WARNING,
                    code="DV107",
                    message=f"helper file not read: {error}",
                    line=1,
                    column=1,
                    file=display,
                )
            )
            parsed = None
        self._files[path] = parsed
        return parsed
