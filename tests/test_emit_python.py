"""The Python emitter: every example of every language written as a Python handler compiles
(``python -m py_compile``) and reads back as the same workflow; per-construct cases pin the code
it writes; a sample of generated workflows of every dialect compiles and reads back.

Where Python cannot say what an example says (a do-while, a promise combinator, a labelled
``break``...), the example is listed in ``ADAPTED`` with the reason: its round trip must differ
(a case fails once the adaptation is no longer needed) and the module docstring must say what
was written differently.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import emit_cases
import pytest
from emit_cases import ROOT, example_workflows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from signature import describe, workflow_signature
from workflow_strategy import workflows

from durable_viz.emit.python import emit
from durable_viz.graph import Block, Kind, Node, Workflow, walk

ADAPTATION_HEADING = "Written differently from the original, as Python cannot say it:"

ADAPTED: dict[tuple[str, str], str] = {
    (
        "csharp/FulfilmentWave.cs",
        "ShipWave",
    ): "goto as a labelled continue and break out of both loops",
    ("csharp/RestockFunction.cs", "Restock"): "Task.WhenAll: Python's SDK has no combinators",
    ("csharp/ShipmentFunction.cs", "RunAsync"): "do-while: written as while True ... break",
    ("csharp/ShipmentWorkflow.cs", "RunAsync"): "do-while: written as while True ... break",
    ("java/FulfilmentWave.java", "FulfilmentWave"): (
        "continue orders (labelled) and a break leaving a switch case"
    ),
    ("java/ReportFanOut.java", "ReportFanOut"): "DurableFuture.anyOf/allOf and a do-while",
    ("typescript/agentLoop.ts", "handler"): "break agent (labelled) from a nested loop",
    ("typescript/inventorySync.ts", "handler"): "Promise.all and context.promise.race",
    ("typescript/refundWorkflow.ts", "handler"): "a break leaving a switch case",
    ("typescript/reportBuilder.mjs", "buildReport"): "do-while: written as while True ... break",
}
"""Example workflows Python cannot say as the original did, with the reason."""


EXAMPLES = list(example_workflows())


def read_back(text: str) -> Workflow:
    """The one workflow our parser reads from emitted source."""
    return emit_cases.read_back(text, "python")


def op(kind: Kind, name: str | None, label: str | None = None, **fields: object) -> Node:
    """An operation node as a parser makes it (label: the name, else the given text)."""
    return Node(
        kind=kind,
        label=label or name or kind.value,
        line=1,
        column=1,
        name=name,
        **fields,  # type: ignore[arg-type]
    )


def control(kind: Kind, label: str, *blocks: Block, **fields: object) -> Node:
    """A control structure or exit."""
    return Node(kind=kind, label=label, line=1, column=1, blocks=blocks, **fields)  # type: ignore[arg-type]


def flow(*nodes: Node, name: str = "handler") -> Workflow:
    return Workflow(name=name, line=1, nodes=nodes)


def handler_body(text: str) -> str:
    """The emitted handler function alone (decorator to its final return)."""
    start = text.index("@durable_execution")
    end = text.index("    return None  # TODO: the workflow's result", start)
    return text[start:end]


def assert_round_trip(workflow: Workflow) -> str:
    return emit_cases.assert_round_trip(workflow, emit, "python")


# -- every example ---------------------------------------------------------------------------------


def test_every_example_compiles_with_py_compile(tmp_path: Path) -> None:
    files = []
    for index, (_shown, workflow) in enumerate(EXAMPLES):
        target = tmp_path / f"example_{index}.py"
        target.write_text(emit(workflow), encoding="utf-8")
        files.append(str(target))
    assert {shown.split("/")[0] for shown, _ in EXAMPLES} == {
        "python",
        "typescript",
        "java",
        "csharp",
    }
    done = subprocess.run(
        [sys.executable, "-m", "py_compile", *files], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("shown", "workflow"), EXAMPLES, ids=[f"{shown}:{w.name}" for shown, w in EXAMPLES]
)
def test_every_example_reads_back_the_same(shown: str, workflow: Workflow) -> None:
    text = emit(workflow)
    back = read_back(text)
    same = workflow_signature(back) == workflow_signature(workflow)
    reason = ADAPTED.get((shown, workflow.name))
    if reason is None:
        assert same, f"--- drawn\n{describe(workflow)}\n--- read back\n{describe(back)}\n{text}"
    else:
        assert not same, f"no longer adapted ({reason}): remove it from ADAPTED"
        assert ADAPTATION_HEADING in text


def test_every_adaptation_names_a_real_example() -> None:
    known = {(shown, workflow.name) for shown, workflow in EXAMPLES}
    assert set(ADAPTED) <= known


def test_the_python_examples_keep_their_labels_and_config() -> None:
    """From Python to Python, operation labels and config come back as they were (a value
    computed at run time, such as a tenant, is read from a placeholder)."""

    def kept(key: str, value: str) -> bool:
        # A concurrency computed at run time stays in a comment: Python's config needs a number.
        return key != "max_concurrency" or value.isdigit()

    def seen(workflow: Workflow) -> list[tuple[Kind, str, dict[str, str]]]:
        return [
            (
                n.kind,
                n.label,
                {k: "{}" if k == "tenant" else v for k, v in n.config.items() if kept(k, v)},
            )
            for n in walk(workflow.nodes)
            if n.is_operation and n.name is not None and not n.dynamic
        ]

    for shown, workflow in EXAMPLES:
        if shown.startswith("python/"):
            assert seen(read_back(emit(workflow))) == seen(workflow), shown


# -- generated workflows of every dialect ----------------------------------------------------------

STRATEGY_SAMPLE = 25
"""Generated workflows per dialect (the long property run lives in tests/test_roundtrip.py)."""

_ADAPTED_KINDS = frozenset(
    {Kind.PROMISE_ALL, Kind.PROMISE_ANY, Kind.PROMISE_RACE, Kind.PROMISE_ALL_SETTLED}
)


@pytest.mark.parametrize("dialect", ["python", "typescript", "java", "csharp"])
@settings(
    max_examples=STRATEGY_SAMPLE,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_any_dialects_workflow_compiles_and_reads_back(dialect: str, data: st.DataObject) -> None:
    """Workflows as any language's parser reads them, written in Python: they compile, and read
    back the same unless they hold what Python cannot say (then the docstring says so)."""
    workflow = data.draw(workflows(dialect), label="workflow")
    text = emit(workflow)
    compile(text, "<emitted>", "exec")
    back = read_back(text)
    nodes = list(walk(workflow.nodes))
    adapted = any(n.do_while or n.kind in _ADAPTED_KINDS for n in nodes)
    if adapted:
        assert ADAPTATION_HEADING in text
    else:
        assert workflow_signature(back) == workflow_signature(workflow), (
            f"{describe(workflow)}\n--- read back\n{describe(back)}\n{text}"
        )


# -- per construct ---------------------------------------------------------------------------------


def test_a_small_handler_reads_as_written() -> None:
    workflow = flow(
        op(Kind.STEP, "validate-order"),
        control(
            Kind.CONDITION,
            "order.vip",
            Block(
                role="outcome",
                label="yes",
                nodes=(op(Kind.WAIT, None, "wait 15m", config={"duration": "15m"}),),
            ),
            Block(
                role="outcome", label="no", nodes=(op(Kind.INVOKE, "ship", target="shipping-fn"),)
            ),
        ),
    )
    text = assert_round_trip(workflow)
    assert text == textwrap.dedent(
        '''\
        """handler: a durable workflow handler scaffolded by durable-viz.

        Every operation, branch, loop, condition and try block of the workflow is in place,
        with its operation names and config; each TODO marks code to write.
        """

        from __future__ import annotations

        from typing import Any

        from aws_durable_execution_sdk_python import (
            DurableContext,
            StepContext,
            durable_execution,
            durable_step,
        )
        from aws_durable_execution_sdk_python.config import Duration


        @durable_execution
        def handler(event: dict[str, Any], context: DurableContext) -> Any:
            context.step(validate_order(), name="validate-order")
            if order_vip(event):  # order.vip
                context.wait(Duration.from_minutes(15))
            else:
                context.invoke("shipping-fn", {}, name="ship")
            return None  # TODO: the workflow's result


        # -- The work of each step: what it returns is checkpointed.
        @durable_step
        def validate_order(step_context: StepContext) -> Any:
            # TODO: the work of step "validate-order".
            return None


        # -- Conditions the workflow branches and loops on.
        def order_vip(event: dict[str, Any]) -> bool:
            # TODO: order.vip
            return False
        '''
    )


def test_a_parallel_with_named_and_default_branches() -> None:
    workflow = flow(
        op(
            Kind.PARALLEL,
            "checks",
            blocks=(
                Block(role="branch", label="parallel-branch-0", nodes=(op(Kind.STEP, "reserve"),)),
                Block(role="branch", label="take-payment", nodes=(op(Kind.STEP, "charge"),)),
            ),
            config={"max_concurrency": "3", "completion": "first successful"},
        )
    )
    text = assert_round_trip(workflow)
    assert handler_body(text) == textwrap.dedent(
        """\
        @durable_execution
        def handler(event: dict[str, Any], context: DurableContext) -> Any:
            def reserve_branch(ctx: DurableContext) -> Any:
                ctx.step(reserve())

            def take_payment(ctx: DurableContext) -> Any:
                ctx.step(charge())

            context.parallel(
                [reserve_branch, ParallelBranch(take_payment, "take-payment")],
                name="checks",
                config=ParallelConfig(
                    max_concurrency=3,
                    completion_config=CompletionConfig.first_successful(),
                ),
            )
        """
    )


def test_a_step_named_like_its_function_needs_no_name_argument() -> None:
    text = assert_round_trip(flow(op(Kind.STEP, "reserve_flight")))
    assert "context.step(reserve_flight())\n" in text
    assert "@durable_step\ndef reserve_flight(" in text


def test_an_unnamed_step_runs_a_plain_function() -> None:
    text = assert_round_trip(flow(op(Kind.STEP, None, "Risk.scoreOrder")))
    assert "context.step(risk_score_order)\n" in text
    assert "\ndef risk_score_order(step_context: StepContext) -> Any:" in text
    assert "@durable_step\ndef risk_score_order" not in text


def test_a_dynamic_name_interpolates_the_loop_variable() -> None:
    step = op(Kind.STEP, "ship-{}", "ship-{order.id}", dynamic=True)
    loop = control(Kind.LOOP, "for order : wave.orders()", Block(role="body", nodes=(step,)))
    text = assert_round_trip(flow(loop))
    assert 'for order in event["orders"]:  # for order : wave.orders()' in text
    assert 'name=f"ship-{order.id}"' in text
    back = read_back(text)
    assert [n.label for n in walk(back.nodes) if n.kind is Kind.STEP] == ["ship-{order.id}"]


def test_a_runtime_part_python_cannot_read_is_a_placeholder_from_the_input() -> None:
    step = op(Kind.STEP, "file-{}", "file-{key.Split('/')[^1]}", dynamic=True)
    text = assert_round_trip(flow(step))
    assert "key_split_1 = event[\"key_split_1\"]  # TODO: key.Split('/')[^1]" in text
    assert 'name=f"file-{key_split_1}"' in text


def test_a_name_wholly_computed_is_passed_as_the_expression() -> None:
    step = op(Kind.STEP, "{}", "{order_id}", dynamic=True)
    text = assert_round_trip(flow(step))
    assert 'order_id = event["order_id"]' in text
    assert "name=order_id)" in text


def test_names_keep_every_character() -> None:
    names = [
        'say "hi"',
        "back\\slash",
        "tab\there",
        "braces {x}",
        "caf\u00e9 \u2603",
        "new\nline",
        "\U00018d09 unassigned",
    ]
    workflow = flow(*(op(Kind.STEP, name) for name in names))
    back = read_back(assert_round_trip(workflow))
    assert [n.name for n in back.nodes] == names
    dynamic = op(Kind.STEP, 'a "{}" {{b}}', 'a "{order_id}" {{b}}', dynamic=True)
    back = read_back(assert_round_trip(flow(dynamic)))
    assert back.nodes[0].name == 'a "{}" {{b}}'
    assert back.nodes[0].label == 'a "{event["order_id"]}" {{b}}'


def test_identifiers_avoid_keywords_builtins_and_each_other() -> None:
    workflow = flow(
        op(Kind.STEP, "class"),
        op(Kind.STEP, "id"),
        op(Kind.STEP, "validate-order"),
        op(Kind.STEP, "validate_order"),
        name="lambda",
    )
    text = assert_round_trip(workflow)
    assert "def lambda_handler(event" in text
    assert 'context.step(class_(), name="class")' in text
    assert 'context.step(id_(), name="id")' in text
    assert 'context.step(validate_order_2(), name="validate_order")' in text


def test_an_invoke_target_chosen_at_run_time() -> None:
    invoke = op(Kind.INVOKE, "send", target="{urgent-fn | normal-fn}")
    text = assert_round_trip(flow(invoke))
    assert 'context.invoke("urgent-fn" if use_urgent_fn(event) else "normal-fn", {}' in text


def test_an_elif_chain_and_a_guard() -> None:
    inner = control(
        Kind.CONDITION,
        'tier == "business"',
        Block(role="outcome", label="yes", nodes=(op(Kind.STEP, "invoice"),)),
        Block(role="outcome", label="no", nodes=(op(Kind.STEP, "batch"),)),
    )
    outer = control(
        Kind.CONDITION,
        'tier == "premium"',
        Block(role="outcome", label="yes", nodes=(op(Kind.STEP, "pick"),)),
        Block(role="outcome", label="no", nodes=(inner,)),
    )
    guard = control(
        Kind.CONDITION,
        "!ok",
        Block(
            role="outcome", label="yes", nodes=(control(Kind.RAISE, "throw InvalidOrderException"),)
        ),
        fallthrough="no",
    )
    text = assert_round_trip(flow(guard, outer))
    assert "    if not_ok(event):  # !ok\n        raise InvalidOrderException(" in text
    assert 'elif tier_is_business(event):  # tier == "business"' in text
    assert "class InvalidOrderException(Exception):" in text


def test_an_operation_run_when_a_test_fails_is_an_or_expression() -> None:
    condition = control(
        Kind.CONDITION,
        "cached",
        Block(role="outcome", label="no", nodes=(op(Kind.STEP, "load-all"),)),
        fallthrough="yes",
    )
    text = assert_round_trip(flow(condition))
    assert '    # cached\n    cached(event) or context.step(load_all(), name="load-all")\n' in text


def test_a_switch_becomes_a_match_with_its_default_last() -> None:
    switch = control(
        Kind.CONDITION,
        "switch order.priority()",
        Block(role="outcome", label="default", nodes=(op(Kind.STEP, "queue"),)),
        Block(role="outcome", label="case EXPRESS", nodes=(op(Kind.STEP, "courier"),)),
        Block(
            role="outcome", label='case "email", case "mail"', nodes=(op(Kind.STEP, "send-mail"),)
        ),
    )
    text = emit(flow(switch))
    expected = textwrap.dedent(
        """\
            match order_priority(event):  # switch order.priority()
                case "EXPRESS":
                    context.step(courier())
                case "email" | "mail":
                    context.step(send_mail(), name="send-mail")
                case _:
                    context.step(queue())
        """
    )
    assert textwrap.indent(expected, "    ") in text
    assert "its default case is written last" in text
    in_order = control(Kind.CONDITION, "switch x", *switch.blocks[1:], switch.blocks[0])
    assert_round_trip(flow(in_order))


def test_a_match_without_default_and_with_a_guard() -> None:
    match = control(
        Kind.CONDITION,
        "match kind",
        Block(role="outcome", label='case "a" if big', nodes=(op(Kind.STEP, "a"),)),
        Block(role="outcome", label="case Speed.Express", nodes=(op(Kind.STEP, "b"),)),
        fallthrough="no match",
    )
    text = assert_round_trip(flow(match))
    assert 'case "a" if big(event):' in text
    assert "case Speed.Express:" in text


def test_loops_of_every_language() -> None:
    step = op(Kind.STEP, "work")
    for label, head in [
        ("for item in items", 'for item in event["items"]:'),
        ("for (const line of order.lines)", 'for line in event["lines"]:'),
        ("foreach var manifest in Storage.StreamManifestsAsync(bucket)", "for manifest in event["),
        ("event.skus.forEach(sku)", 'for sku in event["skus"]:'),
        ("for i, x in enumerate(xs)", "for i, x in event["),
        ("while (more)", "while more(event):"),
        ("for \u2603 in \u2603\u2603", 'for item in event["items"]:'),
    ]:
        loop = control(Kind.LOOP, label, Block(role="body", nodes=(step,)))
        text = assert_round_trip(flow(loop))
        assert f"    {head}" in text, text
    forever = control(
        Kind.LOOP,
        "while (true)",
        Block(
            role="body",
            nodes=(
                step,
                control(
                    Kind.CONDITION,
                    "done",
                    Block(role="outcome", label="yes", nodes=(control(Kind.BREAK, "break"),)),
                    fallthrough="no",
                ),
            ),
        ),
        infinite=True,
    )
    text = assert_round_trip(flow(forever))
    assert "    while True:\n" in text


def test_a_loop_else_block() -> None:
    loop = control(
        Kind.LOOP,
        "for tool in tools",
        Block(role="body", nodes=(op(Kind.STEP, "run"),)),
        Block(role="else", label="else", nodes=(op(Kind.STEP, "none-left"),)),
    )
    text = assert_round_trip(flow(loop))
    assert "        context.step(run())\n    else:\n" in text


def test_a_do_while_is_while_true_ending_in_its_test() -> None:
    loop = control(
        Kind.LOOP,
        "do … while !tracking.Delivered",
        Block(role="body", nodes=(op(Kind.STEP, "track"),)),
        do_while=True,
    )
    text = emit(flow(loop))
    expected = textwrap.dedent(
        """\
            while True:  # do … while !tracking.Delivered
                context.step(track())
                if tracking_delivered(event):
                    break
        """
    )
    assert textwrap.indent(expected, "    ") in text
    assert "Python has no do-while" in text.split('"""')[1]
    back = read_back(text)
    assert back.nodes[0].infinite and not back.nodes[0].do_while


