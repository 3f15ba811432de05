"""An oracle across languages: the same small workflow, written by hand in Python, TypeScript,
Java and C# with the same operation names, must draw the same graph in all four.

Each case is one construct in the idiomatic form of each SDK (shared/SDK-API.md). One language is
the case's reference (Python, unless Python cannot say it or draws it wrong), and every other is
compared with it on what the languages share: per workflow, the nodes (pre-order ids, kind,
name, dynamic flag, invoke target, parent and block index), the names of parallel branches and
map items, and the edges (source, target, back, error). Labels are left out: a condition reads
``event["vip"]`` in one language and ``input.vip()`` in another, and a catch clause names the
error type each language has. A case may compare annotations too (config, which the four SDKs
spell differently but describe alike).

Where a language cannot say what the case says (Python has no ``do``/``while``, C# has no retry
helper and no mixed named/unnamed branch list), that language is skipped with the reason. Where a
parser draws something other than the reference and the fault is the parser's, the case is a
strict xfail for that language, saying what each side draws.
"""

# Sources are written as they would be in their own files, some lines longer than ours.
# ruff: noqa: E501

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from signature import signature

from durable_viz.api import parse_source
from durable_viz.edges import build_graph

LANGUAGES = ("typescript", "java", "csharp")
"""The ports; Python is the reference each is compared with."""

EXTENSIONS = {"python": "py", "typescript": "ts", "java": "java", "csharp": "cs"}

# Paths whose folder does not exist: no other file of a project is read.
NOWHERE = Path("/nonexistent-durable-viz")

# -- how each language wraps a handler body ---------------------------------------------------------

PY_PRELUDE = """\
from aws_durable_execution_sdk_python import (
    DurableContext, ParallelBranch, WithRetryConfig, durable_execution, with_retry,
)
from aws_durable_execution_sdk_python.config import (
    CallbackConfig, CompletionConfig, Duration, InvokeConfig, MapConfig, ParallelConfig,
    StepConfig, StepSemantics, WaitForConditionConfig,
)
from aws_durable_execution_sdk_python.retries import RetryStrategyConfig, create_retry_strategy
"""

TS_PRELUDE = """\
import {
  withDurableExecution, withRetry, createRetryStrategy, DurableContext, StepSemantics,
} from "@aws/durable-execution-sdk-js";
"""

JAVA_PRELUDE = """\
package com.acme;

import java.time.Duration;
import software.amazon.lambda.durable.*;
import software.amazon.lambda.durable.config.*;
import software.amazon.lambda.durable.retry.RetryStrategies;
"""

CS_PRELUDE = """\
using Amazon.Lambda.Core;
using Amazon.Lambda.DurableExecution;
"""


def py(body: str, members: str = "") -> str:
    """A Python module: ``members`` at module level, then ``handler`` holding ``body``."""
    return (
        PY_PRELUDE
        + textwrap.dedent(members)
        + "\n\n@durable_execution\ndef handler(event, context: DurableContext):\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
    )


def ts(body: str, members: str = "") -> str:
    """A TypeScript module: ``members`` at module level, then the exported handler."""
    return (
        TS_PRELUDE
        + textwrap.dedent(members)
        + "\nexport const handler = withDurableExecution(async (event: any, context: DurableContext) => {\n"
        + textwrap.indent(textwrap.dedent(body), "  ")
        + "});\n"
    )


def java(body: str, members: str = "") -> str:
    """A Java handler class: ``members`` in the class, ``handleRequest`` holding ``body``."""
    return (
        JAVA_PRELUDE
        + "\npublic class Flow extends DurableHandler<Input, String> {\n"
        + textwrap.indent(textwrap.dedent(members), "    ")
        + "\n    @Override\n    public String handleRequest(Input input, DurableContext context) {\n"
        + textwrap.indent(textwrap.dedent(body), "        ")
        + '        return "done";\n    }\n}\n'
    )


def cs(body: str, members: str = "") -> str:
    """A C# class whose ``Handler`` wraps ``Workflow``: ``members`` in the class, ``body`` in
    the workflow."""
    return (
        CS_PRELUDE
        + "\npublic class Function\n{\n"
        + textwrap.indent(textwrap.dedent(members), "    ")
        + "\n    public Task<DurableExecutionInvocationOutput> Handler(\n"
        + "        DurableExecutionInvocationInput input, ILambdaContext context)\n"
        + "        => DurableFunction.WrapAsync<Input, string>(Workflow, input, context);\n\n"
        + "    public async Task<string> Workflow(Input input, IDurableContext context)\n    {\n"
        + textwrap.indent(textwrap.dedent(body), " " * 8)
        + '        return "done";\n    }\n}\n'
    )


@dataclass(frozen=True)
class Case:
    """One construct written in every language.

    Attributes:
        id: the test id.
        sources: full source text by language (``python`` is the reference).
        skip: languages that cannot say this, with the reason.
        xfail: languages whose parser draws it wrong today, with what each side draws.
        annotations: compare operations' annotations too.
        reference: the language the others are compared with: Python, unless Python cannot
            say it (then TypeScript) or draws it wrong (then a language that draws it right).
    """

    id: str
    sources: dict[str, str]
    skip: dict[str, str] = field(default_factory=dict)
    xfail: dict[str, str] = field(default_factory=dict)
    annotations: bool = False
    reference: str = "python"


CASES: list[Case] = []


def case(
    id: str,
    *,
    python: str,
    typescript: str | None,
    java: str | None,
    csharp: str | None,
    skip: dict[str, str] | None = None,
    xfail: dict[str, str] | None = None,
    annotations: bool = False,
    reference: str | None = None,
) -> None:
    """Add a case to the table (a language given as None must have a skip reason)."""
    sources = {"python": python}
    for language, source in (("typescript", typescript), ("java", java), ("csharp", csharp)):
        if source is not None:
            sources[language] = source
        else:
            assert skip is not None and language in skip, f"{id}: no {language} source"
    skip = skip or {}
    if reference is None:
        reference = "typescript" if "python" in skip else "python"
    assert reference not in skip and reference not in (xfail or {}), id
    CASES.append(Case(id, sources, skip, xfail or {}, annotations, reference))


# -- the table ------------------------------------------------------------------------------------

case(
    "every-leaf-operation",
    python=py("""\
        context.step(lambda _: 1, name="s")
        context.wait(Duration.from_seconds(5), name="w")
        context.invoke("billing-fn", {"id": 1}, name="i")
        callback = context.create_callback(name="cb")
        callback.result()
        context.wait_for_callback(lambda callback_id, ctx: None, name="wfc")
        context.wait_for_condition(
            lambda state, ctx: state + 1,
            WaitForConditionConfig(wait_strategy=poll, initial_state=0),
            name="cond",
        )
        """),
    typescript=ts("""\
        await context.step("s", async () => 1);
        await context.wait("w", { seconds: 5 });
        await context.invoke("i", "billing-fn", { id: 1 });
        const [promise, callbackId] = await context.createCallback("cb");
        await promise;
        await context.waitForCallback("wfc", async (callbackId, ctx) => {});
        await context.waitForCondition("cond", async (state, ctx) => state + 1, { initialState: 0, waitStrategy: poll });
        """),
    java=java("""\
        context.step("s", Integer.class, s -> 1);
        context.wait("w", Duration.ofSeconds(5));
        context.invoke("i", "billing-fn", input, String.class);
        var callback = context.createCallback("cb", String.class);
        callback.get();
        context.waitForCallback("wfc", String.class, (callbackId, sc) -> {});
        context.waitForCondition("cond", Integer.class, (state, sc) -> WaitForConditionResult.stopPolling(state + 1));
        """),
    csharp=cs("""\
        await context.StepAsync(async (_, ct) => 1, name: "s");
        await context.WaitAsync(TimeSpan.FromSeconds(5), name: "w");
        await context.InvokeAsync<Input, string>("billing-fn", input, name: "i");
        var callback = await context.CreateCallbackAsync<string>(name: "cb");
        await callback.GetResultAsync();
        await context.WaitForCallbackAsync<string>(async (callbackId, cb, ct) => { }, name: "wfc");
        await context.WaitForConditionAsync(async (state, check, ct) => state + 1, new WaitForConditionConfig<int> { InitialState = 0, WaitStrategy = Poll }, name: "cond");
        """),
)

case(
    "unnamed-operations",
    python=py("""\
        context.step(lambda _: 1)
        context.wait(Duration.from_seconds(1))
        context.invoke("billing-fn", {"id": 1})
        context.run_in_child_context(lambda ctx: ctx.step(lambda _: 2))
        context.create_callback()
        """),
    typescript=ts("""\
        await context.step(async () => 1);
        await context.wait({ seconds: 1 });
        await context.invoke("billing-fn", { id: 1 });
        await context.runInChildContext(async (ctx) => ctx.step(async () => 2));
        await context.createCallback();
        """),
    java=java("""\
        context.step(null, Integer.class, s -> 1);
        context.wait(null, Duration.ofSeconds(1));
        context.invoke(null, "billing-fn", input, String.class);
        context.runInChildContext(null, Integer.class, ctx -> ctx.step(null, Integer.class, s -> 2));
        context.createCallback(null, String.class);
        """),
    csharp=cs("""\
        await context.StepAsync(async (_, ct) => 1);
        await context.WaitAsync(TimeSpan.FromSeconds(1));
        await context.InvokeAsync<Input, string>("billing-fn", input);
        await context.RunInChildContextAsync(async (ctx, ct) => await ctx.StepAsync(async (_, t) => 2));
        await context.CreateCallbackAsync<string>();
        """),
)

case(
    "name-patterns",
    python=py("""\
        context.step(lambda _: 1, name=f"order-{event['id']}")
        context.step(lambda _: 2, name="tag-" + event["tag"])
        context.wait(Duration.from_seconds(1), name=f"{event['id']}-pause")
        """),
    typescript=ts("""\
        await context.step(`order-${event.id}`, async () => 1);
        await context.step("tag-" + event.tag, async () => 2);
        await context.wait(`${event.id}-pause`, { seconds: 1 });
        """),
    java=java("""\
        context.step("order-" + input.id(), Integer.class, s -> 1);
        context.step(String.format("tag-%s", input.tag()), Integer.class, s -> 2);
        context.wait(input.id() + "-pause", Duration.ofSeconds(1));
        """),
    csharp=cs("""\
        await context.StepAsync(async (_, ct) => 1, name: $"order-{input.Id}");
        await context.StepAsync(async (_, ct) => 2, name: "tag-" + input.Tag);
        await context.WaitAsync(TimeSpan.FromSeconds(1), name: $"{input.Id}-pause");
        """),
)

case(
    "format-with-constants",
    python=py(
        """\
        context.step(lambda _: 1, name=PREFIX + "-charge")
        context.step(lambda _: 2, name=f"{PREFIX}-refund")
        context.step(lambda _: 3, name=NOTIFY)
        """,
        members="""\
        PREFIX = "billing"
        NOTIFY = "notify-customer"
        """,
    ),
    typescript=ts(
        """\
        await context.step(PREFIX + "-charge", async () => 1);
        await context.step(`${PREFIX}-refund`, async () => 2);
        await context.step(NOTIFY, async () => 3);
        """,
        members="""\
        const PREFIX = "billing";
        const NOTIFY = "notify-customer";
        """,
    ),
    java=java(
        """\
        context.step(PREFIX + "-charge", Integer.class, s -> 1);
        context.step(String.format("%s-refund", PREFIX), Integer.class, s -> 2);
        context.step(NOTIFY, Integer.class, s -> 3);
        """,
        members="""\
        private static final String PREFIX = "billing";
        private static final String NOTIFY = "notify-customer";
        """,
    ),
    csharp=cs(
        """\
        await context.StepAsync(async (_, ct) => 1, name: Prefix + "-charge");
        await context.StepAsync(async (_, ct) => 2, name: $"{Prefix}-refund");
        await context.StepAsync(async (_, ct) => 3, name: Notify);
        """,
        members="""\
        private const string Prefix = "billing";
        private const string Notify = "notify-customer";
        """,
    ),
)

case(
    "parallel-named-and-unnamed-branches",
    python=py("""\
        context.parallel(
            [
                lambda ctx: ctx.step(lambda _: 1, name="a"),
                ParallelBranch(lambda ctx: ctx.step(lambda _: 2, name="b"), "named"),
            ],
            name="fan",
        )
        context.step(lambda _: 3, name="after")
        """),
    typescript=ts("""\
        await context.parallel("fan", [
          async (ctx) => ctx.step("a", async () => 1),
          { name: "named", func: async (ctx) => ctx.step("b", async () => 2) },
        ]);
        await context.step("after", async () => 3);
        """),
    java=java("""\
        try (var parallel = context.parallel("fan")) {
            parallel.branch(null, Integer.class, ctx -> ctx.step("a", Integer.class, s -> 1));
            parallel.branch("named", Integer.class, ctx -> ctx.step("b", Integer.class, s -> 2));
            parallel.get();
        }
        context.step("after", Integer.class, s -> 3);
        """),
    csharp=None,
    skip={
        "csharp": "ParallelAsync takes a list of functions or a list of DurableBranch<T> (each "
        "with a name), not a mix; see the next two cases"
    },
)

