"""The C# parser: one small workflow per construct, checked for kinds, names, positions,
blocks, config and the edges the edge builder draws from the result.

Facts about the SDK (method signatures, named arguments, default names) come from
shared/SDK-API.md section 4; the graph rules from DESIGN.md. Edges are compared as
``"source -> target [label]"`` strings by node label, with `` (back)`` / `` (error)``.
"""

# C# sources are written as they would be in a C# file, some lines longer than ours.
# ruff: noqa: E501

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from graph_text import edge_texts

from durable_viz import build_graph, parse_source
from durable_viz.graph import Block, Kind, Node, ParseResult, Via, Workflow, walk

NOWHERE = Path("/nonexistent-durable-viz/Function.cs")
"""A path whose folder does not exist: no other file of a project is read."""

PRELUDE = """\
using Amazon.Lambda.Core;
using Amazon.Lambda.DurableExecution;

"""


def handler(body: str, *, members: str = "", before: str = "") -> str:
    """A file with one class whose ``Handler`` wraps ``Workflow(Input input, IDurableContext
    ctx)``, holding ``body``; ``members`` are more class members, ``before`` more types."""
    return (
        PRELUDE
        + textwrap.dedent(before)
        + "\npublic class Function\n{\n"
        + textwrap.indent(textwrap.dedent(members), "    ")
        + "\n    public Task<DurableExecutionInvocationOutput> Handler(\n"
        + "        DurableExecutionInvocationInput input, ILambdaContext context)\n"
        + "        => DurableFunction.WrapAsync<Input, Output>(Workflow, input, context);\n\n"
        + "    public async Task<Output> Workflow(Input input, IDurableContext ctx)\n    {\n"
        + textwrap.indent(textwrap.dedent(body), " " * 8)
        + "    }\n}\n"
    )


def parse(source: str, path: Path = NOWHERE) -> ParseResult:
    return parse_source(source, path)


def workflow_of(source: str, path: Path = NOWHERE) -> Workflow:
    result = parse(source, path)
    assert len(result.workflows) == 1, result.workflows
    return result.workflows[0]


def nodes_of(source: str) -> list[Node]:
    return list(walk(workflow_of(source).nodes))


def summary(source: str) -> list[tuple[str, str]]:
    """(kind, label) of every node, in source order."""
    return [(n.kind.value, n.label) for n in nodes_of(source)]


def names(source: str) -> list[str | None]:
    return [n.name for n in nodes_of(source) if n.is_operation]


def find(workflow: Workflow, label: str) -> Node:
    found = [n for n in walk(workflow.nodes) if n.label == label]
    assert len(found) == 1, f"{len(found)} nodes labelled {label!r}"
    return found[0]


def block_labels(node: Node) -> list[str | None]:
    return [b.label for b in node.blocks]


def edges(workflow: Workflow) -> set[str]:
    return edge_texts(build_graph(workflow))


def codes(source: str, path: Path = NOWHERE) -> list[str]:
    return [d.code for d in parse(source, path).diagnostics]


