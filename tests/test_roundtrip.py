"""The round trip: a workflow written as source by an emitter and read back by our parser is the
same workflow.

Two oracles:

- A property test per language: hypothesis draws workflows as that language's parser reads them
  (tests/workflow_strategy.py), the language's emitter writes each as a handler, the parser reads
  it back, and the one workflow it finds must have the same signature (tests/signature.py:
  kinds, names, dynamic flags, invoke targets, parents, block indexes and roles, branch and item
  names, loop and try flags, edges; labels left out). The seed is fixed (``derandomize``), so a
  run is the same on every machine; the example count comes from the environment:

      DURABLE_VIZ_ROUNDTRIP_EXAMPLES=2000 .venv/bin/pytest -q tests/test_roundtrip.py

  is the long local run (about five minutes for the four languages on a shared 2-core machine);
  the default, 100 per language, runs the whole file in about 35 seconds there.
- Every workflow of every example (examples/*/) converted to every language reads back the same.
  Where the target language cannot say what the example says, the difference is listed in
  ``ADAPTATIONS`` with its reason; such a case is a strict xfail, so it fails once the
  adaptation is no longer needed.

Until a language's emitter module exists, its cases skip with "emitter not written yet"; once it
exists, its failures are real.
"""

from __future__ import annotations

import os
from dataclasses import replace
from importlib import import_module
from pathlib import Path
from types import ModuleType

import pytest
from emit_cases import read_back
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from signature import describe, workflow_signature
from workflow_strategy import DIALECTS, MAX_DEPTH, workflows

from durable_viz.api import load
from durable_viz.errors import NoHandlerError
from durable_viz.graph import Block, Kind, Node, Workflow, walk
from durable_viz.parsers.base import prune

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("python", "typescript", "java", "csharp")
EXAMPLE_SUFFIXES = frozenset({".py", ".ts", ".js", ".mjs", ".java", ".cs"})

EXAMPLES = int(os.environ.get("DURABLE_VIZ_ROUNDTRIP_EXAMPLES", "100"))
"""Workflows drawn per language; 100 runs the whole file in about half a minute on a shared
2-core machine, well under the three minutes CI allows."""


def emitter(language: str) -> ModuleType:
    """The language's emitter module, or a skip while it does not exist yet."""
    module_name = f"durable_viz.emit.{language}"
    try:
        return import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise  # the emitter exists but imports something missing: a real failure
        pytest.skip("emitter not written yet")


def assert_round_trip(workflow: Workflow, language: str, module: ModuleType) -> None:
    """Emit, parse back, compare; on failure say what was drawn and written."""
    text: str = module.emit(workflow)
    back = read_back(text, language)
    expected = workflow_signature(workflow)
    actual = workflow_signature(back)
    if actual != expected:
        pytest.fail(
            f"the {language} source reads back as another workflow\n"
            f"--- generated\n{describe(workflow)}\n--- read back\n{describe(back)}\n"
            f"--- emitted source\n{text}",
            pytrace=False,
        )


# -- the property ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    # Drawing a nested workflow takes many choices; hypothesis flags that as slow data generation,
    # which is what the workflows are.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_generated_workflow_reads_back_the_same(language: str, data: st.DataObject) -> None:
    module = emitter(language)
    workflow = data.draw(workflows(language), label="workflow")
    assert_round_trip(workflow, language, module)


# -- every example in every language -------------------------------------------------------------

EXAMPLE_FILES = sorted(
    path
    for path in (ROOT / "examples").glob("*/*")
    if path.suffix in EXAMPLE_SUFFIXES and path.is_file()
)

_DO_WHILE = "Python has no do-while: the body runs in a `while True` left by a guarded break"
_COMBINATORS = (
    "the Python SDK has no promise combinators: the combined operations run as a parallel"
)
_LABELLED_BREAK = "Python has no labelled break: the jump leaves the innermost loop only"
_TRY_ELSE = "only Python has try/else: the else block's operations end the try body"
_LOOP_ELSE = "only Python has for/else: the else block runs as a condition after the loop"
_RETRY = "the .NET SDK has no retry helper: with_retry runs as a child context of the same name"
_REGISTRY_BRANCHES = (
    "a TypeScript combinator over a mapped list of constants names its branches after the "
    "entries; Java and C# combinators name each branch after its operation"
)