case(
    "parallel-unnamed-branches",
    python=py("""\
        context.parallel(
            [
                lambda ctx: ctx.step(lambda _: 1, name="a"),
                lambda ctx: ctx.wait(Duration.from_seconds(2), name="b"),
            ],
            name="fan",
        )
        context.step(lambda _: 3, name="after")
        """),
    typescript=ts("""\
        await context.parallel("fan", [
          async (ctx) => ctx.step("a", async () => 1),
          async (ctx) => ctx.wait("b", { seconds: 2 }),
        ]);
        await context.step("after", async () => 3);
        """),
    java=java("""\
        try (var parallel = context.parallel("fan")) {
            parallel.branch(null, Integer.class, ctx -> ctx.step("a", Integer.class, s -> 1));
            parallel.branch(null, Void.class, ctx -> { ctx.wait("b", Duration.ofSeconds(2)); return null; });
            parallel.get();
        }
        context.step("after", Integer.class, s -> 3);
        """),
    csharp=cs("""\
        await context.ParallelAsync(
            new Func<IDurableContext, CancellationToken, Task<int>>[]
            {
                async (ctx, ct) => await ctx.StepAsync(async (_, t) => 1, name: "a"),
                async (ctx, ct) => { await ctx.WaitAsync(TimeSpan.FromSeconds(2), name: "b"); return 0; },
            },
            name: "fan");
        await context.StepAsync(async (_, ct) => 3, name: "after");
        """),
)

case(
    "parallel-named-branches",
    python=py("""\
        context.parallel(
            [
                ParallelBranch(lambda ctx: ctx.step(lambda _: 1, name="a"), "left"),
                ParallelBranch(lambda ctx: ctx.step(lambda _: 2, name="b"), "right"),
            ],
            name="fan",
        )
        """),
    typescript=ts("""\
        await context.parallel("fan", [
          { name: "left", func: async (ctx) => ctx.step("a", async () => 1) },
          { name: "right", func: async (ctx) => ctx.step("b", async () => 2) },
        ]);
        """),
    java=java("""\
        try (var parallel = context.parallel("fan")) {
            parallel.branch("left", Integer.class, ctx -> ctx.step("a", Integer.class, s -> 1));
            parallel.branch("right", Integer.class, ctx -> ctx.step("b", Integer.class, s -> 2));
            parallel.get();
        }
        """),
    csharp=cs("""\
        await context.ParallelAsync(
            new DurableBranch<int>[]
            {
                new("left", async (ctx, ct) => await ctx.StepAsync(async (_, t) => 1, name: "a")),
                new DurableBranch<int>("right", async (ctx, ct) => await ctx.StepAsync(async (_, t) => 2, name: "b")),
            },
            name: "fan");
        """),
)

case(
    "map-with-item-namer",
    python=py("""\
        context.map(
            event["regions"],
            lambda ctx, region, index, items: ctx.step(lambda _: 1, name="check"),
            name="regions",
            config=MapConfig(item_namer=lambda region, index: f"region-{region}"),
        )
        context.map(event["ids"], lambda ctx, item, index, items: ctx.step(lambda _: 2, name="load"), name="ids")
        """),
    typescript=ts("""\
        await context.map("regions", event.regions, async (ctx, region, index) => ctx.step("check", async () => 1), {
          itemNamer: (region, index) => `region-${region}`,
        });
        await context.map("ids", event.ids, async (ctx, item) => ctx.step("load", async () => 2));
        """),
    java=java("""\
        context.map("regions", input.regions(), Integer.class,
                (region, index, ctx) -> ctx.step("check", Integer.class, s -> 1),
                MapConfig.builder().itemNamer((region, index) -> "region-" + region).build());
        context.map("ids", input.ids(), Integer.class, (item, index, ctx) -> ctx.step("load", Integer.class, s -> 2));
        """),
    csharp=cs("""\
        await context.MapAsync(
            input.Regions,
            async (ctx, region, index, items, ct) => await ctx.StepAsync(async (_, t) => 1, name: "check"),
            name: "regions",
            config: new MapConfig<string> { ItemNamer = (region, index) => $"region-{region}" });
        await context.MapAsync(input.Ids, async (ctx, item, index, items, ct) => await ctx.StepAsync(async (_, t) => 2, name: "load"), name: "ids");
        """),
)

case(
    "child-context",
    python=py(
        """\
        context.run_in_child_context(prepare, name="prepare")
        context.step(lambda _: 3, name="after")
        """,
        members="""\
        def prepare(ctx: DurableContext):
            ctx.step(lambda _: 1, name="first")
            ctx.wait(Duration.from_seconds(1), name="pause")
        """,
    ),
    typescript=ts("""\
        await context.runInChildContext("prepare", async (ctx) => {
          await ctx.step("first", async () => 1);
          await ctx.wait("pause", { seconds: 1 });
        });
        await context.step("after", async () => 3);
        """),
    java=java("""\
        context.runInChildContext("prepare", Void.class, ctx -> {
            ctx.step("first", Integer.class, s -> 1);
            ctx.wait("pause", Duration.ofSeconds(1));
            return null;
        });
        context.step("after", Integer.class, s -> 3);
        """),
    csharp=cs("""\
        await context.RunInChildContextAsync(async (ctx, ct) =>
        {
            await ctx.StepAsync(async (_, t) => 1, name: "first");
            await ctx.WaitAsync(TimeSpan.FromSeconds(1), name: "pause");
            return 0;
        }, name: "prepare");
        await context.StepAsync(async (_, ct) => 3, name: "after");
        """),
)

case(
    "retry-config",
    python=py("""\
        context.step(
            lambda _: 1,
            name="charge",
            config=StepConfig(retry_strategy=create_retry_strategy(RetryStrategyConfig(max_attempts=5))),
        )
        """),
    typescript=ts("""\
        await context.step("charge", async () => 1, { retryStrategy: createRetryStrategy({ maxAttempts: 5 }) });
        """),
    java=java("""\
        context.step("charge", Integer.class, s -> 1,
                StepConfig.builder().retryStrategy(RetryStrategies.exponentialBackoff(5, Duration.ofSeconds(5), Duration.ofMinutes(5), 2.0)).build());
        """),
    csharp=cs("""\
        await context.StepAsync(async (_, ct) => 1, name: "charge",
            config: new StepConfig { RetryStrategy = RetryStrategy.Exponential(maxAttempts: 5) });
        """),
    annotations=True,
)

case(
    "with-retry-helper",
    python=py("""\
        with_retry(
            context,
            lambda ctx, attempt: ctx.step(lambda _: attempt, name="call-api"),
            WithRetryConfig(retry_strategy=create_retry_strategy(RetryStrategyConfig(max_attempts=4))),
            name="api",
        )
        context.step(lambda _: 1, name="after")
        """),
    typescript=ts("""\
        await withRetry(context, "api", async (ctx, attempt) => ctx.step("call-api", async () => attempt), {
          retryStrategy: createRetryStrategy({ maxAttempts: 4 }),
        });
        await context.step("after", async () => 1);
        """),
    java=java("""\
        context.withRetry("api", (attempt, ctx) -> ctx.step("call-api", Integer.class, s -> attempt));
        context.step("after", Integer.class, s -> 1);
        """),
    csharp=None,
    skip={"csharp": "the .NET SDK has no retry helper (SDK-API.md section 4)"},
)

case(
    "if-elif-else",
    python=py("""\
        if event["tier"] == "premium":
            context.step(lambda _: 1, name="premium")
        elif event["tier"] == "business":
            context.step(lambda _: 2, name="business")
        else:
            context.step(lambda _: 3, name="standard")
        context.step(lambda _: 4, name="after")
        """),
    typescript=ts("""\
        if (event.tier === "premium") {
          await context.step("premium", async () => 1);
        } else if (event.tier === "business") {
          await context.step("business", async () => 2);
        } else {
          await context.step("standard", async () => 3);
        }
        await context.step("after", async () => 4);
        """),
    java=java("""\
        if (input.tier().equals("premium")) {
            context.step("premium", Integer.class, s -> 1);
        } else if (input.tier().equals("business")) {
            context.step("business", Integer.class, s -> 2);
        } else {
            context.step("standard", Integer.class, s -> 3);
        }
        context.step("after", Integer.class, s -> 4);
        """),
    csharp=cs("""\
        if (input.Tier == "premium")
        {
            await context.StepAsync(async (_, ct) => 1, name: "premium");
        }
        else if (input.Tier == "business")
        {
            await context.StepAsync(async (_, ct) => 2, name: "business");
        }
        else
        {
            await context.StepAsync(async (_, ct) => 3, name: "standard");
        }
        await context.StepAsync(async (_, ct) => 4, name: "after");
        """),
)

case(
    "if-without-else",
    python=py("""\
        context.step(lambda _: 1, name="before")
        if event["vip"]:
            context.step(lambda _: 2, name="vip")
        context.step(lambda _: 3, name="after")
        """),
    typescript=ts("""\
        await context.step("before", async () => 1);
        if (event.vip) await context.step("vip", async () => 2);
        await context.step("after", async () => 3);
        """),
    java=java("""\
        context.step("before", Integer.class, s -> 1);
        if (input.vip()) context.step("vip", Integer.class, s -> 2);
        context.step("after", Integer.class, s -> 3);
        """),
    csharp=cs("""\
        await context.StepAsync(async (_, ct) => 1, name: "before");
        if (input.Vip) await context.StepAsync(async (_, ct) => 2, name: "vip");
        await context.StepAsync(async (_, ct) => 3, name: "after");
        """),
)

case(
    "nested-conditions",
    python=py("""\
        if event["a"]:
            if event["b"]:
                context.step(lambda _: 1, name="both")
            else:
                context.step(lambda _: 2, name="only-a")
            context.step(lambda _: 3, name="a-done")
        context.step(lambda _: 4, name="after")
        """),
    typescript=ts("""\
        if (event.a) {
          if (event.b) {
            await context.step("both", async () => 1);
          } else {
            await context.step("only-a", async () => 2);
          }
          await context.step("a-done", async () => 3);
        }
        await context.step("after", async () => 4);
        """),
    java=java("""\
        if (input.a()) {
            if (input.b()) {
                context.step("both", Integer.class, s -> 1);
            } else {
                context.step("only-a", Integer.class, s -> 2);
            }
            context.step("a-done", Integer.class, s -> 3);
        }
        context.step("after", Integer.class, s -> 4);
        """),
    csharp=cs("""\
        if (input.A)
        {
            if (input.B)
            {
                await context.StepAsync(async (_, ct) => 1, name: "both");
            }
            else
            {
                await context.StepAsync(async (_, ct) => 2, name: "only-a");
            }
            await context.StepAsync(async (_, ct) => 3, name: "a-done");
        }
        await context.StepAsync(async (_, ct) => 4, name: "after");
        """),
)

case(
    "early-return-and-raise",
    python=py("""\
        context.step(lambda _: 1, name="validate")
        if event["cancelled"]:
            context.step(lambda _: 2, name="cleanup")
            return {"status": "cancelled"}
        if event["invalid"]:
            raise ValueError("invalid")
        context.step(lambda _: 3, name="process")
        return {"status": "done"}
        """),
    typescript=ts("""\
        await context.step("validate", async () => 1);
        if (event.cancelled) {
          await context.step("cleanup", async () => 2);
          return { status: "cancelled" };
        }
        if (event.invalid) {
          throw new Error("invalid");
        }
        await context.step("process", async () => 3);
        return { status: "done" };
        """),
    java=java("""\
        context.step("validate", Integer.class, s -> 1);
        if (input.cancelled()) {
            context.step("cleanup", Integer.class, s -> 2);
            return "cancelled";
        }
        if (input.invalid()) {
            throw new IllegalArgumentException("invalid");
        }
        context.step("process", Integer.class, s -> 3);
        """),
    csharp=cs("""\
        await context.StepAsync(async (_, ct) => 1, name: "validate");
        if (input.Cancelled)
        {
            await context.StepAsync(async (_, ct) => 2, name: "cleanup");
            return "cancelled";
        }
        if (input.Invalid)
        {
            throw new ArgumentException("invalid");
        }
        await context.StepAsync(async (_, ct) => 3, name: "process");
        """),
)

