"""The Java emitter: every example of every language written as a Java handler compiles with
``javac`` against the SDK stubs in ``tests/stubs/java`` and reads back as the same workflow;
per-construct cases pin the code it writes.

Without a JDK (no ``javac`` on PATH) the compile checks skip; the round trips still run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import emit_cases
import pytest
from emit_cases import ROOT, example_workflows
from hypothesis import HealthCheck, given, settings
from signature import describe, workflow_signature
from workflow_strategy import workflows

from durable_viz.emit.java import emit
from durable_viz.graph import Block, Kind, Node, Workflow

STUBS = ROOT / "tests" / "stubs" / "java"
JAVAC = shutil.which("javac")
STRATEGY_SAMPLE = 30
"""Generated workflows compiled with javac (one batch; the round trip itself runs in
tests/test_roundtrip.py)."""

ADAPTED: dict[tuple[str, str], str] = {
    ("python/agent_loop.py", "handler"): "for/else: the else block runs under a stub predicate",
    ("python/payment_saga.py", "handler"): "try/else: the else block ends the try body",
    ("typescript/inventorySync.ts", "handler"): (
        "combinator branches named by a registry, a named race: Java's anyOf/allOf carry no "
        "names and name a branch after its operation"
    ),
}
"""Example workflows Java cannot say as the original did: their round trip differs, and a case
fails once it no longer does (the adaptation is then no longer needed)."""


EXAMPLES = list(example_workflows())


def read_back(text: str) -> Workflow:
    """The one workflow our parser reads from emitted source."""
    return emit_cases.read_back(text, "java")


def _same(workflow: Workflow, text: str) -> bool:
    return emit_cases.same(workflow, text, "java")


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


def test_every_adaptation_names_an_example() -> None:
    assert set(ADAPTED) <= {(s, w.name) for s, w in EXAMPLES}


# -- javac ---------------------------------------------------------------------------------------


def _strategy_sample(count: int) -> list[Workflow]:
    drawn: list[Workflow] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(workflows("java"))
    def collect(workflow: Workflow) -> None:
        drawn.append(workflow)

    collect()
    return drawn


def _class_name(text: str) -> str:
    found = re.search(r"public class (\w+)", text)
    assert found is not None, text
    return found.group(1)


def javac(sources: dict[str, str], folder: Path) -> dict[str, str]:
    """Compile emitted files (by a key each) with the stubs in one javac run; javac's errors
    per key ('' when the file compiles), and ``<javac>`` for errors in no emitted file."""
    assert JAVAC is not None
    files: dict[Path, str] = {}
    for index, (key, text) in enumerate(sources.items()):
        # Each file in its own package, so that class names may repeat across workflows.
        package = f"p{index}"
        path = folder / package / f"{_class_name(text)}.java"
        path.parent.mkdir(parents=True)
        path.write_text(text.replace("package example;", f"package {package};", 1), "utf-8")
        files[path] = key
    stubs = sorted(str(p) for p in STUBS.rglob("*.java"))
    run = subprocess.run(
        [JAVAC, "-encoding", "UTF-8", "-Xmaxerrs", "10000", "-d", str(folder / "classes")]
        + stubs
        + [str(p) for p in files],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    errors = dict.fromkeys(files.values(), "")
    current = "<javac>"  # javac's lines after an error's first one belong to that error
    for line in (run.stdout + run.stderr).splitlines():
        where = Path(line.split(":", 1)[0]) if ".java:" in line else None
        if where is not None:
            current = files.get(where, "<javac>")
        elif re.fullmatch(r"\d+ errors?|\d+ warnings?", line.strip()):
            continue
        errors[current] = errors.get(current, "") + line + "\n"
    if run.returncode and not any(errors.values()):
        errors["<javac>"] = run.stdout + run.stderr
    return errors


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """javac's errors per emitted example and generated workflow, all in one javac run."""
    if JAVAC is None:
        pytest.skip("javac is not on PATH (a JDK 17+ is needed for the compile checks)")
    sources = {f"{s}:{w.name}": emit(w) for s, w in EXAMPLES}
    for index, workflow in enumerate(_strategy_sample(STRATEGY_SAMPLE)):
        sources[f"generated-{index}"] = emit(workflow)
    return javac(sources, tmp_path_factory.mktemp("emitted-java"))


