"""The TypeScript/JavaScript parser: one small handler per construct, checked for kinds, names,
positions, blocks, config and the edges the edge builder draws from the result.

Facts about the SDK (overloads with an optional leading name, the invoke rule, default names)
come from shared/SDK-API.md section 1; the graph rules from DESIGN.md. Edges are compared as
``"source -> target [label]"`` strings by node label.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from graph_text import edge_texts

from durable_viz import build_graph, parse_source
from durable_viz.graph import Block, Kind, Node, ParseResult, Via, Workflow, walk
from durable_viz.parsers.base import run_deep

PRELUDE = """\
import {
  withDurableExecution, withRetry, createRetryStrategy, createWaitStrategy, retryPresets,
  StepSemantics, NestingType,
} from "@aws/durable-execution-sdk-js";
import type { DurableContext } from "@aws/durable-execution-sdk-js";
"""
PRELUDE_LINES = PRELUDE.count("\n")


def handler(body: str, *, before: str = "") -> str:
    """A module with the usual imports, ``before`` (module-level code) and one handler."""
    return (
        PRELUDE
        + textwrap.dedent(before)
        + "export const handler = withDurableExecution("
        + "async (event: any, context: DurableContext) => {\n"
        + textwrap.indent(textwrap.dedent(body), "  ")
        + "});\n"
    )


def parse(source: str, path: str = "handler.ts") -> ParseResult:
    return parse_source(textwrap.dedent(source), Path(path))


def workflow_of(source: str, path: str = "handler.ts") -> Workflow:
    result = parse(source, path)
    assert len(result.workflows) == 1, result.workflows
    return result.workflows[0]


def find(workflow: Workflow, label: str) -> Node:
    found = [n for n in walk(workflow.nodes) if n.label == label]
    assert len(found) == 1, f"{len(found)} nodes labelled {label!r}: {summary(workflow)}"
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


def names(workflow: Workflow) -> list[str | None]:
    return [n.name for n in walk(workflow.nodes) if n.is_operation]


def codes(result: ParseResult) -> list[str]:
    return [d.code for d in result.diagnostics]


# -- operations and names --------------------------------------------------------------------------


def test_step_with_and_without_name() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.step("charge", async () => charge());
            await context.step(async () => audit.write());
            """
        )
    )
    named, unnamed = wf.nodes
    assert (named.kind, named.name, named.label, named.annotations) == (
        Kind.STEP,
        "charge",
        "charge",
        (),
    )
    assert (unnamed.name, unnamed.label, unnamed.annotations) == (None, "audit.write", ("unnamed",))


def test_operation_position_is_the_receiver() -> None:
    source = handler('const x = await context.step("a", async () => 1);\n')
    node = workflow_of(source).nodes[0]
    line = PRELUDE_LINES + 2
    assert (node.line, node.column) == (line, source.splitlines()[line - 1].index("context") + 1)


def test_call_split_over_lines_and_chained() -> None:
    wf = workflow_of(
        handler(
            """\
            const r = await context
              .step("split", async () => 1);
            const s = (await context.step("chained", async () => 2)).value.trim();
            """
        )
    )
    assert names(wf) == ["split", "chained"]
    assert wf.nodes[0].line == PRELUDE_LINES + 2


@pytest.mark.parametrize(
    ("call", "kind", "name"),
    [
        ('context.wait("pause", { seconds: 5 })', Kind.WAIT, "pause"),
        ("context.wait({ seconds: 5 })", Kind.WAIT, None),
        ('context.runInChildContext("child", async (c) => 1)', Kind.CHILD_CONTEXT, "child"),
        ("context.runInChildContext(async (c) => 1)", Kind.CHILD_CONTEXT, None),
        ('context.map("each", items, async (c, i) => 1)', Kind.MAP, "each"),
        ("context.map(items, async (c, i) => 1)", Kind.MAP, None),
        ('context.parallel("fan", [async (c) => 1])', Kind.PARALLEL, "fan"),
        ("context.parallel([async (c) => 1])", Kind.PARALLEL, None),
        ('context.createCallback("cb")', Kind.CREATE_CALLBACK, "cb"),
        ("context.createCallback()", Kind.CREATE_CALLBACK, None),
        ("context.createCallback({ timeout: { hours: 1 } })", Kind.CREATE_CALLBACK, None),
        (
            "context.createCallback(undefined, { timeout: { hours: 1 } })",
            Kind.CREATE_CALLBACK,
            None,
        ),
        ('context.waitForCallback("wcb", async (id) => send(id))', Kind.WAIT_FOR_CALLBACK, "wcb"),
        ("context.waitForCallback(async (id) => send(id))", Kind.WAIT_FOR_CALLBACK, None),
        (
            'context.waitForCondition("poll", check, { initialState: 1 })',
            Kind.WAIT_FOR_CONDITION,
            "poll",
        ),
        ("context.waitForCondition(check, { initialState: 1 })", Kind.WAIT_FOR_CONDITION, None),
        ('context.invoke("ship", "arn:fn", { a: 1 })', Kind.INVOKE, "ship"),
        ('context.invoke("arn:fn", { a: 1 })', Kind.INVOKE, None),
        ('context.invoke("arn:fn")', Kind.INVOKE, None),
        # The SDK's rule: a string second argument makes the first the name.
        ('context.invoke("arn:fn", "plain payload")', Kind.INVOKE, "arn:fn"),
        ("context.invoke(FN, payload)", Kind.INVOKE, None),
        # Neither argument can be read: a config is an object, so a second non-object is the fn.
        ("context.step(event.stepName, external)", Kind.STEP, "{}"),
        ("context.step(external, CONFIG)", Kind.STEP, None),
        ('context.invoke("ship", FN, payload)', Kind.INVOKE, "ship"),
    ],
)
def test_both_overloads_of_every_method(call: str, kind: Kind, name: str | None) -> None:
    before = (
        "const FN = 'arn:constant';\nconst check = async (s: number) => s;\n"
        "const CONFIG = { semantics: 'AT_MOST_ONCE_PER_RETRY' };\n"
    )
    wf = workflow_of(
        handler(
            f"const items = event.items;\nconst payload = {{}};\nawait {call};\n", before=before
        )
    )
    node = wf.nodes[0]
    assert (node.kind, node.name) == (kind, name)


def test_invoke_target_and_annotation() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.invoke("ship", SHIPPING, { id: 1 }, { tenantId: "t-1" });
            await context.invoke(SHIPPING, { id: 1 });
            """,
            before='const SHIPPING = "arn:shipping";\n',
        )
    )
    named, unnamed = wf.nodes
    assert (named.target, named.annotations) == (
        "arn:shipping",
        ("calls arn:shipping", "tenant t-1"),
    )
    assert (unnamed.label, unnamed.target, unnamed.name) == ("arn:shipping", "arn:shipping", None)


def test_names_from_constants_enums_objects_and_templates() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.step(CHARGE, async () => 1);
            await context.step(Steps.Notify, async () => 1);
            await context.step(NAMES.audit, async () => 1);
            await context.step(`item-${event.id}`, async () => 1);
            await context.step("pre-" + event.kind, async () => 1);
            await context.step(undefined, async () => 1);
            await context.step(`plain`, async () => 1);
            await context.step(event.fast ? "fast" : "slow", async () => 1);
            """,
            before="""\
            const CHARGE = "charge-card";
            enum Steps { Notify = "notify-customer" }
            const NAMES = { audit: "write-audit" } as const;
            """,
        )
    )
    nodes = list(wf.nodes)
    assert [(n.name, n.dynamic) for n in nodes] == [
        ("charge-card", False),
        ("notify-customer", False),
        ("write-audit", False),
        ("item-{}", True),
        ("pre-{}", True),
        (None, False),
        ("plain", False),
        ("{}", True),
    ]
    assert nodes[3].label == "item-{event.id}"
    assert nodes[7].label == "{fast | slow}"


def test_aliases_optional_chaining_parentheses_void_and_return() -> None:
    wf = workflow_of(
        handler(
            """\
            const c = context;
            await c.step("via-alias", async () => 1);
            await context?.step("optional", async () => 1);
            await (context).step("parenthesised", async () => 1);
            void context.step("voided", async () => 1);
            return context.step("returned", async () => 1);
            """
        )
    )
    assert names(wf) == ["via-alias", "optional", "parenthesised", "voided", "returned"]


def test_generic_type_arguments_on_calls() -> None:
    wf = workflow_of(
        handler(
            """\
            const [p, id] = await context.createCallback<{ ok: boolean }>("approval");
            const r = await context.step<number>("typed", async () => 1);
            """
        )
    )
    assert names(wf) == ["approval", "typed"]
    # ``context``, not the ``await`` tree-sitter folds into the call
    assert wf.nodes[0].column == len("  const [p, id] = await ") + 1


def test_unknown_context_method_is_reported() -> None:
    result = parse(handler('await context.teleport("x");\ncontext.logger.info("hi");\n'))
    assert result.workflows[0].nodes == ()
    assert codes(result) == ["DV102"]


# -- handlers --------------------------------------------------------------------------------------


def test_handler_forms() -> None:
    source = PRELUDE + textwrap.dedent(
        """\
        import * as sdk from "@aws/durable-execution-sdk-js";
        import { withDurableExecution as durable } from "@aws/durable-execution-sdk-js";

        async function declared(event: any, ctx: DurableContext) {
          await ctx.step("from-declared", async () => 1);
        }

        export const one = withDurableExecution(declared);
        export const two = sdk.withDurableExecution<In, Out>(async (event, context) => {
          await context.step("from-namespace", async () => 1);
        });
        export const three = durable(async function named(event: any, context: DurableContext) {
          await context.step("from-alias", async () => 1);
        });
        const four = withDurableExecution(async (e: any, c: DurableContext) => {
          await c.step("exported-as", async () => 1);
        });
        export { four as main };
        """
    )
    result = parse(source)
    assert [(w.name, names(w)) for w in result.workflows] == [
        ("one", ["from-declared"]),
        ("two", ["from-namespace"]),
        ("three", ["from-alias"]),
        ("main", ["exported-as"]),
    ]


