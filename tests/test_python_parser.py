"""The Python parser: one small handler per construct, checked for kinds, names, positions,
blocks, config and the edges the edge builder draws from the result.

Facts about the SDK (method signatures, default names) come from shared/SDK-API.md section 2;
the graph rules from DESIGN.md. Edges are compared as ``"source -> target [label]"`` strings by
node label, with `` (back)`` / `` (error)`` for back and error edges.
"""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from graph_text import edge_texts

from durable_viz import build_graph, parse_source
from durable_viz.graph import Block, Kind, Node, ParseResult, Severity, Via, Workflow, walk
from durable_viz.parsers.python import PythonParser
from durable_viz.parsers.python.positions import _CATEGORIES, Positions, iter_preorder

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "python"

# -- helpers --------------------------------------------------------------------------------------

PRELUDE = """\
from enum import Enum

from aws_durable_execution_sdk_python import (
    DurableContext,
    ParallelBranch,
    WithRetryConfig,
    durable_execution,
    durable_parallel_branch,
    durable_step,
    durable_wait_for_callback,
    durable_with_child_context,
    with_retry,
)
from aws_durable_execution_sdk_python.config import (
    CallbackConfig,
    ChildConfig,
    CompletionConfig,
    Duration,
    InvokeConfig,
    MapConfig,
    NestingType,
    ParallelConfig,
    StepConfig,
    StepSemantics,
    WaitForCallbackConfig,
    WaitForConditionConfig,
)
from aws_durable_execution_sdk_python.retries import (
    RetryPresets,
    RetryStrategyConfig,
    create_retry_strategy,
)
from aws_durable_execution_sdk_python.waits import WaitStrategyConfig, create_wait_strategy
"""


def handler(body: str, *, before: str = "", is_async: bool = False) -> str:
    """A module with the usual imports, ``before`` (module-level code) and one handler."""
    header = "async def" if is_async else "def"
    return (PRELUDE + textwrap.dedent(before) + "\n\n@durable_execution\n"
            f"{header} handler(event, context: DurableContext):\n"
            + textwrap.indent(textwrap.dedent(body), "    "))


def parse(source: str, path: Path | str = "handler.py") -> ParseResult:
    return parse_source(textwrap.dedent(source), Path(path))


def workflow_of(source: str, path: Path | str = "handler.py") -> Workflow:
    result = parse(source, path)
    assert len(result.workflows) == 1, result.workflows
    return result.workflows[0]


def nodes_of(workflow: Workflow) -> list[Node]:
    return list(walk(workflow.nodes))


def find(workflow: Workflow, label: str) -> Node:
    """The one node with this label."""
    found = [n for n in walk(workflow.nodes) if n.label == label]
    assert len(found) == 1, f"{len(found)} nodes labelled {label!r}: {nodes_of(workflow)}"
    return found[0]


def block(node: Node, label: str | None) -> Block:
    found = [b for b in node.blocks if b.label == label]
    assert len(found) == 1, node.blocks
    return found[0]


def edges(workflow: Workflow) -> set[str]:
    return edge_texts(build_graph(workflow))


def summary(workflow: Workflow) -> list[tuple[str, str]]:
    """(kind, label) of every node, in source order."""
    return [(n.kind.value, n.label) for n in walk(workflow.nodes)]