def test_javac_itself_ran_cleanly(compiled: dict[str, str]) -> None:
    assert compiled.get("<javac>", "") == ""


@pytest.mark.parametrize(
    ("shown", "workflow"), EXAMPLES, ids=[f"{s}:{w.name}" for s, w in EXAMPLES]
)
def test_every_example_compiles(compiled: dict[str, str], shown: str, workflow: Workflow) -> None:
    assert compiled[f"{shown}:{workflow.name}"] == ""


def test_generated_workflows_compile(compiled: dict[str, str]) -> None:
    generated = {k: v for k, v in compiled.items() if k.startswith("generated-")}
    assert len(generated) == STRATEGY_SAMPLE
    assert {k: v for k, v in generated.items() if v} == {}


def test_javac_reports_a_broken_file(tmp_path: Path) -> None:
    """The compile check can fail: a name that is no String is an error against the stubs."""
    if JAVAC is None:
        pytest.skip("javac is not on PATH")
    text = emit(_flow(_op(Kind.STEP, "a")))
    broken = text.replace('context.step("a", ', "context.step(42, ")
    assert broken != text
    errors = javac({"ok": text, "broken": broken}, tmp_path)
    assert errors["ok"] == ""
    assert "error" in errors["broken"]


# -- per construct -------------------------------------------------------------------------------


def _op(kind: Kind, name: str | None, **fields: object) -> Node:
    return Node(kind=kind, label=name or kind.value, line=1, column=1, name=name, **fields)  # type: ignore[arg-type]


def _node(kind: Kind, label: str, *blocks: Block, **fields: object) -> Node:
    return Node(kind=kind, label=label, line=1, column=1, blocks=blocks, **fields)  # type: ignore[arg-type]


def _flow(*nodes: Node, name: str = "OrderWorkflow") -> Workflow:
    return Workflow(name=name, line=1, nodes=nodes)


def _round_trips(workflow: Workflow) -> str:
    return emit_cases.assert_round_trip(workflow, emit, "java")


GOLDEN = """\
package example;

import java.time.Duration;
import java.util.Map;
import software.amazon.lambda.durable.DurableContext;
import software.amazon.lambda.durable.DurableHandler;
import software.amazon.lambda.durable.config.StepConfig;
import software.amazon.lambda.durable.config.StepSemantics;
import software.amazon.lambda.durable.retry.JitterStrategy;
import software.amazon.lambda.durable.retry.RetryStrategies;
import software.amazon.lambda.durable.retry.RetryStrategy;

/**
 * The approve-order workflow as a durable handler.
 *
 * <p>Every operation, branch, loop, condition and try block is in place;
 * fill in each TODO.
 */
public class ApproveOrder extends DurableHandler<Map<String, Object>, Object> {

    private static final RetryStrategy RETRY_EXPONENTIAL_3 = RetryStrategies.exponentialBackoff(
            3, Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0, JitterStrategy.FULL);

    @Override
    public Object handleRequest(Map<String, Object> input, DurableContext context) {
        context.step("charge-card", Object.class, stepCtx -> {
            // TODO: the work of charge-card
            return null;
        }, StepConfig.builder()
                .retryStrategy(RETRY_EXPONENTIAL_3)
                .semanticsPerRetry(StepSemantics.AT_MOST_ONCE_PER_RETRY)
                .build());
        if (orderTotal100(input)) {
            context.wait("cool-off", Duration.ofMinutes(90));
        }
        return null;
    }

    /** TODO: decide order["total"] > 100 */
    private static boolean orderTotal100(Map<String, Object> input) {
        return false;
    }
}
"""


def test_golden_step_with_config_and_a_guarded_wait() -> None:
    step = _op(
        Kind.STEP,
        "charge-card",
        config={"retry": "exponential x3", "semantics": "at most once per retry"},
    )
    wait = _op(Kind.WAIT, "cool-off", config={"duration": "90m"})
    guard = _node(
        Kind.CONDITION,
        'order["total"] > 100',
        Block(role="outcome", label="yes", nodes=(wait,)),
        fallthrough="no",
    )
    text = _round_trips(_flow(step, guard, name="approve-order"))
    assert text == GOLDEN
    back = read_back(text)
    assert dict(back.nodes[0].config) == {
        "retry": "exponential x3",
        "semantics": "at most once per retry",
    }
    assert back.nodes[1].blocks[0].nodes[0].config["duration"] == "90m"


