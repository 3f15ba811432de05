"""Every example of every language, drawn through the CLI, against its committed golden files.

Each ``examples/<language>/<stem>.<ext>`` that holds a handler has
``tests/goldens/<language>/<stem>.json`` and ``<stem>.mmd``, compared byte for byte.
``pytest --update-goldens`` (``make goldens``) rewrites them and deletes orphans; without the
flag a stale, missing or orphan golden fails.
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
GOLDENS_ROOT = Path(__file__).resolve().parent / "goldens"
SUFFIXES = {"json": ".json", "mermaid": ".mmd", "svg": ".svg"}
HINT = "run `make goldens` and review the diff"
NO_HANDLER = "no durable handler found"


@dataclass(frozen=True)
class Language:
    """Where one language's examples live and how its SDK spells each operation's method."""

    folder: str
    patterns: tuple[str, ...]
    methods: dict[str, tuple[str, ...]]

    def examples(self) -> list[Path]:
        """Every example file of the language, sorted by name."""
        base = ROOT / self.folder
        return sorted({p for pattern in self.patterns for p in base.glob(pattern)})


def _async_too(methods: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {kind: (name, name + "Async") for kind, name in methods.items()}


LANGUAGES = {
    "python": Language(
        "examples/python",
        ("*.py",),
        {
            "step": ("step",),
            "invoke": ("invoke",),
            "wait": ("wait",),
            "parallel": ("parallel",),
            "map": ("map",),
            "create_callback": ("create_callback",),
            "wait_for_callback": ("wait_for_callback",),
            "wait_for_condition": ("wait_for_condition",),
            "child_context": ("run_in_child_context",),
        },
    ),
    "typescript": Language(
        "examples/typescript",
        ("*.ts", "*.tsx", "*.mts", "*.cts", "*.js", "*.jsx", "*.mjs", "*.cjs"),
        {
            "step": ("step",),
            "invoke": ("invoke",),
            "wait": ("wait",),
            "parallel": ("parallel",),
            "map": ("map",),
            "create_callback": ("createCallback",),
            "wait_for_callback": ("waitForCallback",),
            "wait_for_condition": ("waitForCondition",),
            "child_context": ("runInChildContext",),
        },
    ),
    "java": Language(
        "examples/java",
        ("*.java",),
        _async_too(
            {
                "step": "step",
                "invoke": "invoke",
                "wait": "wait",
                "parallel": "parallel",
                "map": "map",
                "create_callback": "createCallback",
                "wait_for_callback": "waitForCallback",
                "wait_for_condition": "waitForCondition",
                "child_context": "runInChildContext",
            }
        ),
    ),
    "csharp": Language(
        "examples/csharp",
        ("*.cs",),
        {
            "step": ("StepAsync",),
            "invoke": ("InvokeAsync",),
            "wait": ("WaitAsync",),
            "parallel": ("ParallelAsync",),
            "map": ("MapAsync",),
            "create_callback": ("CreateCallbackAsync",),
            "wait_for_callback": ("WaitForCallbackAsync",),
            "wait_for_condition": ("WaitForConditionAsync",),
            "child_context": ("RunInChildContextAsync",),
        },
    ),
}
"""Every language with examples. A language whose folder does not exist yet has no cases."""

EXAMPLES = [(language, path) for language, spec in LANGUAGES.items() for path in spec.examples()]
"""(language, example path) pairs."""

CASES = [f"{language}/{path.name}" for language, path in EXAMPLES]
"""Test ids and keys: ``language/file name``."""


def _example_path(case: str) -> str:
    language, _, name = case.partition("/")
    return f"{LANGUAGES[language].folder}/{name}"


def _golden(case: str, fmt: str) -> Path:
    language, _, name = case.partition("/")
    return GOLDENS_ROOT / language / f"{Path(name).stem}{SUFFIXES[fmt]}"


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
    folders: dict[str, dict[tuple[str, str], Outcome]] = field(default_factory=dict)

    def with_handler(self, language: str | None = None) -> list[str]:
        """Cases the CLI draws (not those where it says there is no handler)."""
        return [
            case
            for case, outputs in self.examples.items()
            if not _no_handler(outputs) and (language is None or case.startswith(language + "/"))
        ]


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
        for case in CASES:
            result.examples[case] = _all_outputs(_example_path(case))
        for language, spec in LANGUAGES.items():
            if spec.examples():
                result.folders[language] = _all_outputs(spec.folder)
    yield result


def _succeeded(outcome: Outcome, what: str) -> str:
    assert outcome.code == 0, f"{what}: exit {outcome.code}\n{outcome.stderr}"
    assert "Traceback" not in outcome.stderr
    return outcome.stdout


def _drawn(rendered: Rendered, case: str) -> dict[tuple[str, str], Outcome]:
    outputs = rendered.examples[case]
    if _no_handler(outputs):
        pytest.skip(f"{case} holds no handler")
    return outputs


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
    assert rendered.with_handler("python"), "no Python example holds a handler"
    for language in rendered.folders:
        assert rendered.with_handler(language), f"no {language} example holds a handler"
    # coordinator_helpers.py holds only helpers: the CLI must say so, not draw an empty chart.
    assert "python/coordinator_helpers.py" in rendered.examples
    assert "python/coordinator_helpers.py" not in rendered.with_handler()


@pytest.mark.parametrize("fmt", sorted(SUFFIXES))
@pytest.mark.parametrize("case", CASES)
def test_golden(rendered: Rendered, update_goldens: bool, case: str, fmt: str) -> None:
    outputs = _drawn(rendered, case)
    actual = _succeeded(outputs[fmt, "TD"], f"{case} --format {fmt}").encode("utf-8")
    golden = _golden(case, fmt)
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        if not golden.is_file() or golden.read_bytes() != actual:
            golden.write_bytes(actual)
        return
    assert golden.is_file(), f"missing golden {golden.relative_to(ROOT)}; {HINT}"
    expected = golden.read_bytes()
    assert expected == actual, (
        f"stale golden {golden.relative_to(ROOT)}; {HINT}\n{_diff(expected, actual, golden.name)}"
    )


def test_no_orphan_goldens(rendered: Rendered, update_goldens: bool) -> None:
    wanted = {_golden(case, fmt) for case in rendered.with_handler() for fmt in SUFFIXES}
    present = sorted(p for p in GOLDENS_ROOT.rglob("*") if p.is_file())
    orphans = [p for p in present if p not in wanted]
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
@pytest.mark.parametrize("case", CASES)
def test_json_matches_schema(
    rendered: Rendered, validator: Draft202012Validator, case: str, direction: str
) -> None:
    outputs = _drawn(rendered, case)
    text = _succeeded(outputs["json", direction], f"{case} --format json")
    assert _schema_errors(validator, text) == []
    document = json.loads(text)
    assert document["file"] == _example_path(case)
    assert document["language"] == case.partition("/")[0]
    assert document["workflows"], "a drawn example has at least one workflow"


@pytest.mark.parametrize("direction", ["TD", "LR"])
@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_folder_json_matches_schema(
    rendered: Rendered, validator: Draft202012Validator, language: str, direction: str
) -> None:
    if language not in rendered.folders:
        pytest.skip(f"no {language} examples yet")
    folder_path = LANGUAGES[language].folder
    text = _succeeded(rendered.folders[language]["json", direction], f"{folder_path} --format json")
    assert _schema_errors(validator, text) == []
    folder = json.loads(text)
    # The folder document holds exactly the workflows of the examples, file by file.
    expected = []
    for case in rendered.with_handler(language):
        one = json.loads(rendered.examples[case]["json", direction].stdout)
        expected.extend((w["file"], w["name"]) for w in one["workflows"])
    assert [(w["file"], w["name"]) for w in folder["workflows"]] == expected


def test_mermaid_accepted_by_mermaid(rendered: Rendered) -> None:
    labels: list[str] = []
    texts: list[str] = []
    for case in rendered.with_handler():
        for direction in ("TD", "LR"):
            text = _succeeded(rendered.examples[case]["mermaid", direction], case)
            assert text.startswith(f"flowchart {direction}\n")
            labels.append(f"{case} -d {direction}")
            texts.append(text)
    for language, outputs in rendered.folders.items():
        for direction in ("TD", "LR"):
            text = _succeeded(outputs["mermaid", direction], LANGUAGES[language].folder)
            assert text.startswith(f"flowchart {direction}\n")
            labels.append(f"{LANGUAGES[language].folder} -d {direction}")
            texts.append(text)
    verdicts = check_mermaid(texts)
    refused = {label: error for label, error in zip(labels, verdicts, strict=True) if error}
    assert refused == {}


# -- positions -------------------------------------------------------------------------------------

# From a node's line and column: a receiver (possibly split over lines, optionally chained), then
# the SDK method, optional generic type arguments, and the opening parenthesis.
_CALL = re.compile(
    r"[A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)*?\s*\??\.\s*(\w+)\s*(?:<[^()]*>)?\s*\("
)
_CLICK = re.compile(r'click (\w+) href "[^"]*" "([^"]*)"')


def _file_of(node: dict[str, Any], workflow: dict[str, Any]) -> str:
    file: str = node.get("file") or workflow["file"]
    return file


def _misplaced(document: dict[str, Any], methods: dict[str, tuple[str, ...]]) -> list[str]:
    wrong = []
    for workflow in document["workflows"]:
        for node in workflow["nodes"]:
            accepted = methods.get(node["kind"])
            if accepted is None:
                continue
            file = _file_of(node, workflow)
            lines = (ROOT / file).read_text(encoding="utf-8").splitlines()
            line, column = node["line"], node["column"]
            text = (
                "\n".join(lines[line - 1 : line + 3])[column - 1 :]
                if 0 < line <= len(lines)
                else ""
            )
            match = _CALL.match(text)
            if match is None or match.group(1) not in accepted:
                wrong.append(
                    f"{node['id']} ({node['kind']}) at {file}:{line}:{column}: {text[:60]!r}"
                )
    return wrong


@pytest.mark.parametrize("case", CASES)
def test_operation_positions_point_at_the_call(rendered: Rendered, case: str) -> None:
    outputs = _drawn(rendered, case)
    document = json.loads(_succeeded(outputs["json", "TD"], f"{case} --format json"))
    assert _misplaced(document, LANGUAGES[case.partition("/")[0]].methods) == []


@pytest.mark.parametrize("case", CASES)
def test_mermaid_click_names_the_node_source(rendered: Rendered, case: str) -> None:
    outputs = _drawn(rendered, case)
    document = json.loads(_succeeded(outputs["json", "TD"], f"{case} --format json"))
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


def _in_subprocess(folder: str, fmt: str, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-m", "durable_viz", folder, "--format", fmt],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize("fmt", sorted(SUFFIXES))
@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_output_identical_across_processes(rendered: Rendered, language: str, fmt: str) -> None:
    if language not in rendered.folders:
        pytest.skip(f"no {language} examples yet")
    folder = LANGUAGES[language].folder
    first = _in_subprocess(folder, fmt, "1")
    second = _in_subprocess(folder, fmt, "4242")
    assert first == second
    assert first == rendered.folders[language][fmt, "TD"].stdout