case(
    "for-loop-with-break-and-continue",
    python=py("""\
        for item in event["items"]:
            if item["skip"]:
                continue
            context.step(lambda _: 1, name=f"process-{item['id']}")
            if item["last"]:
                break
        context.step(lambda _: 2, name="after")
        """),
    typescript=ts("""\
        for (const item of event.items) {
          if (item.skip) {
            continue;
          }
          await context.step(`process-${item.id}`, async () => 1);
          if (item.last) {
            break;
          }
        }
        await context.step("after", async () => 2);
        """),
    java=java("""\
        for (var item : input.items()) {
            if (item.skip()) {
                continue;
            }
            context.step("process-" + item.id(), Integer.class, s -> 1);
            if (item.last()) {
                break;
            }
        }
        context.step("after", Integer.class, s -> 2);
        """),
    csharp=cs("""\
        foreach (var item in input.Items)
        {
            if (item.Skip)
            {
                continue;
            }
            await context.StepAsync(async (_, ct) => 1, name: $"process-{item.Id}");
            if (item.Last)
            {
                break;
            }
        }
        await context.StepAsync(async (_, ct) => 2, name: "after");
        """),
)

case(
    "counted-for-loop",
    python=py("""\
        for i in range(3):
            context.step(lambda _: i, name=f"attempt-{i}")
        """),
    typescript=ts("""\
        for (let i = 0; i < 3; i++) {
          await context.step(`attempt-${i}`, async () => i);
        }
        """),
    java=java("""\
        for (int i = 0; i < 3; i++) {
            final int n = i;
            context.step("attempt-" + i, Integer.class, s -> n);
        }
        """),
    csharp=cs("""\
        for (var i = 0; i < 3; i++)
        {
            var n = i;
            await context.StepAsync(async (_, ct) => n, name: $"attempt-{i}");
        }
        """),
)

case(
    "while-true-with-break",
    python=py("""\
        while True:
            status = context.step(lambda _: 1, name="poll")
            if status == "done":
                break
            context.wait(Duration.from_seconds(10), name="backoff")
        context.step(lambda _: 2, name="after")
        """),
    typescript=ts("""\
        while (true) {
          const status = await context.step("poll", async () => 1);
          if (status === 1) {
            break;
          }
          await context.wait("backoff", { seconds: 10 });
        }
        await context.step("after", async () => 2);
        """),
    java=java("""\
        while (true) {
            var status = context.step("poll", Integer.class, s -> 1);
            if (status == 1) {
                break;
            }
            context.wait("backoff", Duration.ofSeconds(10));
        }
        context.step("after", Integer.class, s -> 2);
        """),
    csharp=cs("""\
        while (true)
        {
            var status = await context.StepAsync(async (_, ct) => 1, name: "poll");
            if (status == 1)
            {
                break;
            }
            await context.WaitAsync(TimeSpan.FromSeconds(10), name: "backoff");
        }
        await context.StepAsync(async (_, ct) => 2, name: "after");
        """),
)

case(
    "while-condition",
    python=py("""\
        attempts = 0
        while attempts < 3:
            context.step(lambda _: 1, name="try")
            attempts += 1
        context.step(lambda _: 2, name="after")
        """),
    typescript=ts("""\
        let attempts = 0;
        while (attempts < 3) {
          await context.step("try", async () => 1);
          attempts++;
        }
        await context.step("after", async () => 2);
        """),
    java=java("""\
        int attempts = 0;
        while (attempts < 3) {
            context.step("try", Integer.class, s -> 1);
            attempts++;
        }
        context.step("after", Integer.class, s -> 2);
        """),
    csharp=cs("""\
        var attempts = 0;
        while (attempts < 3)
        {
            await context.StepAsync(async (_, ct) => 1, name: "try");
            attempts++;
        }
        await context.StepAsync(async (_, ct) => 2, name: "after");
        """),
)

_DO_WHILE_SKIP = {"python": "Python has no do/while"}

case(
    "do-while",
    # The reference for do/while is TypeScript (Python cannot say it): see test_do_while below.
    python="",
    typescript=ts("""\
        do {
          await context.step("attempt", async () => 1);
          if (event.stop) continue;
          await context.wait("pause", { seconds: 1 });
        } while (event.again);
        await context.step("after", async () => 2);
        """),
    java=java("""\
        do {
            context.step("attempt", Integer.class, s -> 1);
            if (input.stop()) continue;
            context.wait("pause", Duration.ofSeconds(1));
        } while (input.again());
        context.step("after", Integer.class, s -> 2);
        """),
    csharp=cs("""\
        do
        {
            await context.StepAsync(async (_, ct) => 1, name: "attempt");
            if (input.Stop) continue;
            await context.WaitAsync(TimeSpan.FromSeconds(1), name: "pause");
        } while (input.Again);
        await context.StepAsync(async (_, ct) => 2, name: "after");
        """),
    skip=_DO_WHILE_SKIP,
)

case(
    "try-catch-finally",
    python=py("""\
        try:
            context.step(lambda _: 1, name="charge")
            context.step(lambda _: 2, name="ship")
        except ValueError:
            context.step(lambda _: 3, name="refund")
        finally:
            context.step(lambda _: 4, name="audit")
        context.step(lambda _: 5, name="after")
        """),
    typescript=ts("""\
        try {
          await context.step("charge", async () => 1);
          await context.step("ship", async () => 2);
        } catch (error) {
          await context.step("refund", async () => 3);
        } finally {
          await context.step("audit", async () => 4);
        }
        await context.step("after", async () => 5);
        """),
    java=java("""\
        try {
            context.step("charge", Integer.class, s -> 1);
            context.step("ship", Integer.class, s -> 2);
        } catch (IllegalStateException e) {
            context.step("refund", Integer.class, s -> 3);
        } finally {
            context.step("audit", Integer.class, s -> 4);
        }
        context.step("after", Integer.class, s -> 5);
        """),
    csharp=cs("""\
        try
        {
            await context.StepAsync(async (_, ct) => 1, name: "charge");
            await context.StepAsync(async (_, ct) => 2, name: "ship");
        }
        catch (InvalidOperationException)
        {
            await context.StepAsync(async (_, ct) => 3, name: "refund");
        }
        finally
        {
            await context.StepAsync(async (_, ct) => 4, name: "audit");
        }
        await context.StepAsync(async (_, ct) => 5, name: "after");
        """),
)

case(
    "exits-inside-try-finally",
    python=py("""\
        for item in event["items"]:
            try:
                context.step(lambda _: 1, name="work")
                if item["done"]:
                    break
                if item["fatal"]:
                    raise RuntimeError("fatal")
            finally:
                context.step(lambda _: 2, name="release")
        context.step(lambda _: 3, name="after")
        """),
    typescript=ts("""\
        for (const item of event.items) {
          try {
            await context.step("work", async () => 1);
            if (item.done) break;
            if (item.fatal) throw new Error("fatal");
          } finally {
            await context.step("release", async () => 2);
          }
        }
        await context.step("after", async () => 3);
        """),
    java=java("""\
        for (var item : input.items()) {
            try {
                context.step("work", Integer.class, s -> 1);
                if (item.done()) break;
                if (item.fatal()) throw new IllegalStateException("fatal");
            } finally {
                context.step("release", Integer.class, s -> 2);
            }
        }
        context.step("after", Integer.class, s -> 3);
        """),
    csharp=cs("""\
        foreach (var item in input.Items)
        {
            try
            {
                await context.StepAsync(async (_, ct) => 1, name: "work");
                if (item.Done) break;
                if (item.Fatal) throw new InvalidOperationException("fatal");
            }
            finally
            {
                await context.StepAsync(async (_, ct) => 2, name: "release");
            }
        }
        await context.StepAsync(async (_, ct) => 3, name: "after");
        """),
)

case(
    "two-handlers",
    python=PY_PRELUDE
    + textwrap.dedent("""\

        @durable_execution
        def first(event, context: DurableContext):
            context.step(lambda _: 1, name="one")


        @durable_execution
        def second(event, context: DurableContext):
            context.wait(Duration.from_seconds(1), name="two")
            context.step(lambda _: 2, name="three")
        """),
    typescript=TS_PRELUDE
    + textwrap.dedent("""\

        export const first = withDurableExecution(async (event: any, context: DurableContext) => {
          await context.step("one", async () => 1);
        });

        export const second = withDurableExecution(async (event: any, context: DurableContext) => {
          await context.wait("two", { seconds: 1 });
          await context.step("three", async () => 2);
        });
        """),
    java=JAVA_PRELUDE
    + textwrap.dedent("""\

        public class First extends DurableHandler<Input, String> {
            @Override
            public String handleRequest(Input input, DurableContext context) {
                context.step("one", Integer.class, s -> 1);
                return "done";
            }
        }

        class Second extends DurableHandler<Input, String> {
            @Override
            public String handleRequest(Input input, DurableContext context) {
                context.wait("two", Duration.ofSeconds(1));
                context.step("three", Integer.class, s -> 2);
                return "done";
            }
        }
        """),
    csharp=CS_PRELUDE
    + textwrap.dedent("""\

        public class Function
        {
            public Task<DurableExecutionInvocationOutput> First(DurableExecutionInvocationInput input, ILambdaContext context)
                => DurableFunction.WrapAsync<Input, string>(FirstWorkflow, input, context);

            public Task<DurableExecutionInvocationOutput> Second(DurableExecutionInvocationInput input, ILambdaContext context)
                => DurableFunction.WrapAsync<Input, string>(SecondWorkflow, input, context);

            private async Task<string> FirstWorkflow(Input input, IDurableContext context)
            {
                await context.StepAsync(async (_, ct) => 1, name: "one");
                return "done";
            }

            private async Task<string> SecondWorkflow(Input input, IDurableContext context)
            {
                await context.WaitAsync(TimeSpan.FromSeconds(1), name: "two");
                await context.StepAsync(async (_, ct) => 2, name: "three");
                return "done";
            }
        }
        """),
)

case(
    "helper-called-twice",
    python=py(
        """\
        notify(context, "first")
        context.wait(Duration.from_seconds(1), name="pause")
        notify(context, "second")
        """,
        members="""\
        def notify(ctx: DurableContext, name: str):
            ctx.step(lambda _: 1, name=name)
            ctx.step(lambda _: 2, name=f"{name}-log")
        """,
    ),
    typescript=ts(
        """\
        await notify(context, "first");
        await context.wait("pause", { seconds: 1 });
        await notify(context, "second");
        """,
        members="""\
        async function notify(ctx: DurableContext, name: string) {
          await ctx.step(name, async () => 1);
          await ctx.step(`${name}-log`, async () => 2);
        }
        """,
    ),
    java=java(
        """\
        notify(context, "first");
        context.wait("pause", Duration.ofSeconds(1));
        notify(context, "second");
        """,
        members="""\
        private static void notify(DurableContext ctx, String name) {
            ctx.step(name, Integer.class, s -> 1);
            ctx.step(name + "-log", Integer.class, s -> 2);
        }
        """,
    ),
    csharp=cs(
        """\
        await Notify(context, "first");
        await context.WaitAsync(TimeSpan.FromSeconds(1), name: "pause");
        await Notify(context, "second");
        """,
        members="""\
        private static async Task Notify(IDurableContext ctx, string name)
        {
            await ctx.StepAsync(async (_, ct) => 1, name: name);
            await ctx.StepAsync(async (_, ct) => 2, name: $"{name}-log");
        }
        """,
    ),
)

case(
    "combinator-over-created-tasks",
    python="",
    typescript=ts("""\
        const a = context.step("a", async () => 1);
        const b = context.wait("b", { seconds: 1 });
        await context.promise.all([a, b]);
        await context.step("after", async () => 2);
        """),
    java=java("""\
        var a = context.stepAsync("a", Integer.class, s -> 1);
        var b = context.waitAsync("b", Duration.ofSeconds(1));
        DurableFuture.allOf(a, b).get();
        context.step("after", Integer.class, s -> 2);
        """),
    csharp=cs("""\
        var a = context.StepAsync(async (_, ct) => 1, name: "a");
        var b = context.WaitAsync(TimeSpan.FromSeconds(1), name: "b");
        await Task.WhenAll(a, b);
        await context.StepAsync(async (_, ct) => 2, name: "after");
        """),
    skip={"python": "the Python SDK has no combinator (parallel/map instead)"},
)


