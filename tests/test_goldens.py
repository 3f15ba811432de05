"""Every Python example, drawn through the CLI, against its committed golden files.

Each ``examples/python/<stem>.py`` that holds a handler has ``tests/goldens/python/<stem>.json``
and ``<stem>.mmd``, compared byte for byte. ``pytest --update-goldens`` (``make goldens``)
rewrites them and deletes orphans; without the flag a stale, missing or orphan golden fails.
The same outputs are validated against the shipped JSON Schema, parsed by the real Mermaid
parser, checked to point every operation (and every Mermaid click line) at its real source line,
and shown to be byte-identical across processes with different hash seeds.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from mermaid_parser import check_mermaid

from durable_viz.cli import run
from durable_viz.schema import load_schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = "examples/python"
EXAMPLES = sorted((ROOT / EXAMPLES_DIR).glob("*.py"))
GOLDENS = Path(__file__).resolve().parent / "goldens" / "python"
SUFFIXES = {"json": ".json", "mermaid": ".mmd"}
HINT = "run `make goldens` and review the diff"
NO_HANDLER = "no durable handler found"


@dataclass
class Outcome:
    """What one CLI run printed."""

    code: int
    stdout: str
    stderr: str


@dataclass
class Rendered:
    """Every output this module checks, produced once (paths relative to the repository)."""

    examples: dict[str, dict[tuple[str, str], Outcome]] = field(default_factory=dict)
    folder: dict[tuple[str, str], Outcome] = field(default_factory=dict)

    def with_handler(self) -> list[str]:
        """Stems of the examples the CLI draws (not those where it says there is no handler)."""
        return [stem for stem, outputs in self.examples.items() if not _no_handler(outputs)]


def _no_handler(outputs: dict[tuple[str, str], Outcome]) -> bool:
    outcome = outputs["mermaid", "TD"]
    return outcome.code == 1 and NO_HANDLER in outcome.stderr


def cli(argv: list[str]) -> Outcome:
    """Run the CLI in-process, as ``durable-viz ARGV`` would, capturing both streams."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(argv)
    return Outcome(code, out.getvalue(), err.getvalue())


def _all_outputs(target: str) -> dict[tuple[str, str], Outcome]:
    return {
        (fmt, direction): cli([target, "--format", fmt, "-d", direction])
        for fmt in SUFFIXES
        for direction in ("TD", "LR")
    }


@pytest.fixture(scope="module")
def rendered() -> Iterator[Rendered]:
    # The CLI prints paths as the user wrote them; run from the root so they are repo-relative.
    result = Rendered()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        for example in EXAMPLES:
            result.examples[example.stem] = _all_outputs(f"{EXAMPLES_DIR}/{example.name}")
        result.folder = _all_outputs(EXAMPLES_DIR)
    yield result


def _succeeded(outcome: Outcome, what: str) -> str:
    assert outcome.code == 0, f"{what}: exit {outcome.code}\n{outcome.stderr}"
    assert "Traceback" not in outcome.stderr
    return outcome.stdout


def _diff(expected: bytes, actual: bytes, name: str) -> str:
    lines = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(keepends=True),
        actual.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"golden/{name}",
        tofile=f"now/{name}",
    )
    return "".join(list(lines)[:60])


# -- goldens ---------------------------------------------------------------------------------------


def test_examples_exist(rendered: Rendered) -> None:
    assert EXAMPLES, f"no examples found in {ROOT / EXAMPLES_DIR}"
    assert rendered.with_handler(), "no example holds a handler"
    # coordinator_helpers.py holds only helpers: the CLI must say so, not draw an empty chart.
    assert "coordinator_helpers" not in rendered.with_handler()


@pytest.mark.parametrize("fmt", sorted(SUFFIXES))
@pytest.mark.parametrize("example", [e.stem for e in EXAMPLES])
def test_golden(rendered: Rendered, update_goldens: bool, example: str, fmt: str) -> None:
    outputs = rendered.examples[example]
    if _no_handler(outputs):
        pytest.skip(f"{example}.py holds no handler")
    actual = _succeeded(outputs[fmt, "TD"], f"{example}.py --format {fmt}").encode("utf-8")
    golden = GOLDENS / f"{example}{SUFFIXES[fmt]}"
    if update_goldens:
        GOLDENS.mkdir(parents=True, exist_ok=True)
        if not golden.is_file() or golden.read_bytes() != actual:
            golden.write_bytes(actual)
        return
    assert golden.is_file(), f"missing golden {golden.relative_to(ROOT)}; {HINT}"
    expected = golden.read_bytes()
    assert expected == actual, (
        f"stale golden {golden.relative_to(ROOT)}; {HINT}\n{_diff(expected, actual, golden.name)}"
    )


def test_no_orphan_goldens(rendered: Rendered, update_goldens: bool) -> None:
    wanted = {f"{stem}{suffix}" for stem in rendered.with_handler() for suffix in SUFFIXES.values()}
    present = sorted(p for p in GOLDENS.iterdir() if p.is_file()) if GOLDENS.is_dir() else []
    orphans = [p for p in present if p.name not in wanted]
    if update_goldens:
        for orphan in orphans:
            orphan.unlink()
        return
    assert not orphans, (
        "orphan golden files (no example draws them): "
        + ", ".join(str(p.relative_to(ROOT)) for p in orphans)
        + f"; {HINT}"
    )


# -- schema and Mermaid parser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _schema_errors(validator: Draft202012Validator, text: str) -> list[str]:
    document: Any = json.loads(text)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]


