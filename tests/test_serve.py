"""``durable-viz serve``: the JSON-lines protocol the VS Code extension speaks, against a real
``python -m durable_viz serve`` process (faults forced in process: ``test_serve_internals.py``).

The protocol: a ready line first; then one response per request line, in order, with the request's
id; ``ok`` and ``results``/``diagnostics``, or ``error`` with a kind; never anything else on stdout;
``shutdown`` or the end of stdin ends the process with status 0.
"""

from __future__ import annotations

import json
import re
import select
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serve_cases import PY_HANDLER, ROOT, TS_HANDLER, step_names, write

import durable_viz

NONCE = "n0nce+/="
TIMEOUT = 60.0


class Server:
    """A running ``python -m durable_viz serve``."""

    def __init__(self, cwd: Path = ROOT) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "durable_viz", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
        )
        self.ready = self.read()

    def send(self, line: bytes | str | dict[str, Any]) -> None:
        if isinstance(line, dict):
            line = json.dumps(line)
        data = line.encode() if isinstance(line, str) else line
        assert self.process.stdin is not None
        self.process.stdin.write(data if data.endswith(b"\n") else data + b"\n")
        self.process.stdin.flush()

    def read(self) -> dict[str, Any]:
        """The next stdout line, which must be one JSON object."""
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], TIMEOUT)
        assert ready, "no response in time"
        line = self.process.stdout.readline()
        assert line.endswith(b"\n"), f"not a whole line: {line[:200]!r}"
        message: dict[str, Any] = json.loads(line)
        assert isinstance(message, dict)
        return message

    def request(self, **fields: Any) -> dict[str, Any]:
        fields.setdefault("id", 1)
        self.send(fields)
        response = self.read()
        assert response["id"] == fields["id"]
        return response

    def close(self) -> tuple[int, bytes, bytes]:
        """End stdin and wait: the status, the rest of stdout, stderr."""
        out, err = self.process.communicate(timeout=TIMEOUT)
        return self.process.returncode, out, err


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server()
    yield running
    code, rest, _ = running.close()
    assert code == 0 and rest == b""


@pytest.fixture
def fresh() -> Iterator[Any]:
    started: list[Server] = []

    def start(cwd: Path = ROOT) -> Server:
        started.append(Server(cwd))
        return started[-1]

    yield start
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.communicate()


# -- start and lifecycle -------------------------------------------------------------------------


def test_ready_line_first_then_eof_exits_zero(fresh: Any) -> None:
    running = fresh()
    assert running.ready == {"event": "ready", "protocol": 1, "version": durable_viz.__version__}
    code, rest, err = running.close()
    assert (code, rest) == (0, b"")
    assert b"Traceback" not in err


def test_ready_is_written_before_any_request_is_read(fresh: Any) -> None:
    # The Server constructor reads the ready line without having sent anything.
    assert fresh().ready["event"] == "ready"


def test_ping(server: Server) -> None:
    response = server.request(id="p", method="ping")
    assert response["ok"] is True and response["results"] == {}
    assert isinstance(response["ms"], float | int)


def test_shutdown_answers_then_exits_zero_leaving_later_lines_unread(fresh: Any) -> None:
    running = fresh()
    running.send({"id": 9, "method": "shutdown"})
    running.send({"id": 10, "method": "ping"})
    assert running.read()["id"] == 9
    code, rest, _ = running.close()
    assert (code, rest) == (0, b"")


def test_fifty_requests_in_a_row_answered_in_order(fresh: Any, tmp_path: Path) -> None:
    running = fresh()
    handler = write(tmp_path, "handler.ts", TS_HANDLER)
    methods = ["render", "ping", "render", "bogus", "render"]
    for number in range(50):
        running.send(
            {
                "id": number if number % 2 else f"r{number}",
                "method": methods[number % len(methods)],
                "path": str(handler),
                "source": TS_HANDLER.replace("charge", f"charge-{number}"),
                "formats": ["json", "mermaid"],
            }
        )
    responses = [running.read() for _ in range(50)]
    assert [r["id"] for r in responses] == [n if n % 2 else f"r{n}" for n in range(50)]
    for number, response in enumerate(responses):
        method = methods[number % len(methods)]
        assert response["ok"] is (method != "bogus")
        if method == "render":
            # No state leaks between requests: each one draws its own source.
            assert step_names(response["results"]["json"]) == ["reserve", f"charge-{number}"]
    code, rest, err = running.close()
    assert (code, rest) == (0, b"")
    assert b"Traceback" not in err