def test_default_export_and_commonjs() -> None:
    esm = workflow_of(
        """\
        import { withDurableExecution } from "@aws/durable-execution-sdk-js";
        export default withDurableExecution(async function buildReport(event, ctx) {
          await ctx.step("build", async () => 1);
        });
        """,
        "report.mjs",
    )
    cjs = workflow_of(
        """\
        const { withDurableExecution } = require("@aws/durable-execution-sdk-js");
        exports.handler = withDurableExecution(async (event, ctx) => {
          await ctx.step("notify", async () => 1);
        });
        """,
        "notify.cjs",
    )
    assert (esm.name, names(esm)) == ("buildReport", ["build"])
    assert (cjs.name, names(cjs)) == ("handler", ["notify"])


def test_handler_imported_from_a_relative_module(tmp_path: Path) -> None:
    (tmp_path / "flow.ts").write_text(
        "import type { DurableContext } from '@aws/durable-execution-sdk-js';\n"
        "export async function run(event: any, context: DurableContext) {\n"
        "  await context.step('in-flow', async () => 1);\n}\n",
        encoding="utf-8",
    )
    main = tmp_path / "index.ts"
    main.write_text(
        "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\n"
        "import { run } from './flow.js';\n"
        "export const handler = withDurableExecution(run);\n",
        encoding="utf-8",
    )
    wf = parse_source(main.read_text(encoding="utf-8"), main, display="index.ts").workflows[0]
    node = wf.nodes[0]
    assert (wf.name, node.name, node.line, node.file) == ("handler", "in-flow", 3, "flow.ts")


def test_no_handler_gives_no_workflow() -> None:
    result = parse(
        "export async function helper(ctx: any) { await ctx.step('x', async () => 1); }\n"
    )
    assert result.workflows == ()
    assert result.language == "typescript"


# -- control flow ----------------------------------------------------------------------------------


def test_if_else_if_else_is_a_chain_of_conditions() -> None:
    wf = workflow_of(
        handler(
            """\
            if (event.tier === "premium") {
              await context.step("priority", async () => 1);
            } else if (event.tier === "business") {
              await context.step("invoice", async () => 1);
            } else {
              await context.wait("batch", { minutes: 15 });
            }
            await context.step("after", async () => 1);
            """
        )
    )
    first = wf.nodes[0]
    assert (first.kind, first.label, first.fallthrough) == (
        Kind.CONDITION,
        'event.tier === "premium"',
        None,
    )
    nested = block(first, "no").nodes[0]
    assert nested.label == 'event.tier === "business"'
    assert edges(wf) == {
        'Start -> event.tier === "premium"',
        'event.tier === "premium" -> priority [yes]',
        'event.tier === "premium" -> event.tier === "business" [no]',
        'event.tier === "business" -> invoice [yes]',
        'event.tier === "business" -> batch [no]',
        "priority -> after",
        "invoice -> after",
        "batch -> after",
        "after -> End",
    }


def test_guard_throw_goes_to_fail() -> None:
    wf = workflow_of(
        handler(
            """\
            const ok = await context.step("validate", async () => true);
            if (!ok) throw new InvalidOrder("bad");
            await context.step("ship", async () => 1);
            """
        )
    )
    assert summary(wf) == [
        ("step", "validate"),
        ("condition", "!ok"),
        ("raise", "throw InvalidOrder"),
        ("step", "ship"),
    ]
    assert "throw InvalidOrder -> Fail" in edges(wf)
    assert "!ok -> ship [no]" in edges(wf)


def test_switch_with_fallthrough_shared_cases_and_default() -> None:
    wf = workflow_of(
        handler(
            """\
            switch (event.kind) {
              case "partial":
                await context.step("prorate", async () => 1);
              case "full":
                await context.step("pay", async () => 1);
                break;
              case "credit":
              case "voucher":
                await context.step("credit", async () => 1);
                break;
              default:
                throw new Error("unknown");
            }
            """
        )
    )
    switch = wf.nodes[0]
    assert switch.label == "switch event.kind"
    assert switch.fallthrough is None
    assert [(b.label, [n.label for n in b.nodes]) for b in switch.blocks] == [
        ('case "partial"', ["prorate", "pay"]),
        ('case "full"', ["pay"]),
        ('case "credit" | "voucher"', ["credit"]),
        ("default", ["throw Error"]),
    ]


def test_switch_without_default_has_a_way_around() -> None:
    wf = workflow_of(
        handler(
            """\
            switch (event.kind) {
              case 1:
                await context.step("one", async () => 1);
                break;
            }
            await context.step("after", async () => 1);
            """
        )
    )
    assert wf.nodes[0].fallthrough == "no match"
    assert "switch event.kind -> after [no match]" in edges(wf)


def test_break_inside_switch_inside_loop_leaves_the_switch_only() -> None:
    wf = workflow_of(
        handler(
            """\
            for (const x of event.xs) {
              switch (x) {
                case 1:
                  await context.step("one", async () => 1);
                  break;
                default:
                  await context.step("other", async () => 1);
              }
            }
            """
        )
    )
    loop = wf.nodes[0]
    assert all(n.kind is not Kind.BREAK for n in walk(wf.nodes))
    assert "one -> for x of event.xs (back)" in {e.replace(" [next item]", "") for e in edges(wf)}
    assert loop.kind is Kind.LOOP


def test_ternary_and_logical_operators_choose_operations() -> None:
    wf = workflow_of(
        handler(
            """\
            const r = event.sms
              ? await context.step("sms", async () => 1)
              : await context.step("mail", async () => 1);
            event.audit && (await context.step("audit", async () => 1));
            event.cached || (await context.step("fill-cache", async () => 1));
            """
        )
    )
    ternary, conj, disj = wf.nodes
    assert [(b.label, [n.label for n in b.nodes]) for b in ternary.blocks] == [
        ("yes", ["sms"]),
        ("no", ["mail"]),
    ]
    assert (conj.label, conj.fallthrough, conj.blocks[0].label) == ("event.audit", "no", "yes")
    assert (disj.label, disj.fallthrough, disj.blocks[0].label) == ("event.cached", "yes", "no")


@pytest.mark.parametrize(
    ("loop", "label", "infinite", "do_while"),
    [
        ("for (let i = 0; i < 3; i++) {BODY}", "for (let i = 0; i < 3; i++)", False, False),
        ("for (;;) {BODY break; }", "for (;;)", True, False),
        ("for (const x of event.xs) {BODY}", "for x of event.xs", False, False),
        ("for await (const x of stream) {BODY}", "for await x of stream", False, False),
        ("for (const k in event.map) {BODY}", "for k in event.map", False, False),
        ("while (event.more) {BODY}", "while (event.more)", False, False),
        ("while (true) {BODY break; }", "while (true)", True, False),
        ("do {BODY} while (event.more);", "do ... while (event.more)", False, True),
    ],
)
def test_loops(loop: str, label: str, infinite: bool, do_while: bool) -> None:
    body = loop.replace("BODY", ' await context.step("work", async () => 1); ')
    wf = workflow_of(handler(body + "\n"))
    node = wf.nodes[0]
    assert (node.kind, node.label, node.infinite, node.do_while) == (
        Kind.LOOP,
        label,
        infinite,
        do_while,
    )
    assert [n.label for n in node.blocks[0].nodes if n.is_operation] == ["work"]


def test_loop_without_durable_calls_is_not_drawn() -> None:
    wf = workflow_of(
        handler(
            "for (const x of event.xs) { total += x; }\nawait context.step('a', async () => 1);\n"
        )
    )
    assert summary(wf) == [("step", "a")]


def test_break_and_continue_route_out_of_and_back_to_the_loop() -> None:
    wf = workflow_of(
        handler(
            """\
            while (true) {
              const r = await context.step("poll", async () => 1);
              if (r.done) break;
              if (r.slow) {
                await context.wait("backoff", { seconds: 5 });
                continue;
              }
              await context.step("work", async () => 1);
            }
            await context.step("after", async () => 1);
            """
        )
    )
    found = edges(wf)
    assert "r.done -> after [yes]" in found
    assert "backoff -> while (true) (back)" in {e.replace(" [next item]", "") for e in found}
    assert not any(e.startswith("while (true) -> after") for e in found)


def test_for_each_callback_is_a_loop() -> None:
    wf = workflow_of(
        handler(
            """\
            event.skus.forEach(async (sku: string) => {
              await context.step(`reconcile-${sku}`, async () => 1);
            });
            """
        )
    )
    loop = wf.nodes[0]
    assert (loop.kind, loop.label) == (Kind.LOOP, "event.skus.forEach(sku)")
    assert [(n.name, n.dynamic) for n in loop.blocks[0].nodes] == [("reconcile-{}", True)]


def test_try_catch_finally() -> None:
    wf = workflow_of(
        handler(
            """\
            try {
              await context.step("book", async () => 1);
            } catch (err) {
              await context.step("compensate", async () => 1);
            } finally {
              await context.step("audit", async () => 1);
            }
            """
        )
    )
    node = wf.nodes[0]
    assert (node.kind, node.catch_all) == (Kind.TRY, True)
    assert [(b.role, b.label) for b in node.blocks] == [
        ("body", "try"),
        ("handler", "error"),
        ("finally", "finally"),
    ]
    assert "book -> compensate [error] (error)" in edges(wf)


