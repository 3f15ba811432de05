"""Order processor.

Validates an incoming order, then reserves stock, charges the card and scores
fraud risk side by side. Premium, business and standard orders each get their
own handling before the order waits out the warehouse settle window and is
handed to the shipping service. The customer is notified at the end.
"""

from enum import Enum

from aws_durable_execution_sdk_python import (
    DurableContext,
    ParallelBranch,
    durable_execution,
)
from aws_durable_execution_sdk_python.config import (
    CompletionConfig,
    Duration,
    InvokeConfig,
    ParallelConfig,
    StepConfig,
    StepSemantics,
)
from aws_durable_execution_sdk_python.retries import RetryPresets

from billing import charge_card, issue_invoice
from inventory import assign_priority_picker, reserve_items
from risk import score_order

VALIDATE = "validate-order"
RESERVE = "reserve-inventory"
CHECKS = "pre-fulfilment-checks"
SHIPPING_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:shipping-service:live"


class Steps(str, Enum):
    PRIORITY_PICK = "priority-pick"
    NOTIFY = "notify-customer"


class InvalidOrderError(Exception):
    """The order failed validation and cannot be processed."""


@durable_execution
def handler(event, context: DurableContext):
    order = event["order"]

    validation = context.step(lambda _: validate_order(order), name=VALIDATE)
    ok = validation["valid"]
    if not ok:
        raise InvalidOrderError(validation["reason"])

    def reserve_stock(ctx: DurableContext):
        return ctx.step(lambda _: reserve_items(order["id"], order["items"]), name=RESERVE)

    def take_payment(ctx: DurableContext):
        # Charging twice is worse than not charging: run the body at most once
        # per retry attempt and use the critical retry preset.
        return ctx.step(
            lambda _: charge_card(order["payment_token"], order["total"]),
            name="charge-card",
            config=StepConfig(
                retry_strategy=RetryPresets.critical(),
                step_semantics=StepSemantics.AT_MOST_ONCE_PER_RETRY,
            ),
        )

    checks = context.parallel(
        [
            reserve_stock,
            ParallelBranch(take_payment, "take-payment"),
            lambda ctx: ctx.step(lambda _: score_order(order)),
        ],
        name=CHECKS,
        config=ParallelConfig(
            max_concurrency=3,
            completion_config=CompletionConfig.all_successful(),
        ),
    )
    reservation, payment, risk = checks.get_results()

    tier = order.get("tier", "standard")
    if tier == "premium":
        context.step(
            lambda _: assign_priority_picker(reservation["warehouse"], order["id"]),
            name=Steps.PRIORITY_PICK,
        )
    elif tier == "business":
        context.step(lambda _: issue_invoice(order["account_id"], payment["charge_id"]))
    else:
        context.wait(Duration.from_minutes(15), name="standard-batch-window")

    # Give the warehouse system time to settle the reservation before shipping.
    context.wait(Duration.from_seconds(30), name="warehouse-settle")

    shipment = context.invoke(
        SHIPPING_FUNCTION,
        {
            "order_id": order["id"],
            "warehouse": reservation["warehouse"],
            "address": order["shipping_address"],
            "express": tier == "premium",
        },
        name="create-shipment",
        config=InvokeConfig(tenant_id=order["merchant_id"]),
    )

    context.step(
        lambda _: send_confirmation(order["email"], order["id"], shipment["tracking_number"]),
        name=Steps.NOTIFY,
    )

    return {
        "order_id": order["id"],
        "charge_id": payment["charge_id"],
        "risk_score": risk["score"],
        "tracking_number": shipment["tracking_number"],
    }


def validate_order(order):
    """Plain check with no side effects: items present, totals add up."""
    if not order.get("items"):
        return {"valid": False, "reason": "order has no items"}
    expected = sum(item["price"] * item["quantity"] for item in order["items"])
    if round(expected, 2) != round(order["total"], 2):
        return {"valid": False, "reason": "total does not match line items"}
    return {"valid": True, "reason": None}


def send_confirmation(email, order_id, tracking_number):
    print(f"mail to {email}: order {order_id} shipped, tracking {tracking_number}")
    return {"sent": True}