def test_a_labelled_jump_out_of_a_nested_loop_uses_its_else() -> None:
    inner = control(
        Kind.LOOP,
        "for tool of tools",
        Block(
            role="body",
            nodes=(
                op(Kind.STEP, "run"),
                control(
                    Kind.CONDITION,
                    "stop",
                    Block(
                        role="outcome",
                        label="yes",
                        nodes=(control(Kind.BREAK, "break", jump_label="agent"),),
                    ),
                    fallthrough="no",
                ),
            ),
        ),
    )
    outer = control(
        Kind.LOOP,
        "while (true)",
        Block(role="body", nodes=(inner,)),
        infinite=True,
        jump_label="agent",
    )
    text = emit(flow(outer))
    expected = textwrap.dedent(
        """\
            while True:
                for tool in event["tools"]:  # for tool of tools
                    context.step(run())
                    if stop(event):  # stop
                        break
                else:
                    continue
                break
        """
    )
    assert textwrap.indent(expected, "    ") in text
    assert "- break agent: Python has no labelled break; written with the inner loop's else" in text
    assert read_back(text).nodes[0].blocks[0].nodes[0].blocks[1].role == "else"
    keep_going = replace(
        outer,
        blocks=(
            Block(
                role="body",
                nodes=(_with_jump(inner, Kind.CONTINUE, "agent"), op(Kind.STEP, "after")),
            ),
        ),
    )
    text = emit(flow(keep_going))
    expected = textwrap.dedent(
        """\
                    if stop(event):  # stop
                        break
                else:
                    context.step(after())
        """
    )
    assert textwrap.indent(expected, "        ") in text
    both = replace(
        outer,
        blocks=(
            Block(
                role="body",
                nodes=(
                    _with_jump(inner, Kind.CONTINUE, "agent"),
                    _with_jump(inner, Kind.BREAK, "agent"),
                ),
            ),
        ),
    )
    text = emit(flow(both))
    assert "continue  # continue agent: Python has no labelled continue" not in text
    two_kinds = replace(
        inner,
        blocks=(
            Block(
                role="body",
                nodes=(
                    *_with_jump(inner, Kind.CONTINUE, "agent").blocks[0].nodes,
                    *_with_jump(inner, Kind.BREAK, "agent").blocks[0].nodes[1:],
                ),
            ),
        ),
    )
    text = emit(flow(replace(outer, blocks=(Block(role="body", nodes=(two_kinds,)),))))
    assert "continue  # continue agent: Python has no labelled continue" in text
    assert "break  # break agent: Python has no labelled break" in text
    same_loop = control(
        Kind.LOOP,
        "for x of xs",
        Block(
            role="body",
            nodes=(
                op(Kind.STEP, "a"),
                control(
                    Kind.CONDITION,
                    "stop",
                    Block(
                        role="outcome",
                        label="yes",
                        nodes=(control(Kind.BREAK, "break", jump_label="outer"),),
                    ),
                    fallthrough="no",
                ),
            ),
        ),
        jump_label="outer",
    )
    text = emit(flow(same_loop))
    assert ADAPTATION_HEADING not in text  # a labelled break of its own loop is a plain break