GOLDEN_PARALLEL = """\
        try (var parallel = context.parallel("notify", ParallelConfig.builder()
                .maxConcurrency(2)
                .build())) {
            parallel.branch("email", Object.class, ctx -> {
                ctx.step("send-email", Object.class, stepCtx -> {
                    // TODO: the work of send-email
                    return null;
                });
                return null;
            });
            for (Item carrier : items(input, "notify-{carrier} items")) {
                parallel.branch("notify-" + carrier, Object.class, ctx -> {
                    ctx.step(null, Object.class, stepCtx -> {
                        // TODO: the work of step
                        return null;
                    });
                    return null;
                });
            }
            parallel.get();
        }
"""


def test_a_parallel_registers_named_branches_and_one_per_item_in_a_loop() -> None:
    parallel = _op(
        Kind.PARALLEL,
        "notify",
        config={"max_concurrency": "2"},
        blocks=(
            Block(role="branch", label="email", nodes=(_op(Kind.STEP, "send-email"),)),
            Block(
                role="branch",
                label="notify-{carrier}",
                dynamic=True,
                nodes=(_op(Kind.STEP, None),),
            ),
        ),
    )
    text = _round_trips(_flow(parallel))
    assert GOLDEN_PARALLEL in text
    back = read_back(text)
    assert [(b.label, b.dynamic) for b in back.nodes[0].blocks] == [
        ("email", False),
        ("notify-{carrier}", True),
    ]


def test_a_dynamic_name_reads_a_loop_variable_or_a_placeholder_local() -> None:
    step = Node(
        kind=Kind.STEP,
        label="process-{order.id}",
        line=1,
        column=1,
        name="process-{}",
        dynamic=True,
    )
    other = Node(
        kind=Kind.STEP, label="audit-{run['id']}", line=1, column=1, name="audit-{}", dynamic=True
    )
    loop = _node(Kind.LOOP, "for order in orders", Block(role="body", nodes=(step,)))
    text = _round_trips(_flow(loop, other))
    assert 'for (Item order : items(input, "for order in orders")) {' in text
    assert 'context.step("process-" + order.id, Object.class' in text
    # A part Java cannot read as written becomes a placeholder local named after it.
    assert "Item runId = new Item(); // TODO: the value of run['id']" in text
    assert 'context.step("audit-" + runId, Object.class' in text
    assert "public Item id;" in text  # the placeholder type has the member the name reads
    labels = [n.label for n in read_back(text).nodes]
    assert labels[0] == 'for order : items(input, "for order in orders")'


def test_a_name_that_is_only_a_runtime_value() -> None:
    step = Node(kind=Kind.STEP, label="{stepName}", line=1, column=1, name="{}", dynamic=True)
    text = _round_trips(_flow(step))
    assert "context.step(String.valueOf(stepName), Object.class" in text


def test_a_switch_over_strings_and_a_break_through_it_labels_the_loop() -> None:
    leave = _node(Kind.BREAK, "break")
    switch = _node(
        Kind.CONDITION,
        'match order["kind"]',
        Block(role="outcome", label='case "gift", case "bulk"', nodes=(_op(Kind.STEP, "wrap"),)),
        Block(role="outcome", label='case "stop"', nodes=(_op(Kind.STEP, "halt"), leave)),
        Block(role="outcome", label="default", nodes=(_op(Kind.STEP, "ship"),)),
    )
    loop = _node(Kind.LOOP, "while True", Block(role="body", nodes=(switch,)), infinite=True)
    text = _round_trips(_flow(loop))
    assert "loop1: while (true) {" in text
    assert "switch (orderKind(input)) {" in text
    assert '                case "gift":\n                case "bulk":\n' in text
    assert "break loop1;" in text
    assert "private static String orderKind(Map<String, Object> input)" in text
    # The loop is left only by the labelled break: the handler's end stays reachable.
    assert text.count("return null;") == 4


def test_a_switch_over_named_constants_declares_an_enum() -> None:
    switch = _node(
        Kind.CONDITION,
        "switch order.priority()",
        Block(role="outcome", label="case EXPRESS", nodes=(_op(Kind.STEP, "rush"),)),
        Block(role="outcome", label="case STANDARD", nodes=(_op(Kind.STEP, "queue"),)),
        fallthrough="no match",
        jump_label="switch 3:9",
    )
    text = _round_trips(_flow(switch))
    assert "enum OrderPriority {\n        EXPRESS, STANDARD\n    }" in text
    assert "private static OrderPriority orderPriority(" in text
    assert "case EXPRESS:" in text