@pytest.mark.parametrize("direction", ["TD", "LR"])
@pytest.mark.parametrize("example", [e.stem for e in EXAMPLES])
def test_json_matches_schema(
    rendered: Rendered, validator: Draft202012Validator, example: str, direction: str
) -> None:
    outputs = rendered.examples[example]
    if _no_handler(outputs):
        pytest.skip(f"{example}.py holds no handler")
    text = _succeeded(outputs["json", direction], f"{example}.py --format json")
    assert _schema_errors(validator, text) == []
    document = json.loads(text)
    assert document["file"] == f"{EXAMPLES_DIR}/{example}.py"
    assert document["workflows"], "a drawn example has at least one workflow"


@pytest.mark.parametrize("direction", ["TD", "LR"])
def test_folder_json_matches_schema(
    rendered: Rendered, validator: Draft202012Validator, direction: str
) -> None:
    text = _succeeded(rendered.folder["json", direction], f"{EXAMPLES_DIR} --format json")
    assert _schema_errors(validator, text) == []
    folder = json.loads(text)
    # The folder document holds exactly the workflows of the examples, file by file.
    expected = []
    for stem in rendered.with_handler():
        one = json.loads(rendered.examples[stem]["json", direction].stdout)
        expected.extend((w["file"], w["name"]) for w in one["workflows"])
    assert [(w["file"], w["name"]) for w in folder["workflows"]] == expected


def test_mermaid_accepted_by_mermaid(rendered: Rendered) -> None:
    labels: list[str] = []
    texts: list[str] = []
    for stem in rendered.with_handler():
        for direction in ("TD", "LR"):
            text = _succeeded(rendered.examples[stem]["mermaid", direction], f"{stem}.py")
            assert text.startswith(f"flowchart {direction}\n")
            labels.append(f"{stem}.py -d {direction}")
            texts.append(text)
    for direction in ("TD", "LR"):
        text = _succeeded(rendered.folder["mermaid", direction], EXAMPLES_DIR)
        assert text.startswith(f"flowchart {direction}\n")
        labels.append(f"{EXAMPLES_DIR} -d {direction}")
        texts.append(text)
    verdicts = check_mermaid(texts)
    refused = {label: error for label, error in zip(labels, verdicts, strict=True) if error}
    assert refused == {}


# -- positions -------------------------------------------------------------------------------------

# The SDK method each operation kind is called through; a node's line and column are the call's.
CALL_METHODS = {
    "step": "step",
    "invoke": "invoke",
    "wait": "wait",
    "parallel": "parallel",
    "map": "map",
    "create_callback": "create_callback",
    "wait_for_callback": "wait_for_callback",
    "wait_for_condition": "wait_for_condition",
    "child_context": "run_in_child_context",
}
_CALL = re.compile(r"[A-Za-z_][\w.]*\.(\w+)\(")
_CLICK = re.compile(r'click (\w+) href "[^"]*" "([^"]*)"')


def _file_of(node: dict[str, Any], workflow: dict[str, Any]) -> str:
    file: str = node.get("file") or workflow["file"]
    return file


def _misplaced(document: dict[str, Any]) -> list[str]:
    wrong = []
    for workflow in document["workflows"]:
        for node in workflow["nodes"]:
            method = CALL_METHODS.get(node["kind"])
            if method is None:
                continue
            file = _file_of(node, workflow)
            lines = (ROOT / file).read_text(encoding="utf-8").splitlines()
            line, column = node["line"], node["column"]
            text = lines[line - 1][column - 1 :] if 0 < line <= len(lines) else ""
            match = _CALL.match(text)
            if match is None or match.group(1) != method:
                wrong.append(f"{node['id']} ({node['kind']}) at {file}:{line}:{column}: {text!r}")
    return wrong


@pytest.mark.parametrize("example", [e.stem for e in EXAMPLES])
def test_operation_positions_point_at_the_call(rendered: Rendered, example: str) -> None:
    outputs = rendered.examples[example]
    if _no_handler(outputs):
        pytest.skip(f"{example}.py holds no handler")
    document = json.loads(_succeeded(outputs["json", "TD"], f"{example}.py --format json"))
    assert _misplaced(document) == []


@pytest.mark.parametrize(
    "example",
    [e.stem for e in EXAMPLES],
)
def test_mermaid_click_names_the_node_source(rendered: Rendered, example: str) -> None:
    outputs = rendered.examples[example]
    if _no_handler(outputs):
        pytest.skip(f"{example}.py holds no handler")
    document = json.loads(_succeeded(outputs["json", "TD"], f"{example}.py --format json"))
    workflows = document["workflows"]
    expected = {}
    for index, workflow in enumerate(workflows, start=1):
        # Mermaid uses the JSON ids, prefixed w1_, w2_... when it draws several workflows.
        prefix = f"w{index}_" if len(workflows) > 1 else ""
        expected.update(
            (prefix + node["id"], f"{_file_of(node, workflow)}:{node['line']}")
            for node in workflow["nodes"]
            if "line" in node and node["kind"] != "try"  # a try is a frame, not a clickable node
        )
    clicks = {
        node_id: re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), tooltip)
        for node_id, tooltip in _CLICK.findall(outputs["mermaid", "TD"].stdout)
    }
    assert clicks == expected


# -- determinism -----------------------------------------------------------------------------------


def _in_subprocess(fmt: str, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-m", "durable_viz", EXAMPLES_DIR, "--format", fmt],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize("fmt", sorted(SUFFIXES))
def test_output_identical_across_processes(rendered: Rendered, fmt: str) -> None:
    first = _in_subprocess(fmt, "1")
    second = _in_subprocess(fmt, "4242")
    assert first == second
    assert first == rendered.folder[fmt, "TD"].stdout
