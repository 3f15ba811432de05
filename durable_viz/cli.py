"""The ``durable-viz`` command: a thin typer layer over :mod:`durable_viz.api`.

``durable-viz PATH`` draws; three subcommands do the rest: ``convert`` (a handler rewritten in
another SDK language), ``scaffold`` (a handler skeleton from a JSON graph) and ``serve`` (the
editor extension's long-lived process, JSON lines over stdio). A file that happens to be called
``convert`` is drawn with ``durable-viz ./convert``.

Every failure ends as one line on stderr, ``durable-viz: error: FILE:LINE:COL: message``, and an
exit code: 0 on success, 1 when the input cannot be read, parsed or holds no handler, 2 on wrong
usage, 70 for a fault of durable-viz itself (reported in one line too; ``DURABLE_VIZ_DEBUG=1``
shows its traceback). Never a traceback otherwise.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import click
import typer

from durable_viz import __version__
from durable_viz.errors import DurableVizError

__all__ = ["app", "main"]

PROG = "durable-viz"


class Format(str, Enum):
    """Output formats."""

    MERMAID = "mermaid"
    JSON = "json"
    SVG = "svg"
    HTML = "html"


class Direction(str, Enum):
    """Diagram directions."""

    TD = "TD"
    LR = "LR"


class Language(str, Enum):
    """Languages ``convert`` and ``scaffold`` write (aliases are accepted case-insensitively)."""

    PYTHON = "python"
    TYPESCRIPT = "typescript"
    JAVA = "java"
    CSHARP = "csharp"


_LANGUAGE_ALIASES = {"py": "python", "ts": "typescript", "cs": "csharp", "c#": "csharp"}


def _language(value: str) -> str:
    try:
        return Language(_LANGUAGE_ALIASES.get(value.lower(), value.lower())).value
    except ValueError:
        choices = ", ".join(language.value for language in Language)
        raise typer.BadParameter(f"{value!r} is not one of {choices}") from None


class UsageProblem(Exception):
    """Wrong usage found after typer parsed the options (exit 2)."""


app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"{PROG} {__version__}")
        raise typer.Exit()


SUBCOMMANDS = ("convert", "scaffold", "serve")

tools = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Rewrite a workflow in another language, or serve an editor.",
)


@app.command(
    help="Draw the workflow of a durable-function handler (a file or a folder).",
    epilog="Also: durable-viz convert PATH --to LANG; durable-viz scaffold GRAPH.json "
    "--language LANG; durable-viz serve (for the VS Code extension). Each takes -h.",
)
def draw(
    path: Annotated[str, typer.Argument(help="A handler file, or a folder to search.")],
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = Format.MERMAID,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    direction: Annotated[
        Direction,
        typer.Option("--direction", "-d", help="Diagram direction.", case_sensitive=False),
    ] = Direction.TD,
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Show this name as the workflow title.")
    ] = None,
    workflow: Annotated[
        str | None, typer.Option("--workflow", help="Draw only the workflow with this name.")
    ] = None,
    open_browser: Annotated[
        bool, typer.Option("--open", "-o", help="Open the interactive page in a browser.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
    ] = None,
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = None,
) -> None:
    """Entry point of the single command; see the module docstring."""
    from durable_viz.api import load, render

    if as_json and output_format is not Format.MERMAID and output_format is not Format.JSON:
        raise UsageProblem("--json cannot be combined with --format " + output_format.value)
    fmt = Format.JSON if as_json else output_format
    if open_browser:
        # --open shows the page: the html format, unless another one was asked for explicitly.
        chosen = click.get_current_context().get_parameter_source("output_format")
        if as_json or (fmt is not Format.HTML and chosen is not click.core.ParameterSource.DEFAULT):
            raise UsageProblem(
                f"--open shows the html page; it cannot be combined with {fmt.value}"
            )
        fmt = Format.HTML
    document = load(path, direction=direction.value, title=name, workflow=workflow)
    text = render(document, fmt.value)
    if open_browser:
        _open_page(text, out)
    elif out is None:
        sys.stdout.write(text)
    else:
        _write_atomically(out, text)
    for diagnostic in document.diagnostics:
        where = ":".join(
            str(p) for p in (diagnostic.file or path, diagnostic.line, diagnostic.column)
        )
        typer.echo(f"{PROG}: {diagnostic.severity.value}: {where}: {diagnostic.message}", err=True)


_TO_HELP = "Language to write: python, typescript, java or csharp."


@tools.command(help="Rewrite a handler's workflow as a skeleton in another SDK language.")
def convert(
    path: Annotated[str, typer.Argument(help="A handler file (or a folder with one workflow).")],
    to: Annotated[str, typer.Option("--to", "-t", help=_TO_HELP, parser=_language, metavar="LANG")],
    workflow: Annotated[
        str | None,
        typer.Option("--workflow", help="The workflow to convert, when there are several."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """See :func:`durable_viz.emit.convert`."""
    from durable_viz.emit import convert as convert_workflow

    _emit(convert_workflow(path, to, workflow=workflow), out)


@tools.command(help="Write a handler skeleton from a JSON graph (durable-viz --format json).")
def scaffold(
    path: Annotated[str, typer.Argument(help="A JSON graph file, or - for stdin.")],
    language: Annotated[
        str,
        typer.Option("--language", "-l", help=_TO_HELP, parser=_language, metavar="LANG"),
    ],
    workflow: Annotated[
        str | None,
        typer.Option("--workflow", help="The workflow to write, when there are several."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """See :func:`durable_viz.emit.scaffold`."""
    from durable_viz.emit import scaffold as scaffold_workflow

    _emit(scaffold_workflow(path, language, workflow=workflow), out)


@tools.command(help="Serve the editor extension: JSON lines on stdin and stdout.")
def serve() -> None:
    """See :mod:`durable_viz.serve`."""
    from durable_viz.serve import serve as serve_forever

    code = serve_forever(sys.stdin.buffer, sys.stdout.buffer)
    if code:
        raise typer.Exit(code)


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        _write_atomically(out, text)


def _open_page(text: str, out: Path | None) -> None:
    """Write the page (to ``out`` or a new temporary file), print its path, open a browser.

    Without a display (a server, a container, CI) no browser is started: the path is enough.
    """
    import tempfile
    import webbrowser

    if out is None:
        handle, name = tempfile.mkstemp(prefix="durable-viz-", suffix=".html")
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        target = Path(name)
    else:
        _write_atomically(out, text)
        target = out
    typer.echo(str(target))
    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("BROWSER")
    )
    if not headless and not webbrowser.open(target.resolve().as_uri()):
        typer.echo(f"{PROG}: no browser could be started; open the file above", err=True)


def _write_atomically(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` so that a failure never leaves a partial file behind."""
    import tempfile

    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise DurableVizError("folder does not exist", path=str(directory))
    if target.is_dir():
        raise DurableVizError("is a folder, expected a file name", path=str(target))
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        # mkstemp creates the file private; give it the mode any new file would have (or keep
        # the mode of the file it replaces).
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    return code


def run(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` and return the exit code."""
    chosen = tools if argv and argv[0] in SUBCOMMANDS else app
    command = typer.main.get_command(chosen)
    try:
        command.main(args=argv, prog_name=PROG, standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.exceptions.UsageError as error:
        return _fail(error.format_message().replace("\n", " "), 2)
    except click.exceptions.Abort:
        return _fail("interrupted", 130)
    except UsageProblem as error:
        return _fail(str(error), 2)
    except DurableVizError as error:
        return _fail(str(error), 1)
    except RecursionError:
        return _fail(f"{argv[0] if argv else 'input'}: nesting too deep to analyse", 1)
    except BrokenPipeError:
        # The reader went away (``durable-viz x | head``): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as error:  # a bug of ours: one line, not a traceback (unless debugging)
        if os.environ.get("DURABLE_VIZ_DEBUG"):
            raise
        where = f" ({argv[0]})" if argv else ""
        return _fail(
            f"internal error{where}: {type(error).__name__}: {error}; please report it "
            "(set DURABLE_VIZ_DEBUG=1 for the traceback)",
            70,
        )
    return 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))