case(
    "switch-without-default",
    python=py("""\
        match event["kind"]:
            case "a":
                context.step(lambda _: 1, name="on-a")
            case "b":
                context.step(lambda _: 2, name="on-b")
        context.step(lambda _: 3, name="after")
        """),
    typescript=ts("""\
        switch (event.kind) {
          case "a":
            await context.step("on-a", async () => 1);
            break;
          case "b":
            await context.step("on-b", async () => 2);
            break;
        }
        await context.step("after", async () => 3);
        """),
    java=java("""\
        switch (input.kind()) {
            case "a":
                context.step("on-a", Integer.class, s -> 1);
                break;
            case "b":
                context.step("on-b", Integer.class, s -> 2);
                break;
        }
        context.step("after", Integer.class, s -> 3);
        """),
    csharp=cs("""\
        switch (input.Kind)
        {
            case "a":
                await context.StepAsync(async (_, ct) => 1, name: "on-a");
                break;
            case "b":
                await context.StepAsync(async (_, ct) => 2, name: "on-b");
                break;
        }
        await context.StepAsync(async (_, ct) => 3, name: "after");
        """),
)

case(
    "switch-with-default-and-early-exits",
    python=py("""\
        match event["kind"]:
            case "a":
                context.step(lambda _: 1, name="on-a")
                return "a"
            case "b":
                raise ValueError("b")
            case _:
                context.step(lambda _: 2, name="other")
        context.step(lambda _: 3, name="after")
        """),
    typescript=ts("""\
        switch (event.kind) {
          case "a":
            await context.step("on-a", async () => 1);
            return "a";
          case "b":
            throw new Error("b");
          default:
            await context.step("other", async () => 2);
        }
        await context.step("after", async () => 3);
        """),
    java=java("""\
        switch (input.kind()) {
            case "a":
                context.step("on-a", Integer.class, s -> 1);
                return "a";
            case "b":
                throw new IllegalArgumentException("b");
            default:
                context.step("other", Integer.class, s -> 2);
        }
        context.step("after", Integer.class, s -> 3);
        """),
    csharp=cs("""\
        switch (input.Kind)
        {
            case "a":
                await context.StepAsync(async (_, ct) => 1, name: "on-a");
                return "a";
            case "b":
                throw new ArgumentException("b");
            default:
                await context.StepAsync(async (_, ct) => 2, name: "other");
                break;
        }
        await context.StepAsync(async (_, ct) => 3, name: "after");
        """),
)

case(
    "ternary-choosing-operations",
    python=py("""\
        result = context.step(lambda _: 1, name="fast") if event["fast"] else context.step(lambda _: 2, name="slow")
        context.step(lambda _: 3, name="after")
        """),
    typescript=ts("""\
        const result = event.fast ? await context.step("fast", async () => 1) : await context.step("slow", async () => 2);
        await context.step("after", async () => 3);
        """),
    java=java("""\
        var result = input.fast() ? context.step("fast", Integer.class, s -> 1) : context.step("slow", Integer.class, s -> 2);
        context.step("after", Integer.class, s -> 3);
        """),
    csharp=cs("""\
        var result = input.Fast ? await context.StepAsync(async (_, ct) => 1, name: "fast") : await context.StepAsync(async (_, ct) => 2, name: "slow");
        await context.StepAsync(async (_, ct) => 3, name: "after");
        """),
)

case(
    "operations-in-tests-and-headers",
    python=py("""\
        if context.step(lambda _: True, name="check"):
            context.step(lambda _: 1, name="yes")
        for order in context.step(lambda _: [], name="list"):
            context.step(lambda _: 2, name=f"ship-{order}")
        """),
    typescript=ts("""\
        if (await context.step("check", async () => true)) {
          await context.step("yes", async () => 1);
        }
        for (const order of await context.step("list", async () => [])) {
          await context.step(`ship-${order}`, async () => 2);
        }
        """),
    java=java("""\
        if (context.step("check", Boolean.class, s -> true)) {
            context.step("yes", Integer.class, s -> 1);
        }
        for (var order : context.step("list", OrderList.class, s -> new OrderList())) {
            context.step("ship-" + order, Integer.class, s -> 2);
        }
        """),
    csharp=cs("""\
        if (await context.StepAsync(async (_, ct) => true, name: "check"))
        {
            await context.StepAsync(async (_, ct) => 1, name: "yes");
        }
        foreach (var order in await context.StepAsync(async (_, ct) => new List<string>(), name: "list"))
        {
            await context.StepAsync(async (_, ct) => 2, name: $"ship-{order}");
        }
        """),
)

case(
    "nested-loops-with-inner-break",
    python=py("""\
        for batch in event["batches"]:
            for item in batch:
                if item["stop"]:
                    break
                context.step(lambda _: 1, name="item")
            context.step(lambda _: 2, name="batch-done")
        """),
    typescript=ts("""\
        for (const batch of event.batches) {
          for (const item of batch) {
            if (item.stop) break;
            await context.step("item", async () => 1);
          }
          await context.step("batch-done", async () => 2);
        }
        """),
    java=java("""\
        for (var batch : input.batches()) {
            for (var item : batch) {
                if (item.stop()) break;
                context.step("item", Integer.class, s -> 1);
            }
            context.step("batch-done", Integer.class, s -> 2);
        }
        """),
    csharp=cs("""\
        foreach (var batch in input.Batches)
        {
            foreach (var item in batch)
            {
                if (item.Stop) break;
                await context.StepAsync(async (_, ct) => 1, name: "item");
            }
            await context.StepAsync(async (_, ct) => 2, name: "batch-done");
        }
        """),
)

case(
    "nested-try-with-catch-all",
    python=py("""\
        try:
            try:
                context.step(lambda _: 1, name="inner")
            except Exception:
                context.step(lambda _: 2, name="inner-fix")
                raise
            context.step(lambda _: 3, name="outer")
        except Exception:
            context.step(lambda _: 4, name="outer-fix")
        """),
    typescript=ts("""\
        try {
          try {
            await context.step("inner", async () => 1);
          } catch (error) {
            await context.step("inner-fix", async () => 2);
            throw error;
          }
          await context.step("outer", async () => 3);
        } catch (error) {
          await context.step("outer-fix", async () => 4);
        }
        """),
    java=java("""\
        try {
            try {
                context.step("inner", Integer.class, s -> 1);
            } catch (Exception e) {
                context.step("inner-fix", Integer.class, s -> 2);
                throw e;
            }
            context.step("outer", Integer.class, s -> 3);
        } catch (Exception e) {
            context.step("outer-fix", Integer.class, s -> 4);
        }
        """),
    csharp=cs("""\
        try
        {
            try
            {
                await context.StepAsync(async (_, ct) => 1, name: "inner");
            }
            catch (Exception)
            {
                await context.StepAsync(async (_, ct) => 2, name: "inner-fix");
                throw;
            }
            await context.StepAsync(async (_, ct) => 3, name: "outer");
        }
        catch
        {
            await context.StepAsync(async (_, ct) => 4, name: "outer-fix");
        }
        """),
)

case(
    "return-inside-branches-and-children",
    python=py(
        """\
        context.parallel([check], name="fan")
        context.run_in_child_context(prepare, name="prepare")
        context.step(lambda _: 3, name="after")
        """,
        members="""\
        def check(ctx: DurableContext):
            if ctx.step(lambda _: True, name="probe"):
                return 1
            ctx.step(lambda _: 2, name="deep")

        def prepare(ctx: DurableContext):
            for item in [1, 2]:
                if item == 2:
                    return None
                ctx.step(lambda _: item, name="prep")
        """,
    ),
    typescript=ts("""\
        await context.parallel("fan", [
          async (ctx) => {
            if (await ctx.step("probe", async () => true)) {
              return 1;
            }
            await ctx.step("deep", async () => 2);
          },
        ]);
        await context.runInChildContext("prepare", async (ctx) => {
          for (const item of [1, 2]) {
            if (item === 2) {
              return null;
            }
            await ctx.step("prep", async () => item);
          }
        });
        await context.step("after", async () => 3);
        """),
    java=java("""\
        try (var parallel = context.parallel("fan")) {
            parallel.branch(null, Integer.class, ctx -> {
                if (ctx.step("probe", Boolean.class, s -> true)) {
                    return 1;
                }
                ctx.step("deep", Integer.class, s -> 2);
                return 0;
            });
            parallel.get();
        }
        context.runInChildContext("prepare", Void.class, ctx -> {
            for (var item : List.of(1, 2)) {
                if (item == 2) {
                    return null;
                }
                ctx.step("prep", Integer.class, s -> item);
            }
            return null;
        });
        context.step("after", Integer.class, s -> 3);
        """),
    csharp=cs("""\
        await context.ParallelAsync(
            new Func<IDurableContext, CancellationToken, Task<int>>[]
            {
                async (ctx, ct) =>
                {
                    if (await ctx.StepAsync(async (_, t) => true, name: "probe"))
                    {
                        return 1;
                    }
                    await ctx.StepAsync(async (_, t) => 2, name: "deep");
                    return 0;
                },
            },
            name: "fan");
        await context.RunInChildContextAsync(async (ctx, ct) =>
        {
            foreach (var item in new[] { 1, 2 })
            {
                if (item == 2)
                {
                    return 0;
                }
                await ctx.StepAsync(async (_, t) => item, name: "prep");
            }
            return 0;
        }, name: "prepare");
        await context.StepAsync(async (_, ct) => 3, name: "after");
        """),
)

case(
    "helper-with-loop-called-twice",
    python=py(
        """\
        notify_all(context, "email", event["users"])
        notify_all(context, "sms", event["users"])
        """,
        members="""\
        def notify_all(ctx: DurableContext, channel: str, users):
            for user in users:
                ctx.step(lambda _: 1, name=f"{channel}-{user}")
            ctx.wait(Duration.from_seconds(1), name=channel + "-sent")
        """,
    ),
    typescript=ts(
        """\
        await notifyAll(context, "email", event.users);
        await notifyAll(context, "sms", event.users);
        """,
        members="""\
        async function notifyAll(ctx: DurableContext, channel: string, users: string[]) {
          for (const user of users) {
            await ctx.step(`${channel}-${user}`, async () => 1);
          }
          await ctx.wait(channel + "-sent", { seconds: 1 });
        }
        """,
    ),
    java=java(
        """\
        notifyAll(context, "email", input.users());
        notifyAll(context, "sms", input.users());
        """,
        members="""\
        private static void notifyAll(DurableContext ctx, String channel, List<String> users) {
            for (var user : users) {
                ctx.step(channel + "-" + user, Integer.class, s -> 1);
            }
            ctx.wait(channel + "-sent", Duration.ofSeconds(1));
        }
        """,
    ),
    csharp=cs(
        """\
        await NotifyAll(context, "email", input.Users);
        await NotifyAll(context, "sms", input.Users);
        """,
        members="""\
        private static async Task NotifyAll(IDurableContext ctx, string channel, IEnumerable<string> users)
        {
            foreach (var user in users)
            {
                await ctx.StepAsync(async (_, ct) => 1, name: $"{channel}-{user}");
            }
            await ctx.WaitAsync(TimeSpan.FromSeconds(1), name: channel + "-sent");
        }
        """,
    ),
)

case(
    "continue-inside-try-finally",
    python=py("""\
        for item in event["items"]:
            try:
                if item["skip"]:
                    continue
                context.step(lambda _: 1, name="work")
            finally:
                context.step(lambda _: 2, name="release")
        """),
    typescript=ts("""\
        for (const item of event.items) {
          try {
            if (item.skip) continue;
            await context.step("work", async () => 1);
          } finally {
            await context.step("release", async () => 2);
          }
        }
        """),
    java=java("""\
        for (var item : input.items()) {
            try {
                if (item.skip()) continue;
                context.step("work", Integer.class, s -> 1);
            } finally {
                context.step("release", Integer.class, s -> 2);
            }
        }
        """),
    csharp=cs("""\
        foreach (var item in input.Items)
        {
            try
            {
                if (item.Skip) continue;
                await context.StepAsync(async (_, ct) => 1, name: "work");
            }
            finally
            {
                await context.StepAsync(async (_, ct) => 2, name: "release");
            }
        }
        """),
)

