"""The Java parser: one small handler per construct, checked for kinds, names, positions,
blocks, config, diagnostics and the edges the edge builder draws from the result.

SDK facts (the name is the first argument and may be null, a result Class/TypeToken follows,
every operation has an ``...Async`` form, parallel is a builder) come from shared/SDK-API.md,
Java section; the graph rules from DESIGN.md. Edges read ``"source -> target [label]"``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from graph_text import edge_texts

from durable_viz import build_graph, parse_source
from durable_viz.graph import Kind, Node, ParseResult, Via, Workflow, walk
from durable_viz.parsers.base import run_deep

PRELUDE = """\
package com.acme;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.lambda.durable.*;
import software.amazon.lambda.durable.config.*;
import software.amazon.lambda.durable.retry.RetryStrategies;
"""


def handler(body: str, *, members: str = "", name: str = "Flow") -> str:
    """A file with the usual imports and one handler class whose ``handleRequest`` holds ``body``
    (``members``: more declarations in the class)."""
    return (
        PRELUDE
        + f"\npublic class {name} extends DurableHandler<Input, String> {{\n"
        + textwrap.indent(textwrap.dedent(members), "    ")
        + "    @Override\n"
        + "    public String handleRequest(Input input, DurableContext ctx) {\n"
        + textwrap.indent(textwrap.dedent(body), "        ")
        + "    }\n}\n"
    )


def parse(source: str, path: Path | str = "Flow.java") -> ParseResult:
    return parse_source(source, Path(path))


def workflow_of(source: str, path: Path | str = "Flow.java") -> Workflow:
    result = parse(source, path)
    assert len(result.workflows) == 1, result.workflows
    return result.workflows[0]


def summary(workflow: Workflow) -> list[tuple[str, str]]:
    """(kind, label) of every node, in source order."""
    return [(n.kind.value, n.label) for n in walk(workflow.nodes)]


def find(workflow: Workflow, label: str) -> Node:
    found = [n for n in walk(workflow.nodes) if n.label == label]
    assert len(found) == 1, f"{len(found)} nodes labelled {label!r}: {summary(workflow)}"
    return found[0]


def blocks(node: Node) -> list[tuple[str, str | None, bool, list[str]]]:
    """(role, label, dynamic, labels of its nodes) of every block of a node."""
    return [(b.role, b.label, b.dynamic, [n.label for n in b.nodes]) for b in node.blocks]


def edges(workflow: Workflow) -> set[str]:
    return edge_texts(build_graph(workflow))


def codes(result: ParseResult) -> list[str]:
    return [d.code for d in result.diagnostics]


def at(source: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """1-based (line, column) where ``needle`` occurs in ``source``."""
    start = -1
    for _ in range(occurrence + 1):
        start = source.index(needle, start + 1)
    return source.count("\n", 0, start) + 1, start - (source.rfind("\n", 0, start) + 1) + 1


# -- finding handlers ------------------------------------------------------------------------------


def test_handler_classes_nested_generics_final_and_nested_classes() -> None:
    source = PRELUDE + textwrap.dedent(
        """
        public final class Outer extends DurableHandler<Map<String, List<Item>>, Result> {
            @Override
            public Result handleRequest(Map<String, List<Item>> in, DurableContext context) {
                context.step("outer-step", Result.class, s -> run());
                return null;
            }

            static final class Inner
                    extends software.amazon.lambda.durable.DurableHandler<String, String> {
                public String handleRequest(String in, DurableContext c) {
                    c.wait("inner-wait", Duration.ofSeconds(1));
                    return in;
                }
            }
        }

        class NotAHandler {
            public String handleRequest(String in, DurableContext c) {
                c.step("never", String.class, s -> "x");
                return in;
            }
        }
        """
    )
    result = parse(source, "Outer.java")
    assert [(w.name, w.line) for w in result.workflows] == [
        ("Outer", at(source, "public final class Outer")[0]),
        ("Inner", at(source, "static final class Inner")[0]),
    ]
    assert [summary(w) for w in result.workflows] == [
        [("step", "outer-step")],
        [("wait", "inner-wait")],
    ]


def test_anonymous_handler_and_test_runner_lambda() -> None:
    source = PRELUDE + textwrap.dedent(
        """
        class Handlers {
            static final DurableHandler<String, String> GREETER = new DurableHandler<>() {
                @Override
                public String handleRequest(String name, DurableContext context) {
                    return context.step("greet", String.class, s -> "hi " + name);
                }
            };

            void test() {
                LocalDurableTestRunner.create(String.class, (input, c) -> {
                    c.step("in-test", String.class, s -> input);
                    return "ok";
                });
                var runner = LocalDurableTestRunner.create(String.class, (in,
                    c) -> c.step("bound", String.class, s -> in));
            }
        }
        """
    )
    result = parse(source, "Handlers.java")
    assert [w.name for w in result.workflows] == ["GREETER", "test", "runner"]
    assert [summary(w) for w in result.workflows] == [
        [("step", "greet")],
        [("step", "in-test")],
        [("step", "bound")],
    ]


def test_a_file_without_handler_gives_no_workflow() -> None:
    result = parse(
        PRELUDE
        + "class Helpers {\n"
        + '    static void run(DurableContext c) { c.step("a", String.class, s -> ""); }\n'
        + "}\n"
    )
    assert result.workflows == ()
    assert result.language == "java"


# -- operations ------------------------------------------------------------------------------------

OPERATIONS = """\
var a = ctx.step("s", String.class, s -> compute());
ctx.wait("w", Duration.ofMinutes(90));
var r = ctx.invoke("i", "fn-target", input, Result.class);
var cb = ctx.createCallback("cb", String.class);
ctx.waitForCallback("wfc", String.class, (id, sc) -> notify(id));
ctx.waitForCondition("cond", State.class, (state, sc) -> check(state));
ctx.runInChildContext("child", String.class, child -> child.step("inner", String.class, s -> ""));
ctx.withRetry("retry", (attempt, rc) -> rc.step("try", String.class, s -> ""));
return cb.get();
"""


@pytest.mark.parametrize("suffix", ["", "Async"])
def test_every_operation_and_its_async_form(suffix: str) -> None:
    body = OPERATIONS
    if suffix:
        for method in (
            'step("s"',
            "invoke(",
            "createCallback(",
            "waitForCallback(",
            "waitForCondition(",
            "runInChildContext(",
            "withRetry(",
        ):
            name, _, rest = method.partition("(")
            body = body.replace(f"ctx.{name}({rest}", f"ctx.{name}Async({rest}", 1)
        body = body.replace('ctx.wait("w"', 'ctx.waitAsync("w"')
    source = handler(body)
    workflow = workflow_of(source)
    assert summary(workflow) == [
        ("step", "s"),
        ("wait", "w"),
        ("invoke", "i"),
        ("create_callback", "cb"),
        ("wait_for_callback", "wfc"),
        ("wait_for_condition", "cond"),
        ("child_context", "child"),
        ("step", "inner"),
        ("with_retry", "retry"),
        ("step", "try"),
    ]
    step = find(workflow, "s")
    assert (step.line, step.column) == at(source, "ctx.step" + suffix)
    assert find(workflow, "w").annotations == ("90m",)
    invoke = find(workflow, "i")
    assert invoke.target == "fn-target"
    assert invoke.annotations == ("calls fn-target",)
    assert find(workflow, "retry").config["backoff_waits"] == "retry-backoff-{n}"
    assert blocks(find(workflow, "child")) == [("body", "body", False, ["inner"])]


def test_unnamed_operations_and_fallback_labels() -> None:
    workflow = workflow_of(
        handler(
            """
            ctx.step(null, String.class, s -> Billing.charge(input));
            ctx.wait(null, Duration.ofSeconds(30));
            ctx.invoke(null, "pricing-fn", input, String.class);
            ctx.step(null, String.class, () -> legacy());
            ctx.wait(Duration.ofMinutes(2));
            return null;
            """
        )
    )
    assert [(n.label, n.name, n.annotations) for n in walk(workflow.nodes)] == [
        ("Billing.charge", None, ("unnamed",)),
        ("wait 30s", None, ("30s", "unnamed")),
        ("pricing-fn", None, ("unnamed",)),
        ("legacy", None, ("unnamed",)),
        ("wait 2m", None, ("2m", "unnamed")),
    ]


def test_names_constants_enums_concatenation_and_format() -> None:
    members = """
        static final String CHARGE = "charge-card";
        static final String PREFIX = "batch-";
        enum Steps {
            NOTIFY("notify-customer"), AUDIT("audit");
            private final String value;
            Steps(String value) { this.value = value; }
            String value() { return value; }
        }
    """
    workflow = workflow_of(
        handler(
            """
            ctx.step(CHARGE, String.class, s -> "");
            ctx.step(Flow.CHARGE, String.class, s -> "");
            ctx.step(Steps.NOTIFY.value(), String.class, s -> "");
            ctx.step(Steps.AUDIT.name(), String.class, s -> "");
            ctx.step(PREFIX + input.id(), String.class, s -> "");
            ctx.step(String.format("item-%s-%d", input.id(), 3), String.class, s -> "");
            ctx.step(input.fast() ? "fast" : "slow", String.class, s -> "");
            String local = "local-name";
            ctx.step(local, String.class, s -> "");
            return null;
            """,
            members=members,
        )
    )
    assert [(n.name, n.label, n.dynamic) for n in walk(workflow.nodes)] == [
        ("charge-card", "charge-card", False),
        ("charge-card", "charge-card", False),
        ("notify-customer", "notify-customer", False),
        ("AUDIT", "AUDIT", False),
        ("batch-{}", "batch-{input.id()}", True),
        ("item-{}-3", "item-{input.id()}-3", True),
        ("{}", "{fast | slow}", True),
        ("local-name", "local-name", False),
    ]


def test_unknown_context_method_is_diagnosed() -> None:
    result = parse(handler('ctx.getLogger().info("x");\nctx.teleport("x");\nreturn null;\n'))
    assert codes(result) == ["DV102"]
    assert result.workflows[0].nodes == ()


# -- parallel, map, combinators --------------------------------------------------------------------


def test_parallel_builder_in_try_with_resources() -> None:
    workflow = workflow_of(
        handler(
            """
            try (var p = ctx.parallel("checks",
                ParallelConfig.builder().maxConcurrency(2).build())) {
                p.branch("a", String.class, c -> c.step("a-step", String.class, s -> ""));
                p.branch(null, String.class, c -> {
                    c.wait("b-wait", Duration.ofSeconds(5));
                    return c.step("b-step", String.class, s -> "");
                });
                p.branch("empty", String.class, c -> "nothing durable");
            }
            ctx.step("after", String.class, s -> "");
            return null;
            """
        )
    )
    parallel = find(workflow, "checks")
    assert parallel.kind is Kind.PARALLEL
    assert parallel.annotations == ("max 2 at once",)
    assert blocks(parallel) == [
        ("branch", "a", False, ["a-step"]),
        ("branch", "parallel-branch-1", False, ["b-wait", "b-step"]),
        ("branch", "empty", False, []),
    ]
    assert edges(workflow) == {
        "Start -> checks",
        "checks -> a-step",
        "checks -> b-wait",
        "b-wait -> b-step",
        "checks -> after",
        "a-step -> after",
        "b-step -> after",
        "after -> End",
    }


def test_parallel_builder_without_try_and_branch_in_loop() -> None:
    source = handler(
        """
        var p = ctx.parallel("fan");
        for (var item : input.items()) {
            p.branch("item-" + item.id(), String.class, c -> c.step("work-" + item.id(),
                String.class, s -> ""));
        }
        p.get();
        return null;
        """
    )
    result = parse(source)
    parallel = find(result.workflows[0], "fan")
    assert blocks(parallel) == [("branch", "item-{item.id()}", True, ["work-{item.id()}"])]
    assert codes(result) == ["DV105"]
    assert result.diagnostics[0].line == at(source, '"item-"')[0]


def test_branches_registered_over_a_written_out_registry_are_expanded() -> None:
    members = """
        static final Map<String, String> TEAMS = Map.of("billing", "b@x", "legal", "l@x");
        static final List<String> REGIONS = List.of("us", "eu");
    """
    workflow = workflow_of(
        handler(
            """
            try (var p = ctx.parallel("ask")) {
                for (var team : TEAMS.entrySet()) {
                    p.branch(team.getKey(), String.class, c -> c.step("mail-" + team.getValue(),
                        String.class, s -> ""));
                }
                for (String region : REGIONS) {
                    p.branch(region, String.class, c -> c.step("check-" + region, String.class,
                        s -> ""));
                }
            }
            return null;
            """,
            members=members,
        )
    )
    assert blocks(find(workflow, "ask")) == [
        ("branch", "billing", False, ["mail-b@x"]),
        ("branch", "legal", False, ["mail-l@x"]),
        ("branch", "us", False, ["check-us"]),
        ("branch", "eu", False, ["check-eu"]),
    ]


def test_map_over_registry_with_item_namer_and_over_runtime_items() -> None:
    members = 'static final String[] REGIONS = {"us", "eu"};\n'
    workflow = workflow_of(
        handler(
            """
            ctx.map("regions", List.of(REGIONS), String.class,
                (region, index, c) -> c.step("policy-" + region + "-" + index, String.class,
                    s -> ""),
                MapConfig.builder().itemNamer((r,
                    i) -> "region-" + r).nestingType(NestingType.FLAT).build());
            ctx.map("files", input.files(), String.class, (file, index, c) -> c.step("read",
                String.class, s -> ""));
            return null;
            """,
            members=members,
        )
    )
    regions = find(workflow, "regions")
    assert blocks(regions) == [
        ("item", "region-us", False, ["policy-us-0"]),
        ("item", "region-eu", False, ["policy-eu-1"]),
    ]
    assert regions.annotations == ("flat",)
    assert blocks(find(workflow, "files")) == [("item", "map-item-{i}", True, ["read"])]


def test_all_of_and_any_of_over_async_futures() -> None:
    workflow = workflow_of(
        handler(
            """
            var a = ctx.stepAsync("a", String.class, s -> "");
            DurableFuture<String> b = ctx.invokeAsync("b", "fn", input, String.class);
            DurableFuture.allOf(a, b).get();
            DurableFuture.anyOf(List.of(a, b));
            DurableFuture.allOf(ctx.stepAsync("c", String.class, s -> ""), ctx.waitAsync("d",
                Duration.ofSeconds(1)));
            return null;
            """
        )
    )
    assert summary(workflow) == [
        ("step", "a"),
        ("invoke", "b"),
        ("promise_all", "allOf"),
        ("promise_any", "anyOf"),
        ("promise_all", "allOf"),
        ("step", "c"),
        ("wait", "d"),
    ]
    first, any_of, second = (n for n in walk(workflow.nodes) if n.label in ("allOf", "anyOf"))
    assert first.annotations == ("all of a, b",) and first.blocks == ()
    assert any_of.annotations == ("any of a, b",)
    assert blocks(second) == [("branch", "c", False, ["c"]), ("branch", "d", False, ["d"])]
    assert "allOf -> c" in edges(workflow) and "d -> End" in edges(workflow)


def test_future_never_awaited_is_diagnosed() -> None:
    source = handler(
        """
        var lost = ctx.stepAsync("lost", String.class, s -> "");
        ctx.waitAsync("dropped", Duration.ofSeconds(1));
        var kept = ctx.stepAsync("kept", String.class, s -> "");
        return kept.get();
        """
    )
    result = parse(source)
    assert [(d.code, d.line) for d in result.diagnostics] == [
        ("DV110", at(source, "ctx.stepAsync")[0]),
        ("DV110", at(source, "ctx.waitAsync")[0]),
    ]


def test_with_retry_as_method_and_static_call_with_config() -> None:
    # SDK (aws-durable-execution-sdk-java): ``DurableContext.withRetry(String name,
    # BiFunction<Integer attempt, DurableContext, T>[, WithRetryConfig])``; the static
    # ``WithRetryHelper.withRetry(DurableContext, String name, WithRetry<T> (ctx, attempt) -> T,
    # WithRetryConfig)`` and its anonymous form without the name take the context first.
    workflow = workflow_of(
        handler(
            """
            ctx.withRetry("m", (attempt, c) -> c.step("m-" + attempt, String.class, s -> ""),
                WithRetryConfig.builder().retryStrategy(RetryStrategies.exponentialBackoff(5,
                    Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, JitterStrategy.FULL))
                    .build());
            WithRetryHelper.withRetry(ctx, "s", (c, attempt) -> c.step("s-" + attempt,
                String.class, s -> ""), WithRetryConfig.builder().retryStrategy(
                    RetryStrategies.linearBackoff(3, Duration.ofSeconds(1),
                    Duration.ofSeconds(2))).build());
            WithRetryHelper.withRetry(ctx, (c, attempt) -> c.invoke("charge-" + attempt, "pay",
                input, String.class), WithRetryConfig.builder().build());
            return null;
            """
        )
    )
    method = find(workflow, "m")
    assert method.kind is Kind.WITH_RETRY
    assert method.annotations == ("retry: exponential x5",)
    assert blocks(method) == [("body", "body", False, ["m-{attempt}"])]
    assert method.config["backoff_waits"] == "m-backoff-{n}"
    static = find(workflow, "s")
    assert static.kind is Kind.WITH_RETRY
    assert static.annotations == ("retry: linear x3",)
    assert blocks(static) == [("body", "body", False, ["s-{attempt}"])]
    anonymous = [n for n in workflow.nodes if n.kind is Kind.WITH_RETRY][2]
    assert (anonymous.name, anonymous.annotations) == (None, ("unnamed",))
    assert anonymous.config["backoff_waits"] == "retry-backoff-{n}"
    assert blocks(anonymous) == [("body", "body", False, ["charge-{attempt}"])]


def test_config_annotations() -> None:
    workflow = workflow_of(
        handler(
            """
            ctx.step("once", String.class, s -> "", StepConfig.builder()
                .retryStrategy(RetryStrategies.LINEAR)
                .semanticsPerRetry(StepSemantics.AT_MOST_ONCE_PER_RETRY).build());
            ctx.step("fixed", String.class, s -> "",
                StepConfig.builder().retryStrategy(RetryStrategies.fixedDelay(3,
                Duration.ofSeconds(2))).build());
            ctx.parallel("first",
                ParallelConfig.builder().completionConfig(CompletionConfig.firstSuccessful()).build()).get();
            ctx.map("few", input.items(), String.class, (i, n, c) -> "", MapConfig.builder()
                .completionConfig(CompletionConfig.minSuccessful(2)).maxConcurrency(4).build());
            ctx.invoke("tenant", "fn", input, String.class,
                InvokeConfig.builder().tenantId("t-1").build());
            ctx.createCallback("cb", String.class, CallbackConfig.builder()
                .timeout(Duration.ofHours(24)).heartbeatTimeout(Duration.ofMinutes(5)).build());
            ctx.runInChildContext("virtual", String.class, c -> "",
                RunInChildContextConfig.builder().isVirtual(true).build());
            return null;
            """
        )
    )
    assert {n.label: n.annotations for n in walk(workflow.nodes)} == {
        "once": ("retry: linear", "at most once"),
        "fixed": ("retry: fixed delay x3",),
        "first": ("first successful",),
        "few": ("min 2 successful", "max 4 at once"),
        "tenant": ("calls fn", "tenant t-1"),
        "cb": ("timeout 24h", "heartbeat 5m"),
        "virtual": ("virtual",),
    }
    assert find(workflow, "once").config["semantics"] == "at most once per retry"


def test_wait_for_callback_submitter_with_operations_is_a_block() -> None:
    workflow = workflow_of(
        handler(
            """
            ctx.waitForCallback("approval", String.class, (callbackId, c) -> {
                c.step("send-link", String.class, s -> mail(callbackId));
            });
            return null;
            """
        )
    )
    assert blocks(find(workflow, "approval")) == [("body", "submitter", False, ["send-link"])]


# -- control flow ---------------------------------------------------------------------------------


def test_if_else_braceless_allman_and_else_if() -> None:
    workflow = workflow_of(
        handler(
            """
            if (input.a()) ctx.step("a", String.class, s -> "");
            else if (input.b())
            {
                ctx.step("b", String.class, s -> "");
            }
            else
                ctx.step("c", String.class, s -> "");
            if (input.d() && ctx.step("e", Boolean.class, s -> true)) { }
            return null;
            """
        )
    )
    assert summary(workflow) == [
        ("condition", "input.a()"),
        ("step", "a"),
        ("condition", "input.b()"),
        ("step", "b"),
        ("step", "c"),
        ("condition", "input.d()"),
        ("step", "e"),
    ]
    assert edges(workflow) == {
        "Start -> input.a()",
        "input.a() -> a [yes]",
        "input.a() -> input.b() [no]",
        "input.b() -> b [yes]",
        "input.b() -> c [no]",
        "a -> input.d()",
        "b -> input.d()",
        "c -> input.d()",
        "input.d() -> e [yes]",
        "input.d() -> End [no]",
        "e -> End",
    }


def test_switch_statement_groups_fall_through_and_break_leaves_the_switch() -> None:
    workflow = workflow_of(
        handler(
            """
            switch (input.kind()) {
                case "a":
                case "b":
                    ctx.step("ab", String.class, s -> "");
                    break;
                case "c":
                    ctx.step("c", String.class, s -> "");
                case "d":
                    ctx.step("d", String.class, s -> "");
                    break;
            }
            return null;
            """
        )
    )
    switch = find(workflow, "switch input.kind()")
    assert blocks(switch) == [
        ("outcome", 'case "a", case "b"', False, ["ab"]),
        ("outcome", 'case "c"', False, ["c", "d"]),
        ("outcome", 'case "d"', False, ["d"]),
    ]
    assert switch.fallthrough == "no match"


def test_arrow_switch_with_default_and_switch_expression_are_exhaustive() -> None:
    workflow = workflow_of(
        handler(
            """
            switch (input.tier()) {
                case GOLD -> ctx.step("gold", String.class, s -> "");
                default -> { ctx.step("other", String.class, s -> ""); }
            }
            String r = switch (input.kind()) {
                case A, B -> ctx.step("ab", String.class, s -> "");
                case C -> { yield ctx.step("c", String.class, s -> ""); }
            };
            return r;
            """
        )
    )
    first, second = (n for n in walk(workflow.nodes) if n.kind is Kind.CONDITION)
    assert blocks(first) == [
        ("outcome", "case GOLD", False, ["gold"]),
        ("outcome", "default", False, ["other"]),
    ]
    assert first.fallthrough is None
    assert blocks(second) == [
        ("outcome", "case A, B", False, ["ab"]),
        ("outcome", "case C", False, ["c"]),
    ]
    assert second.fallthrough is None


def test_ternary_choosing_operations() -> None:
    workflow = workflow_of(
        handler(
            'return input.vip() ? ctx.step("vip", String.class, s -> "")\n'
            '    : ctx.step("std", String.class, s -> "");\n'
        )
    )
    condition = find(workflow, "input.vip()")
    assert blocks(condition) == [
        ("outcome", "yes", False, ["vip"]),
        ("outcome", "no", False, ["std"]),
    ]


def test_loops_of_every_kind() -> None:
    workflow = workflow_of(
        handler(
            """
            for (int i = 0; i < 3; i++) ctx.step("for", String.class, s -> "");
            for (var item : input.items()) { ctx.step("each", String.class, s -> ""); }
            while (input.more()) { ctx.wait("while", Duration.ofSeconds(1)); }
            do { ctx.step("do", String.class, s -> ""); } while (input.again());
            while (true) {
                if (ctx.step("poll", Boolean.class, s -> true)) break;
                if (input.skip()) continue;
            }
            input.items().forEach(item -> ctx.step("for-each", String.class, s -> ""));
            for (var ignored : input.items()) { log(ignored); }
            return null;
            """
        )
    )
    loops = [n for n in walk(workflow.nodes) if n.kind is Kind.LOOP]
    assert [(n.label, n.infinite, n.do_while) for n in loops] == [
        ("for (int i = 0; i < 3; i++)", False, False),
        ("for item : input.items()", False, False),
        ("while input.more()", False, False),
        ("do … while input.again()", False, True),
        ("while true", True, False),
        ("for item : input.items()", False, False),
    ]
    infinite = edges(workflow)
    assert "poll -> input.items() [yes]" not in infinite
    assert "while true -> poll" in infinite


def test_try_catch_finally_multi_catch_and_return_throw() -> None:
    workflow = workflow_of(
        handler(
            """
            try {
                ctx.step("risky", String.class, s -> "");
            } catch (TimeoutException | IOException e) {
                ctx.step("recover", String.class, s -> "");
                return "recovered";
            } catch (Exception e) {
                throw new IllegalStateException("failed", e);
            } finally {
                ctx.step("cleanup", String.class, s -> "");
            }
            return null;
            """
        )
    )
    node = find(workflow, "try")
    assert node.catch_all
    assert blocks(node) == [
        ("body", "try", False, ["risky"]),
        ("handler", "TimeoutException | IOException", False, ["recover", "return"]),
        ("handler", "Exception", False, ["throw IllegalStateException"]),
        ("finally", "finally", False, ["cleanup"]),
    ]
    assert {
        "risky -> recover [TimeoutException | IOException] (error)",
        "risky -> throw IllegalStateException [Exception] (error)",
        "risky -> cleanup",
    } <= edges(workflow)


# -- helpers ---------------------------------------------------------------------------------------


def test_helpers_same_class_other_class_and_literal_substitution() -> None:
    source = (
        handler(
            """
        checkpoint(ctx, "start");
        this.checkpoint(ctx, "again");
        Audit.record(ctx, "audit-" + input.id());
        return null;
        """,
            members="""
            private void checkpoint(DurableContext c, String name) {
                c.step(name, String.class, s -> "");
            }
        """,
        )
        + "class Audit {\n"
        + "    static void record(DurableContext c, String what) {\n"
        + '        c.step(what, String.class, s -> "");\n'
        + "    }\n}\n"
    )
    workflow = workflow_of(source)
    assert [(n.name, n.label, n.via) for n in walk(workflow.nodes)] == [
        ("start", "start", Via("checkpoint", at(source, 'checkpoint(ctx, "start")')[0])),
        ("again", "again", Via("checkpoint", at(source, "this.checkpoint")[0])),
        ("audit-{}", "audit-{input.id()}", Via("record", at(source, "Audit.record")[0])),
    ]


def test_helper_in_another_file_of_the_source_tree(tmp_path: Path) -> None:
    package = tmp_path / "src" / "com" / "acme"
    (package / "util").mkdir(parents=True)
    (package / "util" / "Steps.java").write_text(
        "package com.acme.util;\n"
        "public class Steps {\n"
        "    public static void audit(DurableContext ctx, String what) {\n"
        '        ctx.step("audit-" + what, String.class, s -> what);\n'
        "    }\n"
        "}\n",
        encoding="utf-8",
    )
    (package / "Local.java").write_text(
        "package com.acme;\nclass Local { static void note(DurableContext c) {"
        ' c.wait("note", Duration.ofSeconds(1)); } }\n',
        encoding="utf-8",
    )
    main = package / "Flow.java"
    source = handler(
        'Steps.audit(ctx, "order");\nLocal.note(ctx);\nMissing.run(ctx);\nreturn null;\n'
    )
    source = source.replace("import java.time.Duration;", "import com.acme.util.Steps;")
    main.write_text(source, encoding="utf-8")
    result = parse(source, main)
    nodes = list(walk(result.workflows[0].nodes))
    assert [(n.label, n.file, n.line) for n in nodes] == [
        ("audit-order", str(package / "util" / "Steps.java"), 4),
        ("note", str(package / "Local.java"), 2),
    ]
    assert codes(result) == ["DV106"]


def test_recursive_and_too_deep_helpers_are_bounded() -> None:
    chain = "".join(
        f"static void h{i}(DurableContext c) {{\n"
        + f'    c.step("s{i}", String.class, s -> ""); h{i + 1}(c);\n'
        + "}\n"
        for i in range(12)
    )
    source = handler(
        "again(ctx);\nh0(ctx);\nreturn null;\n",
        members="static void again(DurableContext c) {"
        ' c.step("loop", String.class, s -> ""); again(c); }\n' + chain,
    )
    result = parse(source)
    labels = [n.label for n in walk(result.workflows[0].nodes)]
    assert labels == ["loop", *(f"s{i}" for i in range(8))]
    assert sorted(set(codes(result))) == ["DV103", "DV104"]


def test_lambda_handed_to_other_code_is_diagnosed() -> None:
    result = parse(
        handler('executor.submit(() -> ctx.step("hidden", String.class, s -> ""));\nreturn null;\n')
    )
    assert codes(result) == ["DV108"]
    assert result.workflows[0].nodes == ()


# -- syntax errors --------------------------------------------------------------------------------


def test_syntax_errors_are_recovered_drawn_and_diagnosed() -> None:
    source = handler(
        """
        ctx.step("before", String.class, s -> "");
        int x = ;
        ctx.step("after", String.class, s -> "");
        return null;
        """
    )
    result = parse(source)
    assert [n.label for n in walk(result.workflows[0].nodes)] == ["before", "after"]
    assert [(d.code, d.line) for d in result.diagnostics] == [("DV101", at(source, "int x")[0])]


def test_statically_imported_all_of_and_a_builder_shadowed_in_a_branch() -> None:
    source = handler(
        """
        var a = ctx.stepAsync("a", String.class, s -> "");
        allOf(a).get();
        try (var p = ctx.parallel("outer")) {
            p.branch("one", String.class, c -> {
                try (var p = c.parallel("inner")) {
                    p.branch("deep", String.class, d -> d.step("deep-step", String.class, s -> ""));
                }
                return "";
            });
            p.branch("two", String.class, c -> c.step("two-step", String.class, s -> ""));
        }
        return null;
        """
    ).replace(
        "import java.util.List;",
        "import static software.amazon.lambda.durable.DurableFuture.allOf;",
    )
    workflow = workflow_of(source)
    assert find(workflow, "allOf").annotations == ("all of a",)
    assert blocks(find(workflow, "outer")) == [
        ("branch", "one", False, ["inner"]),
        ("branch", "two", False, ["two-step"]),
    ]
    assert blocks(find(workflow, "inner")) == [("branch", "deep", False, ["deep-step"])]


def test_a_switch_statement_without_default_has_a_path_around_it() -> None:
    workflow = workflow_of(
        handler(
            """
            switch (input.kind()) {
                case A -> ctx.step("a", String.class, s -> "");
                case B -> ctx.step("b", String.class, s -> "");
            }
            return null;
            """
        )
    )
    assert find(workflow, "switch input.kind()").fallthrough == "no match"
    assert "switch input.kind() -> End [no match]" in edges(workflow)


def test_context_handed_to_a_constructor_is_diagnosed() -> None:
    result = parse(handler("new Saga(ctx).run();\nreturn null;\n"))
    assert codes(result) == ["DV106"]
    assert "new Saga(...)" in result.diagnostics[0].message


@pytest.mark.parametrize("cut", ["method", "class"])
def test_a_file_cut_off_while_typing_is_still_drawn(cut: str) -> None:
    body = """
        ctx.step(FIRST, String.class, s -> "");
        if (input.ok()) {
            ctx.wait("pause", Duration.ofSeconds(5));
        }
        ctx.step("last", String.class, s -> "");
    """
    source = handler(body, members='static final String FIRST = "first";\n')
    # Drop the closing braces of the class (and of the method): what an editor shows mid-edit.
    source = source[: source.rindex("    }\n}\n")] if cut == "method" else source[:-2]
    result = parse(source)
    assert summary(result.workflows[0]) == [
        ("step", "first"),
        ("condition", "input.ok()"),
        ("wait", "pause"),
        ("step", "last"),
    ]
    assert result.workflows[0].name == "Flow"
    assert "DV101" in codes(result)


# -- labelled jumps, breaks inside switch cases ----------------------------------------------------


def test_labelled_continue_and_break_leave_the_labelled_loop() -> None:
    # The search loop holds nothing durable, yet it decides whether "process" runs: it stays.
    workflow = workflow_of(
        handler(
            """
            outer:
            for (var order : input.orders()) {
                for (var line : order.lines()) {
                    if (line.invalid()) continue outer;
                    if (line.fatal()) break outer;
                }
                ctx.step("process", String.class, s -> "");
            }
            ctx.step("after", String.class, s -> "");
            return null;
            """
        )
    )
    assert summary(workflow) == [
        ("loop", "for order : input.orders()"),
        ("loop", "for line : order.lines()"),
        ("condition", "line.invalid()"),
        ("continue", "continue"),
        ("condition", "line.fatal()"),
        ("break", "break"),
        ("step", "process"),
        ("step", "after"),
    ]
    assert find(workflow, "for order : input.orders()").jump_label == "outer"
    assert edges(workflow) == {
        "Start -> for order : input.orders()",
        "for order : input.orders() -> for line : order.lines()",
        "for line : order.lines() -> line.invalid()",
        "line.invalid() -> for order : input.orders() [yes] (back)",
        "line.invalid() -> line.fatal() [no]",
        "line.fatal() -> after [yes]",
        "line.fatal() -> for line : order.lines() [no] (back)",
        "for line : order.lines() -> process [done]",
        "process -> for order : input.orders() [next item] (back)",
        "for order : input.orders() -> after [done]",
        "after -> End",
    }


def test_a_labelled_loop_whose_jumps_stay_inside_holding_nothing_durable_is_pruned() -> None:
    workflow = workflow_of(
        handler(
            """
            scan:
            while (input.more()) {
                for (var x : input.items()) { if (x.done()) break scan; }
            }
            ctx.step("after", String.class, s -> "");
            return null;
            """
        )
    )
    assert summary(workflow) == [("step", "after")]


def test_a_break_inside_an_if_in_a_switch_case_ends_the_case() -> None:
    workflow = workflow_of(
        handler(
            """
            switch (input.kind()) {
                case "a":
                    ctx.step("a", String.class, s -> "");
                    if (input.done()) break;
                    ctx.step("a2", String.class, s -> "");
                    break;
                default:
                    ctx.step("d", String.class, s -> "");
            }
            ctx.step("after", String.class, s -> "");
            return null;
            """
        )
    )
    switch = find(workflow, "switch input.kind()")
    assert blocks(switch) == [
        ("outcome", 'case "a"', False, ["a", "input.done()", "a2"]),
        ("outcome", "default", False, ["d"]),
    ]
    assert edges(workflow) == {
        "Start -> switch input.kind()",
        'switch input.kind() -> a [case "a"]',
        "a -> input.done()",
        "input.done() -> after [yes]",
        "input.done() -> a2 [no]",
        "a2 -> after",
        "switch input.kind() -> d [default]",
        "d -> after",
        "after -> End",
    }


def test_a_break_in_the_part_a_case_falls_through_to_is_honoured() -> None:
    workflow = workflow_of(
        handler(
            """
            switch (input.kind()) {
                case "a":
                    ctx.step("a", String.class, s -> "");
                case "b":
                    if (input.skip()) break;
                    ctx.step("b", String.class, s -> "");
                    break;
            }
            ctx.step("after", String.class, s -> "");
            return null;
            """
        )
    )
    switch = find(workflow, "switch input.kind()")
    assert blocks(switch) == [
        ("outcome", 'case "a"', False, ["a", "input.skip()", "b"]),
        ("outcome", 'case "b"', False, ["input.skip()", "b"]),
    ]
    falling = switch.blocks[0].nodes[1]
    assert [n.kind for b in falling.blocks for n in b.nodes] == [Kind.BREAK]
    # The repeated nodes share labels: compare by id (n3/n4 are case "a"'s copies).
    graph = build_graph(workflow)
    assert [(n.id, n.label) for n in graph.nodes][1:5] == [
        ("n1", "switch input.kind()"),
        ("n2", "a"),
        ("n3", "input.skip()"),
        ("n4", "b"),
    ]
    assert {(e.source, e.target, e.label) for e in graph.edges} == {
        ("start", "n1", None),
        ("n1", "n2", 'case "a"'),
        ("n2", "n3", None),
        ("n3", "n7", "yes"),
        ("n3", "n4", "no"),
        ("n4", "n7", None),
        ("n1", "n5", 'case "b"'),
        ("n5", "n7", "yes"),
        ("n5", "n6", "no"),
        ("n6", "n7", None),
        ("n1", "n7", "no match"),
        ("n7", "end", None),
    }


def test_breaks_in_loops_and_labelled_switches_inside_a_case() -> None:
    workflow = workflow_of(
        handler(
            """
            while (input.more()) {
                route:
                switch (input.kind()) {
                    case A -> {
                        for (var x : input.items()) {
                            if (x.stop()) break;
                            if (x.leave()) break route;
                            ctx.step("x", String.class, s -> "");
                        }
                        ctx.step("a", String.class, s -> "");
                    }
                    default -> {
                        if (input.skip()) continue;
                        ctx.step("d", String.class, s -> "");
                    }
                }
                ctx.step("tail", String.class, s -> "");
            }
            return null;
            """
        )
    )
    assert find(workflow, "switch input.kind()").jump_label == "route"
    assert {
        "x.stop() -> a [yes]",
        "x.leave() -> tail [yes]",
        "input.skip() -> while input.more() [yes] (back)",
        "d -> tail",
        "a -> tail",
    } <= edges(workflow)


def test_a_yield_inside_an_if_leaves_the_switch_expression() -> None:
    workflow = workflow_of(
        handler(
            """
            String r = switch (input.kind()) {
                case A -> {
                    if (input.cached()) yield "cached";
                    yield ctx.step("fetch", String.class, s -> "");
                }
                default -> "none";
            };
            ctx.step("after", String.class, s -> "");
            return r;
            """
        )
    )
    assert edges(workflow) == {
        "Start -> switch input.kind()",
        "switch input.kind() -> input.cached() [case A]",
        "input.cached() -> after [yes]",
        "input.cached() -> fetch [no]",
        "fetch -> after",
        "switch input.kind() -> after [default]",
        "after -> End",
    }


# -- handlers through base classes, builders handed to helpers, SDK strategy factories -----------


def test_a_handler_extending_durable_handler_through_a_base_class_in_the_file() -> None:
    source = PRELUDE + textwrap.dedent(
        """
        public class Orders extends Audited<Order, String> {
            @Override
            public String handleRequest(Order order, DurableContext ctx) {
                ctx.step("charge", String.class, s -> "");
                audit(ctx, "charged");
                return null;
            }
        }

        abstract class Audited<I, O> extends Traced<I, O> {
            protected void audit(DurableContext c, String what) {
                c.step("audit-" + what, String.class, s -> what);
            }
        }

        abstract class Traced<I, O> extends DurableHandler<I, O> {}

        class Unrelated extends RuntimeException {
            public String handleRequest(String in, DurableContext c) { return in; }
        }
        """
    )
    result = parse(source, "Orders.java")
    assert [(w.name, w.line) for w in result.workflows] == [
        ("Orders", at(source, "public class Orders")[0])
    ]
    assert [(n.label, n.via) for n in walk(result.workflows[0].nodes)] == [
        ("charge", None),
        ("audit-charged", Via("audit", at(source, 'audit(ctx, "charged")')[0])),
    ]
    assert codes(result) == []


def test_a_handler_inheriting_handle_request_from_a_base_class_in_another_file(
    tmp_path: Path,
) -> None:
    package = tmp_path / "src" / "com" / "acme"
    (package / "base").mkdir(parents=True)
    template = package / "base" / "Template.java"
    template.write_text(
        "package com.acme.base;\n"
        "public abstract class Template<I, O> extends DurableHandler<I, O> {\n"
        "    @Override\n"
        "    public O handleRequest(I input, DurableContext ctx) {\n"
        '        ctx.step("load", String.class, s -> "");\n'
        "        O out = process(input, ctx);\n"
        '        ctx.step("save", String.class, s -> "");\n'
        "        return out;\n"
        "    }\n"
        "    protected abstract O process(I input, DurableContext ctx);\n"
        "}\n",
        encoding="utf-8",
    )
    source = (
        "package com.acme;\n"
        "import com.acme.base.Template;\n"
        "public class Mine extends Template<Order, String> {\n"
        "    @Override\n"
        "    protected String process(Order order, DurableContext ctx) {\n"
        '        return ctx.step("work", String.class, s -> "");\n'
        "    }\n"
        "}\n"
    )
    main = package / "Mine.java"
    main.write_text(source, encoding="utf-8")
    result = parse(source, main)
    assert [(w.name, w.line) for w in result.workflows] == [("Mine", 3)]
    assert [(n.label, n.file, n.line, n.via) for n in walk(result.workflows[0].nodes)] == [
        ("load", str(template), 5, None),
        ("work", None, 6, Via("process", 6)),
        ("save", str(template), 7, None),
    ]
    assert codes(result) == []


def test_a_subclass_whose_base_cannot_be_found_is_no_handler() -> None:
    source = PRELUDE + textwrap.dedent(
        """
        public class Lost extends SomewhereElse<String, String> {
            public String handleRequest(String in, DurableContext c) {
                c.step("never", String.class, s -> "");
                return in;
            }
        }
        """
    )
    assert parse(source, "Lost.java").workflows == ()


def test_parallel_builder_handed_to_helpers_that_register_branches() -> None:
    source = handler(
        """
        try (var p = ctx.parallel("checks")) {
            registerRegions(p, input.regions());
            addNamed(p, "fraud");
            Registry.addAll(p);
            futures.add(p);
        }
        ctx.step("after", String.class, s -> "");
        return null;
        """,
        members="""
        private void registerRegions(ParallelDurableFuture builder, List<String> regions) {
            for (var region : regions) {
                builder.branch("check-" + region, String.class,
                    c -> c.step("scan-" + region, String.class, s -> ""));
            }
        }
        private static void addNamed(ParallelDurableFuture par, String name) {
            par.branch(name, String.class, c -> c.wait(name + "-pause", Duration.ofSeconds(1)));
        }
        """,
    )
    result = parse(source)
    workflow = result.workflows[0]
    assert blocks(find(workflow, "checks")) == [
        ("branch", "check-{region}", True, ["scan-{region}"]),
        ("branch", "fraud", False, ["fraud-pause"]),
    ]
    assert [(d.code, d.line) for d in result.diagnostics] == [
        ("DV105", at(source, '"check-"')[0]),
        ("DV106", at(source, "Registry.addAll")[0]),
    ]
    assert edges(workflow) == {
        "Start -> checks",
        "checks -> scan-{region}",
        "checks -> fraud-pause",
        "scan-{region} -> after",
        "fraud-pause -> after",
        "after -> End",
    }


def test_retry_and_wait_strategy_factories_read_max_attempts_first() -> None:
    # SDK: RetryStrategies.exponentialBackoff(maxAttempts, initialDelay, maxDelay, backoffRate,
    # jitter), linearBackoff(maxAttempts, initialDelay, increment), fixedDelay(maxAttempts,
    # delay), Presets.DEFAULT|LINEAR|NO_RETRY; WaitStrategies.exponentialBackoff(maxAttempts,
    # initialDelay, maxDelay, backoffRate, jitter), fixedDelay(maxAttempts, delay),
    # defaultStrategy() and Presets.DEFAULT (60 attempts).
    workflow = workflow_of(
        handler(
            """
            ctx.step("lin", String.class, s -> "", StepConfig.builder().retryStrategy(
                RetryStrategies.linearBackoff(4, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .build());
            ctx.step("preset", String.class, s -> "", StepConfig.builder()
                .retryStrategy(RetryStrategies.Presets.NO_RETRY).build());
            ctx.waitForCondition("exp", String.class, (st, c) -> null,
                WaitForConditionConfig.<String>builder().waitStrategy(WaitStrategies
                    .exponentialBackoff(40, Duration.ofSeconds(5), Duration.ofMinutes(2), 1.5,
                    JitterStrategy.FULL)).build());
            ctx.waitForCondition("fix", String.class, (st, c) -> null,
                WaitForConditionConfig.<String>builder()
                    .waitStrategy(WaitStrategies.fixedDelay(10, Duration.ofSeconds(3))).build());
            ctx.waitForCondition("dflt", String.class, (st, c) -> null,
                WaitForConditionConfig.<String>builder()
                    .waitStrategy(WaitStrategies.defaultStrategy()).build());
            ctx.waitForCondition("preset-wait", String.class, (st, c) -> null,
                WaitForConditionConfig.<String>builder()
                    .waitStrategy(WaitStrategies.Presets.DEFAULT).build());
            return null;
            """
        )
    )
    assert {n.label: n.annotations for n in walk(workflow.nodes)} == {
        "lin": ("retry: linear x4",),
        "preset": ("retry: no retry",),
        "exp": ("polls up to 40x",),
        "fix": ("polls up to 10x",),
        "dflt": ("polls up to 60x",),
        "preset-wait": ("polls up to 60x",),
    }


def test_a_break_naming_a_labelled_if_leaves_the_if() -> None:
    workflow = workflow_of(
        handler(
            """
            check:
            if (input.ok()) {
                ctx.step("a", String.class, s -> "");
                if (input.stop()) break check;
                ctx.step("b", String.class, s -> "");
            }
            ctx.step("after", String.class, s -> "");
            return null;
            """
        )
    )
    assert find(workflow, "input.ok()").jump_label == "check"
    assert edges(workflow) == {
        "Start -> input.ok()",
        "input.ok() -> a [yes]",
        "input.ok() -> after [no]",
        "a -> input.stop()",
        "input.stop() -> after [yes]",
        "input.stop() -> b [no]",
        "b -> after",
        "after -> End",
    }


def test_a_break_naming_a_labelled_block_leaves_the_block() -> None:
    source = handler(
        """
        found: {
            ctx.step("a", String.class, s -> "");
            if (input.stop()) break found;
            ctx.step("b", String.class, s -> "");
        }
        ctx.step("after", String.class, s -> "");
        return null;
        """
    )
    workflow = workflow_of(source)
    found = workflow.nodes[0]
    assert (found.kind, found.label, found.jump_label) == (Kind.SCOPE, "found", "found")
    assert (found.line, found.column) == at(source, "found: {")
    assert summary(workflow) == [
        ("scope", "found"),
        ("step", "a"),
        ("condition", "input.stop()"),
        ("break", "break"),
        ("step", "b"),
        ("step", "after"),
    ]
    assert edges(workflow) == {
        "Start -> a",
        "a -> input.stop()",
        "input.stop() -> after [yes]",
        "input.stop() -> b [no]",
        "b -> after",
        "after -> End",
    }


def test_a_break_naming_a_labelled_block_from_a_loop_inside_it() -> None:
    workflow = workflow_of(
        handler(
            """
            search: {
                for (String region : input.regions()) {
                    String hit = ctx.step("probe", String.class, s -> "");
                    if (hit != null) break search;
                }
                ctx.step("fallback", String.class, s -> "");
            }
            ctx.step("report", String.class, s -> "");
            return null;
            """
        )
    )
    assert edges(workflow) == {
        "Start -> for region : input.regions()",
        "for region : input.regions() -> probe",
        "probe -> hit != null",
        "hit != null -> report [yes]",
        "hit != null -> for region : input.regions() [no] (back)",
        "for region : input.regions() -> fallback [done]",
        "fallback -> report",
        "report -> End",
    }


def test_labelled_blocks_nested_thousands_deep() -> None:
    # Block b<i> is left by the breaks of b<2i> and b<2i+1>: the outer half are nodes, the inner
    # half (no break names them) are only their statements.
    depth = 3000
    opening = "".join(f"b{i}: {{ if (input.x()) break b{i // 2}; " for i in range(depth))
    step = 'ctx.step("{}", String.class, s -> "");'
    body = opening + step.format("deep") + "}" * depth + step.format("after") + "return null;"
    workflow = workflow_of(handler(body))
    scopes = [n for n in walk(workflow.nodes) if n.kind is Kind.SCOPE]
    assert [n.jump_label for n in scopes] == [f"b{i}" for i in range(depth // 2)]
    graph = run_deep(lambda: build_graph(workflow))
    after = next(n.id for n in graph.nodes if n.label == "after")
    leaving = {e.label for e in graph.edges if e.target == after}
    assert leaving == {None, "yes"}
    assert sum(e.label == "yes" for e in graph.edges) == depth


def test_a_labelled_block_no_break_names_is_its_statements() -> None:
    workflow = workflow_of(
        handler(
            """
            for (String item : input.items()) {
                each: {
                    if (item.isEmpty()) break;
                    ctx.step("b", String.class, s -> "");
                }
            }
            return null;
            """
        )
    )
    assert summary(workflow) == [
        ("loop", "for item : input.items()"),
        ("condition", "item.isEmpty()"),
        ("break", "break"),
        ("step", "b"),
    ]
    # The plain break leaves the loop: a labelled block is no loop.
    assert "item.isEmpty() -> End [yes]" in edges(workflow)


# -- names a loop changes --------------------------------------------------------------------------
# A name a loop assigns (anywhere in it: condition, update clause, body, nested blocks) has no
# known value in the loop, nor after it; names bound before the loop keep the value they had
# then, and helpers called from the loop see the name as unknown.

LOOP_NAMES = {
    # body: (label, name, dynamic) of each step, in source order
    "for update clause ++": (
        """\
        for (int i = 0; i < 3; i++) {
            ctx.step("attempt-" + i, Integer.class, s -> 1);
        }
        """,
        [("attempt-{i}", "attempt-{}", True)],
    ),
    "for update clause +=": (
        """\
        for (int i = 0; i < 6; i += 2) ctx.step("attempt-" + i, Integer.class, s -> 1);
        """,
        [("attempt-{i}", "attempt-{}", True)],
    ),
    "counter += at the end of the body": (
        """\
        int attempt = 0;
        while (attempt < 3) {
            ctx.step("try-" + attempt, Integer.class, s -> 1);
            attempt += 1;
        }
        """,
        [("try-{attempt}", "try-{}", True)],
    ),
    "counter = counter + 1 before its use": (
        """\
        int n = 0;
        while (n < 3) {
            n = n + 1;
            ctx.step("n-" + n, Integer.class, s -> 1);
        }
        """,
        [("n-{n + 1}", "n-{}", True)],
    ),
    "prefix -- in a do-while condition": (
        """\
        int left = 3;
        do {
            ctx.step("left-" + left, Integer.class, s -> 1);
        } while (--left > 0);
        """,
        [("left-{left}", "left-{}", True)],
    ),
    "changed in a nested block": (
        """\
        int n = 0;
        for (String item : input.items()) {
            ctx.step("n-" + n, Integer.class, s -> 1);
            if (item.isEmpty()) {
                { n++; }
            }
        }
        """,
        [("n-{n}", "n-{}", True)],
    ),
    "changed by an inner loop": (
        """\
        int n = 0;
        for (String item : input.items()) {
            ctx.step("outer-" + n, Integer.class, s -> 1);
            for (char c : item.toCharArray()) n++;
        }
        """,
        [("outer-{n}", "outer-{}", True)],
    ),
    "enhanced for target": (
        """\
        for (String item : input.items()) ctx.step("item-" + item, Integer.class, s -> 1);
        """,
        [("item-{item}", "item-{}", True)],
    ),
    "after the loop": (
        """\
        String name = "before";
        for (String item : input.items()) name = "inside";
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True)],
    ),
    "a local hiding a constant": (
        """\
        String LABEL = "local";
        for (String item : input.items()) {
            ctx.step(LABEL, Integer.class, s -> 1);
            LABEL = item;
        }
        """,
        [("{LABEL}", "{}", True)],
    ),
    "bound before the loop from a changed name": (
        """\
        int n = 0;
        String label = "fixed-" + n;
        while (n < 3) {
            ctx.step(label, Integer.class, s -> 1);
            n++;
        }
        ctx.step(label, Integer.class, s -> 1);
        """,
        [("fixed-0", "fixed-0", False), ("fixed-0", "fixed-0", False)],
    ),
    "a name the loop does not change": (
        """\
        String prefix = "charge";
        for (int i = 0; i < 3; i++) ctx.step(prefix + "-once", Integer.class, s -> 1);
        """,
        [("charge-once", "charge-once", False)],
    ),
    "a helper called from the loop with the changed name": (
        """\
        int n = 0;
        while (n < 3) {
            charge(ctx, n);
            n++;
        }
        """,
        [("charge-{n}", "charge-{}", True)],
    ),
}