def test_try_with_typed_handlers_and_finally() -> None:
    tried = _node(
        Kind.TRY,
        "try",
        Block(role="body", label="try", nodes=(_op(Kind.STEP, "charge"),)),
        Block(
            role="handler",
            label="PaymentDeclinedError | CardExpiredError",
            nodes=(_op(Kind.STEP, "refund"), _node(Kind.RAISE, "raise BookingFailedError")),
        ),
        Block(role="handler", label="error", nodes=(_op(Kind.STEP, "alert"),)),
        Block(role="finally", label="finally", nodes=(_op(Kind.STEP, "audit"),)),
        catch_all=True,
    )
    text = _round_trips(_flow(tried))
    assert "} catch (PaymentDeclinedError | CardExpiredError error) {" in text
    assert "} catch (Exception error) {" in text  # a sibling clause: the name is free again
    assert 'throw new BookingFailedError("TODO: raise BookingFailedError");' in text
    for declared in ("PaymentDeclinedError", "CardExpiredError", "BookingFailedError"):
        assert f"static final class {declared} extends RuntimeException {{" in text


def test_a_try_else_block_ends_the_try_body() -> None:
    tried = _node(
        Kind.TRY,
        "try",
        Block(role="body", label="try", nodes=(_op(Kind.STEP, "book"),)),
        Block(role="handler", label="ValueError", nodes=(_op(Kind.STEP, "undo"),)),
        Block(role="else", label="else", nodes=(_op(Kind.STEP, "confirm"),)),
    )
    workflow = _flow(tried)
    text = emit(workflow)
    assert "// The try's else block: Java has none; it ends the try body." in text
    back = read_back(text)
    assert [b.role for b in back.nodes[0].blocks] == ["body", "handler"]
    assert [n.name for n in back.nodes[0].blocks[0].nodes] == ["book", "confirm"]


def test_a_loop_else_block_runs_under_a_stub_predicate() -> None:
    loop = _node(
        Kind.LOOP,
        "for item in items",
        Block(role="body", nodes=(_op(Kind.STEP, "scan"),)),
        Block(role="else", label="else", nodes=(_op(Kind.STEP, "none-found"),)),
    )
    text = emit(_flow(loop))
    assert "// the loop's else block" in text
    back = read_back(text)
    assert [n.kind for n in back.nodes] == [Kind.LOOP, Kind.CONDITION]


def test_map_over_listed_items_names_them_with_an_item_namer() -> None:
    blocks = tuple(
        Block(role="item", label=f"region-{r}", nodes=(_op(Kind.STEP, f"policy-{r}"),))
        for r in ("us", "eu", "ap")
    )
    mapped = _op(Kind.MAP, "policy-check", config={"max_concurrency": "3"}, blocks=blocks)
    text = _round_trips(_flow(mapped))
    assert 'List.of("us", "eu", "ap")' in text
    assert 'ctx.step("policy-" + item, Object.class' in text
    assert '.itemNamer((item, index) -> "region-" + item)' in text


def test_map_over_runtime_items_keeps_its_item_namer_label() -> None:
    mapped = _op(
        Kind.MAP,
        "transform",
        blocks=(
            Block(
                role="item",
                label="file-{i}-{key.name}",
                dynamic=True,
                nodes=(_op(Kind.STEP, "extract"),),
            ),
        ),
    )
    text = _round_trips(_flow(mapped))
    assert '.itemNamer(Item.class, (key, i) -> "file-" + i + "-" + key.name)' in text