def test_instanceof_chain_in_a_catch_is_one_handler_per_type() -> None:
    wf = workflow_of(
        handler(
            """\
            try {
              await context.step("charge", async () => 1);
            } catch (err) {
              if (err instanceof Declined) {
                await context.step("release", async () => 1);
              } else if (err instanceof Unavailable) {
                return { ok: false };
              } else {
                throw err;
              }
            }
            """
        )
    )
    node = wf.nodes[0]
    assert node.catch_all is False
    assert [(b.role, b.label) for b in node.blocks] == [
        ("body", "try"),
        ("handler", "Declined"),
        ("handler", "Unavailable"),
    ]
    assert [n.kind for n in node.blocks[2].nodes] == [Kind.RETURN]


def test_instanceof_chain_without_rethrow_catches_the_rest() -> None:
    wf = workflow_of(
        handler(
            """\
            try {
              await context.step("charge", async () => 1);
            } catch (e) {
              if (e instanceof Declined) await context.step("release", async () => 1);
            }
            """
        )
    )
    node = wf.nodes[0]
    assert node.catch_all is True
    assert [b.label for b in node.blocks] == ["try", "Declined", "error"]


def test_return_inside_a_block_is_an_exit_but_a_final_return_is_not() -> None:
    wf = workflow_of(
        handler(
            """\
            if (event.skip) {
              return { skipped: true };
            }
            await context.step("work", async () => 1);
            return { done: true };
            """
        )
    )
    assert summary(wf) == [("condition", "event.skip"), ("return", "return"), ("step", "work")]


# -- bodies ----------------------------------------------------------------------------------------


def test_parallel_branches_functions_and_named_objects() -> None:
    wf = workflow_of(
        handler(
            """\
            const reserve = async (ctx: DurableContext) => ctx.step("reserve", async () => 1);
            async function pay(ctx: DurableContext) {
              return ctx.step("pay", async () => 1);
            }
            await context.parallel("checks", [
              reserve,
              { name: "take-payment", func: pay },
              async (ctx: DurableContext) => ctx.step(async () => score()),
              { func: async (ctx: DurableContext) => ctx.wait({ seconds: 1 }) },
            ]);
            """
        )
    )
    parallel = wf.nodes[0]
    assert [(b.role, b.label, [n.label for n in b.nodes]) for b in parallel.blocks] == [
        ("branch", "parallel-branch-0", ["reserve"]),
        ("branch", "take-payment", ["pay"]),
        ("branch", "parallel-branch-2", ["score"]),
        ("branch", "parallel-branch-3", ["wait 1s"]),
    ]


def test_nested_parallels_stay_nested() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.parallel("outer", [
              async (a: DurableContext) => a.parallel("inner", [
                async (b: DurableContext) => b.step("deep", async () => 1),
              ]),
            ]);
            """
        )
    )
    outer = wf.nodes[0]
    inner = outer.blocks[0].nodes[0]
    assert (inner.kind, inner.name, inner.blocks[0].nodes[0].name) == (
        Kind.PARALLEL,
        "inner",
        "deep",
    )


def test_map_item_body_with_default_and_namer_names() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.map("plain", event.ids, async (ctx: DurableContext, id: string) =>
              ctx.step(`load-${id}`, async () => 1));
            await context.map("named", REGIONS, async (ctx: DurableContext, region: string) =>
              ctx.step(`policy-${region}`, async () => 1), {
                itemNamer: (r: string) => `region-${r}`,
              });
            """,
            before='const REGIONS = ["us", "eu"];\n',
        )
    )
    plain, named = wf.nodes
    assert [(b.role, b.label, b.dynamic) for b in plain.blocks] == [("item", "map-item-{i}", True)]
    assert [(b.label, [n.name for n in b.nodes]) for b in named.blocks] == [
        ("region-us", ["policy-us"]),
        ("region-eu", ["policy-eu"]),
    ]


def test_child_context_and_with_retry_bodies() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.runInChildContext("child", async (child: DurableContext) => {
              await child.step("inside", async () => 1);
            }, { virtualContext: true });
            await withRetry(context, "charge-retry", async (ctx: DurableContext, attempt: number) =>
              ctx.step("charge", async () => 1), {
                retryStrategy: createRetryStrategy({ maxAttempts: 5 }),
              });
            await withRetry(context, async (ctx: DurableContext) => ctx.step("anon", f), {});
            """
        )
    )
    child, retry, anonymous = wf.nodes
    assert (child.blocks[0].role, child.blocks[0].nodes[0].name, child.annotations) == (
        "body",
        "inside",
        ("virtual",),
    )
    assert (retry.kind, retry.name, retry.config["backoff_waits"]) == (
        Kind.WITH_RETRY,
        "charge-retry",
        "charge-retry-backoff-{n}",
    )
    assert retry.annotations == ("retry: exponential x5",)
    assert (anonymous.name, anonymous.blocks[0].nodes[0].name) == (None, "anon")


def test_wait_for_callback_submitter_with_durable_calls() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.waitForCallback("quiet", async (id: string) => notify(id));
            await context.waitForCallback("busy", async (id: string, ctx: DurableContext) => {
              await ctx.step("page", async () => 1);
            });
            """
        )
    )
    quiet, busy = wf.nodes
    assert quiet.blocks == ()
    assert [(b.role, b.label, [n.name for n in b.nodes]) for b in busy.blocks] == [
        ("body", "submitter", ["page"])
    ]


def test_create_callback_destructuring() -> None:
    wf = workflow_of(
        handler(
            """\
            const [approval, callbackId] = await context.createCallback("approval", {
              timeout: { hours: 24 }, heartbeatTimeout: { minutes: 30 },
            });
            await context.step("ask", async () => send(callbackId));
            const answer = await approval;
            """
        )
    )
    callback = wf.nodes[0]
    assert (callback.kind, callback.name, callback.annotations) == (
        Kind.CREATE_CALLBACK,
        "approval",
        ("timeout 24h", "heartbeat 30m"),
    )
    assert names(wf) == ["approval", "ask"]


# -- combinators and promises ----------------------------------------------------------------------


def test_sdk_combinator_with_inline_operations() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.promise.all("both", [
              context.step("a", async () => 1),
              context.step("b", async () => 2),
            ]);
            await context.promise.any([context.step("c", async () => 3)]);
            """
        )
    )
    both, any_ = wf.nodes
    assert (both.kind, both.name, [b.label for b in both.blocks]) == (
        Kind.PROMISE_ALL,
        "both",
        ["a", "b"],
    )
    assert (any_.kind, any_.name, any_.annotations) == (Kind.PROMISE_ANY, None, ("unnamed",))


def test_promises_created_now_and_joined_later() -> None:
    result = parse(
        handler(
            """\
            const a = context.step("a", async () => 1);
            const b = context.step("b", async () => 2);
            const [x, y] = await Promise.all([a, b]);
            const winner = await Promise.race([context.wait("timeout", { seconds: 5 }), x]);
            """
        )
    )
    wf = result.workflows[0]
    assert summary(wf) == [
        ("step", "a"),
        ("step", "b"),
        ("promise_all", "Promise.all"),
        ("promise_race", "Promise.race"),
        ("wait", "timeout"),
    ]
    assert wf.nodes[2].annotations == ("combines a, b",)
    assert wf.nodes[2].blocks == ()
    assert codes(result) == []


def test_native_promise_all_over_map_of_a_registry() -> None:
    wf = workflow_of(
        handler(
            """\
            await Promise.all(SITES.map((site) => context.step(`count-${site}`, async () => 1)));
            await Promise.all(event.ids.map((id: string) => context.step(`load-${id}`, f)));
            await Promise.all([fetch("x"), other()]);
            """,
            before='const SITES = ["berlin", "osaka"];\n',
        )
    )
    registry, runtime = wf.nodes
    assert [(b.label, [n.name for n in b.nodes]) for b in registry.blocks] == [
        ("berlin", ["count-berlin"]),
        ("osaka", ["count-osaka"]),
    ]
    assert [(b.dynamic, [n.name for n in b.nodes]) for b in runtime.blocks] == [(True, ["load-{}"])]


def test_never_awaited_promises_are_reported() -> None:
    result = parse(
        handler(
            """\
            const forgotten = context.step("forgotten", async () => 1);
            context.step("floating", async () => 2);
            const kept = context.step("kept", async () => 3);
            await kept;
            """
        )
    )
    assert names(result.workflows[0]) == ["forgotten", "floating", "kept"]
    messages = [(d.code, d.line) for d in result.diagnostics]
    assert messages == [("DV110", PRELUDE_LINES + 2), ("DV110", PRELUDE_LINES + 3)]


# -- helpers ---------------------------------------------------------------------------------------


def test_helper_inlined_twice_with_literal_names() -> None:
    wf = workflow_of(
        handler(
            """\
            await closeTicket(context, "close-rejected", event.id);
            await closeTicket(context, "close-refunded", event.id);
            """,
            before="""\
            async function closeTicket(ctx: DurableContext, name: string, id: string) {
              return ctx.parallel(name, [
                async (b: DurableContext) => b.step("mark-closed", async () => 1),
              ]);
            }
            """,
        )
    )
    first, second = wf.nodes
    assert (first.name, second.name) == ("close-rejected", "close-refunded")
    assert first.via == Via("closeTicket", PRELUDE_LINES + 7)
    assert first.blocks[0].nodes[0].via == Via("closeTicket", PRELUDE_LINES + 7)


def test_class_method_helpers_and_const_arrows() -> None:
    wf = workflow_of(
        handler(
            """\
            await new Flow().run(context);
            await stepOne(context);
            """,
            before="""\
            class Flow {
              async run(ctx: DurableContext) { await this.inner(ctx); }
              async inner(ctx: DurableContext) { await ctx.step("in-class", async () => 1); }
            }
            const stepOne = async (ctx: DurableContext) => ctx.step("in-arrow", async () => 1);
            """,
        )
    )
    assert names(wf) == ["in-class", "in-arrow"]


def test_helper_from_a_relative_module(tmp_path: Path) -> None:
    (tmp_path / "steps.ts").write_text(
        "export async function audit(ctx: any, what: string) {\n"
        "  await ctx.step(`audit-${what}`, async () => 1);\n}\n",
        encoding="utf-8",
    )
    main = tmp_path / "handler.ts"
    source = handler(
        'await audit(context, "start");\n', before='import { audit } from "./steps";\n'
    )
    main.write_text(source, encoding="utf-8")
    wf = parse_source(main.read_text(encoding="utf-8"), main, display="handler.ts").workflows[0]
    node = wf.nodes[0]
    assert (node.name, node.file, node.line, node.via) == (
        "audit-start",
        "steps.ts",
        2,
        Via("audit", PRELUDE_LINES + 3),
    )


def test_recursion_and_unknown_callees_are_reported() -> None:
    result = parse(
        handler(
            """\
            await again(context, 3);
            await somebody.elses(context);
            """,
            before="""\
            async function again(ctx: DurableContext, n: number): Promise<void> {
              await ctx.step("round", async () => 1);
              if (n > 0) await again(ctx, n - 1);
            }
            """,
        )
    )
    assert names(result.workflows[0]) == ["round"]
    assert sorted(codes(result)) == ["DV103", "DV106"]


def test_callback_handed_to_other_code_is_reported() -> None:
    result = parse(
        handler('setTimeout(async () => { await context.step("later", async () => 1); }, 5);\n')
    )
    assert result.workflows[0].nodes == ()
    assert codes(result) == ["DV108"]


# -- registries ------------------------------------------------------------------------------------


def test_parallel_over_object_registry() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.parallel("by-keys", Object.keys(TEAMS).map((team) => ({
              name: team,
              func: async (ctx: DurableContext) => ctx.step(`ask-${team}`, async () => 1),
            })));
            await context.parallel("by-entries", Object.entries(TEAMS).map(([team, brief]) =>
              async (ctx: DurableContext) => ctx.step(`brief-${team}`, async () => brief)));
            """,
            before='const TEAMS = { billing: "invoices", legal: "contracts" };\n',
        )
    )
    keys, entries = wf.nodes
    assert [(b.label, [n.name for n in b.nodes]) for b in keys.blocks] == [
        ("billing", ["ask-billing"]),
        ("legal", ["ask-legal"]),
    ]
    assert [(b.label, [n.name for n in b.nodes]) for b in entries.blocks] == [
        ("billing", ["brief-billing"]),
        ("legal", ["brief-legal"]),
    ]