def _with_jump(loop: Node, kind: Kind, label: str) -> Node:
    """``loop`` whose guard leaves with a ``kind`` jump to ``label``."""
    jump = control(kind, kind.value, jump_label=label)
    guard = control(
        Kind.CONDITION, "stop", Block(role="outcome", label="yes", nodes=(jump,)), fallthrough="no"
    )
    return replace(loop, blocks=(Block(role="body", nodes=(op(Kind.STEP, "run"), guard)),))


def test_try_handlers_of_every_language() -> None:
    try_node = control(
        Kind.TRY,
        "try",
        Block(role="body", label="try", nodes=(op(Kind.STEP, "charge"),)),
        Block(role="handler", label="PaymentDeclinedError", nodes=(op(Kind.STEP, "refund"),)),
        Block(
            role="handler",
            label="ReservationException when !error.IsTransient",
            nodes=(op(Kind.STEP, "release"),),
        ),
        Block(
            role="handler", label="IOException | TimeoutException", nodes=(op(Kind.STEP, "retry"),)
        ),
        Block(
            role="handler",
            label="error",
            nodes=(op(Kind.STEP, "alert"), control(Kind.RAISE, "throw error")),
        ),
        Block(role="finally", label="finally", nodes=(op(Kind.STEP, "audit"),)),
        catch_all=True,
    )
    text = assert_round_trip(flow(try_node))
    assert "    except PaymentDeclinedError:\n" in text
    assert (
        "    except ReservationException:  # ReservationException when !error.IsTransient\n" in text
    )
    assert "    except (IOException, TimeoutException):\n" in text
    assert "    except Exception:\n" in text
    assert "        raise\n    finally:\n" in text
    assert "class IOException(Exception):" in text
    assert "class Exception(" not in text