def test_callbacks_conditions_retries_and_invokes() -> None:
    nodes = (
        _op(
            Kind.CREATE_CALLBACK,
            "approval",
            config={"timeout": "24h", "heartbeat_timeout": "30m"},
        ),
        _op(Kind.WAIT_FOR_CALLBACK, "review", config={"timeout": "3d"}),
        _op(Kind.WAIT_FOR_CONDITION, "poll", config={"wait_strategy": "polls up to 40x"}),
        _op(
            Kind.WITH_RETRY,
            "charge-with-retry",
            config={"retry": "linear x4"},
            blocks=(Block(role="body", label="body", nodes=(_op(Kind.STEP, "charge"),)),),
        ),
        _op(Kind.INVOKE, "ship", target="shipping-service", config={"tenant": "acme"}),
        _op(Kind.INVOKE, "respond", target="{urgent-responder | responder}"),
        _op(
            Kind.CHILD_CONTEXT,
            "aggregate",
            config={"virtual": "true"},
            blocks=(Block(role="body", label="body", nodes=(_op(Kind.WAIT, None),)),),
        ),
    )
    text = _round_trips(_flow(*nodes))
    back = read_back(text)
    assert back.nodes[0].config["timeout"] == "24h"
    assert back.nodes[0].config["heartbeat_timeout"] == "30m"
    assert back.nodes[1].config["timeout"] == "3d"
    assert back.nodes[2].config["wait_strategy"] == "polls up to 40x"
    assert back.nodes[3].config["retry"] == "linear x4"
    assert back.nodes[4].config["tenant"] == "acme"
    assert back.nodes[5].target == "{urgent-responder | responder}"
    assert back.nodes[6].config["virtual"] == "true"
    assert "var callback = context.createCallback(" in text
    assert 'context.withRetry("charge-with-retry", (attempt, ctx) -> {' in text
    assert "waitTime()" in text  # a wait whose duration the original does not show


def test_combinators_are_all_of_and_any_of_over_async_operations() -> None:
    combined = _node(
        Kind.PROMISE_ALL,
        "all",
        Block(role="branch", label="a", nodes=(_op(Kind.STEP, "a"),)),
        Block(role="branch", label="b", nodes=(_op(Kind.INVOKE, "b", target="fn-b"),)),
    )
    race = _node(Kind.PROMISE_ANY, "any")
    text = _round_trips(_flow(combined, race))
    assert 'DurableFuture.allOf(\n            context.stepAsync("a"' in text
    assert 'context.invokeAsync("b", "fn-b", input, Object.class)\n        ).get();' in text
    assert "DurableFuture.anyOf(List.of()).get();" in text


def test_an_early_return_in_an_inlined_helper_is_a_helper_method() -> None:
    helper = _node(
        Kind.SCOPE,
        "close_ticket",
        Block(
            role="body",
            nodes=(
                _node(
                    Kind.CONDITION,
                    "done",
                    Block(
                        role="outcome",
                        label="yes",
                        nodes=(_node(Kind.RETURN, "return", scope="function"),),
                    ),
                    fallthrough="no",
                ),
                _op(Kind.STEP, "close"),
            ),
        ),
    )
    text = _round_trips(_flow(helper, _op(Kind.STEP, "after")))
    assert "closeTicket(context, input);" in text
    assert (
        "private static void closeTicket(DurableContext ctx, Map<String, Object> input) {" in text
    )
    assert "            return;\n" in text


def test_labelled_jumps_keep_their_labels() -> None:
    inner = _node(
        Kind.LOOP,
        "for line : order.lines()",
        Block(
            role="body",
            nodes=(
                _node(
                    Kind.CONDITION,
                    "missing",
                    Block(
                        role="outcome",
                        label="yes",
                        nodes=(_node(Kind.CONTINUE, "continue", jump_label="orders"),),
                    ),
                    fallthrough="no",
                ),
                _op(Kind.STEP, "pick"),
            ),
        ),
    )
    outer = _node(
        Kind.LOOP, "for order : orders", Block(role="body", nodes=(inner,)), jump_label="orders"
    )
    text = _round_trips(_flow(outer))
    assert "orders: for (Item order" in text
    assert "continue orders;" in text


def test_names_and_texts_are_escaped() -> None:
    step = _op(Kind.STEP, 'say "hi"\\now')
    guard = _node(
        Kind.CONDITION,
        "x */ y \\u0041",
        Block(role="outcome", label="yes", nodes=(_op(Kind.WAIT, "w", config={"duration": "5s"}),)),
        fallthrough="no",
    )
    text = _round_trips(_flow(step, guard))
    assert 'context.step("say \\"hi\\"\\\\now", Object.class' in text
    assert "*/ y" not in text
    assert "\\u0041" not in text.replace("\\\\u0041", "")


def test_the_workflow_name_becomes_the_class_name() -> None:
    assert "public class OrderFlow extends" in emit(_flow(_op(Kind.STEP, "a"), name="order_flow"))
    assert "public class GREETER extends" in emit(_flow(_op(Kind.STEP, "a"), name="GREETER"))