def test_unresolvable_registry_is_one_dynamic_branch() -> None:
    result = parse(
        handler(
            """\
            await context.parallel("dyn", event.teams.map((t: string) =>
              async (ctx: DurableContext) => ctx.step(`ask-${t}`, async () => 1)));
            await context.parallel("opaque", event.branches);
            """
        )
    )
    dyn, opaque = result.workflows[0].nodes
    assert [(b.label, b.dynamic, [n.name for n in b.nodes]) for b in dyn.blocks] == [
        ("parallel-branch-{i}", True, ["ask-{}"])
    ]
    assert [(b.label, b.dynamic) for b in opaque.blocks] == [("parallel-branch-{i}", True)]
    assert codes(result) == ["DV105"]


# -- config ----------------------------------------------------------------------------------------


def test_config_annotations() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.step("a", fn, {
              retryStrategy: retryPresets.noRetry,
              semantics: StepSemantics.AtMostOncePerRetry,
            });
            await context.step("b", fn, { retryStrategy: createRetryStrategy({ maxAttempts: 3 }) });
            await context.parallel("p", [], {
              maxConcurrency: 2, completionConfig: { minSuccessful: 1 },
            });
            await context.map("m", items, fn, {
              nesting: NestingType.FLAT, completionConfig: { toleratedFailurePercentage: 10 },
            });
            await context.waitForCondition("w", fn, {
              waitStrategy: createWaitStrategy({ maxAttempts: 40 }), initialState: 0,
            });
            await context.wait("long", { hours: 1, minutes: 30 });
            """,
            before="const fn = async (ctx: any) => 1;\nconst items = [1];\n",
        )
    )
    assert [n.annotations for n in wf.nodes] == [
        ("retry: no retry", "at most once"),
        ("retry: exponential x3",),
        ("max 2 at once", "min 1 successful"),
        ("flat", "tolerates 10% failures"),
        ("polls up to 40x",),
        ("90m",),
    ]
    assert wf.nodes[0].config["semantics"] == "at most once per retry"


# -- syntax errors and grammars --------------------------------------------------------------------


def test_syntax_errors_are_reported_and_the_rest_is_drawn() -> None:
    source = handler(
        """\
        await context.step("before", async () => 1);
        const broken = (;
        await context.step("after", async () => 1);
        """
    )
    result = parse(source)
    assert "before" in names(result.workflows[0])
    assert "after" in names(result.workflows[0])
    errors = [d for d in result.diagnostics if d.code == "DV101"]
    assert errors and errors[0].line == PRELUDE_LINES + 3


@pytest.mark.parametrize("suffix", [".tsx", ".jsx", ".js", ".mjs", ".cjs", ".mts", ".cts"])
def test_every_extension_is_read(suffix: str) -> None:
    typed = suffix in (".tsx", ".mts", ".cts")
    context = "context: DurableContext" if typed else "context"
    jsx = "const view = <Summary total={1} />;\n" if suffix in (".tsx", ".jsx") else ""
    source = (
        'import { withDurableExecution } from "@aws/durable-execution-sdk-js";\n'
        f"export const handler = withDurableExecution(async (event, {context}) => {{\n"
        f"  {jsx}  await context.step('work', async () => 1);\n}});\n"
    )
    result = parse(source, f"handler{suffix}")
    assert names(result.workflows[0]) == ["work"]
    assert [d for d in result.diagnostics if d.code == "DV101"] == []


def test_columns_count_characters_not_bytes() -> None:
    source = handler('const café = "é"; await context.step("after-accent", async () => 1);\n')
    node = workflow_of(source).nodes[0]
    line = source.splitlines()[node.line - 1]
    assert node.column == line.index("context") + 1


def test_helpers_nested_too_deep_are_reported() -> None:
    chain = "".join(
        f"async function h{i}(ctx: DurableContext) {{ await h{i + 1}(ctx); }}\n" for i in range(12)
    )
    chain += 'async function h12(ctx: DurableContext) { await ctx.step("bottom", f); }\n'
    result = parse(handler("await h0(context);\n", before=chain))
    assert names(result.workflows[0]) == []
    assert codes(result) == ["DV104"]


def test_helper_module_that_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "steps.ts").write_bytes(b"\x00\x01binary")
    main = tmp_path / "handler.ts"
    source = handler("await audit(context);\n", before='import { audit } from "./steps";')
    main.write_text(source, encoding="utf-8")
    result = parse_source(source, main, display="handler.ts")
    assert result.workflows[0].nodes == ()
    assert sorted(codes(result)) == ["DV106", "DV107"]


def test_then_callbacks_run_in_sequence() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.step("first", f).then((r) => context.step("second", f));
            """
        )
    )
    assert names(wf) == ["first", "second"]


def test_self_referencing_constants_do_not_hang() -> None:
    wf = workflow_of(
        handler(
            "await context.step(A.x, f);\nawait context.step(B, f);\n",
            before="const A = B.y;\nconst B = A.x;\n",
        )
    )
    assert [n.dynamic for n in wf.nodes] == [True, True]


def test_promises_kept_in_a_list_are_drawn_once() -> None:
    result = parse(
        handler(
            """\
            const loads = event.ids.map((id: string) => context.step(`load-${id}`, f));
            const pair = [context.step("x", f), context.step("y", f)];
            await Promise.all(loads);
            await context.promise.all("both", pair);
            await Promise.all(event.urls.map((u: string) => fetch(u)));
            const plain = event.urls.map((u: string) => fetch(u));
            await Promise.all(plain);
            """
        )
    )
    wf = result.workflows[0]
    assert summary(wf) == [
        ("loop", "event.ids.map(id)"),
        ("step", "load-{id}"),
        ("step", "x"),
        ("step", "y"),
        ("promise_all", "Promise.all"),
        ("promise_all", "both"),
    ]
    assert [n.annotations for n in wf.nodes[-2:]] == [("combines loads",), ("combines pair",)]
    assert codes(result) == []


def test_handler_inside_middleware_and_module_exports() -> None:
    wrapped = workflow_of(
        """\
        import { withDurableExecution } from "@aws/durable-execution-sdk-js";
        export const main = middy(withDurableExecution(async (event, ctx) => {
          await ctx.step("wrapped", async () => 1);
        })).use(logger());
        """
    )
    exported = workflow_of(
        """\
        const { withDurableExecution } = require("@aws/durable-execution-sdk-js");
        module.exports = withDurableExecution(async (event, ctx) => {
          await ctx.step("whole-module", async () => 1);
        });
        """,
        "index.cjs",
    )
    assert (wrapped.name, names(wrapped)) == ("main", ["wrapped"])
    assert (exported.name, names(exported)) == ("handler", ["whole-module"])


# -- break inside a switch case, labelled jumps ----------------------------------------------------