def test_try_else_and_try_without_handlers() -> None:
    with_else = control(
        Kind.TRY,
        "try",
        Block(role="body", label="try", nodes=(op(Kind.STEP, "a"),)),
        Block(role="handler", label="ValueError", nodes=(op(Kind.STEP, "b"),)),
        Block(role="else", label="else", nodes=(op(Kind.STEP, "c"),)),
    )
    text = assert_round_trip(flow(with_else))
    assert "class ValueError" not in text  # a built-in needs no stub
    lone = control(Kind.TRY, "try", Block(role="body", label="try", nodes=(op(Kind.STEP, "a"),)))
    text = emit(flow(lone))
    assert "    finally:\n        pass\n" in text


def test_child_context_retry_and_an_early_returning_helper() -> None:
    child = op(
        Kind.CHILD_CONTEXT,
        "build-aggregates",
        blocks=(Block(role="body", label="body", nodes=(op(Kind.STEP, "totals"),)),),
        config={"virtual": "true"},
    )
    retry = op(
        Kind.WITH_RETRY,
        "charge-with-retry",
        blocks=(
            Block(
                role="body",
                label="body",
                nodes=(op(Kind.STEP, "try-{}", "try-{attempt}", dynamic=True),),
            ),
        ),
        config={"retry": "exponential x5", "backoff_waits": "charge-with-retry-backoff-{n}"},
    )
    early = control(
        Kind.CONDITION,
        "missing",
        Block(
            role="outcome", label="yes", nodes=(control(Kind.RETURN, "return", scope="function"),)
        ),
        fallthrough="no",
    )
    helper = control(
        Kind.SCOPE, "run_tool", Block(role="body", nodes=(early, op(Kind.STEP, "start")))
    )
    text = assert_round_trip(flow(child, retry, helper))
    assert "config=ChildConfig(is_virtual=True)" in text
    assert "    with_retry(\n        context,\n        charge_with_retry,\n" in text
    assert (
        "WithRetryConfig(retry_strategy=create_retry_strategy(RetryStrategyConfig(max_attempts=5)))"
        in text
    )
    assert 'ctx.step(try_(), name=f"try-{attempt}")' in text
    assert "    run_tool(context)\n" in text
    back = read_back(text)
    assert back.nodes[2].kind is Kind.SCOPE


