"""Support-ticket coordinator.

Gathers customer context, asks every specialist in the registry (billing,
technical, legal) for an opinion in parallel, checks the answer against each
regional policy, waits for a specialist follow-up when one is requested,
summarises the findings and hands the reply to the responder function.
"""

from aws_durable_execution_sdk_python import (
    DurableContext,
    ParallelBranch,
    durable_execution,
    durable_parallel_branch,
)
from aws_durable_execution_sdk_python.config import (
    CompletionConfig,
    Duration,
    MapConfig,
    ParallelConfig,
)

from coordinator_helpers import redact, summarize
from support_kb import crm, helpdesk, policies, specialists

SPECIALISTS = {
    "billing": "You handle invoices, refunds and plan changes.",
    "technical": "You diagnose outages, errors and integration problems.",
    "legal": "You review contract terms, data requests and compliance questions.",
}
REGIONS = ["us", "eu", "ap"]
RESPONDER_FUNCTION = "support-responder"
URGENT_RESPONDER_FUNCTION = "support-responder-urgent"


@durable_parallel_branch(name="crm-profile")
def crm_profile(ctx: DurableContext, customer_id: str):
    return ctx.step(lambda _: crm.profile(customer_id), name="load-profile")


@durable_parallel_branch(name="ticket-history")
def ticket_history(ctx: DurableContext, customer_id: str, limit: int):
    return ctx.step(lambda _: helpdesk.recent_tickets(customer_id, limit), name="load-history")


def consult(specialist: str, brief: str, ticket):
    """Build the branch body that asks one specialist about the ticket."""

    def ask(ctx: DurableContext):
        return ctx.step(
            lambda _: specialists.ask(specialist, brief, ticket["body"]),
            name=f"ask-{specialist}",
        )

    return ask


@durable_execution
def handler(event, context: DurableContext):
    ticket = event["ticket"]
    customer_id = ticket["customer_id"]

    background = context.parallel(
        [crm_profile(customer_id), ticket_history(customer_id, 20)],
        name="gather-context",
        config=ParallelConfig(completion_config=CompletionConfig.all_successful()),
    )
    profile, history = background.get_results()

    opinions = context.parallel(
        [
            ParallelBranch(consult(key, brief, ticket), name=key)
            for key, brief in SPECIALISTS.items()
        ],
        name="consult-specialists",
        config=ParallelConfig(max_concurrency=len(SPECIALISTS)),
    ).get_results()

    draft = context.step(lambda _: specialists.merge(opinions, profile, history))

    def check_region(ctx: DurableContext, region: str, index: int, regions):
        return ctx.step(lambda _: policies.check(region, draft["text"]), name=f"policy-{region}")

    context.map(
        REGIONS,
        check_region,
        name="regional-policy-check",
        config=MapConfig(
            max_concurrency=3,
            item_namer=lambda region, i: f"region-{region}",
        ),
    )

    if any(opinion.get("needs_follow_up") for opinion in opinions):
        context.wait(Duration.from_minutes(10), name="specialist-follow-up")

    summary = summarize(context, "resolution")

    urgent = profile.get("plan") == "enterprise" or ticket.get("severity") == "high"
    response = context.invoke(
        function_name=URGENT_RESPONDER_FUNCTION if urgent else RESPONDER_FUNCTION,
        payload={
            "ticket_id": ticket["id"],
            "summary": redact(summary["text"]),
            "draft": redact(draft["text"]),
        },
        name="send-response",
    )
    return {"ticket_id": ticket["id"], "response_id": response["id"], "urgent": urgent}