def test_break_inside_an_if_in_a_case_leaves_the_switch() -> None:
    wf = workflow_of(
        handler(
            """\
            switch (event.kind) {
              case "refund":
                await context.step("check", async () => 1);
                if (event.small) {
                  await context.step("fast", async () => 1);
                  break;
                }
                await context.step("review", async () => 1);
                break;
              default:
                await context.step("other", async () => 1);
            }
            await context.step("after", async () => 1);
            """
        )
    )
    switch = wf.nodes[0]
    refund = block(switch, 'case "refund"')
    assert [n.label for n in refund.nodes] == ["check", "event.small", "review"]
    assert [(n.kind, n.jump_label) for n in refund.nodes[1].blocks[0].nodes] == [
        (Kind.STEP, None),
        (Kind.BREAK, switch.jump_label),
    ]
    assert switch.jump_label is not None
    assert edges(wf) == {
        "Start -> switch event.kind",
        'switch event.kind -> check [case "refund"]',
        "switch event.kind -> other [default]",
        "check -> event.small",
        "event.small -> fast [yes]",
        "event.small -> review [no]",
        "fast -> after",
        "review -> after",
        "other -> after",
        "after -> End",
    }


def test_break_in_the_repeated_part_of_a_fallthrough_ends_the_falling_case() -> None:
    wf = workflow_of(
        handler(
            """\
            switch (event.kind) {
              case "partial":
                await context.step("prorate", async () => 1);
              case "full":
                if (event.paid) break;
                await context.step("pay", async () => 1);
                break;
            }
            await context.step("after", async () => 1);
            """
        )
    )
    switch = wf.nodes[0]
    assert [(b.label, [n.label for n in b.nodes]) for b in switch.blocks] == [
        ('case "partial"', ["prorate", "event.paid", "pay"]),
        ('case "full"', ["event.paid", "pay"]),
    ]
    assert edges(wf) == {
        "Start -> switch event.kind",
        'switch event.kind -> prorate [case "partial"]',
        'switch event.kind -> event.paid [case "full"]',
        "switch event.kind -> after [no match]",
        "prorate -> event.paid",
        "event.paid -> after [yes]",
        "event.paid -> pay [no]",
        "pay -> after",
        "after -> End",
    }


def test_a_switch_whose_only_break_is_conditional_and_holds_nothing_durable_is_dropped() -> None:
    wf = workflow_of(
        handler(
            """\
            switch (event.kind) {
              case 1:
                if (event.skip) break;
                log("one");
            }
            await context.step("after", async () => 1);
            """
        )
    )
    assert summary(wf) == [("step", "after")]


def test_labelled_continue_and_break_leave_the_outer_loop() -> None:
    wf = workflow_of(
        handler(
            """\
            outer: for (const order of event.orders) {
              for (const line of order.lines) {
                if (line.void) continue outer;
                if (line.last) break outer;
                await context.step("pick", async () => 1);
              }
              await context.step("pack", async () => 1);
            }
            await context.step("ship", async () => 1);
            """
        )
    )
    outer = wf.nodes[0]
    assert (outer.kind, outer.jump_label) == (Kind.LOOP, "outer")
    inner = outer.blocks[0].nodes[0]
    jumps = [n for n in walk(inner.blocks[0].nodes) if n.kind in (Kind.BREAK, Kind.CONTINUE)]
    assert [(n.kind, n.jump_label) for n in jumps] == [
        (Kind.CONTINUE, "outer"),
        (Kind.BREAK, "outer"),
    ]
    assert edges(wf) == {
        "Start -> for order of event.orders",
        "for order of event.orders -> for line of order.lines",
        "for order of event.orders -> ship [done]",
        "for line of order.lines -> line.void",
        "for line of order.lines -> pack [done]",
        "line.void -> for order of event.orders [yes] (back)",
        "line.void -> line.last [no]",
        "line.last -> ship [yes]",
        "line.last -> pick [no]",
        "pick -> for line of order.lines [next item] (back)",
        "pack -> for order of event.orders [next item] (back)",
        "ship -> End",
    }


def test_labelled_break_inside_a_switch_leaves_the_loop() -> None:
    wf = workflow_of(
        handler(
            """\
            poll: while (true) {
              const status = await context.step("status", async () => 1);
              switch (status) {
                case "done":
                  break poll;
                case "failed":
                  throw new Error("failed");
              }
              await context.wait({ seconds: 30 });
            }
            await context.step("finish", async () => 1);
            """
        )
    )
    loop = wf.nodes[0]
    assert (loop.label, loop.jump_label, loop.infinite) == ("while (true)", "poll", True)
    assert edges(wf) == {
        "Start -> while (true)",
        "while (true) -> status",
        "status -> switch status",
        'switch status -> finish [case "done"]',
        'switch status -> throw Error [case "failed"]',
        "switch status -> wait 30s [no match]",
        "throw Error -> Fail",
        "wait 30s -> while (true) [repeat] (back)",
        "finish -> End",
    }


# -- callbacks on a durable promise ----------------------------------------------------------------


def test_catch_on_a_durable_promise_is_a_try_around_it() -> None:
    result = parse(
        handler(
            """\
            await context.step("charge", f).catch(async (e) => {
              await context.step("undo", g);
            });
            await context.step("after", f);
            """
        )
    )
    wf = result.workflows[0]
    node = wf.nodes[0]
    assert (node.kind, node.label, node.catch_all, node.line) == (
        Kind.TRY,
        "try",
        True,
        PRELUDE_LINES + 2,
    )
    assert [(b.role, b.label, [n.name for n in b.nodes]) for b in node.blocks] == [
        ("body", "try", ["charge"]),
        ("handler", "error", ["undo"]),
    ]
    assert edges(wf) == {
        "Start -> charge",
        "charge -> undo [error] (error)",
        "charge -> after",
        "undo -> after",
        "after -> End",
    }
    assert codes(result) == []


def test_then_with_an_error_callback_and_finally() -> None:
    wf = workflow_of(
        handler(
            """\
            await context
              .step("charge", f)
              .then((r) => context.step("receipt", f), (e) => context.step("refund", f))
              .finally(() => context.step("release", f));
            """
        )
    )
    outer = wf.nodes[0]
    assert [(b.role, b.label) for b in outer.blocks] == [("body", "try"), ("finally", "finally")]
    inner = outer.blocks[0].nodes[0]
    assert (inner.kind, inner.catch_all) == (Kind.TRY, True)
    assert [(b.role, b.label, [n.name for n in b.nodes]) for b in inner.blocks] == [
        ("body", "try", ["charge"]),
        ("handler", "error", ["refund"]),
        ("else", "then", ["receipt"]),
    ]
    assert [b.nodes[0].name for b in outer.blocks] == [None, "release"]
    assert edges(wf) == {
        "Start -> charge",
        "charge -> receipt",
        "charge -> refund [error] (error)",
        "receipt -> release",
        "refund -> release",
        "release -> End",
    }