def test_maps_with_one_body_and_with_items_written_out() -> None:
    per_item = op(
        Kind.MAP,
        "transform-files",
        blocks=(
            Block(
                role="item", label="file-{i}-{key}", dynamic=True, nodes=(op(Kind.STEP, "extract"),)
            ),
        ),
        config={"item_namer": "(key: string, i: number) => `file-${i}-${key}`", "nesting": "flat"},
    )
    text = assert_round_trip(flow(per_item))
    assert 'item_namer=lambda key, i: f"file-{i}-{key}"' in text
    assert (
        "def transform_files_item(ctx: DurableContext, key: Any, i: int, items: list[Any])" in text
    )
    regions = op(
        Kind.MAP,
        "regional-check",
        blocks=tuple(
            Block(role="item", label=f"region-{r}", nodes=(op(Kind.STEP, f"policy-{r}"),))
            for r in ("us", "eu", "ap")
        ),
        config={"item_namer": 'lambda region, i: f"region-{region}"'},
    )
    text = assert_round_trip(flow(regions))
    assert 'context.map(\n        ["us", "eu", "ap"],' in text
    assert 'ctx.step(policy(), name=f"policy-{region}")' in text
    different = op(
        Kind.MAP,
        "mixed",
        blocks=(
            Block(role="item", label="a", nodes=(op(Kind.STEP, "x"),)),
            Block(role="item", label="b", nodes=(op(Kind.WAIT, "y", config={"duration": "5s"}),)),
        ),
    )
    assert "its items run different operations" in emit(flow(different))