case(
    "map-and-parallel-inside-conditions-and-loops",
    python=py("""\
        for wave in event["waves"]:
            if wave["big"]:
                context.map(wave["items"], lambda ctx, item, index, items: ctx.step(lambda _: 1, name="pick"), name=f"wave-{wave['id']}")
            else:
                context.parallel([lambda ctx: ctx.step(lambda _: 2, name="solo")], name="small")
        """),
    typescript=ts("""\
        for (const wave of event.waves) {
          if (wave.big) {
            await context.map(`wave-${wave.id}`, wave.items, async (ctx, item) => ctx.step("pick", async () => 1));
          } else {
            await context.parallel("small", [async (ctx) => ctx.step("solo", async () => 2)]);
          }
        }
        """),
    java=java("""\
        for (var wave : input.waves()) {
            if (wave.big()) {
                context.map("wave-" + wave.id(), wave.items(), Integer.class, (item, index, ctx) -> ctx.step("pick", Integer.class, s -> 1));
            } else {
                try (var parallel = context.parallel("small")) {
                    parallel.branch(null, Integer.class, ctx -> ctx.step("solo", Integer.class, s -> 2));
                    parallel.get();
                }
            }
        }
        """),
    csharp=cs("""\
        foreach (var wave in input.Waves)
        {
            if (wave.Big)
            {
                await context.MapAsync(wave.Items, async (ctx, item, index, items, ct) => await ctx.StepAsync(async (_, t) => 1, name: "pick"), name: $"wave-{wave.Id}");
            }
            else
            {
                await context.ParallelAsync(
                    new Func<IDurableContext, CancellationToken, Task<int>>[] { async (ctx, ct) => await ctx.StepAsync(async (_, t) => 2, name: "solo") },
                    name: "small");
            }
        }
        """),
)


case(
    "config-annotations",
    python=py("""\
        context.wait(Duration.from_minutes(90), name="settle")
        context.step(lambda _: 1, name="charge", config=StepConfig(step_semantics=StepSemantics.AT_MOST_ONCE_PER_RETRY))
        context.parallel(
            [lambda ctx: ctx.step(lambda _: 2, name="a")],
            name="fan",
            config=ParallelConfig(max_concurrency=2, completion_config=CompletionConfig(min_successful=1)),
        )
        context.invoke("billing-fn", {"id": 1}, name="bill", config=InvokeConfig(tenant_id="t-1"))
        context.create_callback(name="approval", config=CallbackConfig(timeout=Duration.from_hours(24)))
        """),
    typescript=ts("""\
        await context.wait("settle", { minutes: 90 });
        await context.step("charge", async () => 1, { semantics: StepSemantics.AtMostOncePerRetry });
        await context.parallel("fan", [async (ctx) => ctx.step("a", async () => 2)], {
          maxConcurrency: 2,
          completionConfig: { minSuccessful: 1 },
        });
        await context.invoke("bill", "billing-fn", { id: 1 }, { tenantId: "t-1" });
        await context.createCallback("approval", { timeout: { hours: 24 } });
        """),
    java=java("""\
        context.wait("settle", Duration.ofMinutes(90));
        context.step("charge", Integer.class, s -> 1, StepConfig.builder().semanticsPerRetry(StepSemantics.AT_MOST_ONCE_PER_RETRY).build());
        try (var parallel = context.parallel("fan", ParallelConfig.builder().maxConcurrency(2).completionConfig(CompletionConfig.minSuccessful(1)).build())) {
            parallel.branch(null, Integer.class, ctx -> ctx.step("a", Integer.class, s -> 2));
            parallel.get();
        }
        context.invoke("bill", "billing-fn", input, String.class, InvokeConfig.builder().tenantId("t-1").build());
        context.createCallback("approval", String.class, CallbackConfig.builder().timeout(Duration.ofHours(24)).build());
        """),
    csharp=cs("""\
        await context.WaitAsync(TimeSpan.FromMinutes(90), name: "settle");
        await context.StepAsync(async (_, ct) => 1, name: "charge", config: new StepConfig { Semantics = StepSemantics.AtMostOncePerRetry });
        await context.ParallelAsync(
            new Func<IDurableContext, CancellationToken, Task<int>>[] { async (ctx, ct) => await ctx.StepAsync(async (_, t) => 2, name: "a") },
            name: "fan",
            config: new ParallelConfig { MaxConcurrency = 2, CompletionConfig = new CompletionConfig { MinSuccessful = 1 } });
        await context.InvokeAsync<Input, string>("billing-fn", input, name: "bill", config: new InvokeConfig { TenantId = "t-1" });
        await context.CreateCallbackAsync<string>(name: "approval", config: new CallbackConfig { Timeout = TimeSpan.FromHours(24) });
        """),
    annotations=True,
)

case(
    "enum-and-local-names",
    python=py(
        """\
        context.step(lambda _: 1, name=Steps.NOTIFY)
        label = "audit"
        context.step(lambda _: 2, name=label)
        label = "audit-" + event["id"]
        context.step(lambda _: 3, name=label)
        """,
        members="""\
        from enum import Enum

        class Steps(str, Enum):
            NOTIFY = "notify-customer"
        """,
    ),
    typescript=ts(
        """\
        await context.step(Steps.Notify, async () => 1);
        let label = "audit";
        await context.step(label, async () => 2);
        label = "audit-" + event.id;
        await context.step(label, async () => 3);
        """,
        members="""\
        enum Steps {
          Notify = "notify-customer",
        }
        """,
    ),
    java=java(
        """\
        context.step(Steps.NOTIFY.value(), Integer.class, s -> 1);
        var label = "audit";
        context.step(label, Integer.class, s -> 2);
        label = "audit-" + input.id();
        context.step(label, Integer.class, s -> 3);
        """,
        members="""\
        enum Steps {
            NOTIFY("notify-customer");

            private final String value;

            Steps(String value) {
                this.value = value;
            }

            String value() {
                return value;
            }
        }
        """,
    ),
    csharp=cs(
        """\
        await context.StepAsync(async (_, ct) => 1, name: Steps.Notify);
        var label = "audit";
        await context.StepAsync(async (_, ct) => 2, name: label);
        label = "audit-" + input.Id;
        await context.StepAsync(async (_, ct) => 3, name: label);
        """,
        members="""\
        private static class Steps
        {
            public const string Notify = "notify-customer";
        }
        """,
    ),
)

case(
    "branches-built-at-run-time",
    python=py("""\
        context.parallel(
            [ParallelBranch(lambda ctx, r=r: ctx.step(lambda _: 1, name=f"check-{r}"), f"region-{r}") for r in event["regions"]],
            name="regions",
        )
        """),
    typescript=ts("""\
        await context.parallel("regions", event.regions.map((r) => ({
          name: `region-${r}`,
          func: async (ctx) => ctx.step(`check-${r}`, async () => 1),
        })));
        """),
    java=java("""\
        try (var parallel = context.parallel("regions")) {
            for (var r : input.regions()) {
                parallel.branch("region-" + r, Integer.class, ctx -> ctx.step("check-" + r, Integer.class, s -> 1));
            }
            parallel.get();
        }
        """),
    csharp=cs("""\
        await context.ParallelAsync(
            input.Regions.Select(r => new DurableBranch<int>($"region-{r}", async (ctx, ct) => await ctx.StepAsync(async (_, t) => 1, name: $"check-{r}"))).ToList(),
            name: "regions");
        """),
)

case(
    "operation-in-a-while-test",
    python=py("""\
        while not context.step(lambda _: True, name="ready"):
            context.wait(Duration.from_seconds(5), name="pause")
        context.step(lambda _: 1, name="after")
        """),
    typescript=ts("""\
        while (!(await context.step("ready", async () => true))) {
          await context.wait("pause", { seconds: 5 });
        }
        await context.step("after", async () => 1);
        """),
    java=java("""\
        while (!context.step("ready", Boolean.class, s -> true)) {
            context.wait("pause", Duration.ofSeconds(5));
        }
        context.step("after", Integer.class, s -> 1);
        """),
    csharp=cs("""\
        while (!await context.StepAsync(async (_, ct) => true, name: "ready"))
        {
            await context.WaitAsync(TimeSpan.FromSeconds(5), name: "pause");
        }
        await context.StepAsync(async (_, ct) => 1, name: "after");
        """),
)

case(
    "helper-called-in-a-loop-and-a-branch",
    python=py(
        """\
        for r in event["regions"]:
            deploy(context, f"deploy-{r}")
        if event["canary"]:
            deploy(context, "canary")
        """,
        members="""\
        def deploy(ctx: DurableContext, name: str, pause: int = 5):
            ctx.step(lambda _: 1, name=name)
            ctx.wait(Duration.from_seconds(pause), name=name + "-bake")
        """,
    ),
    typescript=ts(
        """\
        for (const r of event.regions) {
          await deploy(context, `deploy-${r}`);
        }
        if (event.canary) {
          await deploy(context, "canary");
        }
        """,
        members="""\
        async function deploy(ctx: DurableContext, name: string, pause = 5) {
          await ctx.step(name, async () => 1);
          await ctx.wait(name + "-bake", { seconds: pause });
        }
        """,
    ),
    java=java(
        """\
        for (var r : input.regions()) {
            deploy(context, "deploy-" + r);
        }
        if (input.canary()) {
            deploy(context, "canary");
        }
        """,
        members="""\
        private static void deploy(DurableContext ctx, String name) {
            ctx.step(name, Integer.class, s -> 1);
            ctx.wait(name + "-bake", Duration.ofSeconds(5));
        }
        """,
    ),
    csharp=cs(
        """\
        foreach (var r in input.Regions)
        {
            await Deploy(context, $"deploy-{r}");
        }
        if (input.Canary)
        {
            await Deploy(context, "canary");
        }
        """,
        members="""\
        private static async Task Deploy(IDurableContext ctx, string name, int pause = 5)
        {
            await ctx.StepAsync(async (_, ct) => 1, name: name);
            await ctx.WaitAsync(TimeSpan.FromSeconds(pause), name: name + "-bake");
        }
        """,
    ),
    annotations=True,
)


case(
    "counter-changed-in-the-loop-body",
    python=py("""\
        attempt = 0
        while attempt < 3:
            context.step(lambda _: 1, name=f"try-{attempt}")
            attempt += 1
        """),
    typescript=ts("""\
        let attempt = 0;
        while (attempt < 3) {
          await context.step(`try-${attempt}`, async () => 1);
          attempt += 1;
        }
        """),
    java=java("""\
        int attempt = 0;
        while (attempt < 3) {
            context.step("try-" + attempt, Integer.class, s -> 1);
            attempt += 1;
        }
        """),
    csharp=cs("""\
        var attempt = 0;
        while (attempt < 3)
        {
            await context.StepAsync(async (_, ct) => 1, name: $"try-{attempt}");
            attempt += 1;
        }
        """),
)

case(
    "counter-rebound-from-itself-in-the-loop",
    python=py("""\
        n = 0
        label = f"fixed-{n}"
        while n < 3:
            n = n + 1
            context.step(lambda _: 1, name=f"n-{n}")
            context.step(lambda _: 1, name=label)
        """),
    typescript=ts("""\
        let n = 0;
        const label = `fixed-${n}`;
        while (n < 3) {
          n = n + 1;
          await context.step(`n-${n}`, async () => 1);
          await context.step(label, async () => 1);
        }
        """),
    java=java("""\
        int n = 0;
        String label = "fixed-" + n;
        while (n < 3) {
            n = n + 1;
            context.step("n-" + n, Integer.class, s -> 1);
            context.step(label, Integer.class, s -> 1);
        }
        """),
    csharp=cs("""\
        var n = 0;
        var label = $"fixed-{n}";
        while (n < 3)
        {
            n = n + 1;
            await context.StepAsync(async (_, ct) => 1, name: $"n-{n}");
            await context.StepAsync(async (_, ct) => 1, name: label);
        }
        """),
)

case(
    "name-changed-in-a-loop-used-after-it",
    python=py("""\
        name = "before"
        for item in event["items"]:
            name = "inside"
        context.step(lambda _: 1, name=name)
        """),
    typescript=ts("""\
        let name = "before";
        for (const item of event.items) {
          name = "inside";
        }
        await context.step(name, async () => 1);
        """),
    java=java("""\
        String name = "before";
        for (String item : input.items()) {
            name = "inside";
        }
        context.step(name, Integer.class, s -> 1);
        """),
    csharp=cs("""\
        var name = "before";
        foreach (var item in input.Items)
        {
            name = "inside";
        }
        await context.StepAsync(async (_, ct) => 1, name: name);
        """),
)

# Names a branch changes: each way through a construct starts from the names as they were; after
# it, a name that differs between the ways that get there is dynamic (see parsers/paths.py).

case(
    "name-assigned-in-one-branch-used-after-the-if",
    python=py("""\
        name = "a"
        if event["x"]:
            name = "b"
            context.step(lambda _: 1, name=name)
        else:
            context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=name)
        """),
    typescript=ts("""\
        let name = "a";
        if (event.x) {
          name = "b";
          await context.step(name, async () => 1);
        } else {
          await context.step(name, async () => 1);
        }
        await context.step(name, async () => 1);
        """),
    java=java("""\
        String name = "a";
        if (input.x()) {
            name = "b";
            context.step(name, Integer.class, s -> 1);
        } else {
            context.step(name, Integer.class, s -> 1);
        }
        context.step(name, Integer.class, s -> 1);
        """),
    csharp=cs("""\
        var name = "a";
        if (input.X)
        {
            name = "b";
            await context.StepAsync(async (_, ct) => 1, name: name);
        }
        else
        {
            await context.StepAsync(async (_, ct) => 1, name: name);
        }
        await context.StepAsync(async (_, ct) => 1, name: name);
        """),
)