_LOOP_MEMBERS = """\
static final String LABEL = "constant";

private void charge(DurableContext c, int n) {
    c.step("charge-" + n, Integer.class, s -> 1);
}

"""


@pytest.mark.parametrize("form", list(LOOP_NAMES))
def test_names_a_loop_changes_are_dynamic(form: str) -> None:
    body, expected = LOOP_NAMES[form]
    workflow = workflow_of(handler(body + "return null;\n", members=_LOOP_MEMBERS))
    steps = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # ``n++`` changes a name outside loops too.
        ('int n = 0;\nn++;\nctx.step("n-" + n, Integer.class, s -> 1);\n', ("n-{n}", "n-{}", True)),
        # A name rebound to an expression using it reads its value from before.
        (
            'int n = 0;\nn = n + 1;\nctx.step("n-" + n, Integer.class, s -> 1);\n',
            ("n-1", "n-1", False),
        ),
        (
            'String s = "a";\ns = s + "-b";\nctx.step(s, Integer.class, x -> 1);\n',
            ("a-b", "a-b", False),
        ),
        # ``+`` of numbers is a sum; text joined with numbers stays text.
        ('ctx.step("n-" + (1 + 2), Integer.class, s -> 1);\n', ("n-3", "n-3", False)),
        ('ctx.step("n-" + 1 + 2, Integer.class, s -> 1);\n', ("n-12", "n-12", False)),
    ],
)
def test_names_changed_outside_loops(body: str, expected: tuple[str, str, bool]) -> None:
    workflow = workflow_of(handler(body + "return null;\n"))
    (step,) = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert (step.label, step.name, step.dynamic) == expected