ADAPTATIONS: dict[tuple[str, str], str] = {
    ("csharp/FulfilmentWave.cs", "python"): _LABELLED_BREAK,
    ("csharp/RestockFunction.cs", "python"): _COMBINATORS,
    ("csharp/ShipmentFunction.cs", "python"): _DO_WHILE,
    ("csharp/ShipmentWorkflow.cs", "python"): _DO_WHILE,
    ("java/FulfilmentWave.java", "python"): _LABELLED_BREAK,
    ("java/InlineHandlers.java", "csharp"): _RETRY,
    ("java/PaymentSaga.java", "csharp"): _RETRY,
    ("java/ReportFanOut.java", "python"): f"{_COMBINATORS}; {_DO_WHILE}",
    ("python/agent_loop.py", "typescript"): _LOOP_ELSE,
    ("python/agent_loop.py", "java"): _LOOP_ELSE,
    ("python/agent_loop.py", "csharp"): _LOOP_ELSE,
    ("python/payment_saga.py", "typescript"): _TRY_ELSE,
    ("python/payment_saga.py", "java"): _TRY_ELSE,
    ("python/payment_saga.py", "csharp"): f"{_TRY_ELSE}; {_RETRY}",
    ("typescript/agentLoop.ts", "python"): _LABELLED_BREAK,
    ("typescript/inventorySync.ts", "python"): _COMBINATORS,
    ("typescript/inventorySync.ts", "java"): _REGISTRY_BRANCHES,
    ("typescript/inventorySync.ts", "csharp"): _REGISTRY_BRANCHES,
    ("typescript/paymentSaga.ts", "csharp"): _RETRY,
    ("typescript/refundWorkflow.ts", "python"): (
        "Python's match has no break: a case left early by a break is written as an if"
    ),
    ("typescript/refundWorkflow.ts", "csharp"): _RETRY,
    ("typescript/reportBuilder.mjs", "python"): _DO_WHILE,
}
"""Example/target pairs whose round trip differs because the target language cannot say a
construct, with the reason; each is a strict xfail, so it fails once the adaptation is no longer
needed (the emitters list the same adaptations in their own tests)."""


def _example_id(path: Path) -> str:
    return path.relative_to(ROOT / "examples").as_posix()


def _example_cases() -> list[object]:
    cases: list[object] = []
    for path in EXAMPLE_FILES:
        for language in LANGUAGES:
            key = (_example_id(path), language)
            marks = (
                [pytest.mark.xfail(strict=True, reason=ADAPTATIONS[key])]
                if key in ADAPTATIONS
                else []
            )
            cases.append(pytest.param(path, language, id=f"{key[0]}-to-{language}", marks=marks))
    return cases


def test_every_adaptation_names_a_real_case() -> None:
    known = {(_example_id(p), language) for p in EXAMPLE_FILES for language in LANGUAGES}
    assert set(ADAPTATIONS) <= known


@pytest.mark.parametrize(("path", "language"), _example_cases())
def test_every_example_converts_to_every_language(path: Path, language: str) -> None:
    module = emitter(language)
    try:
        document = load(path)
    except NoHandlerError:
        pytest.skip("helpers only: no handler of its own")
    views = document.views
    assert views
    for view in views:
        assert_round_trip(view.workflow, language, module)


# -- the generator and the comparison ------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=50, derandomize=True, deadline=None, database=None)
@given(data=st.data())
def test_generated_workflows_are_what_a_parser_keeps(language: str, data: st.DataObject) -> None:
    """Parsers prune structures holding nothing durable: a generated tree is already pruned, no
    deeper than the bound, small, and holds only what the language can say."""
    workflow = data.draw(workflows(language), label="workflow")
    assert prune(workflow.nodes) == workflow.nodes
    nodes = list(walk(workflow.nodes))
    assert 1 <= len(nodes) <= 30
    assert depth(workflow.nodes) <= MAX_DEPTH + 3  # containers, plus a guard and its exit
    kinds = {n.kind for n in nodes}
    dialect = DIALECTS[language]
    if not dialect.with_retry:
        assert Kind.WITH_RETRY not in kinds
    if not dialect.do_while:
        assert not any(n.do_while for n in nodes)
    assert kinds <= {Kind(k) for k in Kind} - {Kind.START, Kind.END, Kind.SCOPE}
    assert not (kinds & {Kind.PROMISE_ALL, Kind.PROMISE_ANY}) or dialect.combinators