def at(source: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """1-based (line, column) where ``needle`` occurs in ``source``."""
    start = -1
    for _ in range(occurrence + 1):
        start = source.index(needle, start + 1)
    line = source.count("\n", 0, start) + 1
    return line, start - (source.rfind("\n", 0, start) + 1) + 1


def step(name: str) -> str:
    return f'await ctx.StepAsync(async (_, ct) => await Work.DoAsync(ct), name: "{name}");\n'


# -- handlers --------------------------------------------------------------------------------------


def test_wrapasync_with_a_method_group_draws_the_method_named_after_it() -> None:
    source = handler(step("a"))
    workflow = workflow_of(source)
    assert workflow.name == "Workflow"
    assert workflow.line == at(source, "Workflow(Input")[0]
    assert [n.name for n in workflow.nodes] == ["a"]


def test_wrapasync_with_a_lambda_is_named_after_the_handler_method() -> None:
    source = PRELUDE + textwrap.dedent("""\
        public class Function
        {
            public Task<DurableExecutionInvocationOutput> Orders(
                DurableExecutionInvocationInput input, ILambdaContext context)
                => DurableFunction.WrapAsync<In, Out>(async (order, durable) =>
                {
                    await durable.StepAsync(async (_, ct) => 1, name: "inline");
                    return new Out();
                }, input, context);
        }
        """)
    workflow = workflow_of(source)
    assert workflow.name == "Orders"
    assert [n.name for n in workflow.nodes] == ["inline"]


def test_durable_execution_attribute_marks_a_workflow() -> None:
    source = PRELUDE + textwrap.dedent("""\
        public class Functions
        {
            [LambdaFunction]
            [DurableExecution(executionTimeout: 300, RetentionPeriodInDays = 7)]
            public async Task<Out> Charge(In input, IDurableContext context)
            {
                await context.StepAsync(async (_, ct) => 1, name: "charge");
                return new Out();
            }

            [Amazon.Lambda.Annotations.DurableExecutionAttribute]
            public async Task<Out> Refund(In input, IDurableContext context)
                => await context.StepAsync(async (_, ct) => new Out(), name: "refund");
        }
        """)
    result = parse(source)
    assert [(w.name, [n.name for n in w.nodes]) for w in result.workflows] == [
        ("Charge", ["charge"]),
        ("Refund", ["refund"]),
    ]


def test_executable_model_main_with_lambda_bootstrap() -> None:
    source = PRELUDE + textwrap.dedent("""\
        public static class Program
        {
            public static async Task Main()
            {
                Func<DurableExecutionInvocationInput, ILambdaContext, Task<DurableExecutionInvocationOutput>> handler =
                    (input, context) => DurableFunction.WrapAsync<In, Out>(RunAsync, input, context);
                await LambdaBootstrapBuilder.Create(handler, new DefaultLambdaJsonSerializer()).Build().RunAsync();
            }

            private static async Task<Out> RunAsync(In input, IDurableContext ctx)
            {
                await ctx.WaitAsync(TimeSpan.FromSeconds(5), name: "pause");
                return new Out();
            }
        }
        """)
    workflow = workflow_of(source)
    assert (workflow.name, [n.name for n in workflow.nodes]) == ("RunAsync", ["pause"])


def test_top_level_statements_with_local_function_workflow_and_helpers() -> None:
    source = PRELUDE + textwrap.dedent("""\
        const string Bucket = "uploads";

        var handler = (DurableExecutionInvocationInput input, ILambdaContext context) =>
            DurableFunction.WrapAsync<In, Out>(Run, input, context);
        await LambdaBootstrapBuilder.Create(handler, new DefaultLambdaJsonSerializer()).Build().RunAsync();

        async Task<Out> Run(In input, IDurableContext context)
        {
            await Mark(context, "begin");
            await context.StepAsync(async (_, ct) => 1, name: $"read-{Bucket}");
            return new Out();
        }

        static Task Mark(IDurableContext ctx, string name) =>
            ctx.StepAsync(async (_, ct) => 0, name: name);
        """)
    workflow = workflow_of(source)
    assert workflow.name == "Run"
    assert [n.name for n in walk(workflow.nodes) if n.is_operation] == ["begin", "read-uploads"]


def test_a_lambda_workflow_in_top_level_statements_takes_the_variable_name() -> None:
    source = PRELUDE + textwrap.dedent("""\
        var orders = (DurableExecutionInvocationInput input, ILambdaContext context) =>
            DurableFunction.WrapAsync<In, Out>(async (o, c) => await c.StepAsync(async (_, ct) => new Out(), name: "x"), input, context);
        """)
    assert workflow_of(source).name == "orders"


def test_several_workflows_in_source_order_and_one_wrapped_twice_drawn_once() -> None:
    source = PRELUDE + textwrap.dedent("""\
        public class Functions
        {
            public Task<DurableExecutionInvocationOutput> A(DurableExecutionInvocationInput i, ILambdaContext c)
                => DurableFunction.WrapAsync<In, Out>(First, i, c);
            public Task<DurableExecutionInvocationOutput> B(DurableExecutionInvocationInput i, ILambdaContext c)
                => DurableFunction.WrapAsync<In, Out>(Second, i, c);
            public Task<DurableExecutionInvocationOutput> C(DurableExecutionInvocationInput i, ILambdaContext c)
                => DurableFunction.WrapAsync<In, Out>(First, i, c);

            private async Task<Out> Second(In input, IDurableContext ctx) => await ctx.StepAsync(async (_, t) => new Out(), name: "two");
            private async Task<Out> First(In input, IDurableContext ctx) => await ctx.StepAsync(async (_, t) => new Out(), name: "one");
        }
        """)
    result = parse(source)
    assert [w.name for w in result.workflows] == ["First", "Second"]


def test_a_file_without_handler_draws_methods_with_the_workflow_signature() -> None:
    source = PRELUDE + textwrap.dedent("""\
        public static class Workflows
        {
            public static async Task<Out> RunAsync(In input, IDurableContext ctx)
            {
                await Helper(ctx, "h");
                return new Out();
            }

            // Context first: a helper, not a workflow.
            private static Task Helper(IDurableContext ctx, string name) =>
                ctx.StepAsync(async (_, t) => 0, name: name);
        }
        """)
    result = parse(source)
    assert [w.name for w in result.workflows] == ["RunAsync"]
    assert [n.name for n in walk(result.workflows[0].nodes) if n.is_operation] == ["h"]


def test_a_file_of_helpers_has_no_workflow() -> None:
    source = PRELUDE + textwrap.dedent("""\
        public static class Helpers
        {
            public static Task Summarize(IDurableContext ctx, string topic) =>
                ctx.StepAsync(async (_, t) => 0, name: topic);
        }
        """)
    assert parse(source).workflows == ()


def _project(tmp_path: Path, *, csproj: bool) -> Path:
    """A handler in ``src/`` whose workflow class sits in ``src/Workflows/``."""
    if csproj:
        (tmp_path / "Orders.csproj").write_text('<Project Sdk="Microsoft.NET.Sdk" />\n')
    workflows = tmp_path / "src" / "Workflows"
    workflows.mkdir(parents=True)
    (workflows / "OrderWorkflow.cs").write_text(
        PRELUDE
        + textwrap.dedent("""\
            public static class OrderWorkflow
            {
                public static async Task<Out> RunAsync(In input, IDurableContext ctx)
                {
                    await ctx.StepAsync(async (_, t) => 1, name: "remote-step");
                    return new Out();
                }
            }
            """),
        encoding="utf-8",
    )
    main = tmp_path / "src" / "Function.cs"
    main.write_text(
        PRELUDE
        + textwrap.dedent("""\
            public class Function
            {
                public Task<DurableExecutionInvocationOutput> Handler(DurableExecutionInvocationInput i, ILambdaContext c)
                    => DurableFunction.WrapAsync<In, Out>(OrderWorkflow.RunAsync, i, c);
            }
            """),
        encoding="utf-8",
    )
    return main


def test_workflow_in_another_file_of_the_project(tmp_path: Path) -> None:
    main = _project(tmp_path, csproj=True)
    result = parse_source(main.read_text(encoding="utf-8"), main, display="src/Function.cs")
    (workflow,) = result.workflows
    assert workflow.name == "RunAsync"
    assert workflow.file == "src/Workflows/OrderWorkflow.cs"
    (node,) = workflow.nodes
    assert (node.name, node.file, node.line) == ("remote-step", "src/Workflows/OrderWorkflow.cs", 8)
    assert result.diagnostics == ()


def test_without_a_project_file_only_the_own_folder_is_searched(tmp_path: Path) -> None:
    main = _project(tmp_path, csproj=False)
    result = parse_source(main.read_text(encoding="utf-8"), main, display="src/Function.cs")
    assert result.workflows == ()
    assert [(d.code, d.line) for d in result.diagnostics] == [("DV107", 7)]


# -- operations ------------------------------------------------------------------------------------


def test_every_context_method_with_its_kind_name_and_position() -> None:
    body = """\
        var a = await ctx.StepAsync(async (_, ct) => await Work.DoAsync(ct), name: "s");
        await ctx.WaitAsync(TimeSpan.FromMinutes(5), name: "w");
        var r = await ctx.InvokeAsync<Req, Res>("fn-arn", new Req(), name: "i");
        await ctx.RunInChildContextAsync(async (child, ct) => await child.StepAsync(async (_, t) => 1, name: "inner"), name: "c");
        var cb = await ctx.CreateCallbackAsync<string>(name: "cc");
        await ctx.WaitForCallbackAsync<string>(async (id, cbCtx, ct) => await Mail.SendAsync(id, ct), name: "wfc");
        await ctx.WaitForConditionAsync(async (state, check, ct) => state, new WaitForConditionConfig<int> { InitialState = 0 }, name: "wcond");
        await ctx.MapAsync(items, async (mctx, item, index, all, ct) => await mctx.StepAsync(async (_, t) => item, name: "m-item"), name: "m");
        await ctx.ParallelAsync(new[] { async (IDurableContext p, CancellationToken ct) => await p.StepAsync(async (_, t) => 1, name: "b") }, name: "p");
        """
    source = handler(body)
    assert summary(source) == [
        ("step", "s"),
        ("wait", "w"),
        ("invoke", "i"),
        ("child_context", "c"),
        ("step", "inner"),
        ("create_callback", "cc"),
        ("wait_for_callback", "wfc"),
        ("wait_for_condition", "wcond"),
        ("map", "m"),
        ("step", "m-item"),
        ("parallel", "p"),
        ("step", "b"),
    ]
    workflow = workflow_of(source)
    # The position is the call's start: its receiver, after any ``await``.
    assert (find(workflow, "s").line, find(workflow, "s").column) == at(source, "ctx.StepAsync")
    assert (find(workflow, "inner").line, find(workflow, "inner").column) == at(
        source, "child.StepAsync"
    )
    invoke = find(workflow, "i")
    assert (invoke.target, invoke.annotations) == ("fn-arn", ("calls fn-arn",))


def test_names_positional_named_and_in_any_order() -> None:
    body = """\
        await ctx.StepAsync(async (_, ct) => 1, "positional");
        await ctx.StepAsync(name: "named-first", func: async (_, ct) => 1);
        await ctx.StepAsync(config: new StepConfig(), name: "config-first", func: async (_, ct) => 1);
        await ctx.WaitAsync(TimeSpan.FromSeconds(1), "wait-positional");
        await ctx.InvokeAsync<A, B>("fn", payload, "invoke-positional");
        await ctx.WaitForConditionAsync(async (s, c, ct) => s, new WaitForConditionConfig<int>(), "condition-third");
        await ctx.CreateCallbackAsync<int>("callback-first");
        await ctx.StepAsync<int>(async (_, ct) => 1, name: "generic");
        """
    assert names(handler(body)) == [
        "positional",
        "named-first",
        "config-first",
        "wait-positional",
        "invoke-positional",
        "condition-third",
        "callback-first",
        "generic",
    ]


def test_omitted_and_null_names_record_none_with_a_readable_label() -> None:
    body = """\
        await ctx.StepAsync(async (_, ct) => await Billing.ChargeAsync(ct));
        await ctx.StepAsync(async (_, ct) => 1, name: null);
        await ctx.WaitAsync(TimeSpan.FromHours(2));
        await ctx.InvokeAsync<A, B>("payments", payload);
        await ctx.StepAsync(ChargeStep);
        """
    nodes = nodes_of(handler(body))
    assert [(n.name, n.label, n.annotations[-1]) for n in nodes] == [
        (None, "Billing.ChargeAsync", "unnamed"),
        (None, "step", "unnamed"),
        (None, "wait 2h", "unnamed"),
        (None, "payments", "unnamed"),
        (None, "ChargeStep", "unnamed"),
    ]


def test_name_values_constants_interpolation_nameof_and_more() -> None:
    members = """\
        private const string Validate = "validate-order";
        private static readonly string Prefix = "ship";
        private static string Computed => "computed-name";
    """
    before = """\
        public static class Steps
        {
            public const string Notify = "notify-customer";
        }
    """
    body = """\
        await ctx.StepAsync(async (_, ct) => 1, name: Validate);
        await ctx.StepAsync(async (_, ct) => 1, name: Steps.Notify);
        await ctx.StepAsync(async (_, ct) => 1, name: $"{Prefix}-{input.Id}");
        await ctx.StepAsync(async (_, ct) => 1, name: nameof(Validate));
        await ctx.StepAsync(async (_, ct) => 1, name: "item-" + input.Index);
        await ctx.StepAsync(async (_, ct) => 1, name: string.Format("part-{0}-{1}", Prefix, input.Index));
        await ctx.StepAsync(async (_, ct) => 1, name: input.Urgent ? "fast" : "slow");
        await ctx.StepAsync(async (_, ct) => 1, name: @"C:\\verbatim");
        await ctx.StepAsync(async (_, ct) => 1, name: "tab\\tescape");
        await ctx.StepAsync(async (_, ct) => 1, name: Computed);
        await ctx.StepAsync(async (_, ct) => 1, name: $"{{literal}}-{input.Id,5:D}");
        """
    nodes = nodes_of(handler(body, members=members, before=before))
    assert [(n.name, n.label, n.dynamic) for n in nodes] == [
        ("validate-order", "validate-order", False),
        ("notify-customer", "notify-customer", False),
        ("ship-{}", "ship-{input.Id}", True),
        ("Validate", "Validate", False),
        ("item-{}", "item-{input.Index}", True),
        ("part-ship-{}", "part-ship-{input.Index}", True),
        ("{}", "{fast | slow}", True),
        ("C:\\verbatim", "C:\\verbatim", False),
        ("tab\tescape", "tab\tescape", False),
        ("computed-name", "computed-name", False),
        ("{literal}-{}", "{literal}-{input.Id}", True),
    ]


def test_a_local_rebound_or_incremented_is_no_longer_a_constant() -> None:
    body = """\
        var stage = "first";
        await ctx.StepAsync(async (_, ct) => 1, name: stage);
        stage = "second";
        await ctx.StepAsync(async (_, ct) => 1, name: stage);
        var attempt = 0;
        while (attempt < 3)
        {
            await ctx.StepAsync(async (_, ct) => 1, name: $"try-{attempt}");
            attempt++;
        }
        """
    assert names(handler(body)) == ["first", "second", "try-{}"]


# -- config ----------------------------------------------------------------------------------------


def test_config_annotations_from_initializers_and_factories() -> None:
    members = 'private static readonly string[] Regions = ["us", "eu"];\n'
    body = """\
        await ctx.StepAsync(async (_, ct) => 1, name: "pay", config: new StepConfig
        {
            RetryStrategy = RetryStrategy.Exponential(maxAttempts: 5, initialDelay: TimeSpan.FromSeconds(2)),
            Semantics = StepSemantics.AtMostOncePerRetry,
        });
        await ctx.StepAsync(async (_, ct) => 1, name: "quick", config: new() { RetryStrategy = RetryStrategy.None });
        await ctx.StepAsync(async (_, ct) => 1, name: "transient", config: new StepConfig { RetryStrategy = RetryStrategy.Transient });
        await ctx.ParallelAsync(branches, name: "race", config: new ParallelConfig
        {
            MaxConcurrency = Regions.Length,
            CompletionConfig = CompletionConfig.FirstSuccessful(),
            NestingType = NestingType.Flat,
        });
        await ctx.MapAsync(items, Work, name: "tolerant", config: new MapConfig<int>
        {
            CompletionConfig = new CompletionConfig { MinSuccessful = 2, ToleratedFailurePercentage = 10 },
        });
        await ctx.InvokeAsync<A, B>("fn", p, name: "tenant", config: new InvokeConfig { TenantId = "t-1" });
        await ctx.CreateCallbackAsync<int>("approve", new CallbackConfig { Timeout = TimeSpan.FromDays(2), HeartbeatTimeout = new TimeSpan(1, 30, 0) });
        await ctx.WaitForConditionAsync(check, new WaitForConditionConfig<int> { InitialState = 0, WaitStrategy = WaitStrategy.Linear(maxAttempts: 12) }, "poll");
        var config = new ChildContextConfig { NestingType = NestingType.Nested, SubType = "billing" };
        await ctx.RunInChildContextAsync(async (c, ct) => 1, "child", config);
        """
    nodes = {n.label: n for n in nodes_of(handler(body, members=members))}
    assert nodes["pay"].annotations == ("retry: exponential x5", "at most once")
    assert dict(nodes["pay"].config) == {
        "retry": "exponential x5",
        "semantics": "at most once per retry",
    }
    assert nodes["quick"].annotations == ("retry: no retry",)
    assert nodes["transient"].annotations == ("retry: transient",)
    assert nodes["race"].annotations == ("max 2 at once", "first successful", "flat")
    assert nodes["tolerant"].annotations == ("min 2 successful, tolerates 10% failures",)
    assert nodes["tenant"].annotations == ("calls fn", "tenant t-1")
    assert nodes["approve"].annotations == ("timeout 2d", "heartbeat 90m")
    assert nodes["poll"].annotations == ("polls up to 12x",)
    assert dict(nodes["child"].config) == {"nesting": "nested", "sub_type": "billing"}


# -- control flow ----------------------------------------------------------------------------------


def test_if_else_in_allman_kr_and_braceless_styles_draw_the_same() -> None:
    allman = """\
        if (input.Premium)
        {
            await ctx.StepAsync(async (_, ct) => 1, name: "yes");
        }
        else
        {
            await ctx.StepAsync(async (_, ct) => 1, name: "no");
        }
        """
    kr = """\
        if (input.Premium) {
            await ctx.StepAsync(async (_, ct) => 1, name: "yes");
        } else {
            await ctx.StepAsync(async (_, ct) => 1, name: "no");
        }
        """
    braceless = """\
        if (input.Premium)
            await ctx.StepAsync(async (_, ct) => 1, name: "yes");
        else
            await ctx.StepAsync(async (_, ct) => 1, name: "no");
        """
    drawn = [summary(handler(body)) for body in (allman, kr, braceless)]
    assert (
        drawn[0]
        == drawn[1]
        == drawn[2]
        == [
            ("condition", "input.Premium"),
            ("step", "yes"),
            ("step", "no"),
        ]
    )
    assert edges(workflow_of(handler(kr))) == {
        "Start -> input.Premium",
        "input.Premium -> yes [yes]",
        "input.Premium -> no [no]",
        "yes -> End",
        "no -> End",
    }


def test_else_if_chain_is_a_condition_on_the_no_outcome_and_guards_exit() -> None:
    body = """\
        if (input.Amount <= 0) throw new ArgumentException("amount");
        if (input.Tier == "gold") await ctx.StepAsync(async (_, ct) => 1, name: "gold");
        else if (input.Tier == "silver") await ctx.StepAsync(async (_, ct) => 1, name: "silver");
        if (input.Skip) return new Output();
        await ctx.StepAsync(async (_, ct) => 1, name: "last");
        return new Output();
        """
    workflow = workflow_of(handler(body))
    assert summary(handler(body)) == [
        ("condition", "input.Amount <= 0"),
        ("raise", "throw ArgumentException"),
        ("condition", 'input.Tier == "gold"'),
        ("step", "gold"),
        ("condition", 'input.Tier == "silver"'),
        ("step", "silver"),
        ("condition", "input.Skip"),
        ("return", "return"),
        ("step", "last"),
    ]
    assert edges(workflow) == {
        "Start -> input.Amount <= 0",
        "input.Amount <= 0 -> throw ArgumentException [yes]",
        "throw ArgumentException -> Fail",
        'input.Amount <= 0 -> input.Tier == "gold" [no]',
        'input.Tier == "gold" -> gold [yes]',
        'input.Tier == "gold" -> input.Tier == "silver" [no]',
        'input.Tier == "silver" -> silver [yes]',
        'input.Tier == "silver" -> input.Skip [no]',
        "gold -> input.Skip",
        "silver -> input.Skip",
        "input.Skip -> return [yes]",
        "return -> End",
        "input.Skip -> last [no]",
        "last -> End",
    }


def test_switch_statement_sections_default_and_shared_labels() -> None:
    body = """\
        switch (input.Kind)
        {
            case "a":
            case "b" when input.Flag:
                await ctx.StepAsync(async (_, ct) => 1, name: "ab");
                break;
            case Refund r:
                await ctx.StepAsync(async (_, ct) => 1, name: "refund");
                return new Output();
            default:
                break;
        }
        await ctx.StepAsync(async (_, ct) => 1, name: "after");
        """
    workflow = workflow_of(handler(body))
    switch = find(workflow, "switch input.Kind")
    assert block_labels(switch) == [
        'case "a" | case "b" when input.Flag',
        "case Refund r",
        "default",
    ]
    assert switch.fallthrough is None
    assert edges(workflow) == {
        "Start -> switch input.Kind",
        'switch input.Kind -> ab [case "a" | case "b" when input.Flag]',
        "switch input.Kind -> refund [case Refund r]",
        "switch input.Kind -> after [default]",
        "ab -> after",
        "refund -> return",
        "return -> End",
        "after -> End",
    }


def test_switch_without_default_has_a_path_around_it_and_break_stays_in_the_switch() -> None:
    body = """\
        while (true)
        {
            switch (input.Kind)
            {
                case 1:
                    await ctx.StepAsync(async (_, ct) => 1, name: "one");
                    break;
            }
            await ctx.StepAsync(async (_, ct) => 1, name: "loop-end");
        }
        """
    workflow = workflow_of(handler(body))
    assert find(workflow, "switch input.Kind").fallthrough == "no match"
    assert "one -> loop-end" in edges(workflow)
    assert "switch input.Kind -> loop-end [no match]" in edges(workflow)


def test_switch_expression_and_ternary_choose_between_operations() -> None:
    body = """\
        var shipped = input.Speed switch
        {
            Speed.Express => await ctx.StepAsync(async (_, ct) => 1, name: "courier"),
            Speed.Slow when input.Big => await ctx.StepAsync(async (_, ct) => 1, name: "freight"),
            _ => await ctx.StepAsync(async (_, ct) => 1, name: "post"),
        };
        var receipt = input.Email
            ? await ctx.StepAsync(async (_, ct) => 1, name: "email")
            : await ctx.StepAsync(async (_, ct) => 1, name: "sms");
        var plain = input.X switch { 1 => "one", _ => "many" };
        """
    workflow = workflow_of(handler(body))
    switch = find(workflow, "switch input.Speed")
    assert block_labels(switch) == [
        "case Speed.Express",
        "case Speed.Slow when input.Big",
        "default",
    ]
    assert switch.fallthrough is None  # a switch expression covers every value
    ternary = find(workflow, "input.Email")
    assert [(b.label, [n.name for n in b.nodes]) for b in ternary.blocks] == [
        ("yes", ["email"]),
        ("no", ["sms"]),
    ]
    assert [n.kind for n in workflow.nodes] == [Kind.CONDITION, Kind.CONDITION]


def test_short_circuit_operators_make_conditions() -> None:
    body = """\
        var ok = input.Ready && await ctx.StepAsync(async (_, ct) => true, name: "check");
        var cached = input.Cached ?? await ctx.StepAsync(async (_, ct) => "v", name: "fetch");
        """
    workflow = workflow_of(handler(body))
    assert [(n.label, n.blocks[0].label, n.fallthrough) for n in workflow.nodes] == [
        ("input.Ready", "yes", "no"),
        ("input.Cached is null", "yes", "no"),
    ]


def test_loops_for_foreach_while_do_and_their_edges() -> None:
    body = """\
        for (var i = 0; i < input.Count; i++)
        {
            await ctx.StepAsync(async (_, ct) => 1, name: $"item-{i}");
        }
        await foreach (var page in Pages.ReadAsync())
            await ctx.StepAsync(async (_, ct) => 1, name: "page");
        do
        {
            await ctx.WaitAsync(TimeSpan.FromMinutes(1), name: "poll");
        } while (!done);
        while (true)
        {
            var reply = await ctx.StepAsync(async (_, ct) => 1, name: "ask");
            if (reply == 0) break;
            if (reply == 1) continue;
            await ctx.StepAsync(async (_, ct) => 1, name: "act");
        }
        """
    workflow = workflow_of(handler(body))
    loops = [n for n in walk(workflow.nodes) if n.kind is Kind.LOOP]
    assert [(n.label, n.infinite, n.do_while) for n in loops] == [
        ("for var i = 0; i < input.Count; i++", False, False),
        ("await foreach page in Pages.ReadAsync()", False, False),
        ("do … while !done", False, True),
        ("while true", True, False),
    ]
    assert edges(workflow) == {
        "Start -> for var i = 0; i < input.Count; i++",
        "for var i = 0; i < input.Count; i++ -> item-{i}",
        "item-{i} -> for var i = 0; i < input.Count; i++ [next item] (back)",
        "for var i = 0; i < input.Count; i++ -> await foreach page in Pages.ReadAsync() [done]",
        "await foreach page in Pages.ReadAsync() -> page",
        "page -> await foreach page in Pages.ReadAsync() [next item] (back)",
        "await foreach page in Pages.ReadAsync() -> poll [done]",
        "poll -> do … while !done",
        "do … while !done -> poll [repeat] (back)",
        "do … while !done -> while true [done]",
        "while true -> ask",
        "ask -> reply == 0",
        "reply == 0 -> End [yes]",
        "reply == 0 -> reply == 1 [no]",
        "reply == 1 -> while true [yes] (back)",
        "reply == 1 -> act [no]",
        "act -> while true [repeat] (back)",
    }


def test_try_catch_with_filters_finally_and_using() -> None:
    body = """\
        using var scope = Tracer.Start("saga");
        try
        {
            await ctx.StepAsync(async (_, ct) => 1, name: "book");
        }
        catch (TimeoutException error) when (error.Retryable)
        {
            await ctx.StepAsync(async (_, ct) => 1, name: "retry-later");
        }
        catch (Exception)
        {
            await ctx.StepAsync(async (_, ct) => 1, name: "compensate");
            throw;
        }
        finally
        {
            await ctx.StepAsync(async (_, ct) => 1, name: "audit");
        }
        using (var lease = Locks.Take())
        {
            await ctx.StepAsync(async (_, ct) => 1, name: "locked");
        }
        """
    workflow = workflow_of(handler(body))
    try_node = workflow.nodes[0]
    assert [(b.role, b.label) for b in try_node.blocks] == [
        ("body", "try"),
        ("handler", "TimeoutException when error.Retryable"),
        ("handler", "Exception"),
        ("finally", "finally"),
    ]
    assert try_node.catch_all
    assert edges(workflow) == {
        "Start -> book",
        "book -> retry-later [TimeoutException when error.Retryable] (error)",
        "book -> compensate [Exception] (error)",
        "compensate -> throw",
        "book -> audit",
        "retry-later -> audit",
        "throw -> audit",
        "audit -> locked",
        "audit -> Fail [raise]",
        "locked -> End",
    }


def test_a_filtered_catch_of_exception_does_not_catch_everything() -> None:
    body = """\
        try { await ctx.StepAsync(async (_, ct) => 1, name: "a"); }
        catch (Exception e) when (e is TimeoutException) { await ctx.StepAsync(async (_, ct) => 1, name: "b"); }
        catch { await ctx.StepAsync(async (_, ct) => 1, name: "c"); }
        """
    try_node = workflow_of(handler(body)).nodes[0]
    assert [b.label for b in try_node.blocks] == [
        "try",
        "Exception when e is TimeoutException",
        "error",
    ]
    assert try_node.catch_all  # the bare catch


def test_control_structures_without_operations_are_not_drawn() -> None:
    body = """\
        if (input.A) { Console.WriteLine("a"); }
        for (var i = 0; i < 3; i++) { total += i; }
        try { Parse(); } catch (FormatException) { }
        switch (input.B) { case 1: break; }
        await ctx.StepAsync(async (_, ct) => 1, name: "only");
        """
    assert summary(handler(body)) == [("step", "only")]


# -- parallel, map, child contexts -----------------------------------------------------------------


def test_parallel_branch_forms() -> None:
    members = """\
        private static Task<int> Reserve(IDurableContext ctx, CancellationToken ct) =>
            ctx.StepAsync(async (_, t) => 1, name: "reserve");
    """
    body = """\
        await ctx.ParallelAsync(new List<Func<IDurableContext, CancellationToken, Task<int>>>
        {
            Reserve,
            async (b, ct) => await b.StepAsync(async (_, t) => 2, name: "lambda"),
        }, name: "delegates");
        await ctx.ParallelAsync(new DurableBranch<int>[]
        {
            new("first", Reserve),
            new DurableBranch<int>(Name: "second", Func: async (b, ct) => await b.WaitAsync(TimeSpan.FromSeconds(1), "nap")),
        }, "named");
        DurableBranch<int>[] collected = [new("x", Reserve), new("y", Reserve)];
        await ctx.ParallelAsync(collected, name: "collection");
        """
    workflow = workflow_of(handler(body, members=members))
    drawn = {
        n.label: [(b.label, b.dynamic, [m.name for m in b.nodes]) for b in n.blocks]
        for n in workflow.nodes
    }
    assert drawn == {
        "delegates": [
            ("parallel-branch-0", False, ["reserve"]),
            ("parallel-branch-1", False, ["lambda"]),
        ],
        "named": [("first", False, ["reserve"]), ("second", False, ["nap"])],
        "collection": [("x", False, ["reserve"]), ("y", False, ["reserve"])],
    }


def test_parallel_branches_built_in_loops_and_with_select() -> None:
    members = """\
        private static readonly Dictionary<string, string> Desks = new()
        {
            ["billing"] = "invoices",
            ["legal"] = "contracts",
        };

        private static Func<IDurableContext, CancellationToken, Task<int>> Ask(string desk) =>
            async (c, ct) => await c.StepAsync(async (_, t) => 1, name: $"ask-{desk}");
    """
    body = """\
        var branches = new List<DurableBranch<int>>();
        foreach (var (desk, brief) in Desks)
        {
            branches.Add(new DurableBranch<int>(desk, Ask(desk)));
        }
        await ctx.ParallelAsync(branches, name: "registry-loop");

        var unknown = new List<DurableBranch<int>>();
        foreach (var desk in input.Desks)
            unknown.Add(new DurableBranch<int>($"desk-{desk}", Ask(desk)));
        await ctx.ParallelAsync(unknown, name: "runtime-loop");

        await ctx.ParallelAsync(Desks.Keys.Select(d => new DurableBranch<int>(d, Ask(d))).ToList(), name: "select");
        await ctx.ParallelAsync(input.Branches, name: "opaque");
        """
    source = handler(body, members=members)
    workflow = workflow_of(source)
    drawn = {
        n.label: [(b.label, b.dynamic, [m.name for m in b.nodes]) for b in n.blocks]
        for n in workflow.nodes
    }
    assert drawn == {
        "registry-loop": [("billing", False, ["ask-billing"]), ("legal", False, ["ask-legal"])],
        "runtime-loop": [("desk-{desk}", True, ["ask-{}"])],
        "select": [("billing", False, ["ask-billing"]), ("legal", False, ["ask-legal"])],
        "opaque": [("parallel-branch-{i}", True, [])],
    }
    assert [(d.code, d.line) for d in parse(source).diagnostics] == [
        ("DV105", at(source, "ctx.ParallelAsync(input.Branches")[0])
    ]


def test_map_over_a_registry_and_over_runtime_items() -> None:
    members = """\
        private static readonly string[] Regions = { "us", "eu" };

        private static Task<int> Check(IDurableContext ctx, string region, int index, IReadOnlyList<string> all, CancellationToken ct) =>
            ctx.StepAsync(async (_, t) => 1, name: $"check-{region}-{index}");
    """
    body = """\
        await ctx.MapAsync(Regions, Check, name: "regions", config: new MapConfig<string> { ItemNamer = (r, i) => $"region-{r}" });
        await ctx.MapAsync(input.Keys, async (c, key, i, all, ct) => await c.StepAsync(async (_, t) => 1, name: $"key-{key}"), "keys");
        """
    workflow = workflow_of(handler(body, members=members))
    drawn = {
        n.label: [(b.role, b.label, b.dynamic, [m.name for m in b.nodes]) for b in n.blocks]
        for n in workflow.nodes
    }
    assert drawn == {
        "regions": [
            ("item", "region-us", False, ["check-us-0"]),
            ("item", "region-eu", False, ["check-eu-1"]),
        ],
        "keys": [("item", "map-item-{i}", True, ["key-{}"])],
    }


def test_child_context_body_and_wait_for_callback_submitter() -> None:
    body = """\
        await ctx.RunInChildContextAsync(async (child, ct) =>
        {
            await child.StepAsync(async (_, t) => 1, name: "inside");
            await child.WaitAsync(TimeSpan.FromSeconds(3), name: "pause");
        }, name: "child");
        await ctx.WaitForCallbackAsync<string>(async (id, cb, ct) => await Mail.SendAsync(id), name: "plain");
        """
    workflow = workflow_of(handler(body))
    child = find(workflow, "child")
    assert [(b.role, [n.name for n in b.nodes]) for b in child.blocks] == [
        ("body", ["inside", "pause"])
    ]
    assert find(workflow, "plain").blocks == ()
    assert edges(workflow) == {
        "Start -> child",
        "child -> inside",
        "inside -> pause",
        "pause -> plain",
        "plain -> End",
    }


# -- Task.WhenAll / WhenAny ------------------------------------------------------------------------


def test_when_all_over_durable_tasks_is_a_combinator_with_a_warning() -> None:
    body = """\
        var a = ctx.StepAsync(async (_, ct) => 1, name: "a");
        var b = ctx.StepAsync(async (_, ct) => 2, name: "b");
        await Task.WhenAll(a, b);
        var first = await Task.WhenAny(
            ctx.StepAsync(async (_, ct) => 1, name: "fast"),
            ctx.WaitAsync(TimeSpan.FromSeconds(30), name: "timeout"));
        await Task.WhenAll(Http.GetAsync("x"), Http.GetAsync("y"));
        """
    source = handler(body)
    workflow = workflow_of(source)
    assert summary(source) == [
        ("step", "a"),
        ("step", "b"),
        ("promise_all", "Task.WhenAll"),
        ("promise_any", "Task.WhenAny"),
        ("step", "fast"),
        ("wait", "timeout"),
    ]
    assert find(workflow, "Task.WhenAll").annotations == ("combines a, b",)
    assert [b.label for b in find(workflow, "Task.WhenAny").blocks] == ["fast", "timeout"]
    diagnostics = parse(source).diagnostics
    assert [(d.code, d.line) for d in diagnostics] == [
        ("DV109", at(source, "Task.WhenAll(a")[0]),
        ("DV109", at(source, "Task.WhenAny")[0]),
    ]
    assert "DE004" in diagnostics[0].message


def test_a_durable_task_never_awaited_is_reported() -> None:
    body = """\
        var forgotten = ctx.StepAsync(async (_, ct) => 1, name: "forgotten");
        var kept = ctx.StepAsync(async (_, ct) => 1, name: "kept");
        await kept;
        """
    source = handler(body)
    diagnostics = parse(source).diagnostics
    assert [(d.code, d.line) for d in diagnostics] == [("DV110", at(source, "ctx.StepAsync")[0])]
    assert "forgotten" in diagnostics[0].message


# -- helpers ---------------------------------------------------------------------------------------


def test_helpers_in_the_class_and_other_classes_are_inlined_with_literal_arguments() -> None:
    members = """\
        private async Task Checkpoint(IDurableContext context, string name, int delay = 5)
        {
            await context.WaitAsync(TimeSpan.FromSeconds(delay), name: $"{name}-pause");
            await context.StepAsync(async (_, ct) => 1, name: name);
        }
    """
    before = """\
        public static class Notifier
        {
            public static Task Notify(IDurableContext ctx, string who) =>
                ctx.StepAsync(async (_, ct) => 1, name: $"notify-{who}");
        }
    """
    body = """\
        await Checkpoint(ctx, "start");
        await this.Checkpoint(ctx, name: "middle", delay: 60);
        await Notifier.Notify(ctx, "ops");
        """
    source = handler(body, members=members, before=before)
    workflow = workflow_of(source)
    nodes = list(walk(workflow.nodes))
    assert [(n.name, n.annotations) for n in nodes] == [
        ("start-pause", ("5s",)),
        ("start", ()),
        ("middle-pause", ("1m",)),
        ("middle", ()),
        ("notify-ops", ()),
    ]
    call_line = at(source, "await Checkpoint(ctx")[0]
    assert nodes[0].via == Via("Checkpoint", call_line)
    assert nodes[4].via == Via("Notify", at(source, "Notifier.Notify(ctx")[0])


def test_a_local_function_sees_the_enclosing_context() -> None:
    body = """\
        async Task Audit(string what) => await ctx.StepAsync(async (_, ct) => 1, name: $"audit-{what}");
        await Audit("begin");
        await Audit("end");
        """
    assert names(handler(body)) == ["audit-begin", "audit-end"]


def test_recursion_depth_and_unreadable_callees_are_reported() -> None:
    members = """\
        private Task Loop(IDurableContext c, int n) => Loop(c, n - 1);
        private Task L1(IDurableContext c) => L2(c);
        private Task L2(IDurableContext c) => L3(c);
        private Task L3(IDurableContext c) => L4(c);
        private Task L4(IDurableContext c) => L5(c);
        private Task L5(IDurableContext c) => L6(c);
        private Task L6(IDurableContext c) => L7(c);
        private Task L7(IDurableContext c) => L8(c);
        private Task L8(IDurableContext c) => L9(c);
        private Task L9(IDurableContext c) => c.StepAsync(async (_, t) => 1, name: "deep");
    """
    body = """\
        await Loop(ctx, 3);
        await L1(ctx);
        await External.Library.RunAsync(ctx);
        ctx.Logger.LogInformation("hello");
        await ctx.TeleportAsync();
        """
    source = handler(body, members=members)
    result = parse(source)
    assert [d.code for d in result.diagnostics] == ["DV103", "DV104", "DV106", "DV102"]
    assert [n.name for n in walk(result.workflows[0].nodes) if n.is_operation] == []


def test_operations_in_a_lambda_handed_to_other_code_are_reported_not_drawn() -> None:
    body = """\
        await Retry.Run(async () => await ctx.StepAsync(async (_, ct) => 1, name: "hidden"));
        items.ForEach(item => Console.WriteLine(item));
        """
    source = handler(body)
    assert summary(source) == []
    assert codes(source) == ["DV108"]


# -- syntax errors ---------------------------------------------------------------------------------


def test_syntax_errors_are_recovered_drawn_and_diagnosed() -> None:
    body = """\
        await ctx.StepAsync(async (_, ct) => 1, name: "before");
        var broken = (1 + ;
        await ctx.StepAsync(async (_, ct) => 1, name: "after");
        """
    source = handler(body)
    result = parse(source)
    assert [n.name for n in result.workflows[0].nodes] == ["before", "after"]
    line = at(source, "(1 + ;")[0]
    assert {d.code for d in result.diagnostics} == {"DV101"}
    assert result.diagnostics[0].line == line


@pytest.mark.parametrize(
    "source",
    [
        "",
        "class A { }",
        "namespace X;",
        "public class F { public Task H(I i, ILambdaContext c) => DurableFunction.WrapAsync<A, B>(); }",
    ],
)
def test_files_without_a_readable_workflow_give_no_workflows(source: str) -> None:
    assert parse(source).workflows == ()


def test_block_roles_match_the_python_model() -> None:
    body = """\
        await ctx.ParallelAsync(new[] { async (IDurableContext b, CancellationToken ct) => await b.StepAsync(async (_, t) => 1, name: "x") }, name: "p");
        """
    parallel = workflow_of(handler(body)).nodes[0]
    assert parallel.blocks == (
        Block(role="branch", label="parallel-branch-0", nodes=parallel.blocks[0].nodes),
    )


def test_configure_await_aliases_and_arrays_of_tasks() -> None:
    body = """\
        var durable = ctx;
        await durable.StepAsync(async (_, ct) => 1, name: "through-alias").ConfigureAwait(false);
        var a = ctx.StepAsync(async (_, ct) => 1, name: "a");
        var b = ctx.WaitAsync(TimeSpan.FromSeconds(5), name: "b");
        await Task.WhenAll(new[] { a, b });
        """
    source = handler(body)
    workflow = workflow_of(source)
    assert summary(source) == [
        ("step", "through-alias"),
        ("step", "a"),
        ("wait", "b"),
        ("promise_all", "Task.WhenAll"),
    ]
    alias = find(workflow, "through-alias")
    assert (alias.line, alias.column) == at(source, "durable.StepAsync")
    assert find(workflow, "Task.WhenAll").annotations == ("combines a, b",)


def test_a_helper_in_another_file_carries_that_files_positions(tmp_path: Path) -> None:
    (tmp_path / "App.csproj").write_text("<Project />\n", encoding="utf-8")
    (tmp_path / "Audit.cs").write_text(
        PRELUDE
        + "public static class Audit\n{\n"
        + "    public static Task Record(IDurableContext ctx, string what) =>\n"
        + '        ctx.StepAsync(async (_, ct) => 1, name: $"audit-{what}");\n}\n',
        encoding="utf-8",
    )
    source = handler('await Audit.Record(ctx, "done");\n')
    result = parse_source(source, tmp_path / "Function.cs", display="Function.cs")
    (node,) = list(walk(result.workflows[0].nodes))
    assert (node.name, node.file, node.line, node.column) == ("audit-done", "Audit.cs", 7, 9)
    assert node.via == Via("Record", at(source, "await Audit.Record")[0])


# -- break in a switch ------------------------------------------------------------------------------


def test_a_conditional_break_in_a_switch_section_skips_the_rest_of_the_section() -> None:
    body = """\
        switch (input.Kind)
        {
            case 1:
                if (input.Skip) break;
                await ctx.StepAsync(async (_, ct) => 1, name: "one");
                break;
            default:
                await ctx.StepAsync(async (_, ct) => 2, name: "other");
                break;
        }
        await ctx.StepAsync(async (_, ct) => 3, name: "after");
        """
    workflow = workflow_of(handler(body))
    assert edges(workflow) == {
        "Start -> switch input.Kind",
        "switch input.Kind -> input.Skip [case 1]",
        "input.Skip -> after [yes]",
        "input.Skip -> one [no]",
        "one -> after",
        "switch input.Kind -> other [default]",
        "other -> after",
        "after -> End",
    }


def test_a_break_in_a_switch_inside_a_loop_leaves_the_switch_not_the_loop() -> None:
    body = """\
        foreach (var item in input.Items)
        {
            switch (item.Kind)
            {
                case 1:
                    if (item.Done)
                    {
                        await ctx.StepAsync(async (_, ct) => 1, name: "close");
                        break;
                    }
                    await ctx.StepAsync(async (_, ct) => 2, name: "work");
                    break;
            }
            await ctx.StepAsync(async (_, ct) => 3, name: "next");
        }
        """
    workflow = workflow_of(handler(body))
    assert edges(workflow) == {
        "Start -> foreach item in input.Items",
        "foreach item in input.Items -> switch item.Kind",
        "switch item.Kind -> item.Done [case 1]",
        "switch item.Kind -> next [no match]",
        "item.Done -> close [yes]",
        "item.Done -> work [no]",
        "close -> next",
        "work -> next",
        "next -> foreach item in input.Items [next item] (back)",
        "foreach item in input.Items -> End [done]",
    }


def test_a_break_in_a_loop_inside_a_switch_leaves_the_loop() -> None:
    body = """\
        switch (input.Kind)
        {
            case 1:
                while (true)
                {
                    await ctx.StepAsync(async (_, ct) => 1, name: "poll");
                    if (input.Ready) break;
                }
                await ctx.StepAsync(async (_, ct) => 2, name: "ready");
                break;
        }
        """
    workflow = workflow_of(handler(body))
    assert "input.Ready -> ready [yes]" in edges(workflow)
    assert "input.Ready -> while true [no] (back)" in edges(workflow)


def test_a_break_in_a_try_finally_in_a_switch_runs_the_finally_then_leaves_the_switch() -> None:
    body = """\
        foreach (var item in input.Items)
        {
            switch (item.Kind)
            {
                case 1:
                    try
                    {
                        await ctx.StepAsync(async (_, ct) => 1, name: "work");
                        if (item.Done) break;
                        await ctx.StepAsync(async (_, ct) => 2, name: "more");
                    }
                    finally
                    {
                        await ctx.StepAsync(async (_, ct) => 3, name: "release");
                    }
                    break;
                default:
                    continue;
            }
            await ctx.StepAsync(async (_, ct) => 4, name: "next");
        }
        """
    assert edges(workflow_of(handler(body))) == {
        "Start -> foreach item in input.Items",
        "foreach item in input.Items -> switch item.Kind",
        "foreach item in input.Items -> End [done]",
        "switch item.Kind -> work [case 1]",
        "switch item.Kind -> foreach item in input.Items [default] (back)",
        "work -> item.Done",
        "item.Done -> release [yes]",
        "item.Done -> more [no]",
        "more -> release",
        "release -> next",
        "release -> next [break]",
        "next -> foreach item in input.Items [next item] (back)",
    }


def test_a_switch_holding_nothing_durable_but_a_conditional_break_is_pruned() -> None:
    body = """\
        switch (input.Kind)
        {
            case 1:
                if (input.Skip) break;
                Console.WriteLine("one");
                break;
        }
        await ctx.StepAsync(async (_, ct) => 1, name: "after");
        """
    assert summary(handler(body)) == [("step", "after")]


def test_when_all_over_a_list_of_durable_tasks_built_in_a_loop_warns() -> None:
    body = """\
        var tasks = new List<Task<int>>();
        foreach (var id in input.Ids)
            tasks.Add(ctx.StepAsync(async (_, ct) => 1, name: $"load-{id}"));
        await Task.WhenAll(tasks);
        await ctx.StepAsync(async (_, ct) => 2, name: "after");
        """
    source = handler(body)
    assert [(d.code, d.line) for d in parse(source).diagnostics] == [
        ("DV109", at(source, "Task.WhenAll")[0])
    ]
    workflow = workflow_of(source)
    assert summary(source) == [
        ("loop", "foreach id in input.Ids"),
        ("step", "load-{id}"),
        ("promise_all", "Task.WhenAll"),
        ("step", "after"),
    ]
    join = find(workflow, "Task.WhenAll")
    assert join.annotations == ("combines load-{id}",)
    assert join.blocks == ()
    assert edges(workflow) == {
        "Start -> foreach id in input.Ids",
        "foreach id in input.Ids -> load-{id}",
        "load-{id} -> foreach id in input.Ids [next item] (back)",
        "foreach id in input.Ids -> Task.WhenAll [done]",
        "Task.WhenAll -> after",
        "after -> End",
    }


def test_a_list_of_plain_tasks_or_a_rebound_list_is_no_combinator() -> None:
    body = """\
        var tasks = new List<Task>();
        foreach (var id in input.Ids)
            tasks.Add(Http.GetAsync($"/items/{id}"));
        await Task.WhenAll(tasks);
        var durable = new List<Task<int>>();
        durable.Add(ctx.StepAsync(async (_, ct) => 1, name: "one"));
        durable = new List<Task<int>>();
        await Task.WhenAll(durable);
        """
    source = handler(body)
    assert codes(source) == []
    assert summary(source) == [("step", "one")]


# -- conditional access and contexts kept in fields -------------------------------------------------


def test_conditional_access_on_the_context_is_an_operation() -> None:
    body = """\
        await ctx?.StepAsync(async (_, ct) => 1, name: "a");
        var pause = ctx?.WaitAsync(TimeSpan.FromSeconds(1), name: "b");
        await pause;
        if (input.X) await ctx?.RunInChildContextAsync(async (c, ct) => await c?.StepAsync(async (_, t) => 1, name: "inner"), name: "child");
        """
    source = handler(body)
    workflow = workflow_of(source)
    assert [(n.kind, n.name) for n in walk(workflow.nodes)] == [
        (Kind.STEP, "a"),
        (Kind.WAIT, "b"),
        (Kind.CONDITION, None),
        (Kind.CHILD_CONTEXT, "child"),
        (Kind.STEP, "inner"),
    ]
    # Drawn from the receiver, as without ``?`` (tree-sitter reads ``await ctx?.X()`` as
    # ``(await ctx)?.X()``).
    assert (find(workflow, "a").line, find(workflow, "a").column) == at(source, "ctx?.StepAsync")
    assert (find(workflow, "b").line, find(workflow, "b").column) == at(source, "ctx?.WaitAsync")
    assert codes(source) == []
    assert edges(workflow) == {
        "Start -> a",
        "a -> b",
        "b -> input.X",
        "input.X -> child [yes]",
        "input.X -> End [no]",
        "child -> inner",
        "inner -> End",
    }


def test_a_context_stored_in_a_field_is_used_by_the_class_helpers() -> None:
    members = """\
        private IDurableContext _ctx;

        private async Task Charge(string id)
        {
            await _ctx.StepAsync(async (_, ct) => 1, name: $"charge-{id}");
        }

        private Task Notify(string what) => this._ctx.StepAsync(async (_, ct) => 2, name: $"notify-{what}");

        private void Log(string message) => Console.WriteLine(message);
        """
    body = """\
        _ctx = ctx;
        await Charge(input.Id);
        await _ctx.WaitAsync(TimeSpan.FromSeconds(1), name: "pause");
        Log("charged");
        await this.Notify("done");
        """
    source = handler(body, members=members)
    workflow = workflow_of(source)
    assert [(n.kind, n.name, n.via) for n in walk(workflow.nodes)] == [
        (Kind.STEP, "charge-{}", Via("Charge", at(source, "await Charge")[0])),
        (Kind.WAIT, "pause", None),
        (Kind.STEP, "notify-done", Via("Notify", at(source, "await this.Notify")[0])),
    ]
    charge = find(workflow, "charge-{input.Id}")
    assert (charge.line, charge.column) == at(source, "_ctx.StepAsync")
    assert codes(source) == []


def test_this_field_assignment_and_a_field_never_given_the_context() -> None:
    members = """\
        private IDurableContext _ctx;
        private IDurableContext _unused;

        private Task Step(string name) => _ctx.StepAsync(async (_, ct) => 1, name: name);

        private Task Other() => _unused.StepAsync(async (_, ct) => 2, name: "never");
        """
    body = """\
        this._ctx = ctx;
        await Step("one");
        await Other();
        """
    source = handler(body, members=members)
    assert names(source) == ["one"]


# -- names a loop changes --------------------------------------------------------------------------
# A name a loop assigns (anywhere in it) has no known value in the loop, nor after it; names
# bound before the loop keep the value they had then.

_STEP = "await ctx.StepAsync(async (_, ct) => 1, name: {});\n"

LOOP_NAMES = {
    # body: (label, name, dynamic) of each step, in source order
    "for update clause ++": (
        "for (var i = 0; i < 3; i++)\n{\n    " + _STEP.format('$"attempt-{i}"') + "}\n",
        [("attempt-{i}", "attempt-{}", True)],
    ),
    "for with an assignment initializer": (
        "var j = 0;\nfor (j = 0; j < 3; j += 1)\n{\n    " + _STEP.format('$"j-{j}"') + "}\n",
        [("j-{j}", "j-{}", True)],
    ),
    "counter += at the end of the body": (
        "var attempt = 0;\nwhile (attempt < 3)\n{\n    "
        + _STEP.format('$"try-{attempt}"')
        + "    attempt += 1;\n}\n",
        [("try-{attempt}", "try-{}", True)],
    ),
    "counter = counter + 1 before its use": (
        "var n = 0;\nwhile (n < 3)\n{\n    n = n + 1;\n    " + _STEP.format('"n-" + n') + "}\n",
        [("n-{n + 1}", "n-{}", True)],
    ),
    "changed in a nested block": (
        "var n = 0;\nforeach (var item in input.Items)\n{\n    "
        + _STEP.format('$"n-{n}"')
        + "    if (item.Retry)\n    {\n        n++;\n    }\n}\n",
        [("n-{n}", "n-{}", True)],
    ),
    "tuple deconstruction swap": (
        'var a = "x";\nvar b = "y";\nforeach (var item in input.Items)\n{\n    '
        + _STEP.format("a")
        + "    (a, b) = (b, a);\n}\n",
        [("{a}", "{}", True)],
    ),
    "tuple deconstruction with a declaration": (
        'var k = "k0";\nwhile (input.More)\n{\n    '
        + _STEP.format("k")
        + '    (k, var z) = ("k1", 2);\n}\n',
        [("{k}", "{}", True)],
    ),
    "foreach target": (
        "foreach (var item in input.Items)\n{\n    " + _STEP.format('$"item-{item}"') + "}\n",
        [("item-{item}", "item-{}", True)],
    ),
    "after the loop": (
        'var name = "before";\nforeach (var item in input.Items)\n{\n    name = "inside";\n}\n'
        + _STEP.format("name"),
        [("{name}", "{}", True)],
    ),
    "bound before the loop from a changed name": (
        'var n = 0;\nvar label = $"fixed-{n}";\nwhile (n < 3)\n{\n    '
        + _STEP.format("label")
        + "    n++;\n}\n"
        + _STEP.format("label"),
        [("fixed-0", "fixed-0", False), ("fixed-0", "fixed-0", False)],
    ),
}


@pytest.mark.parametrize("form", list(LOOP_NAMES))
def test_names_a_loop_changes_are_dynamic(form: str) -> None:
    body, expected = LOOP_NAMES[form]
    workflow = workflow_of(handler(body + "return new Output();\n"))
    steps = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected


BRANCH_NAMES = {
    # body: (label, name, dynamic) of each step, in source order; see test_python_parser.py
    "assigned in one branch, read after the if": (
        """\
        var name = "a";
        if (input.X) { name = "b"; }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("{name}", "{}", True)],
    ),
    "read inside the branch": (
        """\
        var name = "a";
        if (input.X)
        {
            name = "b";
            await ctx.StepAsync(async (_, ct) => 1, name: name);
        }
        """,
        [("b", "b", False)],
    ),
    "the else branch starts from the value before": (
        """\
        var name = "a";
        if (input.X) name = "b";
        else await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("a", "a", False)],
    ),
    "every branch assigns the same value": (
        """\
        var name = "a";
        if (input.X) { name = "b"; } else if (input.Y) { name = "b"; } else { name = "b"; }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("b", "b", False)],
    ),
    "else if without else: the way through no branch keeps the old value": (
        """\
        var name = "a";
        if (input.X) { name = "b"; } else if (input.Y) { name = "b"; }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("{name}", "{}", True)],
    ),
    "different values in if and else": (
        """\
        string name;
        if (input.X) { name = "b"; } else { name = "c"; }
        await ctx.StepAsync(async (_, ct) => 1, name: $"run-{name}");
        """,
        [("run-{name}", "run-{}", True)],
    ),
    "a branch that returns does not reach the join": (
        """\
        var name = "a";
        if (input.X)
        {
            name = "b";
            return new Output();
        }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("a", "a", False)],
    ),
    "a branch that throws does not reach the join": (
        """\
        var name = "a";
        if (input.X) { name = "b"; } else { throw new InvalidOperationException("no"); }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("b", "b", False)],
    ),
    "a branch that breaks out of the loop": (
        """\
        foreach (var item in input.Items)
        {
            var name = "a";
            if (item.Ready)
            {
                name = "b";
                break;
            }
            await ctx.StepAsync(async (_, ct) => 1, name: name);
        }
        """,
        [("a", "a", False)],
    ),
    "nested ifs": (
        """\
        var name = "a";
        if (input.X) { if (input.Y) { name = "b"; } }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("{name}", "{}", True)],
    ),
    "a name bound before from a changed one keeps its value": (
        """\
        var n = "a";
        var label = $"x-{n}";
        if (input.X) { n = "b"; }
        await ctx.StepAsync(async (_, ct) => 1, name: label);
        """,
        [("x-a", "x-a", False)],
    ),
    "switch case without default": (
        """\
        var name = "a";
        switch (input.Kind)
        {
            case "b":
                name = "b";
                break;
        }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("{name}", "{}", True)],
    ),
    "switch with a default, same value": (
        """\
        var name = "a";
        switch (input.Kind)
        {
            case "b":
                name = "b";
                break;
            default:
                name = "b";
                break;
        }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("b", "b", False)],
    ),
    "switch break inside an if": (
        """\
        var name = "a";
        switch (input.Kind)
        {
            default:
                if (input.X)
                {
                    name = "b";
                    break;
                }
                name = "a";
                break;
        }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("{name}", "{}", True)],
    ),
    "switch expression arms": (
        """\
        var name = "a";
        var v = input.Kind switch { "x" => (name = "b"), _ => "c" };
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        var w = input.Kind switch { "x" => (name = "d"), _ => (name = "d") };
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("{name}", "{}", True), ("d", "d", False)],
    ),
    "ternary-chosen assignment": (
        """\
        var name = "a";
        var chosen = input.X ? (name = "b") : (name = "c");
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("{name}", "{}", True)],
    ),
    "short-circuit &&": (
        """\
        var name = "a";
        var ok = input.X && (name = "b") != null;
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("{name}", "{}", True)],
    ),
    "short-circuit ||": (
        """\
        var name = "a";
        var ok = input.X || (name = "b") != null;
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("{name}", "{}", True)],
    ),
    "short-circuit ??": (
        """\
        var name = "a";
        var given = input.Name ?? (name = "b");
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("{name}", "{}", True)],
    ),
    "try body assigns, handler reads": (
        """\
        var name = "a";
        try
        {
            name = "b";
            await ctx.StepAsync(async (_, ct) => 1, name: "charge-1");
        }
        catch (InvalidOperationException)
        {
            await ctx.StepAsync(async (_, ct) => 1, name: name);
        }
        """,
        [("charge-1", "charge-1", False), ("{name}", "{}", True)],
    ),
    "try body and handler assign, read after": (
        """\
        var name = "a";
        try
        {
            name = "b";
        }
        catch (InvalidOperationException)
        {
            name = "c";
        }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("{name}", "{}", True)],
    ),
    "a handler that throws does not reach the join": (
        """\
        var name = "a";
        try
        {
            name = "b";
        }
        catch (InvalidOperationException)
        {
            throw;
        }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("b", "b", False)],
    ),
    "finally sees any value; after it, what it assigned": (
        """\
        var name = "a";
        var other = "x";
        try
        {
            name = "b";
        }
        finally
        {
            await ctx.StepAsync(async (_, ct) => 1, name: name);
            other = "c";
        }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        await ctx.StepAsync(async (_, ct) => 1, name: other);
        """,
        [("{name}", "{}", True), ("b", "b", False), ("c", "c", False)],
    ),
}


@pytest.mark.parametrize("form", list(BRANCH_NAMES))
def test_names_a_branch_changes(form: str) -> None:
    body, expected = BRANCH_NAMES[form]
    workflow = workflow_of(handler(body + "return new Output();\n"))
    steps = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected


# A local function or a lambda held in a local assigning the method's locals changes them where
# it is called: after the call, and in a loop that calls it, they hold no value shown.
CLOSURE_NAMES = {
    "a local function called from a loop, read before the call": (
        """\
        var name = "a";
        void Rename() { name = "b"; }
        foreach (var item in input.Items)
        {
            await ctx.StepAsync(async (_, ct) => 1, name: name);
            Rename();
        }
        """,
        [("{name}", "{}", True)],
    ),
    "a lambda in a local, read after a call": (
        """\
        var name = "a";
        Action rename = () => { name = "b"; };
        rename();
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("{name}", "{}", True)],
    ),
    "a local function that assigns other names": (
        """\
        var name = "a";
        var count = 0;
        void Bump() { count += 1; }
        Bump();
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("a", "a", False)],
    ),
    "assigned again after the call": (
        """\
        var name = "a";
        void Rename() { name = "b"; }
        Rename();
        name = "c";
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("c", "c", False)],
    ),
}