def test_return_inside_a_catch_callback_ends_only_the_callback() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.step("charge", f).catch(async (e) => {
              if (e.soft) return;
              await context.step("undo", g);
            });
            await context.step("after", f);
            """
        )
    )
    assert edges(wf) == {
        "Start -> charge",
        "charge -> after",
        "charge -> e.soft [error] (error)",
        "e.soft -> return [yes]",
        "e.soft -> undo [no]",
        "return -> after",
        "undo -> after",
        "after -> End",
    }


def test_then_on_a_promise_kept_for_later() -> None:
    wf = workflow_of(
        handler(
            """\
            const charge = context.step("charge", f);
            await charge.catch(() => context.step("undo", g));
            """
        )
    )
    assert summary(wf) == [("step", "charge"), ("try", "try"), ("step", "undo")]
    assert edges(wf) == {
        "Start -> charge",
        "charge -> undo [error] (error)",
        "charge -> End",
        "undo -> End",
    }


def test_catch_on_other_code_keeps_dv108() -> None:
    result = parse(
        handler(
            """\
            await fetch(event.url).catch(async () => {
              await context.step("fallback", f);
            });
            """
        )
    )
    assert result.workflows[0].nodes == ()
    assert codes(result) == ["DV108"]


# -- helper parameters written as patterns ---------------------------------------------------------


def test_object_pattern_parameters_are_bound_to_object_literal_arguments() -> None:
    wf = workflow_of(
        handler(
            """\
            await pay(context, { name: "card", amount: 5 });
            await pay(context, { amount: 9 });
            await pay(context, { name: `bank-${event.id}` });
            await pay(context, event.payment);
            """,
            before="""\
            async function pay(ctx: DurableContext, { name = "cash", amount }: Payment) {
              await ctx.step(`pay-${name}`, async () => amount);
            }
            """,
        )
    )
    assert [(n.name, n.label, n.dynamic) for n in walk(wf.nodes) if n.is_operation] == [
        ("pay-card", "pay-card", False),
        ("pay-cash", "pay-cash", False),
        ("pay-bank-{}", "pay-bank-{event.id}", True),
        ("pay-{}", "pay-{name}", True),
    ]


def test_nested_array_and_renamed_patterns_and_a_pattern_default() -> None:
    wf = workflow_of(
        handler(
            """\
            await pair(context, ["load", "save"], { step: { id: "s1" } });
            await pair(context, ["only"]);
            await pair(context, STAGES, {});
            """,
            before="""\
            const STAGES = ["first", "second"];
            async function pair(
              ctx: DurableContext,
              [a, b = "fallback"]: string[],
              { step: { id: label } = { id: "none" } } = { step: { id: "default" } },
            ) {
              await ctx.step(a, f);
              await ctx.step(b, f);
              await ctx.step(label, f);
            }
            """,
        )
    )
    assert names(wf) == [
        "load",
        "save",
        "s1",
        "only",
        "fallback",
        "default",
        "first",
        "second",
        "none",
    ]


def test_rest_elements_in_patterns_are_not_guessed() -> None:
    wf = workflow_of(
        handler(
            'await run(context, ["a", "b", "c"], { x: "1", y: "2" });\n',
            before="""\
            async function run(ctx: DurableContext, [first, ...others]: T[], { x, ...more }: U) {
              await ctx.step(first, f);
              await ctx.step(others[0], f);
              await ctx.step(x, f);
              await ctx.step(more.y, f);
            }
            """,
        )
    )
    assert [(n.name, n.label) for n in walk(wf.nodes) if n.is_operation] == [
        ("a", "a"),
        ("{}", "{others[0]}"),
        ("1", "1"),
        ("{}", "{more.y}"),
    ]


# -- the invoke rule when values cannot be read but types can --------------------------------------

INVOKE_TYPES = """\
interface Order { id: string }
type FunctionName = string;
type Region = "eu" | "us";
declare const TARGET: string;
"""


@pytest.mark.parametrize(
    ("declarations", "call", "name", "target"),
    [
        # invoke(name, funcId): the second argument is typed string, so the first is the name.
        ("const step: string = event.s; const fn: string = event.f;", "(step, fn)", "{}", "f"),
        ("const step = event.s; const fn: FunctionName = event.f;", "(step, fn)", "{}", "f"),
        ("const step = event.s; const fn: Region = event.f;", "(step, fn)", "{}", "f"),
        ("const step = event.s;", "(step, TARGET)", "{}", "TARGET"),
        ("const step = event.s; const fn = event.f;", "(step, fn as string)", "{}", "f"),
        # invoke(funcId, input): a typed payload that is not a string.
        ("const fn = event.f; const input: Order = event.o;", "(fn, input)", None, "f"),
        # invoke(funcId, input, config): three arguments, yet the payload is no string.
        ("const fn = event.f; const input: Order = event.o;", "(fn, input, {})", None, "f"),
        ("const fn = event.f; const ids: string[] = event.ids;", "(fn, ids, {})", None, "f"),
        # invoke(name, funcId, input): three arguments and nothing typed: the count decides.
        ("const step = event.s; const fn = event.f;", "(step, fn, event.o)", "{}", "f"),
        ("const step = event.s; const fn: any = event.f;", "(step, fn, event.o)", "{}", "f"),
        # invoke(funcId, payload) with a string payload: the SDK takes the first as the name.
        ("const fn = event.s; const note: string = event.f;", "(fn, note)", "{}", "f"),
        # invoke(funcId, input) with nothing typed: two arguments, no name.
        ("const fn = event.f; const input = event.o;", "(fn, input)", None, "f"),
    ],
)
def test_invoke_overload_read_from_declared_types(
    declarations: str, call: str, name: str | None, target: str
) -> None:
    wf = workflow_of(handler(f"{declarations}\nawait context.invoke{call};\n", before=INVOKE_TYPES))
    node = wf.nodes[0]
    shown = "{TARGET}" if target == "TARGET" else f"{{event.{target}}}"
    assert (node.kind, node.name, node.target) == (Kind.INVOKE, name, shown)


def test_invoke_overload_from_typed_parameters() -> None:
    wf = workflow_of(
        """\
        import { withDurableExecution, DurableContext } from "@aws/durable-execution-sdk-js";
        interface Order { id: string }
        async function ship(ctx: DurableContext, step: string, fn: string) {
          await ctx.invoke(step, fn);
        }
        export const handler = withDurableExecution(async (event: Order, ctx: DurableContext) => {
          await ship(ctx, event.step, event.fn);
          await ctx.invoke(event.fn, event, { tenantId: "t-1" });
        });
        """
    )
    helper, direct = [n for n in walk(wf.nodes) if n.is_operation]
    assert (helper.name, helper.label, helper.target) == ("{}", "{event.step}", "{event.fn}")
    assert (direct.name, direct.label, direct.target) == (None, "{event.fn}", "{event.fn}")


def test_chained_calls_without_an_error_callback_catch_nothing() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.step("a", f).catch();
            await context.step("b", f).then(undefined, undefined);
            await context.step("c", f).finally(cleanup);
            await context.step("d", f).then(undefined, (e) => context.step("e", f));
            """
        )
    )
    assert summary(wf) == [
        ("step", "a"),
        ("step", "b"),
        ("step", "c"),
        ("try", "try"),
        ("step", "d"),
        ("step", "e"),
    ]
    assert [(b.role, b.label, len(b.nodes)) for b in wf.nodes[3].blocks] == [
        ("body", "try", 1),
        ("handler", "error", 1),
        ("else", "then", 0),
    ]


def test_break_out_of_a_labelled_block() -> None:
    wf = workflow_of(
        handler(
            """\
            checks: {
              if (event.trusted) break checks;
              await context.step("verify", f);
            }
            await context.step("ship", f);
            """
        )
    )
    checks = wf.nodes[0]
    assert (checks.kind, checks.label, checks.jump_label) == (Kind.SCOPE, "checks", "checks")
    assert (checks.line, checks.column) == (PRELUDE_LINES + 2, 3)
    assert summary(wf) == [
        ("scope", "checks"),
        ("condition", "event.trusted"),
        ("break", "break"),
        ("step", "verify"),
        ("step", "ship"),
    ]
    assert edges(wf) == {
        "Start -> event.trusted",
        "event.trusted -> ship [yes]",
        "event.trusted -> verify [no]",
        "verify -> ship",
        "ship -> End",
    }


def test_break_out_of_a_labelled_block_from_a_loop_and_a_try_inside_it() -> None:
    wf = workflow_of(
        handler(
            """\
            search: {
              for (const region of event.regions) {
                try {
                  const hit = await context.step("probe", f);
                  if (hit) break search;
                } finally {
                  await context.step("release", f);
                }
              }
              await context.step("fallback", f);
            }
            await context.step("report", f);
            """
        )
    )
    assert edges(wf) == {
        "Start -> for region of event.regions",
        "for region of event.regions -> probe",
        "for region of event.regions -> fallback [done]",
        "probe -> hit",
        "hit -> release [yes]",
        "hit -> release [no]",
        "release -> report [break]",
        "release -> for region of event.regions [next item] (back)",
        "fallback -> report",
        "report -> End",
    }


def test_a_labelled_block_no_break_names_is_its_statements() -> None:
    wf = workflow_of(
        handler(
            """\
            setup: {
              await context.step("a", f);
            }
            for (const item of event.items) {
              each: {
                if (item.last) break;
                await context.step("b", f);
              }
            }
            """
        )
    )
    assert summary(wf) == [
        ("step", "a"),
        ("loop", "for item of event.items"),
        ("condition", "item.last"),
        ("break", "break"),
        ("step", "b"),
    ]
    # The plain break leaves the loop: a labelled block is no loop.
    assert "item.last -> End [yes]" in edges(wf)