def test_a_branch_per_item_is_a_comprehension() -> None:
    parallel = op(
        Kind.PARALLEL,
        "notify-carriers",
        blocks=(
            Block(
                role="branch",
                label="notify-{name}",
                dynamic=True,
                nodes=(op(Kind.STEP, "send-{}", "send-{name}", dynamic=True),),
            ),
        ),
    )
    text = assert_round_trip(flow(parallel))
    assert (
        'ParallelBranch(notify_name_branch(name), f"notify-{name}") for name in event["names"]'
        in text
    )
    assert '            ctx.step(send(), name=f"send-{name}")\n' in text


def test_callbacks_and_polling() -> None:
    workflow = flow(
        op(Kind.CREATE_CALLBACK, "approval", config={"timeout": "1d", "heartbeat_timeout": "30m"}),
        op(Kind.WAIT_FOR_CALLBACK, "review", config={"timeout": "3d", "retry": "transient"}),
        op(
            Kind.WAIT_FOR_CALLBACK,
            "page",
            blocks=(
                Block(role="body", label="submitter", nodes=(op(Kind.STEP, "page-approver"),)),
            ),
        ),
        op(Kind.WAIT_FOR_CONDITION, "label-printed", config={"wait_strategy": "polls up to 30x"}),
    )
    text = assert_round_trip(flow(*workflow.nodes))
    assert "approval = context.create_callback(" in text
    assert (
        "timeout=Duration.from_hours(24),\n            heartbeat_timeout=Duration.from_minutes(30),"
        in text
    )
    assert "timeout=Duration.from_days(3)" in text
    assert "def submit_page(callback_id: str, ctx: DurableContext) -> Any:" in text
    assert (
        "def submit_review(callback_id: str, callback_context: WaitForCallbackContext) -> None:"
        in text
    )
    assert "max_attempts=30" in text