def depth(nodes: tuple[Node, ...]) -> int:
    """How many levels of blocks a tree has."""
    return max((1 + max((depth(b.nodes) for b in n.blocks), default=0) for n in nodes), default=0)


def _constructs(language: str) -> set[object]:
    """What a fixed sample of the language's workflows holds: kinds, name forms, flags, fallthroughs
    and empty blocks by role."""
    found: set[object] = set()

    @settings(max_examples=200, derandomize=True, deadline=None, database=None)
    @given(workflows(language))
    def collect(workflow: Workflow) -> None:
        for node in walk(workflow.nodes):
            found.add(node.kind)
            if node.is_operation:
                found.add(
                    "unnamed" if node.name is None else "pattern" if node.dynamic else "literal"
                )
            found.update(f for f in ("infinite", "do_while", "catch_all") if getattr(node, f))
            if node.kind is Kind.CONDITION:
                found.add(f"fallthrough-{node.fallthrough}")
            found.update(f"empty-{b.role}" for b in node.blocks if not b.nodes)

    collect()
    return found


def test_every_construct_is_drawn() -> None:
    """Over a fixed sample, each language's generator draws every kind its SDK has, both loop
    and condition forms, and unnamed, literal and pattern names."""
    seen = {language: _constructs(language) for language in LANGUAGES}
    common = {
        Kind.STEP, Kind.INVOKE, Kind.WAIT, Kind.CREATE_CALLBACK, Kind.WAIT_FOR_CALLBACK,
        Kind.WAIT_FOR_CONDITION, Kind.PARALLEL, Kind.MAP, Kind.CHILD_CONTEXT, Kind.CONDITION,
        Kind.LOOP, Kind.TRY, Kind.RETURN, Kind.RAISE, Kind.BREAK, Kind.CONTINUE,
        "unnamed", "literal", "pattern", "infinite", "catch_all", "fallthrough-no",
        "fallthrough-None", "empty-outcome", "empty-handler", "empty-branch",
    }  # fmt: skip
    for language in LANGUAGES:
        dialect = DIALECTS[language]
        expected = set(common)
        if dialect.with_retry:
            expected.add(Kind.WITH_RETRY)
        if dialect.do_while:
            expected.add("do_while")
        expected.update(dialect.combinators)
        assert expected <= seen[language], (language, expected - seen[language])


def _step(name: str | None, *, dynamic: bool = False) -> Node:
    return Node(kind=Kind.STEP, label=name or "step", name=name, dynamic=dynamic, line=2, column=1)


def _flow(*nodes: Node) -> Workflow:
    return Workflow(name="flow", line=1, nodes=nodes)


def test_the_round_trip_signature_tells_workflows_apart_and_ignores_labels() -> None:
    def branches(label: str, dynamic: bool, role: str = "branch") -> Workflow:
        block = Block(role=role, label=label, dynamic=dynamic, nodes=(_step("a"),))
        return _flow(
            Node(kind=Kind.PARALLEL, label="p", name="p", line=1, column=1, blocks=(block,))
        )

    def guarded(role: str, *, infinite: bool = False, scope: str = "workflow") -> Workflow:
        exit_node = Node(kind=Kind.RETURN, label="return", line=3, column=1, scope=scope)
        body = Block(role=role, nodes=(_step("a"), exit_node))
        return _flow(
            Node(kind=Kind.LOOP, label="for x", line=1, column=1, infinite=infinite, blocks=(body,))
        )

    base = workflow_signature(guarded("body"))
    assert workflow_signature(guarded("else")) != base
    assert workflow_signature(guarded("body", infinite=True)) != base
    assert workflow_signature(guarded("body", scope="function")) != base
    relabelled = replace(guarded("body").nodes[0], label="while more")
    assert workflow_signature(_flow(relabelled)) == base
    assert workflow_signature(_flow(_step("a"))) != workflow_signature(_flow(_step("b")))
    assert workflow_signature(_flow(_step("a-{}", dynamic=True))) != workflow_signature(
        _flow(_step("a-{}"))
    )
    # A run-time branch name is a pattern: its expression is each language's own.
    assert workflow_signature(branches("file-{key.name}", True)) == workflow_signature(
        branches("file-{key.getName()}", True)
    )
    assert workflow_signature(branches("file-{key}", True)) != workflow_signature(
        branches("part-{key}", True)
    )
    assert workflow_signature(branches("left", False)) != workflow_signature(
        branches("right", False)
    )