# -- rendering -----------------------------------------------------------------------------------


def test_every_format(server: Server, tmp_path: Path) -> None:
    handler = write(tmp_path, "handler.py", PY_HANDLER)
    response = server.request(
        id=3,
        path=str(handler),
        nonce=NONCE,
        formats=["html", "update", "json", "mermaid", "svg"],
    )
    assert response["ok"] is True, response
    results = response["results"]
    assert list(results) == ["html", "update", "json", "mermaid", "svg"]
    assert results["html"].startswith("<!DOCTYPE html>")
    assert f'<script nonce="{NONCE}">' in results["html"]
    assert f"'nonce-{NONCE}'" in results["html"]
    update = results["update"]
    assert set(update) == {"title", "direction", "style", "diagrams", "mermaid", "json", "data"}
    # Only the direction asked for is drawn (the page asks for the other one when toggled).
    assert [(d["index"], d["direction"]) for d in update["diagrams"]] == [(0, "TD")]
    page_views = re.findall(
        r'class="dv-view" data-index="(\d+)" data-direction="(\w+)"', results["html"]
    )
    assert page_views == [("0", "TD")]
    assert all(d["svg"].startswith("<svg") and "<style" not in d["svg"] for d in update["diagrams"])
    assert update["mermaid"] == results["mermaid"]
    assert json.loads(update["json"]) == results["json"]
    assert step_names(results["json"]) == ["charge", "ship"]
    assert results["mermaid"].startswith("flowchart TD")
    assert results["svg"].startswith("<?xml") and "<svg" in results["svg"]
    assert response["diagnostics"] == []
    assert response["files"] == [str(handler)]


def test_html_and_update_draw_only_the_direction_asked_for(server: Server, tmp_path: Path) -> None:
    two = PY_HANDLER + textwrap.dedent(
        """\


        @durable_execution
        def other(event, context: DurableContext):
            context.step(lambda _: 3, name="other-step")
        """
    )
    handler = write(tmp_path, "handler.py", two)
    for direction in ("LR", "TD"):
        response = server.request(
            path=str(handler), direction=direction, nonce=NONCE, formats=["update", "html"]
        )
        update, page = response["results"]["update"], response["results"]["html"]
        assert update["direction"] == direction
        diagrams = [(d["index"], d["direction"]) for d in update["diagrams"]]
        assert diagrams == [(0, direction), (1, direction)]
        page_views = re.findall(r'class="dv-view" data-index="(\d+)" data-direction="(\w+)"', page)
        assert page_views == [("0", direction), ("1", direction)]
        assert page.count("<svg") - page.count('class="dv-swatch"') == 2


def test_default_format_is_json(server: Server, tmp_path: Path) -> None:
    handler = write(tmp_path, "handler.ts", TS_HANDLER)
    response = server.request(path=str(handler))
    assert list(response["results"]) == ["json"]
    assert step_names(response["results"]["json"]) == ["reserve", "charge"]


def test_direction_and_workflow(server: Server, tmp_path: Path) -> None:
    two = PY_HANDLER + textwrap.dedent(
        """\


        @durable_execution
        def other(event, context: DurableContext):
            context.step(lambda _: 3, name="other-step")
        """
    )
    handler = write(tmp_path, "handler.py", two)
    response = server.request(path=str(handler), direction="LR", formats=["mermaid", "json"])
    assert response["results"]["mermaid"].startswith("flowchart LR")
    assert [w["name"] for w in response["results"]["json"]["workflows"]] == ["handler", "other"]
    response = server.request(path=str(handler), workflow="other", formats=["json"])
    assert step_names(response["results"]["json"]) == ["other-step"]
    response = server.request(path=str(handler), workflow="nope", formats=["json"])
    assert response["ok"] is False and response["error"]["kind"] == "input"
    assert (
        "no workflow named 'nope'; this input has: handler, other" in response["error"]["message"]
    )


def test_unsaved_source_wins_over_the_file(server: Server, tmp_path: Path) -> None:
    handler = write(tmp_path, "handler.ts", TS_HANDLER)
    edited = TS_HANDLER.replace('"charge"', '"charge-edited"')
    response = server.request(path=str(handler), source=edited)
    assert step_names(response["results"]["json"]) == ["reserve", "charge-edited"]
    # null source: the file on disk.
    response = server.request(path=str(handler), source=None)
    assert step_names(response["results"]["json"]) == ["reserve", "charge"]


