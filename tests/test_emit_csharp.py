"""The C# emitter: every example of every language written as a C# handler parses without an
error in tree-sitter (there is no ``dotnet`` here) and reads back as the same workflow, once the
constructs C# cannot say are adapted (``durable_viz.emit.csharp_adapt``); per-construct cases pin
the code it writes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import emit_cases
import pytest
from emit_cases import ROOT, example_workflows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from signature import describe, workflow_signature
from workflow_strategy import workflows

from durable_viz.api import parse_source
from durable_viz.emit.csharp import ADAPTATIONS, emit, emit_with_notes
from durable_viz.emit.csharp_adapt import adapted
from durable_viz.graph import Block, Kind, Node, Workflow
from durable_viz.parsers.treesitter import Source

STRATEGY_SAMPLE = 15
"""Generated workflows per language checked here (the long property run is in
tests/test_roundtrip.py)."""

ADAPTED: dict[tuple[str, str], str] = {
    ("java/InlineHandlers.java", "runner"): "with_retry written as a child context",
    ("java/PaymentSaga.java", "PaymentSaga"): "with_retry written as a child context",
    ("python/agent_loop.py", "handler"): "loop else written after the loop",
    ("python/payment_saga.py", "handler"): "with_retry as a child context; try else in the body",
    ("typescript/inventorySync.ts", "handler"): "race as Task.WhenAny; branches named by keys",
    ("typescript/paymentSaga.ts", "handler"): "with_retry written as a child context",
    ("typescript/refundWorkflow.ts", "handler"): "with_retry written as a child context",
}
"""Example workflows C# cannot say as the original did: their round trip differs from the
original (and matches the adapted model); a case fails once it no longer differs."""


EXAMPLES = list(example_workflows())


def syntax_errors(text: str) -> list[str]:
    """Where tree-sitter found an ERROR or MISSING node in C# source."""
    source = Source(text, "csharp")
    found: list[str] = []
    stack = [source.root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            line, column = source.position(node)
            found.append(f"{line}:{column} {node.type}")
        stack.extend(node.children)
    return found


def read_back(text: str) -> Workflow:
    """The one workflow our parser reads from emitted source."""
    return emit_cases.read_back(text, "csharp")


def assert_reads_back(workflow: Workflow, text: str) -> None:
    """The emitted source parses cleanly and reads back as the workflow C# can say."""
    assert syntax_errors(text) == [], text
    expected = adapted(workflow)
    back = read_back(text)
    assert workflow_signature(back) == workflow_signature(expected), (
        f"--- expected\n{describe(expected)}\n--- read back\n{describe(back)}\n--- source\n{text}"
    )


@pytest.mark.parametrize(
    ("shown", "workflow"), EXAMPLES, ids=[f"{s}:{w.name}" for s, w in EXAMPLES]
)
def test_every_example_parses_and_reads_back(shown: str, workflow: Workflow) -> None:
    text = emit(workflow)
    assert_reads_back(workflow, text)
    same = workflow_signature(read_back(text)) == workflow_signature(workflow)
    reason = ADAPTED.get((shown, workflow.name))
    if reason is None:
        assert same
    else:
        assert not same, f"no longer adapted ({reason}): remove it from ADAPTED"


def test_every_adaptation_is_noted_and_only_those() -> None:
    noted = {(s, w.name) for s, w in EXAMPLES if emit_with_notes(w)[1]}
    assert noted == set(ADAPTED)
    assert set(ADAPTED) <= {(s, w.name) for s, w in EXAMPLES}


@pytest.mark.parametrize("language", ["python", "typescript", "java", "csharp"])
def test_generated_workflows_parse_and_read_back(language: str) -> None:
    """A derandomized sample of every language's strategy, C#-adapted."""

    @settings(
        max_examples=STRATEGY_SAMPLE,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(workflows(language))
    def check(workflow: Workflow) -> None:
        assert_reads_back(workflow, emit(workflow))

    check()


def test_the_csharp_strategy_needs_no_adaptation() -> None:
    @settings(
        max_examples=STRATEGY_SAMPLE,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(workflows("csharp"))
    def check(workflow: Workflow) -> None:
        assert emit_with_notes(workflow)[1] == []
        assert workflow_signature(adapted(workflow)) == workflow_signature(workflow)

    check()


def test_syntax_errors_are_found() -> None:
    assert syntax_errors("class C { void M() { await x.StepAsync(; } }")


# -- per construct -------------------------------------------------------------------------------


def _op(kind: Kind, name: str | None, **fields: object) -> Node:
    return Node(kind=kind, label=name or kind.value, line=1, column=1, name=name, **fields)  # type: ignore[arg-type]


def _node(kind: Kind, label: str, *blocks: Block, **fields: object) -> Node:
    return Node(kind=kind, label=label, line=1, column=1, blocks=blocks, **fields)  # type: ignore[arg-type]


def _flow(*nodes: Node, name: str = "Workflow") -> Workflow:
    return Workflow(name=name, line=1, nodes=nodes)


def _round_trips(workflow: Workflow) -> str:
    text = emit(workflow)
    assert_reads_back(workflow, text)
    assert workflow_signature(read_back(text)) == workflow_signature(workflow)
    return text


GOLDEN = """\
// ApproveOrder: a durable handler skeleton written by durable-viz.
// Every operation, branch, loop, condition and try block of the workflow is in
// place; bodies marked TODO return placeholders, and the stub members at the end
// stand for the conditions and collections of the source.

using Amazon.Lambda.Core;
using Amazon.Lambda.DurableExecution;
using Amazon.Lambda.Serialization.SystemTextJson;

[assembly: LambdaSerializer(typeof(DefaultLambdaJsonSerializer))]

namespace DurableViz.Generated;

public class ApproveOrderFunction
{
    public Task<DurableExecutionInvocationOutput> Handler(
        DurableExecutionInvocationInput input, ILambdaContext context)
        => DurableFunction.WrapAsync<WorkflowInput, string>(ApproveOrder, input, context);

    private async Task<string> ApproveOrder(WorkflowInput input, IDurableContext context)
    {
        await context.StepAsync(
            async (_, ct) =>
            {
                // TODO: charge-card
                return "charge-card";
            },
            name: "charge-card",
            config: new StepConfig
            {
                RetryStrategy = RetryStrategy.Exponential(maxAttempts: 3),
                Semantics = StepSemantics.AtMostOncePerRetry,
            });
        if (OrderTotal100()) // order["total"] > 100
        {
            await context.WaitAsync(TimeSpan.FromMinutes(90), name: "cool-off");
        }
        return "done";
    }

    // TODO: order["total"] > 100
    private static bool OrderTotal100() => throw new NotImplementedException();
}

public record WorkflowInput(string Id);
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
    workflow = _flow(step, guard, name="ApproveOrder")
    assert emit(workflow) == GOLDEN
    back = read_back(GOLDEN)
    assert workflow_signature(back) == workflow_signature(workflow)
    assert back.nodes[0].config == step.config
    assert back.nodes[1].blocks[0].nodes[0].config == wait.config


def test_a_dynamic_name_in_a_loop_interpolates_the_loop_variable() -> None:
    step = Node(
        kind=Kind.STEP,
        label='tool:{tool["name"]}',
        line=1,
        column=1,
        name="tool:{}",
        dynamic=True,
    )
    loop = _node(Kind.LOOP, "for tool in tool_calls", Block(role="body", nodes=(step,)))
    text = _round_trips(_flow(loop))
    assert "foreach (var tool in ToolCalls()) // for tool in tool_calls" in text
    assert 'name: $"tool:{tool["name"]}"' in text
    assert read_back(text).nodes[0].blocks[0].nodes[0].label == 'tool:{tool["name"]}'


def test_a_name_part_outside_any_loop_is_a_field_of_the_input() -> None:
    step = Node(
        kind=Kind.STEP,
        label="audit-{order.id}",
        line=1,
        column=1,
        name="audit-{}",
        dynamic=True,
    )
    text = _round_trips(_flow(step))
    assert 'name: $"audit-{input.OrderId}"' in text
    assert "public record WorkflowInput(string Id, string OrderId);" in text


def test_named_branches_are_durable_branches_and_unnamed_ones_plain_functions() -> None:
    named = _op(
        Kind.PARALLEL,
        "checks",
        blocks=(
            Block(role="branch", label="stock", nodes=(_op(Kind.STEP, "reserve"),)),
            Block(role="branch", label="payment", nodes=(_op(Kind.STEP, "charge"),)),
        ),
        config={"max_concurrency": "2", "completion": "tolerates 1 failures"},
    )
    unnamed = _op(
        Kind.PARALLEL,
        None,
        blocks=(
            Block(role="branch", label="parallel-branch-0", nodes=(_op(Kind.STEP, "a"),)),
            Block(role="branch", label="parallel-branch-1", nodes=(_op(Kind.STEP, "b"),)),
        ),
    )
    text = _round_trips(_flow(named, unnamed))
    assert "new DurableBranch<string>[]" in text
    assert 'new("stock", async (branchCtx, ct) =>' in text
    assert "new Func<IDurableContext, CancellationToken, Task<string>>[]" in text
    assert "CompletionConfig = new CompletionConfig { ToleratedFailureCount = 1 }," in text
    assert read_back(text).nodes[0].config == named.config


def test_branches_built_at_run_time_are_added_in_a_loop() -> None:
    step = Node(
        kind=Kind.STEP,
        label="notify-{carrier}",
        line=1,
        column=1,
        name="notify-{}",
        dynamic=True,
    )
    parallel = _op(
        Kind.PARALLEL,
        "notify-carriers",
        blocks=(Block(role="branch", label="notify-{carrier}", nodes=(step,), dynamic=True),),
    )
    text = _round_trips(_flow(parallel))
    assert "var branches = new List<DurableBranch<string>>();" in text
    assert "foreach (var carrier in " in text
    assert 'branches.Add(new($"notify-{carrier}", async (branchCtx, ct) =>' in text


def test_a_map_keeps_its_item_namer_and_its_listed_items() -> None:
    namer = Block(
        role="item",
        label="file-{i}-{key.Split('/')[^1]}",
        dynamic=True,
        nodes=(_op(Kind.STEP, "extract"),),
    )
    dynamic = _op(Kind.MAP, "transform", blocks=(namer,), config={"max_concurrency": "10"})
    listed = _op(
        Kind.MAP,
        "policies",
        blocks=tuple(
            Block(role="item", label=f"region-{r}", nodes=(_op(Kind.STEP, f"policy-{r}"),))
            for r in ("us", "eu")
        ),
    )
    text = _round_trips(_flow(dynamic, listed))
    assert "ItemNamer = (key, i) => $\"file-{i}-{key.Split('/')[^1]}\"," in text
    assert 'new[] { "us", "eu" },' in text
    assert 'ItemNamer = (region, index) => $"region-{region}",' in text
    assert 'name: $"policy-{region}"' in text


def test_try_with_typed_and_catch_all_handlers_and_finally() -> None:
    body = Block(role="body", label="try", nodes=(_op(Kind.STEP, "book"),))
    declined = Block(role="handler", label="ValueError", nodes=(_op(Kind.STEP, "refund"),))
    anything = Block(role="handler", label="BaseException", nodes=(_op(Kind.STEP, "alert"),))
    final = Block(role="finally", label="finally", nodes=(_op(Kind.STEP, "release"),))
    raise_ = _node(Kind.RAISE, "raise ValueError")
    guard = _node(
        Kind.CONDITION,
        "not ok",
        Block(role="outcome", label="yes", nodes=(raise_,)),
        fallthrough="no",
    )
    block = _node(Kind.TRY, "try", body, declined, anything, final, catch_all=True)
    either = Block(
        role="handler", label="IOException | TimeoutException", nodes=(_op(Kind.STEP, "log"),)
    )
    typed = Block(role="handler", label="PaymentDeclined", nodes=(_op(Kind.STEP, "tell"),))
    error = Block(role="handler", label="Error", nodes=(_op(Kind.STEP, "undo"),))
    narrow = _node(Kind.TRY, "try", body, either, typed, error)
    text = _round_trips(_flow(guard, block, narrow))
    lines = [line.strip() for line in text.splitlines()]
    assert "catch (ArgumentException ex) // ValueError in the source" in lines
    assert "catch (Exception ex) // BaseException in the source" in lines
    assert 'throw new ArgumentException("TODO"); // ValueError in the source' in lines
    assert "finally" in lines
    # Not catch-alls in the source, so not in C# either: a filter, the type as named.
    assert (
        "catch (Exception ex) when (IoExceptionTimeoutException()) "
        "// IOException | TimeoutException" in lines
    )
    assert "catch (PaymentDeclined ex)" in lines
    assert "catch (Error ex)" in lines


def test_switch_sections_end_with_break_and_a_break_inside_leaves_the_switch() -> None:
    jump = "switch 3:9"
    leave = _node(Kind.BREAK, "break", jump_label=jump)
    guard = _node(
        Kind.CONDITION,
        "order.Pickup",
        Block(role="outcome", label="yes", nodes=(leave,)),
        fallthrough="no",
    )
    switch = _node(
        Kind.CONDITION,
        "switch order.Priority",
        Block(role="outcome", label="case Priority.Express", nodes=(guard, _op(Kind.STEP, "book"))),
        Block(role="outcome", label='case "a" | case "b"', nodes=(_op(Kind.STEP, "queue"),)),
        jump_label=jump,
        fallthrough="no match",
    )
    text = _round_trips(_flow(switch))
    assert "switch (OrderPriority()) // switch order.Priority" in text
    lines = [line.strip() for line in text.splitlines()]
    assert "case Priority.Express:" in lines
    at = lines.index('case "a":')
    assert lines[at + 1] == 'case "b":'
    assert lines.count("break;") == 3  # the guard's, and one ending each section


def test_loops_of_every_kind() -> None:
    def loop(label: str, **flags: object) -> Node:
        return _node(Kind.LOOP, label, Block(role="body", nodes=(_op(Kind.STEP, label),)), **flags)

    stop = _node(Kind.BREAK, "break")
    forever = _node(
        Kind.LOOP,
        "while True",
        Block(
            role="body",
            nodes=(
                _op(Kind.STEP, "poll"),
                _node(
                    Kind.CONDITION,
                    "done",
                    Block(role="outcome", label="yes", nodes=(stop,)),
                    fallthrough="no",
                ),
            ),
        ),
        infinite=True,
    )
    text = _round_trips(
        _flow(
            loop("foreach line in order.Lines"),
            loop("while input.More"),
            loop("do … while !tracking.Delivered", do_while=True),
            forever,
        )
    )
    assert "foreach (var line in OrderLines()) // foreach line in order.Lines" in text
    assert "while (InputMore()) // while input.More" in text
    assert "} while (NotTrackingDelivered());" in text
    assert "while (true) // while True" in text


def test_callbacks_conditions_and_invokes_carry_their_config() -> None:
    create = _op(
        Kind.CREATE_CALLBACK, "approval", config={"timeout": "24h", "heartbeat_timeout": "30m"}
    )
    wait_for = _op(Kind.WAIT_FOR_CALLBACK, "sign-off", config={"timeout": "3d"})
    poll = _op(Kind.WAIT_FOR_CONDITION, "poll", config={"wait_strategy": "polls up to 30x"})
    invoke = _op(Kind.INVOKE, "ship", target="shipping-fn", config={"tenant": "acme"})
    choice = _op(Kind.INVOKE, "respond", target="{urgent-fn | normal-fn}")
    workflow = _flow(create, wait_for, poll, invoke, choice)
    text = _round_trips(workflow)
    back = read_back(text)
    assert [n.config for n in back.nodes] == [n.config for n in workflow.nodes]
    assert back.nodes[4].target == "{urgent-fn | normal-fn}"
    assert "var callback = await context.CreateCallbackAsync<string>(" in text


def test_an_early_return_in_an_inlined_helper_is_a_local_function() -> None:
    leave = _node(Kind.RETURN, "return", scope="function")
    guard = _node(
        Kind.CONDITION,
        "!needed",
        Block(role="outcome", label="yes", nodes=(leave,)),
        fallthrough="no",
    )
    helper = _node(
        Kind.SCOPE, "ReserveStock", Block(role="body", nodes=(guard, _op(Kind.STEP, "reserve")))
    )
    text = _round_trips(_flow(helper, _op(Kind.STEP, "after")))
    assert "async Task<string> ReserveStock(IDurableContext ctx)" in text
    assert "await ReserveStock(context);" in text


def test_tasks_joined_later_are_created_first() -> None:
    first = _op(Kind.STEP, "stock-north")
    second = _op(Kind.STEP, "stock-south")
    joined = _node(
        Kind.PROMISE_ALL, "Task.WhenAll", annotations=("combines stock-north, stock-south",)
    )
    text = _round_trips(_flow(first, second, joined))
    assert "var stockNorthTask = context.StepAsync(" in text
    assert "await Task.WhenAll(stockNorthTask, stockSouthTask);" in text


def test_labelled_jumps_are_gotos_the_parser_reads_back() -> None:
    skip = _node(Kind.CONTINUE, "continue", jump_label="orders")
    leave = _node(Kind.BREAK, "break", jump_label="orders")
    inner = _node(
        Kind.LOOP,
        "for line in order.lines",
        Block(
            role="body",
            nodes=(
                _op(Kind.STEP, "check"),
                _node(
                    Kind.CONDITION,
                    "missing",
                    Block(role="outcome", label="yes", nodes=(skip,)),
                    Block(role="outcome", label="no", nodes=(leave,)),
                ),
            ),
        ),
    )
    outer = _node(
        Kind.LOOP,
        "for order in orders",
        Block(role="body", nodes=(inner, _op(Kind.STEP, "ship"))),
        jump_label="orders",
    )
    found = _node(Kind.BREAK, "break", jump_label="found")
    labelled = _node(
        Kind.SCOPE,
        "found",
        Block(
            role="body",
            nodes=(
                _op(Kind.STEP, "look"),
                _node(
                    Kind.CONDITION,
                    "hit",
                    Block(role="outcome", label="yes", nodes=(found,)),
                    fallthrough="no",
                ),
                _op(Kind.STEP, "miss"),
            ),
        ),
        jump_label="found",
    )
    text, notes = emit_with_notes(_flow(outer, labelled, _op(Kind.STEP, "after")))
    assert notes == []
    _round_trips(_flow(outer, labelled, _op(Kind.STEP, "after")))
    lines = [line.strip() for line in text.splitlines()]
    assert "goto OrdersNext; // continue orders" in lines
    assert "goto OrdersEnd; // break orders" in lines
    assert lines.index("OrdersNext: ;") < lines.index("OrdersEnd: ;")
    assert "goto FoundEnd; // break found" in lines
    assert "FoundEnd: ;" in lines


def test_what_csharp_cannot_say_is_adapted_and_noted() -> None:
    retry = _op(
        Kind.WITH_RETRY,
        "charge",
        blocks=(Block(role="body", label="body", nodes=(_op(Kind.STEP, "pay"),)),),
        config={"retry": "exponential x4"},
    )
    race = _op(
        Kind.PROMISE_RACE,
        "fastest",
        blocks=(
            Block(role="branch", label="acme", nodes=(_op(Kind.INVOKE, "ask-acme", target="a"),)),
            Block(role="branch", label="b", nodes=(_op(Kind.INVOKE, "ask-b", target="b"),)),
        ),
    )
    workflow = _flow(retry, race)
    text, notes = emit_with_notes(workflow)
    assert_reads_back(workflow, text)
    assert notes == [
        "with_retry written as a child context (the .NET SDK has no retry helper)",
        "promise_race written as Task.WhenAny",
        "the name of promise_race 'fastest' dropped",
        "combined branch 'acme' named after 'ask-acme'",
        "combined branch 'b' named after 'ask-b'",
    ]
    assert "// The .NET SDK has no retry helper: the source retried this block" in text
    assert "await Task.WhenAny(" in text
    assert set(ADAPTATIONS) >= {"with_retry", "loop else", "try else", "promise_race"}


def test_names_that_need_escaping() -> None:
    odd = _op(Kind.STEP, 'say "hi" \\ {now}')
    pattern = Node(
        kind=Kind.WAIT,
        label="a{{b}}-{x}",
        line=1,
        column=1,
        name="a{{b}}-{}",
        dynamic=True,
        config={"duration": "1h 30m"},
    )
    text = _round_trips(_flow(odd, pattern))
    assert 'name: "say \\"hi\\" \\\\ {now}"' in text
    assert "TimeSpan.FromMinutes(90)" in text


def test_a_deeply_nested_workflow_is_written() -> None:
    node = _op(Kind.STEP, "leaf")
    for _ in range(600):
        node = _node(
            Kind.CONDITION, "x", Block(role="outcome", label="yes", nodes=(node,)), fallthrough="no"
        )
    text = emit(_flow(node))
    assert text.count("if (X())") == 600


def test_emitting_csharp_never_imports_libcst() -> None:
    probe = (
        "import sys\n"
        "from durable_viz.graph import Kind, Node, Workflow\n"
        "from durable_viz.emit import emit\n"
        "step = Node(kind=Kind.STEP, label='a', line=1, column=1, name='a')\n"
        "emit(Workflow(name='W', line=1, nodes=(step,)), 'csharp')\n"
        "assert 'libcst' not in sys.modules\n"
        "assert 'durable_viz.emit.typescript' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=ROOT)


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_CONFIG_KEYS = (
    "retry",
    "semantics",
    "completion",
    "max_concurrency",
    "nesting",
    "tenant",
    "timeout",
    "heartbeat_timeout",
    "wait_strategy",
    "sub_type",
    "duration",
)


@st.composite
def _odd_workflows(draw: st.DrawFn) -> Workflow:
    """Workflows whose every text (names, labels, targets, config) is arbitrary."""

    def text() -> str:
        return draw(_TEXT)

    def config() -> dict[str, str]:
        return draw(st.dictionaries(st.sampled_from(_CONFIG_KEYS), _TEXT, max_size=3))

    def operation(kind: Kind, *blocks: Block) -> Node:
        name = draw(st.none() | _TEXT)
        return Node(
            kind=kind,
            label=text(),
            line=1,
            column=1,
            name=name,
            dynamic=name is not None and draw(st.booleans()),
            blocks=blocks,
            config=config(),
            target=text() if kind is Kind.INVOKE else None,
        )

    leaves = [operation(k) for k in (Kind.STEP, Kind.WAIT, Kind.INVOKE, Kind.CREATE_CALLBACK)]
    leaves += [operation(Kind.WAIT_FOR_CONDITION), operation(Kind.WAIT_FOR_CALLBACK)]
    dynamic = draw(st.booleans())
    branches = tuple(
        Block(role="branch", label=text(), dynamic=dynamic, nodes=(leaves[i],)) for i in range(2)
    )
    item = Block(role="item", label=text(), dynamic=draw(st.booleans()), nodes=(leaves[2],))
    raise_ = _node(Kind.RAISE, text())
    guard = _node(Kind.CONDITION, text(), Block(role="outcome", label="yes", nodes=(raise_,)))
    switch = _node(
        Kind.CONDITION,
        text(),
        Block(role="outcome", label=text(), nodes=(leaves[3],)),
        Block(role="outcome", label="default", nodes=(leaves[4],)),
    )
    loop = _node(Kind.LOOP, text(), Block(role="body", nodes=(leaves[5],)))
    handler = Block(role="handler", label=text(), nodes=(_op(Kind.STEP, "h"),))
    attempt = _node(Kind.TRY, "try", Block(role="body", nodes=(_op(Kind.STEP, "t"),)), handler)
    nodes = (
        operation(Kind.PARALLEL, *branches),
        operation(Kind.MAP, item),
        operation(Kind.CHILD_CONTEXT, Block(role="body", nodes=(guard,))),
        switch,
        loop,
        attempt,
    )
    return Workflow(name=text(), line=1, nodes=nodes)


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(_odd_workflows())
def test_any_text_in_a_model_still_gives_source_without_syntax_errors(workflow: Workflow) -> None:
    text = emit(workflow)
    assert syntax_errors(text) == [], text
    assert len(parse_source(text, Path("/nonexistent/X.cs")).workflows) == 1


def test_an_empty_fan_out_stays_empty() -> None:
    text = _round_trips(_flow(_op(Kind.PARALLEL, "none"), _op(Kind.MAP, "nothing")))
    assert "new string[] { }" in text


def test_a_break_inside_a_python_match_leaves_the_loop_with_a_goto() -> None:
    # Python's ``break`` in a ``match`` case leaves the loop; C#'s would leave the switch.
    leave = _node(Kind.BREAK, "break")
    match = _node(
        Kind.CONDITION,
        "match event.kind",
        Block(role="outcome", label='case "stop"', nodes=(_op(Kind.STEP, "stop"), leave)),
        Block(role="outcome", label="default", nodes=(_op(Kind.STEP, "go"),)),
    )
    loop = _node(
        Kind.LOOP, "for event in events", Block(role="body", nodes=(match, _op(Kind.STEP, "next")))
    )
    text = _round_trips(_flow(loop, _op(Kind.STEP, "after")))
    lines = [line.strip() for line in text.splitlines()]
    assert "goto LoopEnd; // break the loop" in lines
    assert "LoopEnd: ;" in lines


def test_a_break_of_a_switch_from_a_loop_inside_it_goes_to_a_label_after_the_switch() -> None:
    jump = "switch 3:9"
    leave = _node(Kind.BREAK, "break", jump_label=jump)
    guard = _node(
        Kind.CONDITION,
        "shelf.empty",
        Block(role="outcome", label="yes", nodes=(leave,)),
        fallthrough="no",
    )
    loop = _node(
        Kind.LOOP, "for shelf in shelves", Block(role="body", nodes=(_op(Kind.STEP, "scan"), guard))
    )
    switch = _node(
        Kind.CONDITION,
        "switch mode",
        Block(role="outcome", label='case "scan"', nodes=(loop, _op(Kind.STEP, "report"))),
        jump_label=jump,
        fallthrough="no match",
    )
    text = _round_trips(_flow(switch, _op(Kind.STEP, "after")))
    lines = [line.strip() for line in text.splitlines()]
    assert "goto SwitchEnd; // break switch 3:9" in lines
    assert lines[lines.index("SwitchEnd: ;") - 1] == "}"


def test_an_invoke_target_read_at_run_time_keeps_the_source_expression() -> None:
    env = _op(Kind.INVOKE, "ship", target="{process.env.SHIPPING_FN}")
    staged = _op(Kind.INVOKE, "bill", target="billing-{process.env.STAGE}")
    own = _op(Kind.INVOKE, "mail", target="{input.MailerFunction}")
    text = _round_trips(_flow(env, staged, own))
    assert [n.target for n in read_back(text).nodes] == [
        "{process.env.SHIPPING_FN}",
        "billing-{process.env.STAGE}",
        "{input.MailerFunction}",
    ]
    lines = [line.strip() for line in text.splitlines()]
    assert "private static dynamic process;" in lines
    assert "public record WorkflowInput(string Id, string MailerFunction);" in lines