def test_an_item_namer_in_its_typed_form_is_read() -> None:
    """Parser regression: ``itemNamer(Order.class, (order, i) -> ...)`` (the SDK's typed
    overload) names the items; the parser read only the first argument."""
    source = """
    import software.amazon.lambda.durable.DurableContext;
    import software.amazon.lambda.durable.DurableHandler;
    import software.amazon.lambda.durable.config.MapConfig;
    public class Flow extends DurableHandler<Request, String> {
        @Override
        public String handleRequest(Request request, DurableContext context) {
            context.map("orders", request.orders(), String.class, (order, i, ctx) -> "x",
                MapConfig.builder()
                    .itemNamer(Order.class, (order, i) -> "order-" + order.id())
                    .build());
            return "done";
        }
    }
    """
    workflow = read_back(source)
    item = workflow.nodes[0].blocks[0]
    assert (item.label, item.dynamic) == ("order-{order.id()}", True)


def test_unnamed_operations_pass_null() -> None:
    nodes = (_op(Kind.STEP, None), _op(Kind.WAIT, None, config={"duration": "1m"}))
    text = _round_trips(_flow(*nodes))
    assert "context.step(null, Object.class" in text
    assert "context.wait(null, Duration.ofMinutes(1));" in text


def test_emitting_java_never_imports_libcst() -> None:
    code = (
        "import sys\n"
        "from durable_viz.emit.java import emit\n"
        "from durable_viz.graph import Kind, Node, Workflow\n"
        "emit(Workflow(name='w', line=1, nodes=(Node(kind=Kind.STEP, label='a', line=1,"
        " column=1, name='a'),)))\n"
        "assert 'libcst' not in sys.modules, 'libcst imported'\n"
    )
    run = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_code_after_a_statement_that_never_completes_is_kept_as_a_comment() -> None:
    """Java rejects unreachable statements; a parser draws them (dead code in Python)."""
    exits = _node(
        Kind.CONDITION,
        "ok",
        Block(role="outcome", label="yes", nodes=(_node(Kind.RETURN, "return"),)),
        Block(role="outcome", label="no", nodes=(_node(Kind.RAISE, "raise ValueError"),)),
    )
    text = emit(_flow(_op(Kind.STEP, "a"), exits, _op(Kind.STEP, "dead")))
    assert "        // Unreachable in the original workflow:\n" in text
    assert '        // context.step("dead", Object.class, stepCtx -> {\n' in text
    assert "        return null;\n    }" not in text  # the method ends in the if/else
    assert [n.name for n in read_back(text).nodes if n.is_operation] == ["a"]


def test_a_labelled_block_left_by_a_break() -> None:
    found = _node(
        Kind.SCOPE,
        "found",
        Block(
            role="body",
            nodes=(
                _node(
                    Kind.CONDITION,
                    "cached",
                    Block(
                        role="outcome",
                        label="yes",
                        nodes=(_node(Kind.BREAK, "break", jump_label="found"),),
                    ),
                    fallthrough="no",
                ),
                _op(Kind.STEP, "lookup"),
            ),
        ),
        jump_label="found",
    )
    text = _round_trips(_flow(found, _op(Kind.STEP, "use")))
    assert "        found: {\n" in text
    assert "break found;" in text


def test_handlers_java_would_reject_get_types_it_accepts() -> None:
    """Two handlers of one try catching the same type: the second catches ``Error``, then
    ``Throwable`` (javac rejects a catch clause an earlier one covers)."""
    tried = _node(
        Kind.TRY,
        "try",
        Block(role="body", label="try", nodes=(_op(Kind.STEP, "a"),)),
        Block(role="handler", label="Exception", nodes=(_op(Kind.STEP, "b"),)),
        Block(role="handler", label="Exception", nodes=(_op(Kind.STEP, "c"),)),
        Block(role="handler", label="(errors.Timeout, KeyError)", nodes=(_op(Kind.STEP, "d"),)),
        catch_all=True,
    )
    text = _round_trips(_flow(tried))
    assert "} catch (Exception error) {" in text
    assert "} catch (Error error) {" in text
    assert "} catch (Throwable error) {" in text


