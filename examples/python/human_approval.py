"""Expense approval with a human in the loop.

`handler` records an expense claim, asks the requester's manager to approve it
through a callback and acts on the decision; anything other than a clear yes
or no goes to the finance team through wait_for_callback. The receipt goes out
by e-mail or SMS depending on the claim.

`escalation_handler` is a second durable function in the same module: it pages
the on-call approver for claims that stalled and records the answer.
"""

from aws_durable_execution_sdk_python import durable_execution as durable
from aws_durable_execution_sdk_python.config import (
    CallbackConfig,
    Duration,
    WaitForCallbackConfig,
)
from aws_durable_execution_sdk_python.context import (
    DurableContext,
    durable_wait_for_callback,
)

from expenses import ledger, notifications, paging, tickets

FINANCE_QUEUE = "finance-approvals"


@durable
def handler(event, context: DurableContext):
    claim = event["claim"]

    context.step(lambda _: ledger.record_claim(claim), name="record-claim")

    approval = context.create_callback(
        name="manager-approval",
        config=CallbackConfig(
            timeout=Duration.from_hours(24),
            heartbeat_timeout=Duration.from_minutes(30),
        ),
    )
    context.step(
        lambda _: notifications.ask_manager(claim["manager"], claim, approval.callback_id),
        name="send-approval-request",
    )
    decision = approval.result()

    def open_finance_ticket(callback_id: str, ctx):
        # Runs inside the SDK's submitter step; only plain calls here.
        ctx.logger.info("routing claim %s to finance", claim["id"])
        tickets.open(FINANCE_QUEUE, claim, reply_token=callback_id)

    match decision.get("outcome"):
        case "approved":
            context.step(lambda _: ledger.schedule_payout(claim), name="schedule-payout")
        case "rejected":
            context.step(
                lambda _: notifications.tell_requester(claim["requester"], "rejected"),
                name="notify-rejection",
            )
            return {"claim": claim["id"], "status": "rejected"}
        case _:
            review = context.wait_for_callback(
                open_finance_ticket,
                name="finance-review",
                config=WaitForCallbackConfig(timeout=Duration.from_days(3)),
            )
            if not review.get("approved"):
                return {"claim": claim["id"], "status": "rejected-by-finance"}
            context.step(lambda _: ledger.schedule_payout(claim))

    receipt = (
        context.step(lambda _: notifications.email_receipt(claim), name="email-receipt")
        if claim.get("contact") == "email"
        else context.step(lambda _: notifications.sms_receipt(claim), name="sms-receipt")
    )
    return {"claim": claim["id"], "status": "paid", "receipt": receipt["message_id"]}


@durable_wait_for_callback
def page_on_call(callback_id: str, ctx, claim: dict, approver: str):
    # This submitter does its paging through a named step of its own.
    ctx.step(
        lambda _: paging.page(approver, f"Claim {claim['id']} needs a decision", callback_id),
        name="page-approver",
    )


@durable
def escalation_handler(event, context: DurableContext):
    claim = event["claim"]
    approver = context.step(
        lambda _: paging.current_on_call("expense-approvers"),
        name="find-on-call",
    )

    answer = context.wait_for_callback(
        page_on_call(claim, approver["id"]),
        config=WaitForCallbackConfig(
            timeout=Duration.from_hours(4),
            heartbeat_timeout=Duration.from_minutes(15),
        ),
    )

    if answer.get("approved"):
        context.step(lambda _: ledger.schedule_payout(claim), name="escalated-payout")
    else:
        context.step(
            lambda _: notifications.tell_requester(claim["requester"], "rejected"),
            name="escalated-rejection",
        )
    return {"claim": claim["id"], "approved": bool(answer.get("approved"))}
