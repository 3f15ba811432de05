"""The TypeScript emitter: every example of every language written as a TypeScript handler
compiles with ``tsc --noEmit`` against the SDK's own types and reads back as the same workflow;
per-construct cases pin the code it writes.

tsc and the SDK's types come from ``tests/js`` (``npm install --prefix tests/js``, which
``make test`` runs); without them the compile checks skip, the round trips still run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import emit_cases
import pytest
from emit_cases import ROOT, example_workflows
from hypothesis import HealthCheck, given, settings
from signature import describe, workflow_signature
from workflow_strategy import workflows

from durable_viz.emit.typescript import emit, emit_with_notes
from durable_viz.graph import Block, Kind, Node, Workflow

JS = ROOT / "tests" / "js"
TSC = JS / "node_modules" / ".bin" / "tsc"
SDK = JS / "node_modules" / "@aws" / "durable-execution-sdk-js"
STRATEGY_SAMPLE = 25
"""Generated workflows compiled with tsc (one batch; the round trip itself runs in
tests/test_roundtrip.py)."""

ADAPTED: dict[tuple[str, str], str] = {
    ("python/agent_loop.py", "handler"): "loop else block written as a condition after the loop",
    ("python/payment_saga.py", "handler"): "try else block written at the end of the try body",
}
"""Example workflows TypeScript cannot say as the original did: their round trip differs, and
a case fails once it no longer does (the adaptation is then no longer needed)."""


EXAMPLES = list(example_workflows())


def _odd(kind: Kind, name: str | None, label: str | None = None, **fields: object) -> Node:
    return Node(kind=kind, label=label or name or kind.value, line=1, column=1, name=name, **fields)  # type: ignore[arg-type]


ODD_TEXT = _odd(
    Kind.TRY,
    None,
    "try */ {",
    catch_all=True,
    blocks=(
        Block(
            role="body",
            label="try",
            nodes=(
                _odd(Kind.STEP, 'say "hi" `x` ${y} \\ */ done'),
                _odd(Kind.STEP, "line\r\nbreak\u2028sep"),
                _odd(Kind.STEP, "p-{}-{}", "p-{a.b}-{c[0]}", dynamic=True),
                _odd(Kind.STEP, "q-{}", "q-{`t`}", dynamic=True),
                _odd(Kind.WAIT, "w", config={"duration": " "}),
                _odd(Kind.INVOKE, "i", target="fn */ \n `x`"),
                _odd(Kind.STEP, "s", config={"retry": "*/ odd", "completion": "*/"}),
            ),
        ),
        Block(role="handler", label="Bad\nType */", nodes=(_odd(Kind.STEP, "h1"),)),
        Block(role="handler", label="error", nodes=(_odd(Kind.STEP, "h2"),)),
    ),
)
"""Names, labels and config with characters that must be escaped or kept out of comments."""


def read_back(text: str) -> Workflow:
    """The one workflow our parser reads from emitted source."""
    return emit_cases.read_back(text, "typescript")


def _same(workflow: Workflow, text: str) -> bool:
    return emit_cases.same(workflow, text, "typescript")


# -- every example -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "workflow"), EXAMPLES, ids=[f"{s}:{w.name}" for s, w in EXAMPLES]
)
def test_every_example_reads_back_the_same(shown: str, workflow: Workflow) -> None:
    text = emit(workflow)
    adapted = ADAPTED.get((shown, workflow.name))
    if adapted is not None:
        assert not _same(workflow, text), f"no longer adapted ({adapted}): remove it from ADAPTED"
        return
    back = read_back(text)
    assert workflow_signature(back) == workflow_signature(workflow), (
        f"--- original\n{describe(workflow)}\n--- read back\n{describe(back)}\n--- source\n{text}"
    )


def test_the_adaptations_are_reported() -> None:
    notes = {(s, w.name): emit_with_notes(w)[1] for s, w in EXAMPLES if (s, w.name) in ADAPTED}
    assert notes[("python/agent_loop.py", "handler")] == (
        "loop else block written as a condition after the loop",
    )
    assert notes[("python/payment_saga.py", "handler")] == (
        "try else block written at the end of the try body",
    )


# -- tsc -----------------------------------------------------------------------------------------


def _strategy_sample(count: int) -> list[Workflow]:
    drawn: list[Workflow] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(workflows("typescript"))
    def collect(workflow: Workflow) -> None:
        drawn.append(workflow)

    collect()
    return drawn


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """tsc's errors per emitted file ('' when it compiles), all files checked in one run."""
    if not TSC.exists() or not SDK.exists():
        pytest.skip("tsc and the SDK types are not installed (npm install --prefix tests/js)")
    folder = tmp_path_factory.mktemp("emitted-ts")
    names: dict[str, str] = {}
    sources = [(f"{s}:{w.name}", w) for s, w in EXAMPLES]
    sources.append(("odd text", Workflow(name="odd */ name", line=1, nodes=(ODD_TEXT,))))
    sources += [(f"generated-{i}", w) for i, w in enumerate(_strategy_sample(STRATEGY_SAMPLE))]
    for index, (shown, workflow) in enumerate(sources):
        file_name = f"handler{index}.ts"
        (folder / file_name).write_text(emit(workflow), encoding="utf-8")
        names[file_name] = shown
    config = {
        "compilerOptions": {
            "strict": True,
            "noEmit": True,
            "target": "ES2022",
            "module": "ESNext",
            "moduleResolution": "bundler",
            "skipLibCheck": True,
            "types": [],
            "paths": {"@aws/durable-execution-sdk-js": [str(SDK)]},
        },
        "include": ["*.ts"],
    }
    (folder / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    run = subprocess.run(
        [str(TSC), "-p", str(folder / "tsconfig.json"), "--pretty", "false"],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = dict.fromkeys(names.values(), "")
    for line in (run.stdout + run.stderr).splitlines():
        file_name = Path(line.split("(", 1)[0]).name
        if file_name in names:
            errors[names[file_name]] += line + "\n"
        elif line.strip():
            errors.setdefault("<tsc>", "")
            errors["<tsc>"] += line + "\n"
    return errors


def test_tsc_itself_ran_cleanly(compiled: dict[str, str]) -> None:
    assert compiled.get("<tsc>", "") == ""


@pytest.mark.parametrize(
    ("shown", "workflow"), EXAMPLES, ids=[f"{s}:{w.name}" for s, w in EXAMPLES]
)
def test_every_example_compiles(compiled: dict[str, str], shown: str, workflow: Workflow) -> None:
    assert compiled[f"{shown}:{workflow.name}"] == ""


def test_generated_workflows_compile(compiled: dict[str, str]) -> None:
    failing = {k: v for k, v in compiled.items() if k.startswith("generated-") and v}
    assert len([k for k in compiled if k.startswith("generated-")]) == STRATEGY_SAMPLE
    assert failing == {}


def test_tsc_reports_a_broken_file(tmp_path: Path) -> None:
    """The compile check can fail: a wrong argument type is an error against the SDK's types."""
    if not TSC.exists() or not SDK.exists():
        pytest.skip("tsc and the SDK types are not installed (npm install --prefix tests/js)")
    broken = emit(Workflow(name="handler", line=1, nodes=(_op(Kind.STEP, "a"),)))
    broken = broken.replace('context.step("a", ', "context.step(42, ")
    (tmp_path / "broken.ts").write_text(broken, encoding="utf-8")
    config = {
        "compilerOptions": {
            "strict": True,
            "noEmit": True,
            "target": "ES2022",
            "module": "ESNext",
            "moduleResolution": "bundler",
            "skipLibCheck": True,
            "types": [],
            "paths": {"@aws/durable-execution-sdk-js": [str(SDK)]},
        },
        "include": ["*.ts"],
    }
    (tmp_path / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    run = subprocess.run(
        [str(TSC), "-p", str(tmp_path / "tsconfig.json")],
        check=False,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "broken.ts" in run.stdout


# -- per construct -------------------------------------------------------------------------------


def _op(kind: Kind, name: str | None, **fields: object) -> Node:
    return Node(kind=kind, label=name or kind.value, line=1, column=1, name=name, **fields)  # type: ignore[arg-type]


def _flow(*nodes: Node, name: str = "handler") -> Workflow:
    return Workflow(name=name, line=1, nodes=nodes)


def _round_trips(workflow: Workflow) -> str:
    return emit_cases.assert_round_trip(workflow, emit, "typescript")


GOLDEN = """\
/**
 * approve-order: a durable handler skeleton written by durable-viz.
 *
 * Every operation, branch, loop, condition and try block of the workflow is in place;
 * fill in each TODO (the work each step does, the tests the stub predicates make).
 */

import {
  createRetryStrategy,
  DurableContext,
  StepSemantics,
  withDurableExecution,
} from "@aws/durable-execution-sdk-js";

/** TODO: `order["total"] > 100` in the original. */
function isOrderTotal100(): boolean {
  return false;
}

export const approveOrder = withDurableExecution(async (event: any, context: DurableContext) => {
  await context.step("charge-card", async () => {
    // TODO: charge-card
    return undefined;
  }, {
    retryStrategy: createRetryStrategy({ maxAttempts: 3 }),
    semantics: StepSemantics.AtMostOncePerRetry,
  });
  if (isOrderTotal100()) {
    await context.wait("cool-off", { minutes: 90 });
  }

  return { status: "TODO" };
});
"""


def test_golden_step_with_config_and_a_guarded_wait() -> None:
    step = _op(
        Kind.STEP,
        "charge-card",
        config={"retry": "exponential x3", "semantics": "at most once per retry"},
    )
    wait = _op(Kind.WAIT, "cool-off", config={"duration": "90m"})
    guard = Node(
        kind=Kind.CONDITION,
        label='order["total"] > 100',
        line=1,
        column=1,
        blocks=(Block(role="outcome", label="yes", nodes=(wait,)),),
        fallthrough="no",
    )
    workflow = _flow(step, guard, name="approve-order")
    assert emit(workflow) == GOLDEN
    back = read_back(GOLDEN)
    assert workflow_signature(back) == workflow_signature(workflow)
    assert back.nodes[0].config == step.config
    assert back.nodes[1].blocks[0].nodes[0].config == wait.config


def test_a_dynamic_name_in_a_loop_interpolates_the_loop_variable() -> None:
    step = _op(Kind.STEP, "tool:{}", dynamic=True)
    step = Node(
        kind=Kind.STEP, label="tool:{tool.name}", line=1, column=1, name="tool:{}", dynamic=True
    )
    loop = Node(
        kind=Kind.LOOP,
        label="for tool in tool_calls",
        line=1,
        column=1,
        blocks=(Block(role="body", nodes=(step,)),),
    )
    text = _round_trips(_flow(loop))
    assert "for (const tool of toolCalls) {" in text
    assert "await context.step(`tool:${tool.name}`, async () => {" in text
    assert "const { toolCalls } = event;" in text
    assert read_back(text).nodes[0].blocks[0].nodes[0].label == "tool:{tool.name}"


def test_a_name_part_typescript_cannot_read_becomes_an_input_variable() -> None:
    step = Node(
        kind=Kind.STEP,
        label="file-{key.Split('/')[^1]}",
        line=1,
        column=1,
        name="file-{}",
        dynamic=True,
    )
    text = _round_trips(_flow(step))
    assert "context.step(`file-${keySplit1}`" in text
    assert "const { keySplit1 } = event;" in text


def test_typed_handlers_are_an_instanceof_chain_with_declared_classes() -> None:
    def handler(label: str, name: str) -> Block:
        return Block(role="handler", label=label, nodes=(_op(Kind.STEP, name),))

    rethrow = Node(kind=Kind.RAISE, label="raise", line=1, column=1)
    node = Node(
        kind=Kind.TRY,
        label="try",
        line=1,
        column=1,
        blocks=(
            Block(role="body", label="try", nodes=(_op(Kind.STEP, "book"),)),
            handler("PaymentDeclinedError", "refund"),
            Block(
                role="handler",
                label="ReservationException when !error.IsTransient",
                nodes=(_op(Kind.STEP, "release"), rethrow),
            ),
            handler("errors.Fatal", "alert"),
            Block(role="finally", label="finally", nodes=(_op(Kind.STEP, "audit"),)),
        ),
    )
    text, notes = emit_with_notes(_flow(node))
    assert _same(_flow(node), text)
    assert "class PaymentDeclinedError extends Error {}" in text
    assert "if (error instanceof PaymentDeclinedError) {" in text
    assert (
        "} else if (error instanceof ReservationException) { // when !error.IsTransient"
        " in the original"
    ) in text
    assert "    throw error;\n" in text
    assert "} else if (error instanceof Error) { // errors.Fatal in the original" in text
    assert notes == (
        "exception filter when !error.IsTransient written as a comment",
        "handler errors.Fatal catches Error",
    )


def test_a_break_out_of_a_switch_inside_a_loop_labels_the_loop() -> None:
    leave = Node(kind=Kind.BREAK, label="break", line=1, column=1)
    switch = Node(
        kind=Kind.CONDITION,
        label="match decision",
        line=1,
        column=1,
        blocks=(
            Block(role="outcome", label='case "stop"', nodes=(_op(Kind.STEP, "stop"), leave)),
            Block(role="outcome", label="case Speed.Express", nodes=(_op(Kind.STEP, "rush"),)),
        ),
        fallthrough="no match",
    )
    loop = Node(
        kind=Kind.LOOP,
        label="while True",
        line=1,
        column=1,
        infinite=True,
        blocks=(Block(role="body", nodes=(switch, _op(Kind.WAIT, "pause"))),),
    )
    text = _round_trips(_flow(loop))
    assert "outer: while (true) {" in text
    assert "break outer;" in text
    assert 'case "stop":' in text
    assert "case Speed.Express:" in text
    assert 'enum Speed { Express = "Express" }' in text


def test_fan_outs_keep_their_branch_and_item_names() -> None:
    branch = Block(
        role="branch",
        label="report-{tenant.id}",
        dynamic=True,
        nodes=(
            Node(
                kind=Kind.STEP,
                label="query-{tenant.id}",
                line=1,
                column=1,
                name="query-{}",
                dynamic=True,
            ),
        ),
    )
    parallel = _op(
        Kind.PARALLEL, "build-reports", blocks=(branch,), config={"max_concurrency": "8"}
    )
    item = Block(
        role="item", label="file-{i}-{key}", dynamic=True, nodes=(_op(Kind.STEP, "extract"),)
    )
    mapped = _op(Kind.MAP, "transform", blocks=(item,), config={"nesting": "flat"})
    fixed = _op(
        Kind.PARALLEL,
        "checks",
        blocks=(
            Block(role="branch", label="parallel-branch-0", nodes=(_op(Kind.STEP, "a"),)),
            Block(role="branch", label="take-payment", nodes=(_op(Kind.STEP, "b"),)),
        ),
    )
    text = _round_trips(_flow(parallel, mapped, fixed))
    assert "tenants.map((tenant: any) => ({" in text
    assert "const { tenants, keys } = event;" in text
    assert "name: `report-${tenant.id}`," in text
    assert "itemNamer: (key: any, i: number) => `file-${i}-${key}`" in text
    assert "nesting: NestingType.FLAT" in text
    assert 'name: "take-payment",' in text


def test_a_map_over_listed_items_runs_one_function_per_item() -> None:
    items = tuple(
        Block(role="item", label=f"region-{r}", nodes=(_op(Kind.STEP, f"policy-{r}"),))
        for r in ("us", "eu")
    )
    text = _round_trips(_flow(_op(Kind.MAP, "regional", blocks=items)))
    assert 'name: "region-us",' in text
    assert "async (ctx, { run }) => run(ctx)" in text


def test_callbacks_conditions_retries_and_invokes() -> None:
    submitter = Block(role="body", label="submitter", nodes=(_op(Kind.STEP, "page"),))
    nodes = (
        _op(Kind.CREATE_CALLBACK, "approval", config={"timeout": "24h"}),
        _op(Kind.WAIT_FOR_CALLBACK, "review", blocks=(submitter,), config={"timeout": "3d"}),
        _op(Kind.WAIT_FOR_CONDITION, "printed", config={"wait_strategy": "polls up to 30x"}),
        _op(
            Kind.WITH_RETRY,
            "reserve",
            config={"retry": "linear x4", "backoff_waits": "reserve-backoff-{n}"},
            blocks=(
                Block(
                    role="body",
                    label="body",
                    nodes=(
                        Node(
                            kind=Kind.STEP,
                            label="try-{attempt}",
                            line=1,
                            column=1,
                            name="try-{}",
                            dynamic=True,
                        ),
                    ),
                ),
            ),
        ),
        Node(kind=Kind.INVOKE, label="ship", line=1, column=1, name="ship", target="{fast | slow}"),
        Node(kind=Kind.INVOKE, label="audit-fn", line=1, column=1, target="audit-fn"),
    )
    text = _round_trips(_flow(*nodes))
    assert (
        "const [approval, approvalId] = await context.createCallback("
        '"approval", { timeout: { hours: 24 } });' in text
    )
    assert "createWaitStrategy({\n      maxAttempts: 30,\n" in text
    assert 'await withRetry(context, "reserve", async (ctx, attempt) => {' in text
    assert "ctx.step(`try-${attempt}`" in text
    assert 'await context.invoke("audit-fn", { /* TODO: the payload */ });' in text


def test_an_early_return_in_an_inlined_helper_is_a_local_function() -> None:
    back = Node(kind=Kind.RETURN, label="return", line=1, column=1, scope="function")
    guard = Node(
        kind=Kind.CONDITION,
        label="done",
        line=1,
        column=1,
        fallthrough="no",
        blocks=(Block(role="outcome", label="yes", nodes=(back,)),),
    )
    scope = Node(
        kind=Kind.SCOPE,
        label="checkpoint",
        line=1,
        column=1,
        blocks=(Block(role="body", nodes=(_op(Kind.STEP, "a"), guard, _op(Kind.STEP, "b"))),),
    )
    text = _round_trips(_flow(scope, _op(Kind.STEP, "c")))
    assert "const checkpoint = async (): Promise<void> => {" in text
    assert "await checkpoint();" in text


def test_an_unnamed_step_calls_a_placeholder_named_as_the_original() -> None:
    node = Node(
        kind=Kind.STEP, label="transcripts.save", line=1, column=1, annotations=("unnamed",)
    )
    text = _round_trips(_flow(node))
    assert "await context.step(async () => transcripts.save());" in text
    assert read_back(text).nodes[0].label == "transcripts.save"


def test_emitting_typescript_never_imports_libcst() -> None:
    probe = (
        "import sys\n"
        "from durable_viz.graph import Kind, Node, Workflow\n"
        "from durable_viz.emit import emit\n"
        "emit(Workflow(name='h', line=1, nodes=(Node(kind=Kind.STEP, label='a', line=1, "
        "column=1, name='a'),)), 'ts')\n"
        "assert 'libcst' not in sys.modules, 'libcst imported'\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], check=False, capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr


def test_a_workflow_nested_thousands_deep_is_written_in_linear_time() -> None:
    node = _op(Kind.STEP, "leaf")
    for depth in range(10_000):
        body = Block(role="body", label="body", nodes=(node,))
        node = _op(Kind.CHILD_CONTEXT, f"level-{depth}", blocks=(body,))
    started = time.perf_counter()
    text = emit(_flow(node))
    assert time.perf_counter() - started < 10
    # Past 40 levels lines are not shifted further, so the file stays linear in size.
    assert len(text) < 300 * 10_000
    assert text.count("runInChildContext(") == 10_000


def test_a_workflow_nested_deep_reads_back_the_same() -> None:
    node = _op(Kind.STEP, "leaf")
    for depth in range(60):
        guard = Node(
            kind=Kind.CONDITION,
            label=f"level {depth}",
            line=1,
            column=1,
            fallthrough="no",
            blocks=(Block(role="outcome", label="yes", nodes=(node,)),),
        )
        node = _op(
            Kind.CHILD_CONTEXT,
            f"level-{depth}",
            blocks=(Block(role="body", label="body", nodes=(guard,)),),
        )
    _round_trips(_flow(node))


@pytest.mark.parametrize(
    ("kind", "config"),
    [
        (Kind.STEP, {"retry": "exponential x5"}),
        (Kind.STEP, {"retry": "exponential"}),
        (Kind.STEP, {"retry": "linear x3"}),
        (Kind.STEP, {"retry": "linear"}),
        (Kind.STEP, {"retry": "default"}),
        (Kind.STEP, {"retry": "no retry"}),
        (Kind.STEP, {"retry": "custom"}),
        (Kind.STEP, {"semantics": "at least once per retry"}),
        (Kind.MAP, {"completion": "min 2 successful, tolerates 1 failures"}),
        (Kind.MAP, {"completion": "tolerates 10% failures", "max_concurrency": "4"}),
        (Kind.PARALLEL, {"nesting": "nested"}),
        (Kind.INVOKE, {"tenant": "acme"}),
        (Kind.INVOKE, {"tenant": "{order.tenant}"}),
        (Kind.CREATE_CALLBACK, {"timeout": "2d", "heartbeat_timeout": "15m"}),
        (Kind.WAIT_FOR_CONDITION, {"wait_strategy": "polls up to 40x"}),
        (Kind.WAIT_FOR_CONDITION, {"wait_strategy": "custom polling"}),
        (Kind.CHILD_CONTEXT, {"virtual": "true"}),
        (Kind.WAIT, {"duration": "2d"}),
        (Kind.WAIT, {"duration": "1h 30m"}),
    ],
)
def test_config_reads_back_as_written(kind: Kind, config: dict[str, str]) -> None:
    blocks: tuple[Block, ...] = ()
    if kind is Kind.MAP:
        blocks = (Block(role="item", label="map-item-{i}", dynamic=True),)
    if kind is Kind.PARALLEL:
        blocks = (Block(role="branch", label="parallel-branch-0"),)
    if kind is Kind.CHILD_CONTEXT:
        blocks = (Block(role="body", label="body"),)
    target = "fn" if kind is Kind.INVOKE else None
    node = _op(kind, "op", config=config, blocks=blocks, target=target)
    back = read_back(_round_trips(_flow(node))).nodes[0]
    expected = dict(config)
    if expected.get("duration") == "1h 30m":
        expected["duration"] = "90m"  # how the parsers write 5400 seconds
    assert dict(back.config) == expected


def test_settings_typescript_cannot_say_are_written_closest_with_a_comment() -> None:
    node = _op(
        Kind.PARALLEL,
        "checks",
        config={"completion": "all successful", "retry": "transient"},
        blocks=(Block(role="branch", label="parallel-branch-0"),),
    )
    text = emit(_flow(node))
    assert (
        "completionConfig: { toleratedFailureCount: 0 } /* all successful in the original */"
        in text
    )
    step = _op(Kind.STEP, "call", config={"retry": "transient"})
    assert "retryStrategy: createRetryStrategy({}) /* transient retry in the original */" in emit(
        _flow(step)
    )


def test_odd_text_is_escaped_and_kept_out_of_comments(compiled: dict[str, str]) -> None:
    workflow = Workflow(name="odd */ name", line=1, nodes=(ODD_TEXT,))
    _round_trips(workflow)
    assert compiled["odd text"] == ""


def test_generated_names_never_shadow_the_sdk_or_the_handler() -> None:
    step = Node(
        kind=Kind.STEP,
        label="x-{retryPresets.id}",
        line=1,
        column=1,
        name="x-{}",
        dynamic=True,
    )
    guard = Node(
        kind=Kind.CONDITION,
        label="with retry",
        line=1,
        column=1,
        fallthrough="no",
        blocks=(Block(role="outcome", label="yes", nodes=(_op(Kind.STEP, "a"),)),),
    )
    text = _round_trips(_flow(step, guard, name="withDurableExecution"))
    assert "export const withDurableExecution_2 = withDurableExecution(" in text
    assert "const { part } = event;" in text  # retryPresets is the SDK's
    assert "context.step(`x-${part}`" in text
