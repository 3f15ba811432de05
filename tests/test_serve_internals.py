"""``durable-viz serve`` from the inside: :func:`~durable_viz.serve.serve` run in process on byte
streams (to force a fault of ours, or stray output), probes of what a request imports, and the
page's reuse of the SVGs it drew last.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from serve_cases import ROOT, TS_HANDLER, write

from durable_viz import serve as serve_module

# -- in process: faults and stray output ---------------------------------------------------------


def run_in_process(*requests: dict[str, Any]) -> tuple[int, list[dict[str, Any]], bytes]:
    stdin = io.BytesIO(b"".join(json.dumps(r).encode() + b"\n" for r in requests))
    stdout = io.BytesIO()
    code = serve_module.serve(stdin, stdout)
    raw = stdout.getvalue()
    return code, [json.loads(line) for line in raw.splitlines()], raw


def test_an_internal_error_is_reported_and_serving_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import durable_viz.api

    handler = write(tmp_path, "handler.ts", TS_HANDLER)
    real = durable_viz.api.load
    calls = []

    def faulty(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == 1:
            raise KeyError("boom\nsecond line")
        return real(*args, **kwargs)

    monkeypatch.setattr(durable_viz.api, "load", faulty)
    code, responses, _ = run_in_process(
        {"id": 1, "path": str(handler)}, {"id": 2, "path": str(handler)}
    )
    assert code == 0
    ready, first, second = responses
    assert ready["event"] == "ready"
    assert first["id"] == 1 and first["ok"] is False
    assert first["error"]["kind"] == "internal"
    assert first["error"]["message"] == (
        f"internal error ({handler}): KeyError: 'boom\\nsecond line'"
    )
    assert "\n" not in first["error"]["message"] and first["error"]["hint"]
    assert second["ok"] is True
    assert "Traceback" in capsys.readouterr().err


def test_stray_prints_go_to_stderr_not_to_the_protocol(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import durable_viz.api

    handler = write(tmp_path, "handler.ts", TS_HANDLER)
    real = durable_viz.api.load

    def chatty(*args: Any, **kwargs: Any) -> Any:
        print("some library talking")
        return real(*args, **kwargs)

    monkeypatch.setattr(durable_viz.api, "load", chatty)
    code, responses, raw = run_in_process({"id": 1, "path": str(handler)})
    assert code == 0 and responses[1]["ok"] is True
    assert b"talking" not in raw
    assert "some library talking" in capsys.readouterr().err


def test_deep_nesting_is_drawn(tmp_path: Path) -> None:
    # The html parts recurse over the block tree: they run on run_deep's large stack too.
    depth = 1500
    body = "if (a) {\n" * depth + 'await context.step("deep", async () => 1);\n' + "}\n" * depth
    source = TS_HANDLER.replace("});", body + "});")
    handler = write(tmp_path, "handler.ts", source)
    code, responses, _ = run_in_process(
        {"id": 1, "path": str(handler), "formats": ["update", "html"], "nonce": "n"}
    )
    assert code == 0
    response = responses[1]
    assert response["ok"] is True, response.get("error")
    assert '"deep"' in response["results"]["update"]["json"]


PROBE = """
import io, json, sys
from durable_viz.serve import serve
requests = io.BytesIO(sys.argv[1].encode() + b"\\n")
answers = io.BytesIO()
serve(requests, answers)
heavy = sorted(m for m in ("libcst", "jinja2") if m in sys.modules)
print(json.dumps({"ok": json.loads(answers.getvalue().splitlines()[1])["ok"], "heavy": heavy}))
"""


@pytest.mark.parametrize(
    ("formats", "heavy"), [(["json", "mermaid"], []), (["update"], []), (["html"], ["jinja2"])]
)
def test_a_typescript_render_imports_no_libcst(
    tmp_path: Path, formats: list[str], heavy: list[str]
) -> None:
    handler = write(tmp_path, "handler.ts", TS_HANDLER)
    request = json.dumps({"id": 1, "path": str(handler), "formats": formats, "nonce": "n"})
    result = subprocess.run(
        [sys.executable, "-c", PROBE, request], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert json.loads(result.stdout) == {"ok": True, "heavy": heavy}


def test_a_diagram_is_drawn_again_whenever_what_it_shows_changes(tmp_path: Path) -> None:
    # html keeps the SVGs drawn last and reuses one only for an equal workflow: a line moved
    # (a newline typed above) or a renamed step must never get the earlier picture.
    from durable_viz.api import load
    from durable_viz.renderers import html

    path = str(tmp_path / "handler.ts")

    def diagrams(source: str) -> list[str]:
        return [d["svg"] for d in html.update(load(path, source=source))["diagrams"]]

    first = diagrams(TS_HANDLER)
    assert diagrams(TS_HANDLER + "// a comment typed at the end\n") == first
    moved = diagrams("\n" + TS_HANDLER)
    assert moved != first
    assert 'data-line="6"' in moved[0] and 'data-line="6"' not in first[0]
    renamed = diagrams(TS_HANDLER.replace('"charge"', '"charge-card"'))
    assert all("charge-card" in svg for svg in renamed)
    assert diagrams(TS_HANDLER) == first
    titled = [d["svg"] for d in html.update(load(path, source=TS_HANDLER, title="T"))["diagrams"]]
    assert all('data-workflow="T"' in svg for svg in titled)


FD_PROBE = """
import os, sys
import durable_viz.api
real = durable_viz.api.load
def chatty(*args, **kwargs):
    os.write(1, b"written to descriptor 1\\n")
    return real(*args, **kwargs)