@pytest.mark.parametrize("form", list(CLOSURE_NAMES))
def test_names_a_closure_changes(form: str) -> None:
    body, expected = CLOSURE_NAMES[form]
    workflow = workflow_of(handler(body + "return new Output();\n"))
    steps = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected


# A binding holds the value its expression had where it was written: assigning a name it reads
# afterwards does not change it (lambdas excepted: their bodies read names when called). See
# test_python_parser.py.
CAPTURED_NAMES = {
    "a name bound from a name": (
        """\
        var a = "p";
        var name = a;
        a = "r";
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("p", "p", False)],
    ),
    "an interpolated string, a concatenation and string.Format": (
        """\
        var a = "p";
        var name = $"x-{a}";
        var other = "y-" + a;
        var third = string.Format("z-{0}", a);
        a = "r";
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        await ctx.StepAsync(async (_, ct) => 1, name: other);
        await ctx.StepAsync(async (_, ct) => 1, name: third);
        """,
        [("x-p", "x-p", False), ("y-p", "y-p", False), ("z-p", "z-p", False)],
    ),
    "through a chain of names": (
        """\
        var a = "p";
        var b = a;
        var name = b;
        a = "r";
        b = "q";
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("p", "p", False)],
    ),
    "declared, assigned later": (
        """\
        var a = "p";
        string name;
        name = a;
        a = "r";
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("p", "p", False)],
    ),
    "reassigned to a value not shown": (
        """\
        var a = "p";
        var name = a;
        a += input.Suffix;
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        await ctx.StepAsync(async (_, ct) => 1, name: a);
        """,
        [("p", "p", False), ("{a}", "{}", True)],
    ),
    "read before and after the reassignment": (
        """\
        var a = "p";
        var name = a;
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        a = "r";
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        await ctx.StepAsync(async (_, ct) => 1, name: a);
        """,
        [("p", "p", False), ("p", "p", False), ("r", "r", False)],
    ),
    "a runtime name stays runtime": (
        """\
        var id = input.Id;
        var name = $"x-{id}";
        id = "r";
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("x-{input.Id}", "x-{}", True)],
    ),
    "reassigned in a branch": (
        """\
        var a = "p";
        var name = a;
        if (input.X) { a = "r"; }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("p", "p", False)],
    ),
    "reassigned alike on every way": (
        """\
        var a = "p";
        var name = a;
        if (input.X) { a = "r"; } else { a = "r"; }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        await ctx.StepAsync(async (_, ct) => 1, name: a);
        """,
        [("p", "p", False), ("r", "r", False)],
    ),
    "a parameter reassigned in a finally": (
        """\
        var name = $"x-{input}";
        try
        {
            await ctx.StepAsync(async (_, ct) => 1, name: "work");
        }
        finally
        {
            input = new Input();
        }
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("work", "work", False), ("x-{input}", "x-{}", True)],
    ),
    "bound in a branch, reassigned after the join": (
        """\
        var a = "p";
        string name;
        if (input.X) { name = $"x-{a}"; } else { name = $"x-{a}"; }
        a = "r";
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("x-p", "x-p", False)],
    ),
    "bound in a loop from a name the loop assigns": (
        """\
        var a = "p";
        foreach (var item in input.Items)
        {
            var name = a;
            a = "r";
            await ctx.StepAsync(async (_, ct) => 1, name: name);
        }
        """,
        [("{a}", "{}", True)],
    ),
    "reassigned by a local function": (
        """\
        var a = "p";
        var name = a;
        void Rename() { a = "r"; }
        Rename();
        await ctx.StepAsync(async (_, ct) => 1, name: name);
        """,
        [("p", "p", False)],
    ),
    "a lambda reads names when called": (
        """\
        var a = "p";
        Func<IDurableContext, CancellationToken, Task<int>> work =
            async (c, ct) => await c.StepAsync(async (_, t) => 1, name: a);
        var label = $"l-{a}";
        a = "r";
        await ctx.RunInChildContextAsync(work, name: "child");
        await ctx.StepAsync(async (_, ct) => 1, name: label);
        """,
        [("r", "r", False), ("l-p", "l-p", False)],
    ),
    "in a helper, from its parameter": (
        """\
        var a = "p";
        await Helper(ctx, a);
        """,
        [("p", "p", False), ("z", "z", False)],
    ),
}

_CAPTURED_MEMBERS = """\
private async Task Helper(IDurableContext c, string label)
{
    var name = label;
    label = "z";
    await c.StepAsync(async (_, ct) => 1, name: name);
    await c.StepAsync(async (_, ct) => 1, name: label);
}
"""


@pytest.mark.parametrize("form", list(CAPTURED_NAMES))
def test_name_bound_from_a_name_reassigned_later_keeps_its_value(form: str) -> None:
    body, expected = CAPTURED_NAMES[form]
    workflow = workflow_of(handler(body + "return new Output();\n", members=_CAPTURED_MEMBERS))
    steps = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A tuple deconstruction changes its names outside loops too.
        (
            'var a = "x";\nvar b = "q";\n(a, b) = ("y", "z");\n' + _STEP.format("a"),
            ("{a}", "{}", True),
        ),
        # A name rebound to an expression using it reads its value from before.
        ("var n = 0;\nn = n + 1;\n" + _STEP.format('$"n-{n}"'), ("n-1", "n-1", False)),
        ('var s = "a";\ns = s + "-b";\n' + _STEP.format("s"), ("a-b", "a-b", False)),
        # ``+`` of numbers is a sum; text joined with numbers stays text.
        (_STEP.format('"n-" + (1 + 2)'), ("n-3", "n-3", False)),
        (_STEP.format('"n-" + 1 + 2'), ("n-12", "n-12", False)),
    ],
)
def test_names_changed_outside_loops(body: str, expected: tuple[str, str, bool]) -> None:
    workflow = workflow_of(handler(body + "return new Output();\n"))
    (step,) = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert (step.label, step.name, step.dynamic) == expected


def test_a_goto_out_of_nested_loops_is_a_labelled_break_and_continue() -> None:
    # C# has no ``break outer``: a goto to the label after the outer loop leaves it, a goto to
    # an empty labelled statement ending its body goes on with its next iteration.
    body = """\
        foreach (var order in input.Orders)
        {
            foreach (var line in order.Lines)
            {
                await ctx.StepAsync(async (_, ct) => 1, name: "check");
                if (line.Missing) goto NextOrder;
                if (line.Fatal) goto Done;
            }
            await ctx.StepAsync(async (_, ct) => 1, name: "ship");
            NextOrder: ;
        }
        Done:
        await ctx.StepAsync(async (_, ct) => 1, name: "after");
        """
    workflow = workflow_of(handler(body))
    outer = find(workflow, "foreach order in input.Orders")
    assert outer.jump_label == "Done"
    jumps = [
        (n.kind, n.jump_label)
        for n in walk(workflow.nodes)
        if n.kind in (Kind.BREAK, Kind.CONTINUE)
    ]
    assert jumps == [(Kind.CONTINUE, "Done"), (Kind.BREAK, "Done")]
    assert edges(workflow) == {
        "Start -> foreach order in input.Orders",
        "foreach order in input.Orders -> foreach line in order.Lines",
        "foreach order in input.Orders -> after [done]",
        "foreach line in order.Lines -> check",
        "foreach line in order.Lines -> ship [done]",
        "check -> line.Missing",
        "line.Missing -> foreach order in input.Orders [yes] (back)",
        "line.Missing -> line.Fatal [no]",
        "line.Fatal -> after [yes]",
        "line.Fatal -> foreach line in order.Lines [no] (back)",
        "ship -> foreach order in input.Orders [next item] (back)",
        "after -> End",
    }


def test_a_goto_out_of_a_block_is_a_labelled_block_and_other_gotos_are_not_drawn() -> None:
    body = """\
        {
            await ctx.StepAsync(async (_, ct) => 1, name: "look");
            if (input.Hit) goto Found;
            await ctx.StepAsync(async (_, ct) => 1, name: "miss");
        }
        Found: ;
        Again:
        await ctx.StepAsync(async (_, ct) => 1, name: "after");
        if (input.Retry) goto Again;
        switch (input.Kind) { case 1: goto case 2; case 2: break; }
        """
    workflow = workflow_of(handler(body))
    scope = workflow.nodes[0]
    assert (scope.kind, scope.jump_label) == (Kind.SCOPE, "Found")
    assert [n.kind for n in walk(workflow.nodes)].count(Kind.BREAK) == 1
    assert edges(workflow) == {
        "Start -> look",
        "look -> input.Hit",
        "input.Hit -> after [yes]",
        "input.Hit -> miss [no]",
        "miss -> after",
        "after -> End",
    }


def test_a_parallel_over_an_empty_written_out_array_has_no_branch() -> None:
    # As in the other languages (``context.parallel([])``): nothing is built at run time.
    body = """\
        await ctx.ParallelAsync(new DurableBranch<string>[] { }, name: "none");
        await ctx.MapAsync(new string[] { }, async (c, item, i, all, ct) => await c.StepAsync(async (_, t) => 1, name: "s"), name: "nothing");
        """
    result = parse(handler(body))
    parallel, mapped = result.workflows[0].nodes
    assert (parallel.name, parallel.blocks) == ("none", ())
    assert (mapped.name, mapped.blocks) == ("nothing", ())
    assert not [d for d in result.diagnostics if d.code == "DV105"]


def test_a_goto_to_the_label_after_a_switch_leaves_the_switch_from_a_loop_inside_it() -> None:
    body = """\
        switch (input.Mode)
        {
            case "scan":
                foreach (var shelf in input.Shelves)
                {
                    await ctx.StepAsync(async (_, ct) => 1, name: "scan");
                    if (shelf.Empty) goto ScanDone;
                }
                await ctx.StepAsync(async (_, ct) => 1, name: "report");
                break;
        }
        ScanDone: ;
        await ctx.StepAsync(async (_, ct) => 1, name: "after");
        """
    workflow = workflow_of(handler(body))
    switch = find(workflow, "switch input.Mode")
    leave = next(n for n in walk(workflow.nodes) if n.kind is Kind.BREAK)
    assert leave.jump_label == switch.jump_label
    assert "shelf.Empty -> after [yes]" in edges(workflow)