def test_labelled_blocks_nested_thousands_deep() -> None:
    # Block b<i> is left by the breaks of b<2i> and b<2i+1>: the outer half are nodes, the inner
    # half (no break names them) are only their statements.
    depth = 3000
    opening = "".join(f"b{i}: {{ if (event.x) break b{i // 2}; " for i in range(depth))
    body = opening + 'await context.step("deep", f);' + "}" * depth
    wf = workflow_of(handler(body + '\nawait context.step("after", f);'))
    scopes = [n for n in walk(wf.nodes) if n.kind is Kind.SCOPE]
    assert [n.jump_label for n in scopes] == [f"b{i}" for i in range(depth // 2)]
    graph = run_deep(lambda: build_graph(wf))
    after = next(n.id for n in graph.nodes if n.label == "after")
    leaving = {e.label for e in graph.edges if e.target == after}
    assert leaving == {None, "yes"}
    assert sum(e.label == "yes" for e in graph.edges) == depth


def test_destructured_map_and_registry_callbacks_read_entry_fields() -> None:
    wf = workflow_of(
        handler(
            """\
            await context.map("sync", REGIONS, async (ctx, { code, bucket = "main" }) =>
              ctx.step(`sync-${code}-${bucket}`, f),
            );
            await context.parallel(
              "notify",
              Object.entries(CHANNELS).map(([key, { queue }]) => async (ctx) =>
                ctx.step(`${key}:${queue}`, f),
              ),
            );
            """,
            before="""\
            const REGIONS = [{ code: "eu", bucket: "b-eu" }, { code: "us" }];
            const CHANNELS = { mail: { queue: "q-mail" }, sms: { queue: "q-sms" } };
            """,
        )
    )
    sync, notify = wf.nodes
    assert [(b.label, [n.name for n in b.nodes]) for b in sync.blocks] == [
        ("0", ["sync-eu-b-eu"]),
        ("1", ["sync-us-main"]),
    ]
    assert [(b.label, [n.name for n in b.nodes]) for b in notify.blocks] == [
        ("mail", ["mail:q-mail"]),
        ("sms", ["sms:q-sms"]),
    ]


def test_labelled_switch_takes_plain_and_labelled_breaks() -> None:
    wf = workflow_of(
        handler(
            """\
            route: switch (event.kind) {
              case "batch":
                for (const item of event.items) {
                  if (item.poison) break route;
                  await context.step("each", f);
                }
                if (event.dry) break;
                await context.step("commit", f);
                break;
            }
            await context.step("after", f);
            """
        )
    )
    switch = wf.nodes[0]
    assert switch.jump_label == "route"
    assert edges(wf) == {
        "Start -> switch event.kind",
        'switch event.kind -> for item of event.items [case "batch"]',
        "switch event.kind -> after [no match]",
        "for item of event.items -> item.poison",
        "item.poison -> after [yes]",
        "item.poison -> each [no]",
        "each -> for item of event.items [next item] (back)",
        "for item of event.items -> event.dry [done]",
        "event.dry -> after [yes]",
        "event.dry -> commit [no]",
        "commit -> after",
        "after -> End",
    }


def test_a_case_whose_if_and_else_both_jump_does_not_fall_through() -> None:
    wf = workflow_of(
        handler(
            """\
            switch (event.kind) {
              case "a":
                if (event.x) {
                  await context.step("x", f);
                  break;
                } else {
                  return;
                }
              case "b":
                await context.step("b", f);
            }
            """
        )
    )
    assert [(b.label, [n.label for n in b.nodes]) for b in wf.nodes[0].blocks] == [
        ('case "a"', ["event.x"]),
        ('case "b"', ["b"]),
    ]


def test_helper_taking_the_context_in_an_options_object() -> None:
    result = parse(
        handler(
            """\
            await plain({ context, name: "charge-card" });
            await plain({ name: "charge-wallet", context });
            """,
            before="""\
            async function plain({ context: ctx, name }: Options) {
              await ctx.step(name, f);
            }
            """,
        )
    )
    wf = result.workflows[0]
    assert [(n.name, n.via.name if n.via else None) for n in walk(wf.nodes)] == [
        ("charge-card", "plain"),
        ("charge-wallet", "plain"),
    ]
    assert codes(result) == []


def test_shorthand_fields_passed_to_a_destructuring_helper_resolve() -> None:
    wf = workflow_of(
        handler(
            """\
            const regions = ["eu", "us"];
            await fan(context, { regions });
            """,
            before="""\
            async function fan(ctx: DurableContext, { regions }: { regions: string[] }) {
              await ctx.map("sync", regions, async (c, region) => c.step(`sync-${region}`, f));
            }
            """,
        )
    )
    assert [(b.label, [n.name for n in b.nodes]) for b in wf.nodes[0].blocks] == [
        ("eu", ["sync-eu"]),
        ("us", ["sync-us"]),
    ]


# -- names a loop changes --------------------------------------------------------------------------
# A name a loop assigns (anywhere in it: test, update clause, body, nested blocks, a function
# written in it) has no known value in the loop, nor after it; names bound before the loop keep
# the value they had then, and helpers called from the loop see the name as unknown.

LOOP_NAMES = {
    # body: (label, name, dynamic) of each operation, in source order
    "for update clause ++": (
        """\
        for (let i = 0; i < 3; i++) {
          await context.step(`attempt-${i}`, async () => i);
        }
        """,
        [("attempt-{i}", "attempt-{}", True)],
    ),
    "for update clause +=": (
        """\
        for (let i = 0; i < 3; i += 1) await context.step("attempt-" + i, async () => i);
        """,
        [("attempt-{i}", "attempt-{}", True)],
    ),
    "counter += at the end of the body": (
        """\
        let attempt = 0;
        while (attempt < 3) {
          await context.step(`try-${attempt}`, async () => 1);
          attempt += 1;
        }
        """,
        [("try-{attempt}", "try-{}", True)],
    ),
    "counter = counter + 1 before its use": (
        """\
        let n = 0;
        while (n < 3) {
          n = n + 1;
          await context.step(`n-${n}`, async () => 1);
        }
        """,
        [("n-{n + 1}", "n-{}", True)],
    ),
    "prefix -- in a do-while test": (
        """\
        let left = 3;
        do {
          await context.step(`left-${left}`, async () => 1);
        } while (--left > 0);
        """,
        [("left-{left}", "left-{}", True)],
    ),
    "changed in a nested block": (
        """\
        let n = 0;
        for (const item of event.items) {
          await context.step(`n-${n}`, async () => 1);
          if (item.retry) {
            { n++; }
          }
        }
        """,
        [("n-{n}", "n-{}", True)],
    ),
    "array destructuring swap": (
        """\
        let a = "x", b = "y";
        for (const item of event.items) {
          await context.step(a, async () => 1);
          [a, b] = [b, a];
        }
        """,
        [("{a}", "{}", True)],
    ),
    "object destructuring assignment": (
        """\
        let name = "first";
        while (event.more) {
          await context.step(name, async () => 1);
          ({ name } = event.next);
        }
        """,
        [("{name}", "{}", True)],
    ),
    "var declared again in the body": (
        """\
        var label = "first";
        for (const item of event.items) {
          await context.step(label, async () => 1);
          var label = "again";
        }
        """,
        [("{label}", "{}", True)],
    ),
    "for-of target": (
        """\
        const item = "outer";
        for (const item of event.items) await context.step(`item-${item}`, async () => 1);
        """,
        [("item-{item}", "item-{}", True)],
    ),
    "for-in target": (
        """\
        let key = "outer";
        for (key in event.byKey) await context.step(`key-${key}`, async () => 1);
        """,
        [("key-{key}", "key-{}", True)],
    ),
    "changed by an inner loop": (
        """\
        let n = 0;
        for (const item of event.items) {
          await context.step(`outer-${n}`, async () => 1);
          for (const part of item.parts) n++;
        }
        """,
        [("outer-{n}", "outer-{}", True)],
    ),
    "changed in a function written in the loop": (
        """\
        let n = 0;
        for (const item of event.items) {
          await context.step(`n-${n}`, async () => 1);
          item.parts.forEach(() => { n += 1; });
        }
        """,
        [("n-{n}", "n-{}", True)],
    ),
    "after the loop": (
        """\
        let name = "before";
        for (const item of event.items) name = "inside";
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "a module-level let changed in the loop": (
        """\
        while (counter < 3) {
          await context.step(`c-${counter}`, async () => 1);
          counter++;
        }
        """,
        [("c-{counter}", "c-{}", True)],
    ),
    "bound before the loop from a changed name": (
        """\
        let n = 0;
        const label = `fixed-${n}`;
        while (n < 3) {
          await context.step(label, async () => 1);
          n++;
        }
        await context.step(label, async () => 1);
        """,
        [("fixed-0", "fixed-0", False), ("fixed-0", "fixed-0", False)],
    ),
    "a name the loop does not change": (
        """\
        const prefix = "charge";
        for (let i = 0; i < 3; i++) await context.step(`${prefix}-once`, async () => 1);
        """,
        [("charge-once", "charge-once", False)],
    ),
    "a closure called from the loop": (
        """\
        let n = 0;
        const run = async (ctx: DurableContext) => ctx.step(`closure-${n}`, async () => 1);
        while (n < 3) {
          await run(context);
          n++;
        }
        """,
        [("closure-{n}", "closure-{}", True)],
    ),
    "a helper called from the loop with the changed name": (
        """\
        let n = 0;
        while (n < 3) {
          await charge(context, n);
          n++;
        }
        """,
        [("charge-{n}", "charge-{}", True)],
    ),
}

_LOOP_MODULE = """\
let counter = 0;
async function charge(ctx: DurableContext, n: number) {
  await ctx.step(`charge-${n}`, async () => 1);
}
"""


@pytest.mark.parametrize("form", list(LOOP_NAMES))
def test_names_a_loop_changes_are_dynamic(form: str) -> None:
    body, expected = LOOP_NAMES[form]
    workflow = workflow_of(handler(body, before=_LOOP_MODULE))
    steps = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # ``n++`` and a destructuring assignment change a name outside loops too.
        (
            "let n = 0;\nn++;\nawait context.step(`n-${n}`, async () => 1);\n",
            ("n-{n}", "n-{}", True),
        ),
        (
            'let a = "x", b = "y";\n[a, b] = [b, a];\nawait context.step(a, async () => 1);\n',
            ("{a}", "{}", True),
        ),
        # A name rebound to an expression using it reads its value from before.
        (
            "let n = 0;\nn = n + 1;\nawait context.step(`n-${n}`, async () => 1);\n",
            ("n-1", "n-1", False),
        ),
        (
            'let s = "a";\ns = s + "-b";\nawait context.step(s, async () => 1);\n',
            ("a-b", "a-b", False),
        ),
        # ``+`` of numbers is a sum; of a number and a value not shown, a value not shown.
        ("await context.step(`n-${1 + 2}`, async () => 1);\n", ("n-3", "n-3", False)),
        (
            "await context.step(`n-${event.n + 1}`, async () => 1);\n",
            ("n-{event.n + 1}", "n-{}", True),
        ),
        (
            'await context.step("n-" + event.n + 1, async () => 1);\n',
            ("n-{event.n}1", "n-{}1", True),
        ),
    ],
)
def test_names_changed_outside_loops(body: str, expected: tuple[str, str, bool]) -> None:
    (step,) = [n for n in walk(workflow_of(handler(body)).nodes) if n.kind is Kind.STEP]
    assert (step.label, step.name, step.dynamic) == expected


BRANCH_NAMES = {
    # body: (label, name, dynamic) of each step, in source order; see test_python_parser.py
    "assigned in one branch, read after the if": (
        """\
        let name = "a";
        if (event.x) { name = "b"; }
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "read inside the branch": (
        """\
        let name = "a";
        if (event.x) {
          name = "b";
          await context.step(name, async () => 1);
        }
        """,
        [("b", "b", False)],
    ),
    "the else branch starts from the value before": (
        """\
        let name = "a";
        if (event.x) name = "b";
        else await context.step(name, async () => 1);
        """,
        [("a", "a", False)],
    ),
    "every branch assigns the same value": (
        """\
        let name = "a";
        if (event.x) { name = "b"; } else if (event.y) { name = "b"; } else { name = "b"; }
        await context.step(name, async () => 1);
        """,
        [("b", "b", False)],
    ),
    "else if without else: the way through no branch keeps the old value": (
        """\
        let name = "a";
        if (event.x) { name = "b"; } else if (event.y) { name = "b"; }
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "different values in if and else": (
        """\
        let name;
        if (event.x) { name = "b"; } else { name = "c"; }
        await context.step(`run-${name}`, async () => 1);
        """,
        [("run-{name}", "run-{}", True)],
    ),
    "a branch that returns does not reach the join": (
        """\
        let name = "a";
        if (event.x) {
          name = "b";
          return;
        }
        await context.step(name, async () => 1);
        """,
        [("a", "a", False)],
    ),
    "a branch that throws does not reach the join": (
        """\
        let name = "a";
        if (event.x) { name = "b"; } else { throw new Error("no"); }
        await context.step(name, async () => 1);
        """,
        [("b", "b", False)],
    ),
    "a branch that breaks out of the loop": (
        """\
        for (const item of event.items) {
          let name = "a";
          if (item) {
            name = "b";
            break;
          }
          await context.step(name, async () => 1);
        }
        """,
        [("a", "a", False)],
    ),
    "nested ifs": (
        """\
        let name = "a";
        if (event.x) { if (event.y) { name = "b"; } }
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "a name bound before from a changed one keeps its value": (
        """\
        let n = "a";
        const label = `x-${n}`;
        if (event.x) { n = "b"; }
        await context.step(label, async () => 1);
        """,
        [("x-a", "x-a", False)],
    ),
    "switch case without default": (
        """\
        let name = "a";
        switch (event.kind) {
          case "b":
            name = "b";
            break;
        }
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "switch with a default, same value": (
        """\
        let name = "a";
        switch (event.kind) {
          case "b":
            name = "b";
            break;
          default:
            name = "b";
        }
        await context.step(name, async () => 1);
        """,
        [("b", "b", False)],
    ),
    "switch fall-through": (
        """\
        let name = "a";
        switch (event.kind) {
          case "b":
            name = "b";
          case "c":
            await context.step(name, async () => 1);
            break;
          default:
            name = "c";
        }
        """,
        # the fall-through is drawn as its own way: the case's block repeats the next case's
        [("b", "b", False), ("a", "a", False)],
    ),
    "switch break inside an if": (
        """\
        let name = "a";
        switch (event.kind) {
          default:
            if (event.x) {
              name = "b";
              break;
            }
            name = "a";
        }
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "labelled block left by break": (
        """\
        let name = "a";
        checks: {
          if (event.x) {
            name = "b";
            break checks;
          }
          name = "a";
        }
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "ternary-chosen assignment": (
        """\
        let name = "a";
        event.x ? (name = "b") : (name = "c");
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "short-circuit &&": (
        """\
        let name = "a";
        event.x && (name = "b");
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "short-circuit ||": (
        """\
        let name = "a";
        event.x || (name = "b");
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "short-circuit ??": (
        """\
        let name = "a";
        event.x ?? (name = "b");
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "try body assigns, handler reads": (
        """\
        let name = "a";
        try {
          name = "b";
          await charge(context, 1);
        } catch (e) {
          await context.step(name, async () => 1);
        }
        """,
        [("charge-1", "charge-1", False), ("{name}", "{}", True)],
    ),
    "try body and handler assign, read after": (
        """\
        let name = "a";
        try {
          name = "b";
        } catch (e) {
          name = "c";
        }
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "a handler that throws does not reach the join": (
        """\
        let name = "a";
        try {
          name = "b";
        } catch (e) {
          throw e;
        }
        await context.step(name, async () => 1);
        """,
        [("b", "b", False)],
    ),
    "finally sees any value; after it, what it assigned": (
        """\
        let name = "a";
        let other = "x";
        try {
          name = "b";
        } finally {
          await context.step(name, async () => 1);
          other = "c";
        }
        await context.step(name, async () => 1);
        await context.step(other, async () => 1);
        """,
        [("{name}", "{}", True), ("b", "b", False), ("c", "c", False)],
    ),
}


@pytest.mark.parametrize("form", list(BRANCH_NAMES))
def test_names_a_branch_changes(form: str) -> None:
    body, expected = BRANCH_NAMES[form]
    workflow = workflow_of(handler(body, before=_LOOP_MODULE))
    steps = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected


# A function declared in the handler assigning its ``let`` changes it where it is called: after
# the call, and in a loop that calls it, it holds no value the source shows.
CLOSURE_NAMES = {
    "an arrow called from a loop, read before the call": (
        """\
        let name = "a";
        const rename = () => {
          name = "b";
        };
        for (const item of event.items) {
          await context.step(name, async () => 1);
          rename();
        }
        """,
        [("{name}", "{}", True)],
    ),
    "a function declaration, read after a call": (
        """\
        let name = "a";
        function rename() {
          name = "b";
        }
        rename();
        await context.step(name, async () => 1);
        """,
        [("{name}", "{}", True)],
    ),
    "a closure that assigns other names": (
        """\
        let name = "a";
        let count = 0;
        const bump = () => {
          count += 1;
        };
        bump();
        await context.step(name, async () => 1);
        """,
        [("a", "a", False)],
    ),
    "assigned again after the call": (
        """\
        let name = "a";
        const rename = () => {
          name = "b";
        };
        rename();
        name = "c";
        await context.step(name, async () => 1);
        """,
        [("c", "c", False)],
    ),
}


@pytest.mark.parametrize("form", list(CLOSURE_NAMES))
def test_names_a_closure_changes(form: str) -> None:
    body, expected = CLOSURE_NAMES[form]
    steps = [n for n in walk(workflow_of(handler(body)).nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected


# A binding holds the value its expression had where it was written: assigning a name it reads
# afterwards does not change it (function expressions excepted: their bodies read names when
# called). See test_python_parser.py.
CAPTURED_NAMES = {
    "a name bound from a name": (
        """\
        let a = "p";
        const name = a;
        a = "r";
        await context.step(name, async () => 1);
        """,
        [("p", "p", False)],
    ),
    "a template literal": (
        """\
        let a = "p";
        const name = `x-${a}`;
        a = "r";
        await context.step(name, async () => 1);
        """,
        [("x-p", "x-p", False)],
    ),
    "a concatenation": (
        """\
        let a = "p";
        const name = "x-" + a;
        a = "r";
        await context.step(name, async () => 1);
        """,
        [("x-p", "x-p", False)],
    ),
    "through a chain of names": (
        """\
        let a = "p";
        let b = a;
        const name = b;
        a = "r";
        b = "q";
        await context.step(name, async () => 1);
        """,
        [("p", "p", False)],
    ),
    "a let assigned later": (
        """\
        let a = "p";
        let name;
        name = a;
        a = "r";
        await context.step(name, async () => 1);
        """,
        [("p", "p", False)],
    ),
    "reassigned to a value not shown": (
        """\
        let a = "p";
        const name = a;
        a += event.suffix;
        await context.step(name, async () => 1);
        await context.step(a, async () => 1);
        """,
        [("p", "p", False), ("{a}", "{}", True)],
    ),
    "read before and after the reassignment": (
        """\
        let a = "p";
        const name = a;
        await context.step(name, async () => 1);
        a = "r";
        await context.step(name, async () => 1);
        await context.step(a, async () => 1);
        """,
        [("p", "p", False), ("p", "p", False), ("r", "r", False)],
    ),
    "a runtime name stays runtime": (
        """\
        let id = event.id;
        const name = `x-${id}`;
        id = "r";
        await context.step(name, async () => 1);
        """,
        [("x-{event.id}", "x-{}", True)],
    ),
    "reassigned in a branch": (
        """\
        let a = "p";
        const name = a;
        if (event.flag) { a = "r"; }
        await context.step(name, async () => 1);
        """,
        [("p", "p", False)],
    ),
    "reassigned alike on every way": (
        """\
        let a = "p";
        const name = a;
        if (event.flag) { a = "r"; } else { a = "r"; }
        await context.step(name, async () => 1);
        await context.step(a, async () => 1);
        """,
        [("p", "p", False), ("r", "r", False)],
    ),
    "a parameter reassigned in a finally": (
        """\
        const name = `x-${event}`;
        try {
          await context.step("work", async () => 1);
        } finally {
          event = {};
        }
        await context.step(name, async () => 1);
        """,
        [("work", "work", False), ("x-{event}", "x-{}", True)],
    ),
    "bound in a branch, reassigned after the join": (
        """\
        let a = "p";
        let name;
        if (event.flag) { name = `x-${a}`; } else { name = `x-${a}`; }
        a = "r";
        await context.step(name, async () => 1);
        """,
        [("x-p", "x-p", False)],
    ),
    "bound in a loop from a name the loop assigns": (
        """\
        let a = "p";
        for (const item of event.items) {
          const name = a;
          a = "r";
          await context.step(name, async () => 1);
        }
        """,
        [("{a}", "{}", True)],
    ),
    "reassigned by a closure": (
        """\
        let a = "p";
        const name = a;
        const rename = () => { a = "r"; };
        rename();
        await context.step(name, async () => 1);
        """,
        [("p", "p", False)],
    ),
    "an arrow reads names when called": (
        """\
        let a = "p";
        const work = async (ctx: DurableContext) => ctx.step(a, async () => 1);
        const label = `l-${a}`;
        a = "r";
        await context.runInChildContext("child", work);
        await context.step(label, async () => 1);
        """,
        [("r", "r", False), ("l-p", "l-p", False)],
    ),
    "in a helper, from its parameter": (
        """\
        let a = "p";
        await helper(context, a);
        """,
        [("p", "p", False), ("z", "z", False)],
    ),
}

_CAPTURED_HELPER = """\
async function helper(ctx: DurableContext, label: string) {
  const name = label;
  label = "z";
  await ctx.step(name, async () => 1);
  await ctx.step(label, async () => 1);
}
"""


@pytest.mark.parametrize("form", list(CAPTURED_NAMES))
def test_name_bound_from_a_name_reassigned_later_keeps_its_value(form: str) -> None:
    body, expected = CAPTURED_NAMES[form]
    workflow = workflow_of(handler(body, before=_CAPTURED_HELPER))
    steps = [n for n in walk(workflow.nodes) if n.kind is Kind.STEP]
    assert [(s.label, s.name, s.dynamic) for s in steps] == expected