def test_switches_over_numbers_and_over_mixed_labels() -> None:
    numbers = _node(
        Kind.CONDITION,
        "switch attempt",
        Block(role="outcome", label="case 1", nodes=(_op(Kind.STEP, "one"),)),
        Block(role="outcome", label="case 2", nodes=(_op(Kind.STEP, "two"),)),
        fallthrough="no match",
    )
    mixed = _node(
        Kind.CONDITION,
        "switch kind",
        Block(role="outcome", label='case "a" | "b"', nodes=(_op(Kind.STEP, "ab"),)),
        Block(role="outcome", label="case 3", nodes=(_op(Kind.STEP, "three"),)),
        Block(role="outcome", label='case {"x": 1}', nodes=(_op(Kind.STEP, "pattern"),)),
        Block(role="outcome", label="default", nodes=(_op(Kind.STEP, "other"),)),
    )
    text = _round_trips(_flow(numbers, mixed))
    assert "private static int attempt(Map<String, Object> input)" in text
    assert "            case 1:\n" in text
    assert '            case "a":\n            case "b":\n' in text  # TypeScript's grouped cases
    assert '            case "{\\"x\\": 1}":\n' in text  # a pattern Java has not: its text
    assert '            case "3":\n' in text


def test_futures_a_combinator_names_are_held_in_variables() -> None:
    """``DurableFuture.anyOf(ecb, fed)`` over futures made earlier: the parser names them in
    the combinator's annotation; they are written as ``...Async`` calls held in variables."""
    ecb, fed = _op(Kind.STEP, "rates-ecb"), _op(Kind.INVOKE, "rates-fed", target="fed-fn")
    either = _node(Kind.PROMISE_ANY, "anyOf", annotations=("any of rates-ecb, rates-fed",))
    text = _round_trips(_flow(ecb, fed, either))
    assert 'var ratesEcb = context.stepAsync("rates-ecb", Object.class' in text
    assert 'var ratesFed = context.invokeAsync("rates-fed", "fed-fn", input' in text
    assert "DurableFuture.anyOf(ratesEcb, ratesFed).get();" in text
    assert read_back(text).nodes[2].annotations == ("any of rates-ecb, rates-fed",)


AWKWARD = ['a"b', "c\\d", "x */ y", "class", "\\u0041", "é-ü", "{x}", "line\nbreak", "😀", ""]


def test_awkward_names_and_texts_still_compile(tmp_path: Path) -> None:
    """Names, labels and error types as a JSON document may carry them (scaffold): quotes,
    backslashes, comment ends, ``\\u`` (javac reads it even in comments), line breaks,
    keywords, a workflow named like an SDK type, and a jump whose target is not there."""
    if JAVAC is None:
        pytest.skip("javac is not on PATH")
    nodes: list[Node] = []
    for text in AWKWARD:
        nodes.append(_op(Kind.STEP, text))
        guard = Block(role="outcome", label="yes", nodes=(_op(Kind.WAIT, text),))
        nodes.append(_node(Kind.CONDITION, text, guard, fallthrough="no"))
        body = Block(role="body", nodes=(_op(Kind.STEP, None),))
        nodes.append(_node(Kind.LOOP, f"for {text}", body))
        handler = Block(role="handler", label=text, nodes=(_node(Kind.RAISE, f"raise {text}"),))
        tried = Block(role="body", label="try", nodes=(_op(Kind.STEP, "t"),))
        nodes.append(_node(Kind.TRY, "try", tried, handler))
    nodes.append(_node(Kind.BREAK, "break", jump_label='no "such" label'))
    sources = {
        name: emit(_flow(*nodes, name=name)) for name in ("DurableContext", "List", 'x"y\nz')
    }
    assert javac(sources, tmp_path) == dict.fromkeys(sources, "")
    assert "Unreachable in the original workflow" not in sources["List"]


def test_a_completion_of_several_rules_is_the_sdk_record() -> None:
    """Parser regression: ``new CompletionConfig(min, tolerated, percentage)`` (the SDK's record,
    the only way to combine rules) was read as a custom completion."""
    mapped = _op(
        Kind.MAP,
        "fan-out",
        config={"completion": "min 2 successful, tolerates 1 failures"},
        blocks=(Block(role="item", label="map-item-{i}", dynamic=True),),
    )
    text = _round_trips(_flow(mapped))
    assert ".completionConfig(new CompletionConfig(2, 1, null))" in text
    back = read_back(text)
    assert back.nodes[0].config["completion"] == "min 2 successful, tolerates 1 failures"