case(
    "name-assigned-alike-on-every-way-that-goes-on",
    python=py("""\
        name = "a"
        if event["x"]:
            name = "b"
        elif event["y"]:
            name = "c"
            raise ValueError("no")
        else:
            name = "b"
        context.step(lambda _: 1, name=name)
        """),
    typescript=ts("""\
        let name = "a";
        if (event.x) {
          name = "b";
        } else if (event.y) {
          name = "c";
          throw new Error("no");
        } else {
          name = "b";
        }
        await context.step(name, async () => 1);
        """),
    java=java("""\
        String name = "a";
        if (input.x()) {
            name = "b";
        } else if (input.y()) {
            name = "c";
            throw new IllegalStateException("no");
        } else {
            name = "b";
        }
        context.step(name, Integer.class, s -> 1);
        """),
    csharp=cs("""\
        var name = "a";
        if (input.X)
        {
            name = "b";
        }
        else if (input.Y)
        {
            name = "c";
            throw new InvalidOperationException("no");
        }
        else
        {
            name = "b";
        }
        await context.StepAsync(async (_, ct) => 1, name: name);
        """),
)

case(
    "name-assigned-in-a-branch-that-returns",
    python=py("""\
        name = "a"
        if event["x"]:
            name = "b"
            context.step(lambda _: 1, name=name)
            return "early"
        context.step(lambda _: 1, name=name)
        """),
    typescript=ts("""\
        let name = "a";
        if (event.x) {
          name = "b";
          await context.step(name, async () => 1);
          return "early";
        }
        await context.step(name, async () => 1);
        """),
    java=java("""\
        String name = "a";
        if (input.x()) {
            name = "b";
            context.step(name, Integer.class, s -> 1);
            return "early";
        }
        context.step(name, Integer.class, s -> 1);
        """),
    csharp=cs("""\
        var name = "a";
        if (input.X)
        {
            name = "b";
            await context.StepAsync(async (_, ct) => 1, name: name);
            return "early";
        }
        await context.StepAsync(async (_, ct) => 1, name: name);
        """),
)

case(
    "name-assigned-on-some-cases-of-a-switch",
    python=py("""\
        name = "a"
        match event["kind"]:
            case "x":
                name = "b"
            case "y":
                context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=name)
        """),
    typescript=ts("""\
        let name = "a";
        switch (event.kind) {
          case "x":
            name = "b";
            break;
          case "y":
            await context.step(name, async () => 1);
            break;
        }
        await context.step(name, async () => 1);
        """),
    java=java("""\
        String name = "a";
        switch (input.kind()) {
            case "x":
                name = "b";
                break;
            case "y":
                context.step(name, Integer.class, s -> 1);
                break;
        }
        context.step(name, Integer.class, s -> 1);
        """),
    csharp=cs("""\
        var name = "a";
        switch (input.Kind)
        {
            case "x":
                name = "b";
                break;
            case "y":
                await context.StepAsync(async (_, ct) => 1, name: name);
                break;
        }
        await context.StepAsync(async (_, ct) => 1, name: name);
        """),
)

case(
    "name-assigned-by-a-short-circuit",
    python=py("""\
        name = "a"
        event["x"] and (name := "b")
        context.step(lambda _: 1, name=name)
        """),
    typescript=ts("""\
        let name = "a";
        event.x && (name = "b");
        await context.step(name, async () => 1);
        """),
    java=java("""\
        String name = "a";
        boolean named = input.x() && !(name = "b").isEmpty();
        context.step(name, Integer.class, s -> 1);
        """),
    csharp=cs("""\
        var name = "a";
        var named = input.X && (name = "b") != null;
        await context.StepAsync(async (_, ct) => 1, name: name);
        """),
)

case(
    "name-assigned-in-try-handler-and-finally",
    python=py("""\
        name = "a"
        other = "x"
        try:
            name = "b"
            context.step(lambda _: 1, name=name)
        except ValueError:
            context.step(lambda _: 1, name=name)
            raise
        finally:
            other = "c"
            context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=other)
        """),
    typescript=ts("""\
        let name = "a";
        let other = "x";
        try {
          name = "b";
          await context.step(name, async () => 1);
        } catch (e) {
          await context.step(name, async () => 1);
          throw e;
        } finally {
          other = "c";
          await context.step(name, async () => 1);
        }
        await context.step(name, async () => 1);
        await context.step(other, async () => 1);
        """),
    java=java("""\
        String name = "a";
        String other = "x";
        try {
            name = "b";
            context.step(name, Integer.class, s -> 1);
        } catch (RuntimeException e) {
            context.step(name, Integer.class, s -> 1);
            throw e;
        } finally {
            other = "c";
            context.step(name, Integer.class, s -> 1);
        }
        context.step(name, Integer.class, s -> 1);
        context.step(other, Integer.class, s -> 1);
        """),
    csharp=cs("""\
        var name = "a";
        var other = "x";
        try
        {
            name = "b";
            await context.StepAsync(async (_, ct) => 1, name: name);
        }
        catch (Exception)
        {
            await context.StepAsync(async (_, ct) => 1, name: name);
            throw;
        }
        finally
        {
            other = "c";
            await context.StepAsync(async (_, ct) => 1, name: name);
        }
        await context.StepAsync(async (_, ct) => 1, name: name);
        await context.StepAsync(async (_, ct) => 1, name: other);
        """),
)

case(
    "name-changed-by-a-closure-called-in-a-loop",
    python=py("""\
        name = "a"
        def rename():
            nonlocal name
            name = "b"
        for item in event["items"]:
            context.step(lambda _: 1, name=name)
            rename()
        context.step(lambda _: 1, name=name)
        """),
    typescript=ts("""\
        let name = "a";
        const rename = () => {
          name = "b";
        };
        for (const item of event.items) {
          await context.step(name, async () => 1);
          rename();
        }
        await context.step(name, async () => 1);
        """),
    java=None,
    csharp=cs("""\
        var name = "a";
        void Rename() { name = "b"; }
        foreach (var item in input.Items)
        {
            await context.StepAsync(async (_, ct) => 1, name: name);
            Rename();
        }
        await context.StepAsync(async (_, ct) => 1, name: name);
        """),
    skip={"java": "a Java lambda cannot assign a local of the enclosing method (it must be effectively final)"},
)

case(
    "name-bound-from-a-name-reassigned-later",
    python=py("""\
        a = "p"
        name = a
        label = f"x-{a}"
        a = "r"
        context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=label)
        context.step(lambda _: 1, name=a)
        if event["flag"]:
            a = "q"
            context.step(lambda _: 1, name=name)
        context.step(lambda _: 1, name=label)
        context.step(lambda _: 1, name=a)
        """),
    typescript=ts("""\
        let a = "p";
        const name = a;
        const label = `x-${a}`;
        a = "r";
        await context.step(name, async () => 1);
        await context.step(label, async () => 1);
        await context.step(a, async () => 1);
        if (event.flag) {
          a = "q";
          await context.step(name, async () => 1);
        }
        await context.step(label, async () => 1);
        await context.step(a, async () => 1);
        """),
    java=java("""\
        String a = "p";
        String name = a;
        String label = "x-" + a;
        a = "r";
        context.step(name, Integer.class, s -> 1);
        context.step(label, Integer.class, s -> 1);
        context.step(a, Integer.class, s -> 1);
        if (input.flag()) {
            a = "q";
            context.step(name, Integer.class, s -> 1);
        }
        context.step(label, Integer.class, s -> 1);
        context.step(a, Integer.class, s -> 1);
        """),
    csharp=cs("""\
        var a = "p";
        var name = a;
        var label = $"x-{a}";
        a = "r";
        await context.StepAsync(async (_, ct) => 1, name: name);
        await context.StepAsync(async (_, ct) => 1, name: label);
        await context.StepAsync(async (_, ct) => 1, name: a);
        if (input.Flag)
        {
            a = "q";
            await context.StepAsync(async (_, ct) => 1, name: name);
        }
        await context.StepAsync(async (_, ct) => 1, name: label);
        await context.StepAsync(async (_, ct) => 1, name: a);
        """),
)

case(
    "helper-with-early-return-and-submitter",
    python=py(
        """\
        settle(context, event)
        context.wait_for_callback(submit, name="approval")
        context.step(lambda _: 3, name="after")
        """,
        members="""\
        def settle(ctx: DurableContext, event):
            if event["paid"]:
                return
            ctx.step(lambda _: 1, name="charge")

        def submit(callback_id, ctx):
            ctx.logger.info(callback_id)
        """,
    ),
    typescript=ts(
        """\
        await settle(context, event);
        await context.waitForCallback("approval", async (callbackId, ctx) => {
          ctx.logger.info(callbackId);
        });
        await context.step("after", async () => 3);
        """,
        members="""\
        async function settle(ctx: DurableContext, event: any) {
          if (event.paid) {
            return;
          }
          await ctx.step("charge", async () => 1);
        }
        """,
    ),
    java=java(
        """\
        settle(context, input);
        context.waitForCallback("approval", String.class, (callbackId, sc) -> sc.getLogger().info(callbackId));
        context.step("after", Integer.class, s -> 3);
        """,
        members="""\
        private static void settle(DurableContext ctx, Input input) {
            if (input.paid()) {
                return;
            }
            ctx.step("charge", Integer.class, s -> 1);
        }
        """,
    ),
    csharp=cs(
        """\
        await Settle(context, input);
        await context.WaitForCallbackAsync<string>(async (callbackId, cb, ct) => Console.WriteLine(callbackId), name: "approval");
        await context.StepAsync(async (_, ct) => 3, name: "after");
        """,
        members="""\
        private static async Task Settle(IDurableContext ctx, Input input)
        {
            if (input.Paid)
            {
                return;
            }
            await ctx.StepAsync(async (_, ct) => 1, name: "charge");
        }
        """,
    ),
)


case(
    "conditional-break-in-a-switch",
    python="",
    typescript=ts("""\
        switch (event.kind) {
          case 1:
            if (event.skip) break;
            await context.step("one", async () => 1);
            break;
          default:
            await context.step("other", async () => 2);
        }
        await context.step("after", async () => 3);
        """),
    java=java("""\
        switch (input.kind()) {
            case 1:
                if (input.skip()) break;
                context.step("one", Integer.class, s -> 1);
                break;
            default:
                context.step("other", Integer.class, s -> 2);
        }
        context.step("after", Integer.class, s -> 3);
        """),
    csharp=cs("""\
        switch (input.Kind)
        {
            case 1:
                if (input.Skip) break;
                await context.StepAsync(async (_, ct) => 1, name: "one");
                break;
            default:
                await context.StepAsync(async (_, ct) => 2, name: "other");
                break;
        }
        await context.StepAsync(async (_, ct) => 3, name: "after");
        """),
    skip={"python": "a break inside match leaves the enclosing loop, not the match"},
)

case(
    "break-out-of-a-loop-from-a-switch",
    python="",
    typescript=ts("""\
        while (true) {
          const status = await context.step("poll", async () => 1);
          switch (status) {
            case 1:
              await context.step("working", async () => 2);
              continue;
            case 2:
              return "done";
          }
          await context.wait("pause", { seconds: 5 });
        }
        """),
    java=java("""\
        while (true) {
            var status = context.step("poll", Integer.class, s -> 1);
            switch (status) {
                case 1:
                    context.step("working", Integer.class, s -> 2);
                    continue;
                case 2:
                    return "done";
            }
            context.wait("pause", Duration.ofSeconds(5));
        }
        """),
    csharp=cs("""\
        while (true)
        {
            var status = await context.StepAsync(async (_, ct) => 1, name: "poll");
            switch (status)
            {
                case 1:
                    await context.StepAsync(async (_, ct) => 2, name: "working");
                    continue;
                case 2:
                    return "done";
            }
            await context.WaitAsync(TimeSpan.FromSeconds(5), name: "pause");
        }
        """),
    skip={"python": "see the match cases above; this one is about switch statements"},
)