def at(source: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """1-based (line, column) where ``needle`` occurs in ``source`` (after dedent)."""
    text = textwrap.dedent(source)
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column


def codes(result: ParseResult) -> list[str]:
    return [d.code for d in result.diagnostics]


# -- finding handlers -----------------------------------------------------------------------------

HANDLER_FORMS = {
    "bare decorator": """
        from aws_durable_execution_sdk_python import durable_execution

        @durable_execution
        def handler(event, context):
            context.step(lambda _: 1, name="a")
    """,
    "decorator with arguments": """
        import boto3
        from aws_durable_execution_sdk_python import durable_execution

        @durable_execution(boto3_client=boto3.client("lambda"))
        def handler(event, context):
            context.step(lambda _: 1, name="a")
    """,
    "aliased import": """
        from aws_durable_execution_sdk_python import durable_execution as durable

        @durable
        def handler(event, context):
            context.step(lambda _: 1, name="a")
    """,
    "module import": """
        import aws_durable_execution_sdk_python as sdk

        @sdk.durable_execution
        def handler(event, ctx):
            ctx.step(lambda _: 1, name="a")
    """,
    "import from the execution module": """
        from aws_durable_execution_sdk_python.execution import durable_execution
        from aws_durable_execution_sdk_python.context import DurableContext

        @durable_execution
        def handler(event, context: DurableContext):
            context.step(lambda _: 1, name="a")
    """,
    "async handler with await": """
        from aws_durable_execution_sdk_python import durable_execution

        @durable_execution
        async def handler(event, context):
            await context.step(lambda _: 1, name="a")
    """,
}


@pytest.mark.parametrize("form", sorted(HANDLER_FORMS))
def test_handler_forms(form: str) -> None:
    source = HANDLER_FORMS[form]
    workflow = workflow_of(source)
    assert workflow.name == "handler"
    assert workflow.line == at(source, "def handler")[0]
    assert workflow.file == "handler.py"
    step = find(workflow, "a")
    assert (step.kind, step.name, step.dynamic) == (Kind.STEP, "a", False)
    call = "ctx.step(" if form == "module import" else "context.step("
    assert (step.line, step.column) == at(source, call)
    assert edges(workflow) == {"Start -> a", "a -> End"}


def test_two_handlers_in_one_file_and_plain_functions_are_not_handlers() -> None:
    source = """
        from aws_durable_execution_sdk_python import durable_execution

        def helper_like(event, context):
            context.step(lambda _: 1, name="not-a-handler")

        @durable_execution
        def first(event, context):
            context.step(lambda _: 1, name="one")

        @durable_execution
        def second(event, context):
            context.step(lambda _: 1, name="two")
    """
    result = parse(source)
    assert [(w.name, w.line) for w in result.workflows] == [
        ("first", at(source, "def first")[0]), ("second", at(source, "def second")[0])]
    assert [summary(w) for w in result.workflows] == [[("step", "one")], [("step", "two")]]


def test_a_file_without_handler_has_no_workflows() -> None:
    result = parse("""
        from aws_durable_execution_sdk_python import durable_step

        def handler(event, context):
            return context.step(lambda _: 1, name="a")
    """)
    assert result.workflows == ()
    assert result.language == "python"


def test_parser_class_entry_point() -> None:
    source = textwrap.dedent(HANDLER_FORMS["bare decorator"])
    result = PythonParser().parse(source, path=Path("x.py"))
    assert [w.name for w in result.workflows] == ["handler"]
    assert result.diagnostics == ()


# -- DurableContext methods -----------------------------------------------------------------------


def test_step() -> None:
    source = handler("""
        result = context.step(lambda _: charge(event), name="charge-card")
    """)
    workflow = workflow_of(source)
    step = find(workflow, "charge-card")
    assert (step.kind, step.name, step.dynamic, step.blocks) == (Kind.STEP, "charge-card",
                                                                 False, ())
    assert (step.line, step.column) == at(source, "context.step(")
    assert step.annotations == ()


def test_wait_with_duration_factories_and_keyword() -> None:
    source = handler("""
        context.wait(Duration.from_minutes(5), name="pause")
        context.wait(duration=Duration.from_seconds(90))
        context.wait(Duration.from_days(2), "two-days")
        context.wait(Duration(seconds=3600))
    """)
    workflow = workflow_of(source)
    assert [(n.label, n.name, n.config.get("duration"), n.annotations)
            for n in nodes_of(workflow)] == [
        ("pause", "pause", "5m", ("5m",)),
        ("wait 1m 30s", None, "1m 30s", ("1m 30s", "unnamed")),
        ("two-days", "two-days", "2d", ("2d",)),
        ("wait 1h", None, "1h", ("1h", "unnamed")),
    ]
    assert all(n.kind is Kind.WAIT for n in nodes_of(workflow))
    assert (find(workflow, "wait 1m 30s").line,
            find(workflow, "wait 1m 30s").column) == at(source, "context.wait(duration=")


def test_invoke_with_target_and_tenant() -> None:
    source = handler("""
        context.invoke("billing-fn", {"id": 1}, name="bill",
                       config=InvokeConfig(tenant_id="t-1"))
        context.invoke(SHIPPING, event)
    """, before='SHIPPING = "arn:aws:lambda:us-east-1:1:function:ship"\n')
    workflow = workflow_of(source)
    bill = find(workflow, "bill")
    assert (bill.kind, bill.name, bill.target) == (Kind.INVOKE, "bill", "billing-fn")
    assert bill.config["tenant"] == "t-1"
    assert bill.annotations == ("calls billing-fn", "tenant t-1")
    unnamed = find(workflow, "arn:aws:lambda:us-east-1:1:function:ship")
    assert (unnamed.name, unnamed.target) == (None, "arn:aws:lambda:us-east-1:1:function:ship")
    assert "unnamed" in unnamed.annotations
    assert (unnamed.line, unnamed.column) == at(source, "context.invoke(SHIPPING")


def test_run_in_child_context() -> None:
    source = handler("""
        context.run_in_child_context(
            lambda child: child.step(lambda _: 1, name="inner"),
            name="child",
            config=ChildConfig(is_virtual=True),
        )
        context.step(lambda _: 1, name="after")
    """)
    workflow = workflow_of(source)
    child = find(workflow, "child")
    assert (child.kind, child.name) == (Kind.CHILD_CONTEXT, "child")
    assert [b.role for b in child.blocks] == ["body"]
    assert [n.label for n in child.blocks[0].nodes] == ["inner"]
    assert child.config["virtual"] == "true" and "virtual" in child.annotations
    assert (find(workflow, "inner").line, find(workflow, "inner").column) == \
        at(source, "child.step(")
    assert edges(workflow) == {"Start -> child", "child -> inner", "inner -> after",
                               "after -> End"}


def test_map_keyword_form() -> None:
    source = handler("""
        context.map(
            inputs=event["orders"],
            func=lambda ctx, order, index, _: ctx.step(lambda _: order, name="ship-one"),
            name="ship-all",
            config=MapConfig(max_concurrency=5, nesting_type=NestingType.FLAT),
        )
    """)
    workflow = workflow_of(source)
    mapped = find(workflow, "ship-all")
    assert mapped.kind is Kind.MAP
    assert [(b.role, b.label, b.dynamic) for b in mapped.blocks] == [
        ("item", "map-item-{i}", True)]
    assert [n.label for n in mapped.blocks[0].nodes] == ["ship-one"]
    assert (mapped.config["max_concurrency"], mapped.config["nesting"]) == ("5", "flat")
    assert mapped.annotations == ("max 5 at once", "flat")
    assert edges(workflow) == {"Start -> ship-all", "ship-all -> ship-one", "ship-one -> End"}


def test_parallel_branches_default_names() -> None:
    source = handler("""
        context.parallel(
            [
                lambda ctx: ctx.step(lambda _: 1, name="left"),
                lambda ctx: ctx.wait(Duration.from_seconds(3)),
                lambda ctx: log(ctx),
            ],
            name="fan",
        )
        context.step(lambda _: 1, name="join")
    """)
    workflow = workflow_of(source)
    fan = find(workflow, "fan")
    assert fan.kind is Kind.PARALLEL
    assert [(b.role, b.label, b.dynamic, [n.label for n in b.nodes]) for b in fan.blocks] == [
        ("branch", "parallel-branch-0", False, ["left"]),
        ("branch", "parallel-branch-1", False, ["wait 3s"]),
        ("branch", "parallel-branch-2", False, []),
    ]
    assert edges(workflow) == {"Start -> fan", "fan -> left", "fan -> wait 3s", "fan -> join",
                               "left -> join", "wait 3s -> join", "join -> End"}


def test_create_callback_with_timeouts() -> None:
    source = handler("""
        callback = context.create_callback(
            name="approval",
            config=CallbackConfig(timeout=Duration.from_hours(24),
                                  heartbeat_timeout=Duration.from_minutes(5)),
        )
        notify(callback.callback_id)
        decision = callback.result()
    """)
    workflow = workflow_of(source)
    assert summary(workflow) == [("create_callback", "approval")]
    callback = find(workflow, "approval")
    assert (callback.config["timeout"], callback.config["heartbeat_timeout"]) == ("24h", "5m")
    assert callback.annotations == ("timeout 24h", "heartbeat 5m")
    assert (callback.line, callback.column) == at(source, "context.create_callback(")


def test_wait_for_callback_without_and_with_durable_calls_in_the_submitter() -> None:
    source = handler("""
        context.wait_for_callback(lambda callback_id, ctx: email(callback_id), name="plain")
        context.wait_for_callback(
            lambda callback_id, ctx: ctx.step(lambda _: send(callback_id), name="send"),
            name="durable-submitter",
            config=WaitForCallbackConfig(timeout=Duration.from_days(2)),
        )
    """)
    workflow = workflow_of(source)
    plain = find(workflow, "plain")
    assert (plain.kind, plain.blocks) == (Kind.WAIT_FOR_CALLBACK, ())
    durable = find(workflow, "durable-submitter")
    assert [(b.role, b.label, [n.label for n in b.nodes]) for b in durable.blocks] == [
        ("body", "submitter", ["send"])]
    assert durable.config["timeout"] == "2d"
    assert edges(workflow) == {"Start -> plain", "plain -> durable-submitter",
                               "durable-submitter -> send", "send -> End"}


def test_wait_for_condition_config_comes_before_name() -> None:
    source = handler("""
        context.wait_for_condition(
            lambda state, check: poll(state),
            WaitForConditionConfig(
                wait_strategy=create_wait_strategy(WaitStrategyConfig(
                    should_continue_polling=lambda s: not s["done"], max_attempts=10)),
                initial_state={"done": False},
            ),
            "await-ready",
        )
    """)
    workflow = workflow_of(source)
    poll = find(workflow, "await-ready")
    assert (poll.kind, poll.name) == (Kind.WAIT_FOR_CONDITION, "await-ready")
    assert poll.config["wait_strategy"] == "polls up to 10x"


def test_with_retry_free_function() -> None:
    source = handler("""
        with_retry(
            context,
            call_api,
            WithRetryConfig(retry_strategy=create_retry_strategy(
                RetryStrategyConfig(max_attempts=4))),
            name="api",
        )
        context.step(lambda _: 1, name="after")
    """, before="""
        def call_api(ctx, attempt):
            ctx.step(lambda _: attempt, name="call-api")
    """)
    workflow = workflow_of(source)
    retry = find(workflow, "api")
    assert (retry.kind, retry.name) == (Kind.WITH_RETRY, "api")
    assert [(b.role, [n.label for n in b.nodes]) for b in retry.blocks] == [
        ("body", ["call-api"])]
    assert retry.config["backoff_waits"] == "api-backoff-{n}"
    assert retry.config["retry"] == "exponential x4"
    assert "retry: exponential x4" in retry.annotations
    assert (retry.line, retry.column) == at(source, "with_retry(\n")
    # The backoff waits are an annotation of the container, never nodes; the body always runs.
    assert summary(workflow) == [("with_retry", "api"), ("step", "call-api"), ("step", "after")]
    assert edges(workflow) == {"Start -> api", "api -> call-api", "call-api -> after",
                               "after -> End"}


def test_logger_is_not_an_operation() -> None:
    result = parse(handler("""
        context.logger.info("starting", extra={"id": event["id"]})
        context.step(lambda _: 1, name="work")
        context.logger.warning("done")
    """))
    assert summary(result.workflows[0]) == [("step", "work")]
    assert result.diagnostics == ()


# -- durable decorators ---------------------------------------------------------------------------


def test_durable_step_is_named_after_its_function() -> None:
    source = handler("""
        total = context.step(add_numbers(5, 3))
        explicit = context.step(add_numbers(1, 2), name="explicit")
    """, before="""
        @durable_step
        def add_numbers(step_context, a: int, b: int) -> int:
            return a + b
    """)
    workflow = workflow_of(source)
    step = find(workflow, "add_numbers")
    assert (step.kind, step.name, step.dynamic, step.annotations) == (
        Kind.STEP, "add_numbers", False, ())
    assert (step.line, step.column) == at(source, "context.step(add_numbers(5")
    assert find(workflow, "explicit").name == "explicit"


def test_durable_with_child_context_runs_its_body() -> None:
    source = handler("""
        context.run_in_child_context(child_operation(5))
    """, before="""
        @durable_with_child_context
        def child_operation(ctx: DurableContext, n: int):
            ctx.step(lambda _: n, name="inside")
            ctx.wait(Duration.from_seconds(n))
    """)
    workflow = workflow_of(source)
    child = find(workflow, "child_operation")
    assert (child.kind, child.name) == (Kind.CHILD_CONTEXT, "child_operation")
    assert [n.label for n in child.blocks[0].nodes] == ["inside", "wait 5s"]
    assert (find(workflow, "inside").line, find(workflow, "inside").column) == \
        at(source, "ctx.step(lambda _: n")


def test_durable_wait_for_callback_submitter() -> None:
    source = handler("""
        context.wait_for_callback(submit("bob"))
    """, before="""
        @durable_wait_for_callback
        def submit(callback_id, ctx, who):
            ctx.step(lambda _: send(callback_id, who), name="send-request")
    """)
    workflow = workflow_of(source)
    waiting = find(workflow, "submit")
    assert (waiting.kind, waiting.name) == (Kind.WAIT_FOR_CALLBACK, "submit")
    assert [(b.label, [n.label for n in b.nodes]) for b in waiting.blocks] == [
        ("submitter", ["send-request"])]


def test_parallel_branch_names() -> None:
    source = handler("""
        context.parallel(
            [fetch_orders(event["user"]), fetch_profile(event["user"]),
             ParallelBranch(plain, "named-plain"), plain],
            name="gather",
        )
    """, before="""
        @durable_parallel_branch(name="fetch-orders")
        def fetch_orders(ctx, user_id):
            return ctx.step(lambda _: user_id, name="orders")

        @durable_parallel_branch()
        def fetch_profile(ctx, user_id):
            return ctx.step(lambda _: user_id, name="profile")

        def plain(ctx):
            return ctx.step(lambda _: 1, name="plain-step")
    """)
    gather = find(workflow_of(source), "gather")
    assert [(b.label, b.dynamic, [n.label for n in b.nodes]) for b in gather.blocks] == [
        ("fetch-orders", False, ["orders"]),
        ("parallel-branch-1", False, ["profile"]),
        ("named-plain", False, ["plain-step"]),
        ("parallel-branch-3", False, ["plain-step"]),
    ]


# -- names ----------------------------------------------------------------------------------------

NAME_MODULE = """
    STEP_NAME = "validate-order"
    PREFIX = "ship"

    class Steps(str, Enum):
        NOTIFY = "notify-customer"
"""

NAMES = {
    # expression: (name, label, dynamic)
    '"literal"': ("literal", "literal", False),
    'f"process-{i}"': ("process-{}", "process-{i}", True),
    "STEP_NAME": ("validate-order", "validate-order", False),
    "Steps.NOTIFY": ("notify-customer", "notify-customer", False),
    "Steps.NOTIFY.value": ("notify-customer", "notify-customer", False),
    "None": (None, "charge", False),
    'PREFIX + "-label"': ("ship-label", "ship-label", False),
    'PREFIX + "-" + event["id"]': ("ship-{}", 'ship-{event["id"]}', True),
    '"item-{}".format(event["id"])': ("item-{}", 'item-{event["id"]}', True),
    '"fixed-{}".format(PREFIX)': ("fixed-ship", "fixed-ship", False),
    '"{a}-{b}".format(a=PREFIX, b=i)': ("ship-{}", "ship-{i}", True),
    'f"{PREFIX}-{STEP_NAME}"': ("ship-validate-order", "ship-validate-order", False),
}


@pytest.mark.parametrize("expression", list(NAMES))
def test_operation_names(expression: str) -> None:
    source = handler(f"""
        context.step(lambda _: charge(event), name={expression})
    """, before=NAME_MODULE)
    (step,) = nodes_of(workflow_of(source))
    assert (step.name, step.label, step.dynamic) == NAMES[expression]
    assert ("unnamed" in step.annotations) == (step.name is None)


def test_omitted_name_is_null() -> None:
    (step,) = nodes_of(workflow_of(handler("context.step(lambda _: charge(event))\n")))
    assert (step.name, step.label, step.dynamic, step.annotations) == (
        None, "charge", False, ("unnamed",))


def test_name_bound_to_a_local_variable() -> None:
    (step,) = nodes_of(workflow_of(handler("""
        label = "local-name"
        context.step(lambda _: 1, name=label)
    """)))
    assert (step.name, step.dynamic) == ("local-name", False)


# -- names a loop changes --------------------------------------------------------------------------
# A name a loop assigns (anywhere in it: target, test, body, nested blocks) has no known value in
# the loop, nor after it; names bound before the loop keep the value they had then.

LOOP_NAMES = {
    # body: (label, name, dynamic) of each step, in source order
    "for target": ("""
        for i in range(3):
            context.step(lambda _: 1, name=f"attempt-{i}")
        """, [("attempt-{i}", "attempt-{}", True)]),
    "counter augmented at the end of the body": ("""
        attempt = 0
        while attempt < 3:
            context.step(lambda _: 1, name=f"try-{attempt}")
            attempt += 1
        """, [("try-{attempt}", "try-{}", True)]),
    "counter reassigned at the end of the body": ("""
        n = 0
        for item in event["items"]:
            context.step(lambda _: 1, name=f"n-{n}")
            n = n + 1
        """, [("n-{n}", "n-{}", True)]),
    "counter changed in a nested block": ("""
        n = 0
        while True:
            context.step(lambda _: 1, name="n-" + str(n))
            if event["retry"]:
                with open("x") as f:
                    n += 1
            else:
                break
        """, [("n-{n}", "n-{}", True)]),
    "swapped by unpacking": ("""
        a, b = "x", "y"
        a = "x"
        for item in event["items"]:
            context.step(lambda _: 1, name=a)
            a, b = b, a
        """, [("{a}", "{}", True)]),
    "assigned by := in the test": ("""
        n = 0
        while (n := n + 1) < 3:
            context.step(lambda _: 1, name=f"n-{n}")
        """, [("n-{n + 1}", "n-{}", True)]),
    "counter reassigned before its use": ("""
        n = 0
        while n < 3:
            n = n + 1
            context.step(lambda _: 1, name=f"n-{n}")
        """, [("n-{n + 1}", "n-{}", True)]),
    "an except target": ("""
        e = "none"
        for item in event["items"]:
            context.step(lambda _: 1, name=e)
            try:
                pass
            except ValueError as e:
                pass
        """, [("{e}", "{}", True)]),
    "changed by an inner loop": ("""
        n = 0
        for item in event["items"]:
            context.step(lambda _: 1, name=f"outer-{n}")
            for part in item:
                n += 1
        """, [("outer-{n}", "outer-{}", True)]),
    "after the loop": ("""
        name = "before"
        for item in event["items"]:
            name = "inside"
        context.step(lambda _: 1, name=name)
        """, [("{name}", "{}", True)]),
    "in the loop's else": ("""
        name = "before"
        for item in event["items"]:
            name = "inside"
        else:
            context.step(lambda _: 1, name=name)
        """, [("{name}", "{}", True)]),
    "bound before the loop from a changed name": ("""
        n = 0
        label = f"fixed-{n}"
        while n < 3:
            context.step(lambda _: 1, name=label)
            n += 1
        context.step(lambda _: 1, name=label)
        """, [("fixed-0", "fixed-0", False), ("fixed-0", "fixed-0", False)]),
    "a name the loop does not change": ("""
        prefix = "charge"
        n = 0
        while n < 3:
            context.step(lambda _: 1, name=f"{prefix}-once")
            n += 1
        """, [("charge-once", "charge-once", False)]),
    "a comprehension's target is its own": ("""
        n = "kept"
        for item in event["items"]:
            squares = [n * n for n in item]
            context.step(lambda _: 1, name=n)
        """, [("kept", "kept", False)]),
    "a function defined in the loop assigns its own names": ("""
        n = "kept"
        for item in event["items"]:
            def local():
                n = "other"
                return n
            context.step(lambda _: 1, name=n)
        """, [("kept", "kept", False)]),
    "a nested helper called from the loop": ("""
        n = 0
        def run(ctx: DurableContext) -> None:
            ctx.step(lambda _: 1, name=f"closure-{n}")
        while n < 3:
            run(context)
            n += 1
        """, [("closure-{n}", "closure-{}", True)]),
    "a helper called from the loop with the changed name": ("""
        n = 0
        while n < 3:
            charge(context, n)
            n += 1
        """, [("charge-{n}", "charge-{}", True)]),
}

@pytest.mark.parametrize(("body", "expected"), [
    # A name rebound to an expression using it reads its value from before (no runaway chain).
    ('n = 0\nn = n + 1\ncontext.step(lambda _: 1, name=f"n-{n}")\n', ("n-1", "n-1", False)),
    ('s = "a"\ns = s + "-b"\ncontext.step(lambda _: 1, name=s)\n', ("a-b", "a-b", False)),
    # ``+`` of numbers is a sum; of a number and a value not shown, a value not shown.
    ('context.step(lambda _: 1, name=str(1 + 2))\n', ("3", "3", False)),
    ('context.step(lambda _: 1, name=str(event["n"] + 1))\n',
     ('{event["n"] + 1}', "{}", True)),
    ('context.step(lambda _: 1, name="try-" + str(event["n"]) + "-x")\n',
     ('try-{event["n"]}-x', "try-{}-x", True)),
])
def test_names_rebound_from_themselves_and_sums(
    body: str, expected: tuple[str, str, bool]
) -> None:
    (step,) = nodes_of(workflow_of(handler(body)))
    assert (step.label, step.name, step.dynamic) == expected


_LOOP_HELPER = """
def charge(ctx: DurableContext, n: int) -> None:
    ctx.step(lambda _: 1, name=f"charge-{n}")
"""


@pytest.mark.parametrize("form", list(LOOP_NAMES))
def test_names_a_loop_changes_are_dynamic(form: str) -> None:
    body, expected = LOOP_NAMES[form]
    workflow = workflow_of(handler(body, before=_LOOP_HELPER))
    steps = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected


# -- config annotations ---------------------------------------------------------------------------

CONFIGS = {
    # call: (config subset, annotations)
    "retry preset": (
        "context.step(lambda _: 1, name='op', config=StepConfig("
        "retry_strategy=RetryPresets.transient()))",
        {"retry": "transient"}, ("retry: transient",)),
    "critical preset and at most once": (
        "context.step(lambda _: 1, name='op', config=StepConfig("
        "retry_strategy=RetryPresets.critical(), "
        "step_semantics=StepSemantics.AT_MOST_ONCE_PER_RETRY))",
        {"retry": "critical", "semantics": "at most once per retry"},
        ("retry: critical", "at most once")),
    "exponential retry with attempts": (
        "context.step(lambda _: 1, name='op', config=StepConfig(retry_strategy="
        "create_retry_strategy(RetryStrategyConfig(max_attempts=5))))",
        {"retry": "exponential x5"}, ("retry: exponential x5",)),
    "first successful and max concurrency": (
        "context.parallel([lambda c: c.step(lambda _: 1, name='s')], name='op', "
        "config=ParallelConfig(max_concurrency=3, "
        "completion_config=CompletionConfig.first_successful()))",
        {"max_concurrency": "3", "completion": "first successful"},
        ("max 3 at once", "first successful")),
    "custom completion": (
        "context.parallel([lambda c: c.step(lambda _: 1, name='s')], name='op', "
        "config=ParallelConfig(completion_config=CompletionConfig(min_successful=2)))",
        {"completion": "min 2 successful"}, ("min 2 successful",)),
    "flat nesting": (
        "context.map(event['xs'], lambda c, x, i, _: c.step(lambda _: x, name='s'), name='op', "
        "config=MapConfig(nesting_type=NestingType.FLAT))",
        {"nesting": "flat"}, ("flat",)),
    "tenant": (
        "context.invoke('fn', event, name='op', config=InvokeConfig(tenant_id=TENANT))",
        {"tenant": "t-1"}, ("calls fn", "tenant t-1")),
    "callback timeouts": (
        "context.create_callback(name='op', config=CallbackConfig("
        "timeout=Duration.from_hours(24), heartbeat_timeout=Duration.from_seconds(30)))",
        {"timeout": "24h", "heartbeat_timeout": "30s"}, ("timeout 24h", "heartbeat 30s")),
    "virtual child": (
        "context.run_in_child_context(lambda c: c.step(lambda _: 1, name='s'), name='op', "
        "config=ChildConfig(is_virtual=True))",
        {"virtual": "true"}, ("virtual",)),
    "config through a variable": (
        "context.step(lambda _: 1, name='op', config=SAFE)",
        {"retry": "no retry"}, ("retry: no retry",)),
}


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_config_annotations(case: str) -> None:
    call, config, annotations = CONFIGS[case]
    workflow = workflow_of(handler(call + "\n", before="""
        TENANT = "t-1"
        SAFE = StepConfig(retry_strategy=RetryPresets.none())
    """))
    op = find(workflow, "op")
    assert {k: op.config.get(k) for k in config} == config
    assert op.annotations == annotations


def test_map_item_namer_names_the_items() -> None:
    workflow = workflow_of(handler("""
        context.map(
            REGIONS,
            lambda ctx, region, index, _: ctx.step(lambda _: region, name="deploy"),
            name="rollout",
            config=MapConfig(item_namer=lambda item, i: f"region-{item}"),
        )
    """, before='REGIONS = ["eu", "us"]\n'))
    rollout = find(workflow, "rollout")
    assert [b.label for b in rollout.blocks] == ["region-eu", "region-us"]
    assert "item_namer" in rollout.config


# -- control flow ---------------------------------------------------------------------------------


def step_call(label: str) -> str:
    return f'context.step(lambda _: 1, name="{label}")'


FLOWS = {
    "if/elif/else": (f"""
        if event["a"]:
            {step_call("a")}
        elif event["b"]:
            {step_call("b")}
        else:
            {step_call("c")}
        {step_call("z")}
    """, {'Start -> event["a"]', 'event["a"] -> a [yes]', 'event["a"] -> event["b"] [no]',
          'event["b"] -> b [yes]', 'event["b"] -> c [no]', "a -> z", "b -> z", "c -> z",
          "z -> End"}),
    "guard raise": (f"""
        ok = {step_call("check")}
        if not ok:
            raise ValueError("bad order")
        {step_call("z")}
    """, {"Start -> check", "check -> not ok", "not ok -> raise ValueError [yes]",
          "not ok -> z [no]", "raise ValueError -> Fail", "z -> End"}),
    "return inside if": (f"""
        if event["skip"]:
            return {{"skipped": True}}
        {step_call("z")}
    """, {'Start -> event["skip"]', 'event["skip"] -> return [yes]',
          'event["skip"] -> z [no]', "return -> End", "z -> End"}),
    "plain raise": (f"""
        {step_call("a")}
        raise RuntimeError("always")
    """, {"Start -> a", "a -> raise RuntimeError", "raise RuntimeError -> Fail"}),
    "match without default": (f"""
        match event["kind"]:
            case "x":
                {step_call("x")}
            case "y" | "z":
                {step_call("yz")}
        {step_call("after")}
    """, {'Start -> match event["kind"]', 'match event["kind"] -> x [case "x"]',
          'match event["kind"] -> yz [case "y" | "z"]',
          'match event["kind"] -> after [no match]', "x -> after", "yz -> after",
          "after -> End"}),
    "match with case _": (f"""
        match event["kind"]:
            case 1:
                {step_call("one")}
            case _:
                {step_call("other")}
        {step_call("after")}
    """, {'Start -> match event["kind"]', 'match event["kind"] -> one [case 1]',
          'match event["kind"] -> other [default]', "one -> after", "other -> after",
          "after -> End"}),
    "conditional expression": (f"""
        r = {step_call("fast")} if event["f"] else {step_call("slow")}
        {step_call("after")}
    """, {'Start -> event["f"]', 'event["f"] -> fast [yes]', 'event["f"] -> slow [no]',
          "fast -> after", "slow -> after", "after -> End"}),
    "and short-circuit": (f"""
        event["notify"] and {step_call("notify")}
        {step_call("after")}
    """, {'Start -> event["notify"]', 'event["notify"] -> notify [yes]',
          'event["notify"] -> after [no]', "notify -> after", "after -> End"}),
    "for with else and continue": (f"""
        for order in event["orders"]:
            if order["skip"]:
                continue
            {step_call("process")}
        else:
            {step_call("all-done")}
        {step_call("after")}
    """, {'Start -> for order in event["orders"]',
          'for order in event["orders"] -> order["skip"]',
          'order["skip"] -> for order in event["orders"] [yes] (back)',
          'order["skip"] -> process [no]',
          'process -> for order in event["orders"] [next item] (back)',
          'for order in event["orders"] -> all-done [done]', "all-done -> after",
          "after -> End"}),
    "while with else": (f"""
        while event["more"]:
            {step_call("poll")}
        else:
            {step_call("polled")}
    """, {'Start -> while event["more"]', 'while event["more"] -> poll',
          'poll -> while event["more"] [next item] (back)',
          'while event["more"] -> polled [done]', "polled -> End"}),
    "while True with break": (f"""
        while True:
            status = {step_call("check")}
            if status == "ready":
                break
            context.wait(Duration.from_seconds(10), name="backoff")
        {step_call("after")}
    """, {"Start -> while True", "while True -> check", 'check -> status == "ready"',
          'status == "ready" -> backoff [no]', "backoff -> while True [repeat] (back)",
          'status == "ready" -> after [yes]', "after -> End"}),
    "list comprehension": (f"""
        results = [context.step(lambda _: x, name=f"item-{{x}}") for x in event["xs"]]
        {step_call("after")}
    """, {'Start -> for x in event["xs"]', 'for x in event["xs"] -> item-{x}',
          'item-{x} -> for x in event["xs"] [next item] (back)',
          'for x in event["xs"] -> after [done]', "after -> End"}),
    "try/except/finally": (f"""
        try:
            {step_call("risky")}
            {step_call("risky2")}
        except (ValueError, KeyError) as error:
            {step_call("compensate")}
        except Exception:
            {step_call("generic")}
        finally:
            {step_call("cleanup")}
        {step_call("after")}
    """, {"Start -> risky", "risky -> risky2",
          "risky -> compensate [ValueError | KeyError] (error)",
          "risky2 -> compensate [ValueError | KeyError] (error)",
          "risky -> generic [Exception] (error)", "risky2 -> generic [Exception] (error)",
          "risky2 -> cleanup", "compensate -> cleanup", "generic -> cleanup",
          "cleanup -> after", "after -> End"}),
    "try/except/else/finally": (f"""
        try:
            {step_call("risky")}
        except ValueError:
            {step_call("compensate")}
        else:
            {step_call("celebrate")}
        finally:
            {step_call("cleanup")}
        {step_call("after")}
    """, {"Start -> risky", "risky -> compensate [ValueError] (error)", "risky -> celebrate",
          "celebrate -> cleanup", "compensate -> cleanup", "cleanup -> after",
          "after -> End"}),
    "re-raise from a handler": (f"""
        try:
            {step_call("t")}
        except ValueError:
            {step_call("log-it")}
            raise
        {step_call("after")}
    """, {"Start -> t", "t -> log-it [ValueError] (error)", "log-it -> raise",
          "raise -> Fail", "t -> after", "after -> End"}),
    "with block": (f"""
        with lock(event) as held:
            {step_call("inside")}
        {step_call("after")}
    """, {"Start -> inside", "inside -> after", "after -> End"}),
    "return in a loop": (f"""
        for x in event["xs"]:
            if x:
                return {step_call("found")}
        return {step_call("final")}
    """, {'Start -> for x in event["xs"]', 'for x in event["xs"] -> x', "x -> found [yes]",
          "found -> return", 'x -> for x in event["xs"] [no] (back)',
          'for x in event["xs"] -> final [done]', "return -> End", "final -> End"}),
}


@pytest.mark.parametrize("case", list(FLOWS))
def test_control_flow(case: str) -> None:
    body, expected = FLOWS[case]
    assert edges(workflow_of(handler(body))) == expected


def test_async_for_and_await() -> None:
    source = handler("""
        async for page in pages(event):
            await context.step(lambda _: page, name="page")
    """, is_async=True)
    workflow = workflow_of(source)
    loop = find(workflow, "async for page in pages(event)")
    assert loop.kind is Kind.LOOP and not loop.infinite
    assert (loop.line, loop.column) == at(source, "async for")
    assert (find(workflow, "page").line, find(workflow, "page").column) == \
        at(source, "context.step(lambda _: page")
    assert edges(workflow) == {
        "Start -> async for page in pages(event)", "async for page in pages(event) -> page",
        "page -> async for page in pages(event) [next item] (back)",
        "async for page in pages(event) -> End [done]"}


def test_control_nodes_carry_positions_and_shape() -> None:
    source = handler("""
        ok = context.step(lambda _: 1, name="check")
        if not ok:
            raise InvalidOrder(ok)
        while True:
            if context.step(lambda _: 1, name="poll"):
                break
        try:
            context.step(lambda _: 1, name="risky")
        except:
            return None
        context.step(lambda _: 1, name="last")
    """)
    workflow = workflow_of(source)
    guard = find(workflow, "not ok")
    assert (guard.kind, guard.line, guard.column, guard.fallthrough) == (
        Kind.CONDITION, *at(source, "if not ok"), "no")
    assert [(b.role, b.label) for b in guard.blocks] == [("outcome", "yes")]
    failure = find(workflow, "raise InvalidOrder")
    assert (failure.kind, failure.line, failure.column) == (Kind.RAISE,
                                                            *at(source, "raise InvalidOrder"))
    loop = find(workflow, "while True")
    assert (loop.infinite, loop.line, loop.column) == (True, *at(source, "while True"))
    attempt = find(workflow, "try")
    assert (attempt.kind, attempt.catch_all) == (Kind.TRY, True)
    assert [(b.role, b.label) for b in attempt.blocks] == [("body", "try"),
                                                         ("handler", "error")]
    early = find(workflow, "return")
    assert (early.kind, early.scope, early.line, early.column) == (
        Kind.RETURN, "workflow", *at(source, "return None"))


@pytest.mark.skipif(sys.version_info < (3, 11), reason="except* needs Python 3.11")
def test_try_except_star() -> None:
    workflow = workflow_of(handler(f"""
        try:
            {step_call("risky")}
        except* ValueError:
            {step_call("group")}
        {step_call("after")}
    """))
    assert edges(workflow) == {"Start -> risky", "risky -> group [ValueError] (error)",
                               "risky -> after", "group -> after", "after -> End"}


def test_try_else_runs_only_after_the_body() -> None:
    workflow = workflow_of(handler(f"""
        try:
            {step_call("risky")}
        except ValueError:
            {step_call("compensate")}
        else:
            {step_call("celebrate")}
        {step_call("after")}
    """))
    assert edges(workflow) == {"Start -> risky", "risky -> compensate [ValueError] (error)",
                               "risky -> celebrate", "celebrate -> after",
                               "compensate -> after", "after -> End"}


def test_break_runs_finally() -> None:
    workflow = workflow_of(handler(f"""
        while True:
            try:
                finished = {step_call("work")}
                if finished:
                    break
            finally:
                {step_call("cleanup")}
        {step_call("after")}
    """))
    assert edges(workflow) == {
        "Start -> while True", "while True -> work", "work -> finished",
        "finished -> cleanup [yes]", "finished -> cleanup [no]",
        "cleanup -> while True [repeat] (back)",
        "cleanup -> after [break]", "after -> End"}


def test_return_through_a_finally_without_operations() -> None:
    workflow = workflow_of(handler(f"""
        try:
            ok = {step_call("check")}
            if ok:
                return "early"
        finally:
            release(event)
        {step_call("after")}
    """))
    assert {text.split(" [")[0] for text in edges(workflow)} == {
        "Start -> check", "check -> ok", "ok -> return", "ok -> after", "return -> End",
        "after -> End"}


def test_raise_through_a_finally_without_operations() -> None:
    workflow = workflow_of(handler(f"""
        try:
            ok = {step_call("check")}
            if not ok:
                raise ValueError("bad")
        except KeyError:
            {step_call("recover")}
        finally:
            release(event)
        {step_call("after")}
    """))
    assert {text.split(" [")[0] for text in edges(workflow)} == {
        "Start -> check", "check -> not ok", "not ok -> raise ValueError",
        "not ok -> after", "check -> recover", "raise ValueError -> recover",
        "recover -> after", "raise ValueError -> Fail", "after -> End"}


def test_continue_in_a_handler_is_an_error_edge() -> None:
    workflow = workflow_of(handler(f"""
        for x in event["xs"]:
            try:
                {step_call("a")}
            except ValueError:
                continue
            {step_call("b")}
    """))
    assert edges(workflow) == {
        'Start -> for x in event["xs"]', 'for x in event["xs"] -> a', "a -> b",
        'a -> for x in event["xs"] [ValueError] (back) (error)',
        'b -> for x in event["xs"] [next item] (back)', 'for x in event["xs"] -> End [done]'}


def test_else_block_errors_are_not_caught_by_the_handlers() -> None:
    workflow = workflow_of(handler(f"""
        {step_call("a")}
        try:
            value = parse(event)
        except ValueError:
            {step_call("h")}
        else:
            try:
                check(value)
            except KeyError:
                {step_call("k")}
    """))
    assert edges(workflow) == {"Start -> a", "a -> h [ValueError] (error)",
                               "a -> k [KeyError] (error)", "a -> End", "h -> End",
                               "k -> End"}


# -- inlined helper functions -------------------------------------------------------------------


def test_same_file_helper_called_twice() -> None:
    source = handler("""
        close(context, "close-a")
        close(context, "close-b")
    """, before="""
        def close(ctx, name):
            ctx.step(lambda _: 1, name=name)
    """)
    workflow = workflow_of(source)
    a, b = find(workflow, "close-a"), find(workflow, "close-b")
    assert (a.name, b.name) == ("close-a", "close-b")
    assert a.via == Via("close", at(source, 'close(context, "close-a")')[0])
    assert b.via == Via("close", at(source, 'close(context, "close-b")')[0])
    assert (a.line, a.column) == (b.line, b.column) == at(source, "ctx.step(")
    assert a.file is None
    assert edges(workflow) == {"Start -> close-a", "close-a -> close-b", "close-b -> End"}


def test_early_return_in_a_helper_ends_only_the_helper() -> None:
    workflow = workflow_of(handler(f"""
        maybe(context, event["flag"])
        {step_call("after")}
    """, before="""
        def maybe(ctx, flag):
            if flag:
                return None
            ctx.step(lambda _: 1, name="inner")
    """))
    assert find(workflow, "return").scope == "function"
    assert edges(workflow) == {"Start -> flag", "flag -> return [yes]", "flag -> inner [no]",
                               "return -> after", "inner -> after", "after -> End"}


@pytest.mark.parametrize("recursion", ["direct", "mutual"])
def test_recursion_in_helpers_is_bounded(recursion: str) -> None:
    helpers = {
        "direct": """
            def countdown(ctx, n):
                ctx.step(lambda _: n, name="tick")
                countdown(ctx, n - 1)
        """,
        "mutual": """
            def countdown(ctx, n):
                ctx.step(lambda _: n, name="tick")
                tock(ctx, n)

            def tock(ctx, n):
                ctx.step(lambda _: n, name="tock")
                countdown(ctx, n - 1)
        """,
    }[recursion]
    source = handler("countdown(context, 3)\n", before=helpers)
    result = parse(source)
    labels = [n.label for n in walk(result.workflows[0].nodes)]
    assert labels == (["tick"] if recursion == "direct" else ["tick", "tock"])
    (warning,) = result.diagnostics
    assert (warning.code, warning.severity) == ("DV103", Severity.WARNING)
    assert (warning.line, warning.column) == at(source, "countdown(ctx, n - 1)")


def test_helper_imported_from_a_sibling_module(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text(textwrap.dedent("""
        from aws_durable_execution_sdk_python.config import Duration

        def summarize(ctx, topic):
            ctx.wait(Duration.from_seconds(45), name="await-indexing")
            return ctx.step(lambda _: topic, name=f"summarize-{topic}")
    """))
    source = textwrap.dedent("""
        from aws_durable_execution_sdk_python import durable_execution
        from helpers import summarize

        @durable_execution
        def handler(event, context):
            summary = summarize(context, "billing")
    """)
    result = parse_source(source, tmp_path / "main.py", display="main.py")
    (workflow,) = result.workflows
    assert summary(workflow) == [("wait", "await-indexing"), ("step", "summarize-billing")]
    wait, step = nodes_of(workflow)
    via = Via("summarize", at(source, "summarize(context")[0])
    assert (wait.file, wait.via, wait.line, wait.column) == ("helpers.py", via, 5, 5)
    assert (step.file, step.via, step.line, step.column) == ("helpers.py", via, 6, 12)
    assert (step.name, step.dynamic) == ("summarize-billing", False)
    assert result.diagnostics == ()


def test_closure_over_the_context_is_inlined() -> None:
    source = handler("""
        def notify():
            context.step(lambda _: 1, name="notify")

        context.step(lambda _: 1, name="first")
        notify()
    """)
    workflow = workflow_of(source)
    notify = find(workflow, "notify")
    assert notify.via == Via("notify", at(source, "notify()", occurrence=1)[0])
    assert (notify.line, notify.column) == at(source, 'context.step(lambda _: 1, name="notify")')
    assert edges(workflow) == {"Start -> first", "first -> notify", "notify -> End"}


def test_context_passed_to_unknown_code_is_reported() -> None:
    source = handler("""
        external.run(context, event)
        context.step(lambda _: 1, name="after")
    """, before="import external\n")
    result = parse(source)
    assert summary(result.workflows[0]) == [("step", "after")]
    (warning,) = result.diagnostics
    assert (warning.code, warning.severity) == ("DV106", Severity.WARNING)
    assert "external.run" in warning.message
    assert (warning.line, warning.column) == at(source, "external.run(")


def test_operations_in_a_lambda_given_to_unknown_code_are_not_silently_dropped() -> None:
    source = handler("""
        run_later(lambda: context.step(lambda _: 1, name="hidden"))
    """)
    result = parse(source)
    line = at(source, "run_later(")[0]
    shown = any(n.label == "hidden" for n in walk(result.workflows[0].nodes))
    assert shown or any(d.line == line for d in result.diagnostics)


# -- registries -----------------------------------------------------------------------------------


def test_parallel_over_a_module_dict_gives_one_branch_per_key() -> None:
    source = handler("""
        context.parallel(
            [lambda ctx: ctx.invoke(fn, event) for key, fn in SPECIALISTS.items()],
            name="consult",
        )
    """, before='SPECIALISTS = {"billing": "billing-fn", "shipping": "shipping-fn"}\n')
    consult = find(workflow_of(source), "consult")
    assert [(b.label, b.dynamic, [(n.kind, n.target) for n in b.nodes])
            for b in consult.blocks] == [
        ("billing", False, [(Kind.INVOKE, "billing-fn")]),
        ("shipping", False, [(Kind.INVOKE, "shipping-fn")]),
    ]


def test_lambda_default_argument_binds_the_registry_entry() -> None:
    source = handler("""
        context.parallel(
            [lambda ctx, fn=fn: ctx.invoke(fn, event) for key, fn in SPECIALISTS.items()],
            name="consult",
        )
    """, before='SPECIALISTS = {"billing": "billing-fn", "shipping": "shipping-fn"}\n')
    consult = find(workflow_of(source), "consult")
    assert [[n.target for n in b.nodes] for b in consult.blocks] == [["billing-fn"],
                                                                     ["shipping-fn"]]


def test_map_over_a_module_list_gives_one_item_per_entry() -> None:
    source = handler("""
        context.map(REGIONS, deploy, name="rollout")
    """, before="""
        REGIONS = ["eu-west-1", "us-east-1"]

        def deploy(ctx, region, index, items):
            ctx.step(lambda _: region, name=f"deploy-{region}")
    """)
    rollout = find(workflow_of(source), "rollout")
    assert [(b.role, b.label, b.dynamic, [(n.name, n.dynamic) for n in b.nodes])
            for b in rollout.blocks] == [
        ("item", "eu-west-1", False, [("deploy-eu-west-1", False)]),
        ("item", "us-east-1", False, [("deploy-us-east-1", False)]),
    ]


def test_parallel_over_a_runtime_list_gives_one_dynamic_branch() -> None:
    source = handler("""
        context.parallel(event["branches"], name="runtime")
    """)
    result = parse(source)
    runtime = find(result.workflows[0], "runtime")
    assert [(b.label, b.dynamic) for b in runtime.blocks] == [("parallel-branch-{i}", True)]
    assert codes(result) == ["DV105"]
    assert result.diagnostics[0].severity is Severity.WARNING


def test_parallel_over_a_runtime_comprehension_gives_one_dynamic_branch() -> None:
    source = handler("""
        context.parallel([lambda c: c.step(lambda _: 1, name="s") for x in event["xs"]],
                         name="runtime")
    """)
    runtime = find(workflow_of(source), "runtime")
    assert [(b.label, b.dynamic, [n.label for n in b.nodes]) for b in runtime.blocks] == [
        ("parallel-branch-{i}", True, ["s"])]


def test_dv105_names_the_line_of_the_parallel() -> None:
    source = handler("""
        context.parallel(event["branches"], name="runtime")
    """)
    (warning,) = parse(source).diagnostics
    assert warning.line == at(source, "context.parallel(")[0]


# -- positions: the fast path equals libcst's exact positions ------------------------------------


def position_mismatches(source: str) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    """Nodes whose fast-path position differs from libcst's exact one: (type, fast, exact).

    Also checks that the fast path really pairs the trees (no silent fallback to the slow one).
    """
    module = cst.parse_module(source)
    tree = ast.parse(source)
    probe = Positions.__new__(Positions)
    probe._positions = {}
    probe._lines = source.splitlines()
    assert probe._pair(module, tree), "the fast path pairs the ast and libcst trees"
    fast = Positions(module, tree, source)
    exact = Positions(module, None, source)
    recorded = [n for n in iter_preorder(module) if type(n) in _CATEGORIES]
    assert recorded
    assert len(fast._positions) == len(exact._positions) == len(recorded)
    return [(type(n).__name__, fast.get(n), exact.get(n)) for n in recorded
            if fast.get(n) != exact.get(n)]




@pytest.mark.parametrize("example", [p.name for p in sorted(EXAMPLES.glob("*.py"))])
def test_fast_positions_equal_exact_positions(example: str) -> None:
    assert position_mismatches((EXAMPLES / example).read_text(encoding="utf-8")) == []


def test_fast_positions_on_tricky_syntax() -> None:
    source = textwrap.dedent("""
        @decorator
        @factory(1)
        def f(a, b=g(1)):
            if a:
                h()
            elif b:
                k()
            else:
                m()
            x = "é€" + n(2)
            y = [p(i) for i in z] if q else (lambda: r())
            with s() as t, u():
                pass
            try:
                raise V()
            except* W:
                return (w)(3)
            match v:
                case 1:
                    w2()
            return a.b.c(4)(5)
    """)
    assert position_mismatches(source) == []


def test_columns_count_characters_not_bytes() -> None:
    source = handler("""
        résumé = "naïve"; context.step(lambda _: 1, name="ünï")
    """)
    step = find(workflow_of(source), "ünï")
    assert (step.line, step.column) == at(source, "context.step(")
    assert position_mismatches(textwrap.dedent(source)) == []


def test_comprehension_loop_position_as_only_argument() -> None:
    source = handler("""
        results = list(context.step(lambda _: x, name=f"s-{x}") for x in event["xs"])
    """)
    loop = find(workflow_of(source), 'for x in event["xs"]')
    assert (loop.line, loop.column) == at(source, "context.step(lambda _: x")


# -- names a branch changes -----------------------------------------------------------------------
# Each way through an if/elif/else, a match, a ternary, a try body or handler, or the right side of
# and/or starts from the names as they were; where the ways meet, a name that differs between the
# ways that get there (or is assigned on some only) is unknown. Ways ending in return/raise/break/
# continue do not get there.

BRANCH_NAMES = {
    # body: (label, name, dynamic) of each step, in source order
    "assigned in one branch, read after the if": ("""
        name = "a"
        if event["x"]:
            name = "b"
        context.step(lambda _: 1, name=name)
        """, [("{name}", "{}", True)]),
    "read inside the branch": ("""
        name = "a"
        if event["x"]:
            name = "b"
            context.step(lambda _: 1, name=name)
        """, [("b", "b", False)]),
    "the else branch starts from the value before": ("""
        name = "a"
        if event["x"]:
            name = "b"
        else:
            context.step(lambda _: 1, name=name)
        """, [("a", "a", False)]),
    "every branch assigns the same value": ("""
        name = "a"
        if event["x"]:
            name = "b"
        elif event["y"]:
            name = "b"
        else:
            name = "b"
        context.step(lambda _: 1, name=name)
        """, [("b", "b", False)]),
    "elif without else: the way through no branch keeps the old value": ("""
        name = "a"
        if event["x"]:
            name = "b"
        elif event["y"]:
            name = "b"
        context.step(lambda _: 1, name=name)
        """, [("{name}", "{}", True)]),
    "different values in if and else": ("""
        if event["x"]:
            name = "b"
        else:
            name = "c"
        context.step(lambda _: 1, name=f"run-{name}")
        """, [("run-{name}", "run-{}", True)]),
    "a branch that returns does not reach the join": ("""
        name = "a"
        if event["x"]:
            name = "b"
            return
        context.step(lambda _: 1, name=name)
        """, [("a", "a", False)]),
    "a branch that raises does not reach the join": ("""
        if event["x"]:
            name = "b"
        else:
            raise ValueError("no")
        context.step(lambda _: 1, name=name)
        """, [("b", "b", False)]),
    "a branch that breaks out of the loop": ("""
        for item in event["items"]:
            name = "a"
            if item:
                name = "b"
                break
            context.step(lambda _: 1, name=name)
        """, [("a", "a", False)]),
    "nested ifs": ("""
        name = "a"
        if event["x"]:
            if event["y"]:
                name = "b"
        context.step(lambda _: 1, name=name)
        """, [("{name}", "{}", True)]),
    "a name bound before from a changed one keeps its value": ("""
        n = "a"
        label = f"x-{n}"
        if event["x"]:
            n = "b"
        context.step(lambda _: 1, name=label)
        """, [("x-a", "x-a", False)]),
    "match case": ("""
        name = "a"
        match event["kind"]:
            case "b":
                name = "b"
        context.step(lambda _: 1, name=name)
        """, [("{name}", "{}", True)]),
    "match with a default, same value": ("""
        match event["kind"]:
            case "b":
                name = "b"
            case _:
                name = "b"
        context.step(lambda _: 1, name=name)
        """, [("b", "b", False)]),
    "a case pattern binds its own value": ("""
        name = "a"
        match event:
            case {"name": name}:
                context.step(lambda _: 1, name=name)
            case _:
                context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=name)
        """, [("{name}", "{}", True), ("a", "a", False), ("{name}", "{}", True)]),
    "ternary-chosen assignment": ("""
        name = "a"
        (name := "b") if event["x"] else (name := "c")
        context.step(lambda _: 1, name=name)
        """, [("{name}", "{}", True)]),
    "short-circuit and": ("""
        name = "a"
        event["x"] and (name := "b")
        context.step(lambda _: 1, name=name)
        """, [("{name}", "{}", True)]),
    "short-circuit or": ("""
        name = "a"
        event["x"] or (name := "b")
        context.step(lambda _: 1, name=name)
        """, [("{name}", "{}", True)]),
    "try body assigns, handler reads": ("""
        name = "a"
        try:
            name = "b"
            charge(context, 1)
        except ValueError:
            context.step(lambda _: 1, name=name)
        """, [("charge-1", "charge-1", False), ("{name}", "{}", True)]),
    "try body and handler assign, read after": ("""
        name = "a"
        try:
            name = "b"
        except ValueError:
            name = "c"
        context.step(lambda _: 1, name=name)
        """, [("{name}", "{}", True)]),
    "a handler that raises does not reach the join": ("""
        name = "a"
        try:
            name = "b"
        except ValueError:
            raise
        context.step(lambda _: 1, name=name)
        """, [("b", "b", False)]),
    "finally sees any value; after it, what it assigned": ("""
        name = "a"
        try:
            name = "b"
        finally:
            context.step(lambda _: 1, name=name)
            other = "c"
        context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=other)
        """, [("{name}", "{}", True), ("b", "b", False), ("c", "c", False)]),
}


@pytest.mark.parametrize("form", list(BRANCH_NAMES))
def test_names_a_branch_changes(form: str) -> None:
    body, expected = BRANCH_NAMES[form]
    workflow = workflow_of(handler(body, before=_LOOP_HELPER))
    steps = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected


# A nested function assigning the handler's names (``nonlocal``) changes them where it is called:
# after the call, and in a loop that calls it, they hold no value the source shows.
CLOSURE_NAMES = {
    "called from a loop, read before the call": ("""
        name = "a"
        def rename():
            nonlocal name
            name = "b"
        for item in event["items"]:
            context.step(lambda _: 1, name=name)
            rename()
        """, [("{name}", "{}", True)]),
    "read after a call": ("""
        name = "a"
        def rename():
            nonlocal name
            name = "b"
        rename()
        context.step(lambda _: 1, name=name)
        """, [("{name}", "{}", True)]),
    "a nested function without nonlocal assigns its own name": ("""
        name = "a"
        def rename():
            name = "b"
            return name
        rename()
        context.step(lambda _: 1, name=name)
        """, [("a", "a", False)]),
    "assigned again after the call": ("""
        name = "a"
        def rename():
            nonlocal name
            name = "b"
        rename()
        name = "c"
        context.step(lambda _: 1, name=name)
        """, [("c", "c", False)]),
}


@pytest.mark.parametrize("form", list(CLOSURE_NAMES))
def test_names_a_closure_changes(form: str) -> None:
    body, expected = CLOSURE_NAMES[form]
    steps = [n for n in walk(workflow_of(handler(body)).nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected


# A binding holds the value its expression had where it was written: assigning a name it reads
# afterwards does not change it (lambdas excepted: their bodies read names when called).
CAPTURED_NAMES = {
    "a name bound from a name": ("""
        a = "p"
        name = a
        a = "r"
        context.step(lambda _: 1, name=name)
        """, [("p", "p", False)]),
    "an f-string": ("""
        a = "p"
        name = f"x-{a}"
        a = "r"
        context.step(lambda _: 1, name=name)
        """, [("x-p", "x-p", False)]),
    "a concatenation and .format": ("""
        a = "p"
        name = "x-" + a
        other = "y-{}".format(a)
        a = "r"
        context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=other)
        """, [("x-p", "x-p", False), ("y-p", "y-p", False)]),
    "through a chain of names": ("""
        a = "p"
        b = a
        name = b
        a = "r"
        b = "q"
        context.step(lambda _: 1, name=name)
        """, [("p", "p", False)]),
    "an annotated assignment and a walrus": ("""
        a = "p"
        name: str = a
        (other := f"w-{a}")
        a = "r"
        context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=other)
        """, [("p", "p", False), ("w-p", "w-p", False)]),
    "reassigned to a value not shown": ("""
        a = "p"
        name = a
        a, b = event["pair"]
        context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=a)
        """, [("p", "p", False), ("{a}", "{}", True)]),
    "read before and after the reassignment": ("""
        a = "p"
        name = a
        context.step(lambda _: 1, name=name)
        a = "r"
        context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=a)
        """, [("p", "p", False), ("p", "p", False), ("r", "r", False)]),
    "a runtime name stays runtime": ("""
        name = f"x-{event}"
        event = "r"
        context.step(lambda _: 1, name=name)
        """, [("x-{event}", "x-{}", True)]),
    "reassigned in a branch": ("""
        a = "p"
        name = a
        if event["flag"]:
            a = "r"
        context.step(lambda _: 1, name=name)
        """, [("p", "p", False)]),
    "reassigned alike on every way": ("""
        a = "p"
        name = a
        if event["flag"]:
            a = "r"
        else:
            a = "r"
        context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=a)
        """, [("p", "p", False), ("r", "r", False)]),
    "a parameter reassigned in a finally": ("""
        name = f"x-{event}"
        try:
            context.step(lambda _: 1, name="work")
        finally:
            event = {}
        context.step(lambda _: 1, name=name)
        """, [("work", "work", False), ("x-{event}", "x-{}", True)]),
    "bound in a branch, reassigned after the join": ("""
        a = "p"
        if event["flag"]:
            name = f"x-{a}"
        else:
            name = f"x-{a}"
        a = "r"
        context.step(lambda _: 1, name=name)
        """, [("x-p", "x-p", False)]),
    "bound in a loop from a name the loop assigns": ("""
        a = "p"
        for item in event["items"]:
            name = a
            a = "r"
            context.step(lambda _: 1, name=name)
        """, [("{a}", "{}", True)]),
    "reassigned by a closure": ("""
        a = "p"
        name = a
        def rename():
            nonlocal a
            a = "r"
        rename()
        context.step(lambda _: 1, name=name)
        """, [("p", "p", False)]),
    "a lambda reads names when called": ("""
        a = "p"
        work = lambda ctx: ctx.step(lambda _: 1, name=a)
        label = f"l-{a}"
        a = "r"
        context.run_in_child_context(work, name="child")
        context.step(lambda _: 1, name=label)
        """, [("r", "r", False), ("l-p", "l-p", False)]),
    "in a helper, from its parameter": ("""
        def helper(ctx, label):
            name = label
            label = "z"
            ctx.step(lambda _: 1, name=name)
            ctx.step(lambda _: 1, name=label)
        a = "p"
        helper(context, a)
        """, [("p", "p", False), ("z", "z", False)]),
}


@pytest.mark.parametrize("form", list(CAPTURED_NAMES))
def test_name_bound_from_a_name_reassigned_later_keeps_its_value(form: str) -> None:
    body, expected = CAPTURED_NAMES[form]
    steps = [n for n in walk(workflow_of(handler(body)).nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected
