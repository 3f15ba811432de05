"""durable-viz reads the code it draws; it never imports or runs it.

The handler and helper modules below would, if imported or run, drop a marker file and end the
process at once (``os._exit``, which no ``try`` or pytest hook can catch). The CLI must draw them
anyway, leave no marker, and in-process parsing must never put them in ``sys.modules``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from durable_viz import load, render

HANDLER_MODULE = "hostile_handler_6f1c"
HELPER_MODULE = "hostile_helpers_6f1c"


def _handler(markers: Path, exit_call: str) -> str:
    return textwrap.dedent(
        f"""\
        import os

        open({str(markers / "module-imported")!r}, "w").close()
        {exit_call}
        raise SystemExit("the module body ran")

        from aws_durable_execution_sdk_python import DurableContext, durable_execution
        from aws_durable_execution_sdk_python.config import Duration

        from {HELPER_MODULE} import audited_step


        @durable_execution
        def handler(event, context: DurableContext):
            open({str(markers / "handler-ran")!r}, "w").close()
            os._exit(4)
            context.step(lambda _: open({str(markers / "step-ran")!r}, "w"), name="charge")
            audited_step(context)
            context.wait(Duration.from_seconds(1), name="pause")


        if __name__ == "__main__":
            open({str(markers / "main-ran")!r}, "w").close()
            os._exit(5)
        """
    )


def _helper(markers: Path, exit_call: str) -> str:
    return textwrap.dedent(
        f"""\
        import os

        open({str(markers / "helper-imported")!r}, "w").close()
        {exit_call}


        def audited_step(ctx):
            return ctx.step(lambda _: os._exit(7), name="audit")
        """
    )


def make_project(tmp_path: Path, exit_call: str) -> tuple[Path, Path]:
    """The handler and its helper in ``tmp_path/proj``; returns (handler file, markers folder)."""
    markers = tmp_path / "markers"
    markers.mkdir()
    project = tmp_path / "proj"
    project.mkdir()
    (project / f"{HANDLER_MODULE}.py").write_text(_handler(markers, exit_call), encoding="utf-8")
    (project / f"{HELPER_MODULE}.py").write_text(_helper(markers, exit_call), encoding="utf-8")
    return project / f"{HANDLER_MODULE}.py", markers


def operation_names(json_text: str) -> list[str]:
    document = json.loads(json_text)
    return [
        node["name"]
        for workflow in document["workflows"]
        for node in workflow["nodes"]
        if node["kind"] in ("step", "wait")
    ]


COMMANDS = {
    "module": [sys.executable, "-m", "durable_viz"],
    "script": [str(Path(sys.executable).with_name("durable-viz"))],
}


@pytest.mark.parametrize("how", sorted(COMMANDS))
def test_cli_draws_without_running(tmp_path: Path, how: str) -> None:
    handler, markers = make_project(tmp_path, "os._exit(3)")
    command = COMMANDS[how]
    if not Path(command[0]).is_file():
        pytest.skip(f"{command[0]} is not installed")
    relative = handler.relative_to(tmp_path).as_posix()
    for fmt in ("json", "mermaid"):
        done = subprocess.run(
            [*command, relative, "--format", fmt],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        assert sorted(p.name for p in markers.iterdir()) == []
        if fmt == "json":
            assert operation_names(done.stdout) == ["charge", "audit", "pause"]
        else:
            assert done.stdout.startswith("flowchart TD\n")
            assert '["charge"]' in done.stdout
    assert not list(tmp_path.rglob("__pycache__")), "nothing was compiled to bytecode"


def test_parsing_in_process_imports_nothing(tmp_path: Path) -> None:
    # A plain SystemExit here: were the module run, the test fails instead of killing pytest.
    handler, markers = make_project(tmp_path, 'raise SystemExit("the module was run")')
    assert HANDLER_MODULE not in sys.modules
    assert HELPER_MODULE not in sys.modules
    path_before = list(sys.path)

    document = load(str(handler))
    text = render(document, "json")

    assert operation_names(text) == ["charge", "audit", "pause"]
    assert HANDLER_MODULE not in sys.modules
    assert HELPER_MODULE not in sys.modules
    assert not any(m.startswith("aws_durable_execution_sdk_python") for m in sys.modules)
    assert sys.path == path_before, "the project folder was not added to the import path"
    assert sorted(p.name for p in markers.iterdir()) == []
    assert not list(tmp_path.rglob("__pycache__"))