durable_viz.api.load = chatty
from durable_viz.serve import serve
sys.exit(serve(sys.stdin.buffer, sys.stdout.buffer))
"""


def test_output_written_to_descriptor_one_goes_to_stderr(tmp_path: Path) -> None:
    # What a C extension would do: no Python-level redirection can catch it.
    handler = write(tmp_path, "handler.ts", TS_HANDLER)
    request = json.dumps({"id": 1, "path": str(handler)}) + "\n"
    result = subprocess.run(
        [sys.executable, "-c", FD_PROBE],
        input=request.encode(),
        capture_output=True,
        cwd=ROOT,
        check=True,
    )
    ready, response = (json.loads(line) for line in result.stdout.splitlines())
    assert ready["event"] == "ready" and response["ok"] is True
    assert b"written to descriptor 1" in result.stderr


def test_a_line_longer_than_the_limit_is_refused_and_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve_module, "_MAX_REQUEST", 64)
    long_request = json.dumps({"id": 1, "method": "ping", "padding": "x" * 500}).encode()
    stdin = io.BytesIO(long_request + b"\n" + b'{"id": 2, "method": "ping"}\n')
    stdout = io.BytesIO()
    assert serve_module.serve(stdin, stdout) == 0
    ready, refused, answered = (json.loads(line) for line in stdout.getvalue().splitlines())
    assert ready["event"] == "ready"
    assert refused["id"] is None and refused["error"]["message"] == "request line too long"
    assert answered["id"] == 2 and answered["ok"] is True


# -- files: what the drawing read ----------------------------------------------------------------


def test_files_lists_the_handler_then_the_helpers_read_not_those_that_could_not_be(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "handler.py",
        "from aws_durable_execution_sdk_python import DurableContext, durable_execution\n\n"
        "from helpers import ship\nfrom broken import audit\n\n\n"
        "@durable_execution\ndef handler(event, context: DurableContext):\n"
        '    context.step(lambda _: 1, name="charge")\n    audit(context)\n'
        # The helper's only operation sits in a block of the handler's own condition: the tree
        # is walked, not only its top.
        "    if event:\n        ship(context)\n",
    )
    write(
        tmp_path,
        "helpers.py",
        'def ship(context):\n    context.step(lambda _: 2, name="ship")\n',
    )
    write(tmp_path, "broken.py", "def audit(context:\n    pass\n")
    request = {"id": 1, "path": str(tmp_path / "handler.py"), "formats": ["json"]}
    response, _ = serve_module.handle(json.dumps(request))
    assert response["ok"] is True
    # broken.py could not be read (DV107): it is named in a diagnostic, not in files.
    assert ("DV107", str(tmp_path / "broken.py")) in [
        (d["code"], d["file"]) for d in response["diagnostics"]
    ]
    assert response["files"] == [str(tmp_path / "handler.py"), str(tmp_path / "helpers.py")]
    nodes = response["results"]["json"]["workflows"][0]["nodes"]
    (shipped,) = [n for n in nodes if n.get("file") == str(tmp_path / "helpers.py")]
    assert shipped["parent"] is not None
    # ping answers no files.
    assert "files" not in serve_module.handle(json.dumps({"id": 2, "method": "ping"}))[0]