case(
    "unnamed-containers",
    python=py("""\
        context.parallel([lambda ctx: ctx.step(lambda _: 1, name="a")])
        context.map(event["ids"], lambda ctx, item, index, items: ctx.step(lambda _: 2, name="b"))
        """),
    typescript=ts("""\
        await context.parallel([async (ctx) => ctx.step("a", async () => 1)]);
        await context.map(event.ids, async (ctx, item) => ctx.step("b", async () => 2));
        """),
    java=java("""\
        try (var parallel = context.parallel(null)) {
            parallel.branch(null, Integer.class, ctx -> ctx.step("a", Integer.class, s -> 1));
            parallel.get();
        }
        context.map(null, input.ids(), Integer.class, (item, index, ctx) -> ctx.step("b", Integer.class, s -> 2));
        """),
    csharp=cs("""\
        await context.ParallelAsync(new Func<IDurableContext, CancellationToken, Task<int>>[] { async (ctx, ct) => await ctx.StepAsync(async (_, t) => 1, name: "a") });
        await context.MapAsync(input.Ids, async (ctx, item, index, items, ct) => await ctx.StepAsync(async (_, t) => 2, name: "b"));
        """),
)

case(
    "nested-containers-in-a-map-item",
    python=py(
        """\
        context.map(event["orders"], handle_order, name="orders")
        """,
        members="""\
        def handle_order(ctx: DurableContext, order, index, orders):
            if order["cancelled"]:
                return None
            ctx.parallel(
                [
                    lambda c: c.step(lambda _: 1, name="pack"),
                    lambda c: c.run_in_child_context(lambda cc: cc.wait(Duration.from_seconds(1), name="cool"), name="label"),
                ],
                name="prepare",
            )
            ctx.step(lambda _: 2, name="ship")
        """,
    ),
    typescript=ts(
        """\
        await context.map("orders", event.orders, handleOrder);
        """,
        members="""\
        async function handleOrder(ctx: DurableContext, order: any, index: number) {
          if (order.cancelled) {
            return null;
          }
          await ctx.parallel("prepare", [
            async (c) => c.step("pack", async () => 1),
            async (c) => c.runInChildContext("label", async (cc) => cc.wait("cool", { seconds: 1 })),
          ]);
          await ctx.step("ship", async () => 2);
        }
        """,
    ),
    java=java(
        """\
        context.map("orders", input.orders(), Integer.class, (order, index, ctx) -> handleOrder(ctx, order));
        """,
        members="""\
        private static Integer handleOrder(DurableContext ctx, Order order) {
            if (order.cancelled()) {
                return null;
            }
            try (var parallel = ctx.parallel("prepare")) {
                parallel.branch(null, Integer.class, c -> c.step("pack", Integer.class, s -> 1));
                parallel.branch(null, Void.class, c -> c.runInChildContext("label", Void.class, cc -> { cc.wait("cool", Duration.ofSeconds(1)); return null; }));
                parallel.get();
            }
            ctx.step("ship", Integer.class, s -> 2);
            return 0;
        }
        """,
    ),
    csharp=cs(
        """\
        await context.MapAsync(input.Orders, HandleOrder, name: "orders");
        """,
        members="""\
        private static async Task<int> HandleOrder(IDurableContext ctx, Order order, int index, IReadOnlyList<Order> orders, CancellationToken ct)
        {
            if (order.Cancelled)
            {
                return 0;
            }
            await ctx.ParallelAsync(
                new Func<IDurableContext, CancellationToken, Task<int>>[]
                {
                    async (c, t) => await c.StepAsync(async (_, t2) => 1, name: "pack"),
                    async (c, t) => await c.RunInChildContextAsync(async (cc, t2) => { await cc.WaitAsync(TimeSpan.FromSeconds(1), name: "cool"); return 0; }, name: "label"),
                },
                name: "prepare");
            await ctx.StepAsync(async (_, t) => 2, name: "ship");
            return 1;
        }
        """,
    ),
)

case(
    "return-and-rethrow-through-finally",
    python=py("""\
        for item in event["items"]:
            try:
                context.step(lambda _: 1, name="work")
                if item["last"]:
                    return "early"
            except ValueError:
                context.step(lambda _: 2, name="compensate")
                raise
            finally:
                context.step(lambda _: 3, name="release")
        context.step(lambda _: 4, name="after")
        """),
    typescript=ts("""\
        for (const item of event.items) {
          try {
            await context.step("work", async () => 1);
            if (item.last) {
              return "early";
            }
          } catch (error) {
            await context.step("compensate", async () => 2);
            throw error;
          } finally {
            await context.step("release", async () => 3);
          }
        }
        await context.step("after", async () => 4);
        """),
    java=java("""\
        for (var item : input.items()) {
            try {
                context.step("work", Integer.class, s -> 1);
                if (item.last()) {
                    return "early";
                }
            } catch (IllegalStateException e) {
                context.step("compensate", Integer.class, s -> 2);
                throw e;
            } finally {
                context.step("release", Integer.class, s -> 3);
            }
        }
        context.step("after", Integer.class, s -> 4);
        """),
    csharp=cs("""\
        foreach (var item in input.Items)
        {
            try
            {
                await context.StepAsync(async (_, ct) => 1, name: "work");
                if (item.Last)
                {
                    return "early";
                }
            }
            catch (InvalidOperationException)
            {
                await context.StepAsync(async (_, ct) => 2, name: "compensate");
                throw;
            }
            finally
            {
                await context.StepAsync(async (_, ct) => 3, name: "release");
            }
        }
        await context.StepAsync(async (_, ct) => 4, name: "after");
        """),
)

case(
    "helper-calling-a-helper",
    python=py(
        """\
        outer(context, "first")
        outer(context, "second")
        """,
        members="""\
        def inner(ctx: DurableContext, name: str):
            ctx.step(lambda _: 1, name=name + "-inner")

        def outer(ctx: DurableContext, name: str):
            ctx.step(lambda _: 2, name=name)
            inner(ctx, name)
        """,
    ),
    typescript=ts(
        """\
        await outer(context, "first");
        await outer(context, "second");
        """,
        members="""\
        async function inner(ctx: DurableContext, name: string) {
          await ctx.step(name + "-inner", async () => 1);
        }

        async function outer(ctx: DurableContext, name: string) {
          await ctx.step(name, async () => 2);
          await inner(ctx, name);
        }
        """,
    ),
    java=java(
        """\
        outer(context, "first");
        outer(context, "second");
        """,
        members="""\
        private static void inner(DurableContext ctx, String name) {
            ctx.step(name + "-inner", Integer.class, s -> 1);
        }

        private static void outer(DurableContext ctx, String name) {
            ctx.step(name, Integer.class, s -> 2);
            inner(ctx, name);
        }
        """,
    ),
    csharp=cs(
        """\
        await Outer(context, "first");
        await Outer(context, "second");
        """,
        members="""\
        private static async Task Inner(IDurableContext ctx, string name)
        {
            await ctx.StepAsync(async (_, ct) => 1, name: name + "-inner");
        }

        private static async Task Outer(IDurableContext ctx, string name)
        {
            await ctx.StepAsync(async (_, ct) => 2, name: name);
            await Inner(ctx, name);
        }
        """,
    ),
)

case(
    "closure-using-the-handler-context",
    python=py("""\
        def audit(what):
            context.step(lambda _: 1, name=f"audit-{what}")

        audit("start")
        context.wait(Duration.from_seconds(1), name="pause")
        audit("end")
        """),
    typescript=ts("""\
        const audit = async (what: string) => {
          await context.step(`audit-${what}`, async () => 1);
        };
        await audit("start");
        await context.wait("pause", { seconds: 1 });
        await audit("end");
        """),
    java=None,
    csharp=cs("""\
        async Task Audit(string what) => await context.StepAsync(async (_, ct) => 1, name: $"audit-{what}");
        await Audit("start");
        await context.WaitAsync(TimeSpan.FromSeconds(1), name: "pause");
        await Audit("end");
        """),
    skip={"java": "Java has no local functions; a lambda in a variable is not the same construct"},
)

case(
    "names-from-results-and-mixed-concatenation",
    python=py(
        """\
        order = context.step(lambda _: "o-1", name="create")
        context.step(lambda _: 2, name=f"ship-{order}")
        context.step(lambda _: 3, name=PREFIX + "-" + str(event["n"]) + "-done")
        """,
        members="""\
        PREFIX = "billing"
        """,
    ),
    typescript=ts(
        """\
        const order = await context.step("create", async () => "o-1");
        await context.step(`ship-${order}`, async () => 2);
        await context.step(PREFIX + "-" + event.n + "-done", async () => 3);
        """,
        members="""\
        const PREFIX = "billing";
        """,
    ),
    java=java(
        """\
        var order = context.step("create", String.class, s -> "o-1");
        context.step("ship-" + order, Integer.class, s -> 2);
        context.step(PREFIX + "-" + input.n() + "-done", Integer.class, s -> 3);
        """,
        members="""\
        private static final String PREFIX = "billing";
        """,
    ),
    csharp=cs(
        """\
        var order = await context.StepAsync(async (_, ct) => "o-1", name: "create");
        await context.StepAsync(async (_, ct) => 2, name: $"ship-{order}");
        await context.StepAsync(async (_, ct) => 3, name: Prefix + "-" + input.N + "-done");
        """,
        members="""\
        private const string Prefix = "billing";
        """,
    ),
)

case(
    "loop-with-a-chain-of-exits",
    python=py("""\
        while event["more"]:
            status = context.step(lambda _: 1, name="poll")
            if status == 1:
                break
            elif status == 2:
                return "gone"
            elif status == 3:
                continue
            else:
                context.wait(Duration.from_seconds(5), name="pause")
        context.step(lambda _: 2, name="after")
        """),
    typescript=ts("""\
        while (event.more) {
          const status = await context.step("poll", async () => 1);
          if (status === 1) {
            break;
          } else if (status === 2) {
            return "gone";
          } else if (status === 3) {
            continue;
          } else {
            await context.wait("pause", { seconds: 5 });
          }
        }
        await context.step("after", async () => 2);
        """),
    java=java("""\
        while (input.more()) {
            var status = context.step("poll", Integer.class, s -> 1);
            if (status == 1) {
                break;
            } else if (status == 2) {
                return "gone";
            } else if (status == 3) {
                continue;
            } else {
                context.wait("pause", Duration.ofSeconds(5));
            }
        }
        context.step("after", Integer.class, s -> 2);
        """),
    csharp=cs("""\
        while (input.More)
        {
            var status = await context.StepAsync(async (_, ct) => 1, name: "poll");
            if (status == 1)
            {
                break;
            }
            else if (status == 2)
            {
                return "gone";
            }
            else if (status == 3)
            {
                continue;
            }
            else
            {
                await context.WaitAsync(TimeSpan.FromSeconds(5), name: "pause");
            }
        }
        await context.StepAsync(async (_, ct) => 2, name: "after");
        """),
)

case(
    "empty-outcomes-and-handlers",
    python=py("""\
        if event["dry_run"]:
            print("dry run")
        else:
            context.step(lambda _: 1, name="apply")
        try:
            context.step(lambda _: 2, name="risky")
        except ValueError:
            print("ignored")
        except KeyError:
            context.step(lambda _: 3, name="repair")
        context.step(lambda _: 4, name="after")
        """),
    typescript=None,
    java=java("""\
        if (input.dryRun()) {
            System.out.println("dry run");
        } else {
            context.step("apply", Integer.class, s -> 1);
        }
        try {
            context.step("risky", Integer.class, s -> 2);
        } catch (IllegalStateException e) {
            System.out.println("ignored");
        } catch (IllegalArgumentException e) {
            context.step("repair", Integer.class, s -> 3);
        }
        context.step("after", Integer.class, s -> 4);
        """),
    csharp=cs("""\
        if (input.DryRun)
        {
            Console.WriteLine("dry run");
        }
        else
        {
            await context.StepAsync(async (_, ct) => 1, name: "apply");
        }
        try
        {
            await context.StepAsync(async (_, ct) => 2, name: "risky");
        }
        catch (InvalidOperationException)
        {
            Console.WriteLine("ignored");
        }
        catch (ArgumentException)
        {
            await context.StepAsync(async (_, ct) => 3, name: "repair");
        }
        await context.StepAsync(async (_, ct) => 4, name: "after");
        """),
    skip={"typescript": "a TypeScript try has at most one catch clause"},
)

case(
    "submitter-running-operations",
    python=py(
        """\
        context.wait_for_callback(submit, name="approval")
        """,
        members="""\
        def submit(callback_id, ctx):
            ctx.step(lambda _: 1, name="send-email")
        """,
    ),
    typescript=ts("""\
        await context.waitForCallback("approval", async (callbackId, ctx) => {
          await ctx.step("send-email", async () => 1);
        });
        """),
    java=None,
    csharp=None,
    skip={
        "java": "the Java submitter receives a StepContext, which runs no operations",
        "csharp": "the .NET submitter receives an IWaitForCallbackContext, which runs no operations",
    },
)