def test_config_written_in_python_reads_back_the_same() -> None:
    configs = [
        (Kind.STEP, {"retry": "linear x3", "semantics": "at most once per retry"}),
        (Kind.STEP, {"retry": "no retry"}),
        (Kind.STEP, {"retry": "exponential"}),
        (
            Kind.PARALLEL,
            {"completion": "min 2 successful, tolerates 1 failures", "nesting": "flat"},
        ),
        (Kind.MAP, {"completion": "tolerates 10% failures", "max_concurrency": "4"}),
        (Kind.INVOKE, {"tenant": "t-1"}),
        (Kind.CHILD_CONTEXT, {"virtual": "true"}),
        (Kind.WITH_RETRY, {"retry": "critical", "wrap_in_child_context": "false"}),
        (Kind.CREATE_CALLBACK, {"timeout": "90m", "heartbeat_timeout": "45s"}),
        (Kind.WAIT, {"duration": "2d"}),
    ]
    for kind, config in configs:
        blocks: tuple[Block, ...] = ()
        if kind is Kind.PARALLEL:
            blocks = (Block(role="branch", label="parallel-branch-0", nodes=(op(Kind.STEP, "a"),)),)
        elif kind is Kind.MAP:
            blocks = (
                Block(role="item", label="map-item-{i}", dynamic=True, nodes=(op(Kind.STEP, "a"),)),
            )
        elif kind in (Kind.CHILD_CONTEXT, Kind.WITH_RETRY):
            blocks = (Block(role="body", label="body", nodes=(op(Kind.STEP, "a"),)),)
        node = op(
            kind, "op", blocks=blocks, config=config, target="fn" if kind is Kind.INVOKE else None
        )
        back = read_back(emit(flow(node)))
        read = {k: v for k, v in back.nodes[0].config.items() if k != "backoff_waits"}
        assert read == config, (kind, config)


def test_custom_retry_and_settings_python_has_no_place_for() -> None:
    step = op(Kind.STEP, "charge", config={"retry": "custom", "sub_type": "x"})
    text = emit(flow(step))
    assert "retry_strategy=charge_retry" in text
    assert "def charge_retry(error: Exception, attempts_made: int) -> RetryDecision:" in text
    assert "# Not in the Python SDK's config: sub_type: x" in text
    assert read_back(text).nodes[0].config["retry"] == "custom"


def test_promise_combinators_become_parallels_or_comments() -> None:
    race = op(
        Kind.PROMISE_RACE,
        "fastest",
        blocks=(
            Block(role="branch", label="ask-a", nodes=(op(Kind.INVOKE, "ask-a", target="a-fn"),)),
            Block(role="branch", label="ask-b", nodes=(op(Kind.INVOKE, "ask-b", target="b-fn"),)),
        ),
    )
    joined = op(Kind.PROMISE_ALL, None, "Promise.all")
    text = emit(flow(op(Kind.STEP, "a"), joined, race))
    assert "# Promise.all: nothing to join in Python (see above)" in text
    assert "completion_config=CompletionConfig.first_successful()" in text
    back = read_back(text)
    assert [n.kind for n in back.nodes] == [Kind.STEP, Kind.PARALLEL]
    assert [b.label for b in back.nodes[1].blocks] == ["ask-a", "ask-b"]


def test_a_break_leaving_a_switch_case_early() -> None:
    switch = control(
        Kind.CONDITION,
        "switch kind",
        Block(
            role="outcome",
            label='case "a"',
            nodes=(
                control(
                    Kind.CONDITION,
                    "zero",
                    Block(
                        role="outcome",
                        label="yes",
                        nodes=(control(Kind.BREAK, "break", jump_label="switch@4:3"),),
                    ),
                    fallthrough="no",
                ),
                op(Kind.STEP, "a"),
            ),
        ),
        jump_label="switch@4:3",
        fallthrough="no match",
    )
    text = emit(flow(switch))
    expected = textwrap.dedent(
        """\
            case "a":
                if zero(event):  # zero
                    pass
                else:
                    context.step(a())
        """
    )
    assert textwrap.indent(expected, "        ") in text
    assert "- break switch@4:3: a case left early is written as if/else" in text
    deeper = control(
        Kind.CONDITION,
        "switch kind",
        Block(
            role="outcome",
            label='case "a"',
            nodes=(
                control(
                    Kind.LOOP,
                    "while busy",
                    Block(
                        role="body",
                        nodes=(op(Kind.STEP, "a"), control(Kind.BREAK, "break", jump_label="sw")),
                    ),
                ),
            ),
        ),
        jump_label="sw",
        fallthrough="no match",
    )
    text = emit(flow(deeper))
    assert "pass  # break sw: Python cannot leave a match case early" in text
    compile(text, "<emitted>", "exec")