def test_unsaved_source_of_a_file_not_yet_on_disk(server: Server, tmp_path: Path) -> None:
    response = server.request(path=str(tmp_path / "Untitled.ts"), source=TS_HANDLER)
    assert step_names(response["results"]["json"]) == ["reserve", "charge"]


@pytest.mark.parametrize(
    ("language", "main", "helper_name"),
    [
        ("typescript", "refundWorkflow.ts", "refundSteps.ts"),
        ("python", "specialist_coordinator.py", "coordinator_helpers.py"),
    ],
)
def test_helper_imports_are_read_from_the_files_folder(
    server: Server, tmp_path: Path, language: str, main: str, helper_name: str
) -> None:
    for name in (main, helper_name):
        shutil.copy(ROOT / "examples" / language / name, tmp_path / name)
    workflow = tmp_path / main
    helper = tmp_path / helper_name
    source = workflow.read_text(encoding="utf-8")
    response = server.request(path=str(workflow), source=source, formats=["json"])
    files = {
        node.get("file")
        for w in response["results"]["json"]["workflows"]
        for node in w["nodes"]
        if node.get("file")
    }
    assert str(helper) in files
    # The files the drawing read: the handler as the request named it, then the helper as the
    # JSON names it.
    assert response["files"] == [str(workflow), str(helper)]
    before = step_names(response["results"]["json"])
    # The helper changes on disk: the next render reads it again.
    text = helper.read_text(encoding="utf-8")
    renamed = next(n for n in before if f'"{n}"' in text)
    helper.write_text(text.replace(f'"{renamed}"', '"renamed-in-helper"'), encoding="utf-8")
    response = server.request(path=str(workflow), source=source, formats=["json"])
    after = step_names(response["results"]["json"])
    assert "renamed-in-helper" in after and renamed not in after


@pytest.mark.parametrize(("name", "text"), [("handler.py", PY_HANDLER), ("handler.ts", TS_HANDLER)])
def test_crlf_source_keeps_the_editors_line_numbers(
    server: Server, tmp_path: Path, name: str, text: str
) -> None:
    handler = write(tmp_path, name, text)

    def lines(source: str) -> list[tuple[str, int, int]]:
        response = server.request(path=str(handler), source=source)
        return [
            (node["name"], node["line"], node["column"])
            for w in response["results"]["json"]["workflows"]
            for node in w["nodes"]
            if node.get("name")
        ]

    plain = lines(text)
    assert plain and lines(text.replace("\n", "\r\n")) == plain


def test_paths_are_named_as_the_request_named_them(fresh: Any, tmp_path: Path) -> None:
    running = fresh(cwd=tmp_path)
    broken = TS_HANDLER.replace(
        'await context.step("charge"', 'let x = ;\n  await context.step("charge"'
    )
    write(tmp_path, "handler.ts", broken)
    response = running.request(path="handler.ts", formats=["json"])
    assert response["ok"] is True
    assert response["files"] == ["handler.ts"]
    assert [(d["code"], d["file"]) for d in response["diagnostics"]] == [("DV101", "handler.ts")]
    response = running.request(path="missing.ts")
    assert response["error"]["file"] == "missing.ts"
    assert response["error"]["message"] == "missing.ts: no such file or folder"


# -- input errors --------------------------------------------------------------------------------