case(
    "branches-and-items-as-named-functions",
    python=py(
        """\
        context.parallel([ParallelBranch(reserve, "reserve"), charge], name="checks")
        context.map(event["ids"], check_item, name="items")
        """,
        members="""\
        def reserve(ctx: DurableContext):
            return ctx.step(lambda _: 1, name="reserve-stock")

        def charge(ctx: DurableContext):
            return ctx.step(lambda _: 2, name="charge-card")

        def check_item(ctx: DurableContext, item, index, items):
            return ctx.step(lambda _: 3, name="check")
        """,
    ),
    typescript=ts(
        """\
        await context.parallel("checks", [{ name: "reserve", func: reserve }, charge]);
        await context.map("items", event.ids, checkItem);
        """,
        members="""\
        async function reserve(ctx: DurableContext) {
          return ctx.step("reserve-stock", async () => 1);
        }

        async function charge(ctx: DurableContext) {
          return ctx.step("charge-card", async () => 2);
        }

        async function checkItem(ctx: DurableContext, item: string, index: number) {
          return ctx.step("check", async () => 3);
        }
        """,
    ),
    java=java(
        """\
        try (var parallel = context.parallel("checks")) {
            parallel.branch("reserve", Integer.class, Flow::reserve);
            parallel.branch(null, Integer.class, ctx -> charge(ctx));
            parallel.get();
        }
        context.map("items", input.ids(), Integer.class, Flow::checkItem);
        """,
        members="""\
        private static Integer reserve(DurableContext ctx) {
            return ctx.step("reserve-stock", Integer.class, s -> 1);
        }

        private static Integer charge(DurableContext ctx) {
            return ctx.step("charge-card", Integer.class, s -> 2);
        }

        private static Integer checkItem(String item, int index, DurableContext ctx) {
            return ctx.step("check", Integer.class, s -> 3);
        }
        """,
    ),
    csharp=None,
    skip={"csharp": "a C# branch list is all DurableBranch<T> or all functions; see the next case"},
)

case(
    "named-function-branches-all-named",
    python=py(
        """\
        context.parallel([ParallelBranch(reserve, "reserve"), ParallelBranch(charge, "charge")], name="checks")
        context.map(event["ids"], check_item, name="items")
        """,
        members="""\
        def reserve(ctx: DurableContext):
            return ctx.step(lambda _: 1, name="reserve-stock")

        def charge(ctx: DurableContext):
            return ctx.step(lambda _: 2, name="charge-card")

        def check_item(ctx: DurableContext, item, index, items):
            return ctx.step(lambda _: 3, name="check")
        """,
    ),
    typescript=ts(
        """\
        await context.parallel("checks", [{ name: "reserve", func: reserve }, { name: "charge", func: charge }]);
        await context.map("items", event.ids, checkItem);
        """,
        members="""\
        async function reserve(ctx: DurableContext) {
          return ctx.step("reserve-stock", async () => 1);
        }

        async function charge(ctx: DurableContext) {
          return ctx.step("charge-card", async () => 2);
        }

        async function checkItem(ctx: DurableContext, item: string, index: number) {
          return ctx.step("check", async () => 3);
        }
        """,
    ),
    java=java(
        """\
        try (var parallel = context.parallel("checks")) {
            parallel.branch("reserve", Integer.class, Flow::reserve);
            parallel.branch("charge", Integer.class, this::charge);
            parallel.get();
        }
        context.map("items", input.ids(), Integer.class, (item, index, ctx) -> checkItem(item, index, ctx));
        """,
        members="""\
        private static Integer reserve(DurableContext ctx) {
            return ctx.step("reserve-stock", Integer.class, s -> 1);
        }

        private Integer charge(DurableContext ctx) {
            return ctx.step("charge-card", Integer.class, s -> 2);
        }

        private static Integer checkItem(String item, int index, DurableContext ctx) {
            return ctx.step("check", Integer.class, s -> 3);
        }
        """,
    ),
    csharp=cs(
        """\
        await context.ParallelAsync(new DurableBranch<int>[] { new("reserve", Reserve), new("charge", Charge) }, name: "checks");
        await context.MapAsync(input.Ids, CheckItem, name: "items");
        """,
        members="""\
        private static Task<int> Reserve(IDurableContext ctx, CancellationToken ct) =>
            ctx.StepAsync(async (_, t) => 1, name: "reserve-stock");

        private static Task<int> Charge(IDurableContext ctx, CancellationToken ct) =>
            ctx.StepAsync(async (_, t) => 2, name: "charge-card");

        private static Task<int> CheckItem(IDurableContext ctx, string item, int index, IReadOnlyList<string> items, CancellationToken ct) =>
            ctx.StepAsync(async (_, t) => 3, name: "check");
        """,
    ),
)

case(
    "infinite-loop-left-only-by-return",
    python=py("""\
        while True:
            if context.step(lambda _: True, name="poll"):
                return "done"
            context.wait(Duration.from_seconds(5), name="pause")
        """),
    typescript=ts("""\
        while (true) {
          if (await context.step("poll", async () => true)) {
            return "done";
          }
          await context.wait("pause", { seconds: 5 });
        }
        """),
    java=java("""\
        while (true) {
            if (context.step("poll", Boolean.class, s -> true)) {
                return "done";
            }
            context.wait("pause", Duration.ofSeconds(5));
        }
        """),
    csharp=cs("""\
        while (true)
        {
            if (await context.StepAsync(async (_, ct) => true, name: "poll"))
            {
                return "done";
            }
            await context.WaitAsync(TimeSpan.FromSeconds(5), name: "pause");
        }
        """),
)

case(
    "ternary-with-an-operation-on-one-side",
    python=py("""\
        total = context.step(lambda _: 1, name="recompute") if event["stale"] else event["total"]
        context.step(lambda _: 2, name="after")
        """),
    typescript=ts("""\
        const total = event.stale ? await context.step("recompute", async () => 1) : event.total;
        await context.step("after", async () => 2);
        """),
    java=java("""\
        var total = input.stale() ? context.step("recompute", Integer.class, s -> 1) : input.total();
        context.step("after", Integer.class, s -> 2);
        """),
    csharp=cs("""\
        var total = input.Stale ? await context.StepAsync(async (_, ct) => 1, name: "recompute") : input.Total;
        await context.StepAsync(async (_, ct) => 2, name: "after");
        """),
)


case(
    "shared-case-labels",
    python=py("""\
        match event["kind"]:
            case "a" | "b":
                context.step(lambda _: 1, name="a-or-b")
            case _:
                context.step(lambda _: 2, name="other")
        context.step(lambda _: 3, name="after")
        """),
    typescript=ts("""\
        switch (event.kind) {
          case "a":
          case "b":
            await context.step("a-or-b", async () => 1);
            break;
          default:
            await context.step("other", async () => 2);
        }
        await context.step("after", async () => 3);
        """),
    java=java("""\
        switch (input.kind()) {
            case "a":
            case "b":
                context.step("a-or-b", Integer.class, s -> 1);
                break;
            default:
                context.step("other", Integer.class, s -> 2);
        }
        context.step("after", Integer.class, s -> 3);
        """),
    csharp=cs("""\
        switch (input.Kind)
        {
            case "a":
            case "b":
                await context.StepAsync(async (_, ct) => 1, name: "a-or-b");
                break;
            default:
                await context.StepAsync(async (_, ct) => 2, name: "other");
                break;
        }
        await context.StepAsync(async (_, ct) => 3, name: "after");
        """),
)

case(
    "nested-switches-with-breaks",
    python="",
    typescript=ts("""\
        switch (event.region) {
          case "eu":
            switch (event.tier) {
              case "gold":
                if (event.paused) break;
                await context.step("eu-gold", async () => 1);
                break;
            }
            await context.step("eu", async () => 2);
            break;
          case "us":
            if (event.closed) break;
            await context.step("us", async () => 3);
            break;
        }
        await context.step("after", async () => 4);
        """),
    java=java("""\
        switch (input.region()) {
            case "eu":
                switch (input.tier()) {
                    case "gold":
                        if (input.paused()) break;
                        context.step("eu-gold", Integer.class, s -> 1);
                        break;
                }
                context.step("eu", Integer.class, s -> 2);
                break;
            case "us":
                if (input.closed()) break;
                context.step("us", Integer.class, s -> 3);
                break;
        }
        context.step("after", Integer.class, s -> 4);
        """),
    csharp=cs("""\
        switch (input.Region)
        {
            case "eu":
                switch (input.Tier)
                {
                    case "gold":
                        if (input.Paused) break;
                        await context.StepAsync(async (_, ct) => 1, name: "eu-gold");
                        break;
                }
                await context.StepAsync(async (_, ct) => 2, name: "eu");
                break;
            case "us":
                if (input.Closed) break;
                await context.StepAsync(async (_, ct) => 3, name: "us");
                break;
        }
        await context.StepAsync(async (_, ct) => 4, name: "after");
        """),
    skip={"python": "a break inside match leaves the enclosing loop, not the match"},
)

case(
    "labelled-break-and-continue",
    python="",
    typescript=ts("""\
        outer: for (const batch of event.batches) {
          for (const item of batch.items) {
            if (item.bad) continue outer;
            if (item.last) break outer;
            await context.step("item", async () => 1);
          }
          await context.step("batch", async () => 2);
        }
        await context.step("after", async () => 3);
        """),
    java=java("""\
        outer:
        for (var batch : input.batches()) {
            for (var item : batch.items()) {
                if (item.bad()) continue outer;
                if (item.last()) break outer;
                context.step("item", Integer.class, s -> 1);
            }
            context.step("batch", Integer.class, s -> 2);
        }
        context.step("after", Integer.class, s -> 3);
        """),
    csharp=None,
    skip={
        "python": "Python has no labelled break or continue",
        "csharp": "C# has no labelled break or continue (only goto)",
    },
)


# -- comparing ------------------------------------------------------------------------------------


def signatures(language: str, source: str, annotations: bool) -> list[dict[str, Any]]:
    """One signature per workflow the source declares."""
    path = NOWHERE / f"Flow.{EXTENSIONS[language]}"
    result = parse_source(source, path)
    assert result.workflows, f"no workflow read from the {language} source"
    return [signature(build_graph(w), annotations) for w in result.workflows]


def reference(case: Case) -> tuple[str, str]:
    """The language and source a case's other languages are compared with."""
    return case.reference, case.sources[case.reference]


PARAMETERS = [
    pytest.param(
        c,
        language,
        id=f"{c.id}-{language}",
        marks=(
            [pytest.mark.skip(reason=c.skip[language])]
            if language in c.skip
            else [pytest.mark.xfail(strict=True, reason=c.xfail[language])]
            if language in c.xfail
            else []
        ),
    )
    for c in CASES
    for language in ("python", *LANGUAGES)
]


@pytest.mark.parametrize(("case", "language"), PARAMETERS)
def test_the_same_workflow_draws_the_same_graph(case: Case, language: str) -> None:
    ref_language, ref_source = reference(case)
    expected = signatures(ref_language, ref_source, case.annotations)
    if language == ref_language:
        # The reference itself: it must read as many workflows as the case has handlers, with
        # at least one operation each (a reference that draws nothing would match any port).
        assert all(len(s["nodes"]) > 2 for s in expected)
        return
    actual = signatures(language, case.sources[language], case.annotations)
    assert len(actual) == len(expected), f"{len(actual)} workflows, expected {len(expected)}"
    for ours, theirs in zip(actual, expected, strict=True):
        assert ours["nodes"] == theirs["nodes"]
        assert ours["edges"] == theirs["edges"]


def test_the_oracle_tells_different_graphs_apart_and_ignores_labels() -> None:
    """The comparison is not vacuous: a different structure, name or edge shows; a label or
    a condition's text does not."""

    def of(body: str) -> list[dict[str, Any]]:
        return signatures("python", py(body), annotations=False)

    base = of("""\
        if event["a"]:
            context.step(lambda _: 1, name="x")
        context.step(lambda _: 2, name="y")
        """)
    relabelled = of("""\
        if event["other"] > 3:
            context.step(lambda _: 1, name="x")
        context.step(lambda _: 2, name="y")
        """)
    renamed = of("""\
        if event["a"]:
            context.step(lambda _: 1, name="z")
        context.step(lambda _: 2, name="y")
        """)
    with_else = of("""\
        if event["a"]:
            context.step(lambda _: 1, name="x")
        else:
            return None
        context.step(lambda _: 2, name="y")
        """)
    assert relabelled == base
    assert renamed[0]["nodes"] != base[0]["nodes"]
    assert with_else[0]["nodes"] != base[0]["nodes"]
    assert with_else[0]["edges"] != base[0]["edges"]