def test_emitting_python_loads_no_parser_and_no_other_emitter() -> None:
    probe = textwrap.dedent(
        """
        import sys
        from durable_viz.graph import Kind, Node, Workflow
        from durable_viz.emit import emit
        node = Node(kind=Kind.STEP, label="a", line=1, column=1, name="a")
        emit(Workflow(name="handler", line=1, nodes=(node,)), "py")
        loaded = sorted(m for m in sys.modules if m.startswith(("libcst", "tree_sitter",
            "durable_viz.parsers", "durable_viz.emit.")))
        print(",".join(loaded))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded = set(done.stdout.strip().split(","))
    parsers = {m for m in loaded if m.startswith(("libcst", "tree_sitter", "durable_viz.parsers"))}
    assert parsers <= {"durable_viz.parsers", "durable_viz.parsers.base"}  # the package's own
    assert {m for m in loaded if m.startswith("durable_viz.emit.")} <= {
        "durable_viz.emit.common",
        "durable_viz.emit.python",
        "durable_viz.emit.python_config",
        "durable_viz.emit.python_fanout",
        "durable_viz.emit.python_jumps",
        "durable_viz.emit.python_module",
        "durable_viz.emit.python_operations",
        "durable_viz.emit.python_statements",
        "durable_viz.emit.python_values",
    }


# -- parser regressions found by the emitter -------------------------------------------------------


def test_parser_partial_passes_the_context_after_the_bound_arguments() -> None:
    source = textwrap.dedent(
        """\
        from functools import partial

        from aws_durable_execution_sdk_python import DurableContext, durable_execution


        def notify(carrier, ctx: DurableContext):
            ctx.step(lambda _: carrier, name=f"notify-{carrier}")


        def audit(ctx: DurableContext, level):
            ctx.step(lambda _: level, name=f"audit-{level}")


        @durable_execution
        def handler(event, context: DurableContext):
            context.parallel([partial(notify, "ups"), partial(audit, level="high")], name="fan")
            context.run_in_child_context(partial(notify, "fedex"), name="child")
        """
    )
    workflow = read_back(source)
    names = [n.name for n in walk(workflow.nodes)]
    assert names == ["fan", "notify-ups", "audit-high", "child", "notify-fedex"]


def test_parser_decodes_escapes_in_the_text_of_f_string_names() -> None:
    source = textwrap.dedent(
        r"""
        from aws_durable_execution_sdk_python import DurableContext, durable_execution


        @durable_execution
        def handler(event, context: DurableContext):
            for x in event["xs"]:
                context.step(lambda _: 1, name=f"a \"{x}\" {{b}}\tc\u00e9\N{SNOWMAN}")
                context.step(lambda _: 1, name=rf"raw\n{x}")
        """
    )
    workflow = read_back(source)
    names = [n.name for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert names == ['a "{}" {b}\tc\u00e9\u2603', "raw\\n{}"]


def test_deep_nesting_is_written_and_flagged_where_python_cannot_compile_it() -> None:
    node = op(Kind.STEP, "a")
    for depth in range(400):  # deeper than the recursion limit allows without run_deep
        yes = Block(role="outcome", label="yes", nodes=(node,))
        node = control(Kind.CONDITION, f"c{depth % 3}", yes, fallthrough="no")
    text = emit(flow(node))
    assert "nested deeper than Python compiles" in text
    loops = op(Kind.STEP, "a")
    for _ in range(21):
        loops = control(Kind.LOOP, "while (more)", Block(role="body", nodes=(loops,)))
    text = emit(flow(loops))
    assert "20 loops and try blocks in one function" in text.replace("\n  ", " ")
    shallow = op(Kind.STEP, "a")
    for _ in range(19):
        shallow = control(Kind.LOOP, "while (more)", Block(role="body", nodes=(shallow,)))
    text = assert_round_trip(flow(shallow))
    assert ADAPTATION_HEADING not in text


def test_a_loop_variable_never_hides_the_context_or_the_input() -> None:
    step = op(Kind.STEP, "run")
    for label in ("for (const context of contexts)", "foreach event in events", "for [k, v] of xs"):
        loop = control(Kind.LOOP, label, Block(role="body", nodes=(step,)))
        text = assert_round_trip(flow(loop))
        assert "for context in" not in text and "for event in" not in text
    assert 'for k, v in event["xs"]:' in text