def cli_error(path: Path, cwd: Path) -> str:
    """What the command line prints after ``durable-viz: error: `` for ``path``."""
    result = subprocess.run(
        [sys.executable, "-m", "durable_viz", str(path)],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("durable-viz: error: ")
    return line.removeprefix("durable-viz: error: ")


def test_typescript_syntax_error_draws_the_rest_with_dv101(server: Server, tmp_path: Path) -> None:
    handler = write(tmp_path, "handler.ts", TS_HANDLER)
    broken = TS_HANDLER.replace("});", "  let x = ;\n});")
    response = server.request(path=str(handler), source=broken, formats=["json"])
    assert response["ok"] is True
    assert step_names(response["results"]["json"]) == ["reserve", "charge"]
    (diagnostic,) = response["diagnostics"]
    assert diagnostic["code"] == "DV101" and diagnostic["severity"] == "warning"
    assert (diagnostic["file"], diagnostic["line"]) == (str(handler), 6)


def test_python_syntax_error_fails_with_its_line(server: Server, tmp_path: Path) -> None:
    broken = PY_HANDLER.replace('name="ship")', 'name="ship"')
    handler = write(tmp_path, "handler.py", broken)
    response = server.request(path=str(handler), source=broken)
    assert response["ok"] is False
    error = response["error"]
    assert error["kind"] == "input" and error["file"] == str(handler)
    assert isinstance(error["line"], int) and error["line"] >= 8
    assert error["message"] == cli_error(handler, tmp_path)
    assert error["hint"]


def test_no_handler(server: Server, tmp_path: Path) -> None:
    plain = write(tmp_path, "plain.ts", "export const x = 1;\n")
    response = server.request(path=str(plain))
    error = response["error"]
    assert (response["ok"], error["kind"], error["file"]) == (False, "no_handler", str(plain))
    assert error["message"] == cli_error(plain, tmp_path)
    assert "withDurableExecution" in error["message"] and error["hint"]


def test_missing_file_and_unsupported_language(server: Server, tmp_path: Path) -> None:
    response = server.request(path=str(tmp_path / "gone.py"))
    assert response["error"]["kind"] == "input"
    assert response["error"]["message"] == f"{tmp_path / 'gone.py'}: no such file or folder"
    assert response["error"]["hint"]
    response = server.request(path=str(tmp_path / "notes.txt"), source="hello")
    assert response["error"]["kind"] == "input"
    assert "unsupported file type '.txt'" in response["error"]["message"]


def test_a_binary_file(server: Server, tmp_path: Path) -> None:
    binary = tmp_path / "handler.py"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    response = server.request(path=str(binary))
    assert response["error"]["kind"] == "input"
    assert response["error"]["message"] == cli_error(binary, tmp_path)


# -- protocol errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [b"not json", b'{"id": 1', b"[1, 2]", b"42", b"\xff\xfe{}", b'{"method": "ping"}'],
    ids=["text", "cut", "array", "number", "not-utf8", "no-id"],
)
def test_a_line_that_is_no_request_gets_a_usage_error_with_null_id(
    server: Server, line: bytes
) -> None:
    server.send(line)
    response = server.read()
    assert response["id"] is None and response["ok"] is False
    assert response["error"]["kind"] == "usage"
    # And the process goes on serving.
    assert server.request(id="after", method="ping")["ok"] is True


@pytest.mark.parametrize("bad_id", [True, None, [1], {"a": 1}])
def test_an_id_of_the_wrong_type(server: Server, bad_id: object) -> None:
    server.send({"id": bad_id, "method": "ping"})
    response = server.read()
    assert (response["id"], response["error"]["kind"]) == (None, "usage")


def test_blank_lines_are_no_requests(server: Server) -> None:
    server.send(b"\n")
    server.send(b"   \r\n")
    assert server.request(id="x", method="ping")["ok"] is True


def test_unknown_method(server: Server) -> None:
    response = server.request(id=5, method="explode")
    assert response["error"]["kind"] == "usage"
    assert response["error"]["message"] == (
        "unknown method 'explode'; the methods are render, ping, shutdown"
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"path": 5}, "path must be a non-empty string"),
        ({"path": ""}, "path must be a non-empty string"),
        ({"source": 5}, "source has the wrong type (int)"),
        ({"direction": "XY"}, "direction must be TD or LR, not 'XY'"),
        ({"direction": 1}, "direction has the wrong type (int)"),
        ({"workflow": ["a"]}, "workflow has the wrong type (list)"),
        ({"formats": "json"}, "formats must be a list of strings"),
        ({"formats": [1]}, "formats must be a list of strings"),
        (
            {"formats": ["pdf"]},
            "unknown format 'pdf'; choose among html, update, json, mermaid, svg",
        ),
        ({"formats": ["html"]}, "html needs a nonce of 1-200 letters, digits or '+/=_-'"),
        (
            {"formats": ["html"], "nonce": "a b"},
            "html needs a nonce of 1-200 letters, digits or '+/=_-'",
        ),
        ({"formats": ["html"], "nonce": 7}, "nonce has the wrong type (int)"),
    ],
)
def test_a_field_of_the_wrong_type_or_value(
    server: Server, tmp_path: Path, fields: dict[str, Any], message: str
) -> None:
    handler = write(tmp_path, "handler.ts", TS_HANDLER)
    request = {"id": 11, "path": str(handler), **fields}
    response = server.request(**request)
    assert response["ok"] is False
    assert (response["error"]["kind"], response["error"]["message"]) == ("usage", message)


def test_lowercase_direction_is_accepted(server: Server, tmp_path: Path) -> None:
    handler = write(tmp_path, "handler.ts", TS_HANDLER)
    response = server.request(path=str(handler), direction="lr", formats=["mermaid"])
    assert response["results"]["mermaid"].startswith("flowchart LR")