BRANCH_NAMES = {
    # body: (label, name, dynamic) of each step, in source order; see test_python_parser.py
    "assigned in one branch, read after the if": (
        """\
        String name = "a";
        if (input.x()) { name = "b"; }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True)],
    ),
    "read inside the branch": (
        """\
        String name = "a";
        if (input.x()) {
            name = "b";
            ctx.step(name, Integer.class, s -> 1);
        }
        """,
        [("b", "b", False)],
    ),
    "the else branch starts from the value before": (
        """\
        String name = "a";
        if (input.x()) name = "b";
        else ctx.step(name, Integer.class, s -> 1);
        """,
        [("a", "a", False)],
    ),
    "every branch assigns the same value": (
        """\
        String name = "a";
        if (input.x()) { name = "b"; } else if (input.y()) { name = "b"; } else { name = "b"; }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("b", "b", False)],
    ),
    "else if without else: the way through no branch keeps the old value": (
        """\
        String name = "a";
        if (input.x()) { name = "b"; } else if (input.y()) { name = "b"; }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True)],
    ),
    "different values in if and else": (
        """\
        String name;
        if (input.x()) { name = "b"; } else { name = "c"; }
        ctx.step("run-" + name, Integer.class, s -> 1);
        """,
        [("run-{name}", "run-{}", True)],
    ),
    "a branch that returns does not reach the join": (
        """\
        String name = "a";
        if (input.x()) {
            name = "b";
            return null;
        }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("a", "a", False)],
    ),
    "a branch that throws does not reach the join": (
        """\
        String name = "a";
        if (input.x()) { name = "b"; } else { throw new IllegalStateException("no"); }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("b", "b", False)],
    ),
    "a branch that breaks out of the loop": (
        """\
        for (String item : input.items()) {
            String name = "a";
            if (item.isEmpty()) {
                name = "b";
                break;
            }
            ctx.step(name, Integer.class, s -> 1);
        }
        """,
        [("a", "a", False)],
    ),
    "nested ifs": (
        """\
        String name = "a";
        if (input.x()) { if (input.y()) { name = "b"; } }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True)],
    ),
    "a name bound before from a changed one keeps its value": (
        """\
        String n = "a";
        String label = "x-" + n;
        if (input.x()) { n = "b"; }
        ctx.step(label, Integer.class, s -> 1);
        """,
        [("x-a", "x-a", False)],
    ),
    "switch case without default": (
        """\
        String name = "a";
        switch (input.kind()) {
            case "b":
                name = "b";
                break;
        }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True)],
    ),
    "switch with a default, same value": (
        """\
        String name = "a";
        switch (input.kind()) {
            case "b":
                name = "b";
                break;
            default:
                name = "b";
        }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("b", "b", False)],
    ),
    "arrow switch": (
        """\
        String name = "a";
        switch (input.kind()) {
            case "b" -> name = "b";
            case "c" -> { name = "c"; }
            default -> { }
        }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True)],
    ),
    "switch fall-through": (
        """\
        String name = "a";
        switch (input.kind()) {
            case "b":
                name = "b";
            case "c":
                ctx.step(name, Integer.class, s -> 1);
                break;
            default:
                name = "c";
        }
        """,
        [("b", "b", False), ("a", "a", False)],
    ),
    "switch break inside an if": (
        """\
        String name = "a";
        switch (input.kind()) {
            default:
                if (input.x()) {
                    name = "b";
                    break;
                }
                name = "a";
        }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True)],
    ),
    "labelled block left by break": (
        """\
        String name = "a";
        checks: {
            if (input.x()) {
                name = "b";
                break checks;
            }
            name = "a";
        }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True)],
    ),
    "switch expressions left by yield": (
        """\
        String name = "a";
        int v = switch (input.kind()) {
            case "x" -> { name = "b"; yield 1; }
            default -> 0;
        };
        ctx.step(name, Integer.class, s -> 1);
        String other = "a";
        int w = switch (input.kind()) {
            case "x": other = "b"; yield 1;
            default: other = "b"; yield 2;
        };
        ctx.step(other, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True), ("b", "b", False)],
    ),
    "ternary-chosen assignment": (
        """\
        String name = "a";
        String chosen = input.x() ? (name = "b") : (name = "c");
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True)],
    ),
    "short-circuit &&": (
        """\
        String name = "a";
        boolean ok = input.x() && !(name = "b").isEmpty();
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True)],
    ),
    "short-circuit ||": (
        """\
        String name = "a";
        boolean ok = input.x() || !(name = "b").isEmpty();
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True)],
    ),
    "try body assigns, handler reads": (
        """\
        String name = "a";
        try {
            name = "b";
            charge(ctx, 1);
        } catch (RuntimeException e) {
            ctx.step(name, Integer.class, s -> 1);
        }
        """,
        [("charge-1", "charge-1", False), ("{name}", "{}", True)],
    ),
    "try body and handler assign, read after": (
        """\
        String name = "a";
        try {
            name = "b";
        } catch (RuntimeException e) {
            name = "c";
        }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True)],
    ),
    "a handler that throws does not reach the join": (
        """\
        String name = "a";
        try {
            name = "b";
        } catch (RuntimeException e) {
            throw e;
        }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("b", "b", False)],
    ),
    "finally sees any value; after it, what it assigned": (
        """\
        String name = "a";
        String other = "x";
        try {
            name = "b";
        } finally {
            ctx.step(name, Integer.class, s -> 1);
            other = "c";
        }
        ctx.step(name, Integer.class, s -> 1);
        ctx.step(other, Integer.class, s -> 1);
        """,
        [("{name}", "{}", True), ("b", "b", False), ("c", "c", False)],
    ),
}


@pytest.mark.parametrize("form", list(BRANCH_NAMES))
def test_names_a_branch_changes(form: str) -> None:
    body, expected = BRANCH_NAMES[form]
    workflow = workflow_of(handler(body + "return null;\n", members=_LOOP_MEMBERS))
    steps = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected


# A binding holds the value its expression had where it was written: assigning a name it reads
# afterwards does not change it. See test_python_parser.py.
CAPTURED_NAMES = {
    "a name bound from a name": (
        """\
        String a = "p";
        String name = a;
        a = "r";
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("p", "p", False)],
    ),
    "a concatenation and String.format": (
        """\
        String a = "p";
        String name = "x-" + a;
        String other = String.format("y-%s", a);
        a = "r";
        ctx.step(name, Integer.class, s -> 1);
        ctx.step(other, Integer.class, s -> 1);
        """,
        [("x-p", "x-p", False), ("y-p", "y-p", False)],
    ),
    "through a chain of names": (
        """\
        String a = "p";
        String b = a;
        String name = b;
        a = "r";
        b = "q";
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("p", "p", False)],
    ),
    "declared, assigned later": (
        """\
        String a = "p";
        String name;
        name = a;
        a = "r";
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("p", "p", False)],
    ),
    "reassigned to a value not shown": (
        """\
        String a = "p";
        String name = a;
        a += input.suffix();
        ctx.step(name, Integer.class, s -> 1);
        ctx.step(a, Integer.class, s -> 1);
        """,
        [("p", "p", False), ("{a}", "{}", True)],
    ),
    "read before and after the reassignment": (
        """\
        String a = "p";
        String name = a;
        ctx.step(name, Integer.class, s -> 1);
        a = "r";
        ctx.step(name, Integer.class, s -> 1);
        ctx.step(a, Integer.class, s -> 1);
        """,
        [("p", "p", False), ("p", "p", False), ("r", "r", False)],
    ),
    "a runtime name stays runtime": (
        """\
        String id = input.id();
        String name = "x-" + id;
        id = "r";
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("x-{input.id()}", "x-{}", True)],
    ),
    "reassigned in a branch": (
        """\
        String a = "p";
        String name = a;
        if (input.x()) { a = "r"; }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("p", "p", False)],
    ),
    "reassigned alike on every way": (
        """\
        String a = "p";
        String name = a;
        if (input.x()) { a = "r"; } else { a = "r"; }
        ctx.step(name, Integer.class, s -> 1);
        ctx.step(a, Integer.class, s -> 1);
        """,
        [("p", "p", False), ("r", "r", False)],
    ),
    "a parameter reassigned in a finally": (
        """\
        String name = "x-" + input;
        try {
            ctx.step("work", Integer.class, s -> 1);
        } finally {
            input = new Input();
        }
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("work", "work", False), ("x-{input}", "x-{}", True)],
    ),
    "bound in a branch, reassigned after the join": (
        """\
        String a = "p";
        String name;
        if (input.x()) { name = "x-" + a; } else { name = "x-" + a; }
        a = "r";
        ctx.step(name, Integer.class, s -> 1);
        """,
        [("x-p", "x-p", False)],
    ),
    "bound in a loop from a name the loop assigns": (
        """\
        String a = "p";
        for (String item : input.items()) {
            String name = a;
            a = "r";
            ctx.step(name, Integer.class, s -> 1);
        }
        """,
        [("{a}", "{}", True)],
    ),
    "in a helper, from its parameter": (
        """\
        String a = "p";
        helper(ctx, a);
        """,
        [("p", "p", False), ("z", "z", False)],
    ),
}

_CAPTURED_MEMBERS = """\
private void helper(DurableContext c, String label) {
    String name = label;
    label = "z";
    c.step(name, Integer.class, s -> 1);
    c.step(label, Integer.class, s -> 1);
}
"""


@pytest.mark.parametrize("form", list(CAPTURED_NAMES))
def test_name_bound_from_a_name_reassigned_later_keeps_its_value(form: str) -> None:
    body, expected = CAPTURED_NAMES[form]
    workflow = workflow_of(handler(body + "return null;\n", members=_CAPTURED_MEMBERS))
    steps = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected
