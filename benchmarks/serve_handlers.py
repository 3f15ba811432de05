"""The 300-line handlers ``benchmarks/serve.py`` times, in Python and TypeScript.

Two shapes of handler:

- *realistic* (the main figure): written like ``examples/python/*.py`` and
  ``examples/typescript/*.ts``: an order fulfilled in batches. Module docstring, imports and
  constants, a validation step and a parallel of three checks, then one block per batch (a
  step with a config, a condition with a wait and a step, a try around a charge whose handler
  calls a helper taking the context, an invoke with a payload of several lines, comments and
  plain code between the operations), a loop over the receipts, a return, and plain functions
  with bodies at the end. About one drawn node per 5-6 lines (the examples have one per 6-8):
  300 lines, 57 nodes in the JSON graph (start and end included).
- *dense* (reported only): an operation every 1.7 lines (a step, a condition, a step and a wait,
  a step, a loop of a step, again and again): 300 lines, about 180 operations (190-210 nodes).
  No real handler we know of looks like this; it shows how the time grows with the nodes.
"""

from __future__ import annotations

REALISTIC_BATCHES = 5
"""Batches in the realistic handler: 5 make it about 300 lines (57 nodes) in both languages."""

_PY_HEAD = '''\
"""Order fulfilment in batches.

Validates the order and runs the fraud, credit and address checks side by side.
Each batch of the order is then reserved, charged and handed to the carrier on
its own: a batch short of stock waits for the restock window, and a declined
charge releases the batch's stock and tells the customer before it fails the
run. The customer gets one receipt per batch at the end.
"""

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import (
    Duration,
    ParallelConfig,
    StepConfig,
    StepSemantics,
)
from aws_durable_execution_sdk_python.retries import RetryPresets

from billing import PaymentDeclinedError, charge_card, refund
from inventory import pack_parcels, release_items, reserve_items
from risk import check_address, check_credit, score_order

SHIPPING_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:shipping:live"


@durable_execution
def handler(event, context: DurableContext):
    order = event["order"]
    receipts = []

    validation = context.step(lambda _: validate_order(order), name="validate-order")
    if not validation["valid"]:
        raise ValueError(validation["reason"])

    # The three checks are independent: run them side by side.
    checks = context.parallel(
        [
            lambda ctx: ctx.step(lambda _: score_order(order), name="score-fraud"),
            lambda ctx: ctx.step(lambda _: check_credit(order), name="check-credit"),
            lambda ctx: ctx.step(lambda _: check_address(order), name="check-address"),
        ],
        name="pre-checks",
        config=ParallelConfig(max_concurrency=3),
    )
    fraud, credit, address = checks.get_results()
'''

_PY_BATCH = """
    # -- batch {i} ---------------------------------------------------------
    # Reserve the batch's stock, charge for it and hand it to the carrier. A
    # batch that cannot be fully reserved waits for the restock window first.
    batch = order["batches"][{i}]
    items = [item for item in batch["items"] if item["quantity"] > 0]
    reservation = context.step(
        lambda _: reserve_items(order["id"], items),
        name="reserve-batch-{i}",
        config=StepConfig(retry_strategy=RetryPresets.default()),
    )
    if reservation["partial"]:
        # Part of the stock is on its way: the reservation takes it as it comes.
        context.wait(Duration.from_minutes(15), name="restock-window-{i}")

    # Heavy items travel alone; the rest share parcels of up to 20 kg.
    parcels = [parcel for parcel in reservation["parcels"] if parcel["kg"] > 20]
    light = [parcel for parcel in reservation["parcels"] if parcel["kg"] <= 20]
    parcels += pack_parcels(light, limit_kg=20)

    total = sum(item["price"] * item["quantity"] for item in items)
    try:
        payment = context.step(
            lambda _: charge_card(order["payment_token"], total),
            name="charge-batch-{i}",
            config=StepConfig(step_semantics=StepSemantics.AT_MOST_ONCE_PER_RETRY),
        )
    except PaymentDeclinedError:
        # The customer hears about it; the stock goes back on the shelves.
        release_and_notify(context, order, reservation)
        raise

    shipment = context.invoke(
        SHIPPING_FUNCTION,
        {{
            "order_id": order["id"],
            "batch": {i},
            "parcels": parcels,
            "address": address["normalised"],
            "charge_id": payment["charge_id"],
        }},
        name="ship-batch-{i}",
    )
    receipts.append({{"batch": {i}, "tracking": shipment["tracking_number"], "total": total}})
"""

_PY_TAIL = '''
    # One receipt per batch, each with its own tracking number.
    for receipt in receipts:
        context.step(lambda _: send_receipt(order["email"], receipt), name="send-receipt")

    return {
        "order_id": order["id"],
        "risk": fraud["score"],
        "credit": credit["limit"],
        "receipts": receipts,
    }


def release_and_notify(context: DurableContext, order, reservation):
    """A declined charge: the stock goes back and the customer is told."""
    context.step(lambda _: release_items(reservation["id"]), name="release-stock")
    context.step(lambda _: tell_customer(order["email"], "declined"), name="notify-declined")


def validate_order(order):
    """Plain check with no side effects: items present, totals add up."""
    if not order.get("batches"):
        return {"valid": False, "reason": "order has no batches"}
    expected = sum(
        item["price"] * item["quantity"] for batch in order["batches"] for item in batch["items"]
    )
    if round(expected, 2) != round(order["total"], 2):
        return {"valid": False, "reason": "total does not match line items"}
    return {"valid": True, "reason": None}


def send_receipt(email, receipt):
    print(f"mail to {email}: batch {receipt['batch']} shipped, {receipt['tracking']}")
    return {"sent": True}


def tell_customer(email, what):
    print(f"mail to {email}: your payment was {what}")
    return {"sent": True}
'''

_TS_HEAD = """\
/**
 * Order fulfilment in batches.
 *
 * Validates the order and runs the fraud, credit and address checks side by side.
 * Each batch of the order is then reserved, charged and handed to the carrier on
 * its own: a batch short of stock waits for the restock window, and a declined
 * charge releases the batch's stock and tells the customer before it fails the run.
 */

import {
  DurableContext,
  StepSemantics,
  createRetryStrategy,
  withDurableExecution,
} from "@aws/durable-execution-sdk-js";

import { chargeCard } from "./lib/billing";
import { packParcels, releaseItems, reserveItems } from "./lib/inventory";
import { checkAddress, checkCredit, scoreOrder } from "./lib/risk";

const SHIPPING_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:shipping:live";

export const handler = withDurableExecution(async (event: OrderEvent, context: DurableContext) => {
  const order = event.order;
  const receipts: Receipt[] = [];

  const validation = await context.step("validate-order", async () => validateOrder(order));
  if (!validation.valid) {
    throw new Error(validation.reason ?? "invalid order");
  }

  // The three checks are independent: run them side by side.
  const checks = await context.parallel(
    "pre-checks",
    [
      async (ctx: DurableContext) => ctx.step("score-fraud", async () => scoreOrder(order)),
      async (ctx: DurableContext) => ctx.step("check-credit", async () => checkCredit(order)),
      async (ctx: DurableContext) => ctx.step("check-address", async () => checkAddress(order)),
    ],
    { maxConcurrency: 3 },
  );
  const [fraud, credit, address] = checks.getResults();
"""

_TS_BATCH = """
  // -- batch {i} -----------------------------------------------------------
  // Reserve the batch's stock, charge for it and hand it to the carrier. A
  // batch that cannot be fully reserved waits for the restock window first.
  const batch{i} = order.batches[{i}];
  const items{i} = batch{i}.items.filter((item) => item.quantity > 0);
  const reservation{i} = await context.step(
    "reserve-batch-{i}",
    async () => reserveItems(order.id, items{i}),
    {{ retryStrategy: createRetryStrategy({{ maxAttempts: 3 }}) }},
  );
  if (reservation{i}.partial) {{
    // Part of the stock is on its way: the reservation takes it as it comes.
    await context.wait("restock-window-{i}", {{ minutes: 15 }});
  }}

  // Heavy items travel alone; the rest share parcels of up to 20 kg.
  const heavy{i} = reservation{i}.parcels.filter((parcel) => parcel.kg > 20);
  const light{i} = reservation{i}.parcels.filter((parcel) => parcel.kg <= 20);
  const parcels{i} = [...heavy{i}, ...packParcels(light{i}, 20)];

  const total{i} = items{i}.reduce((sum, item) => sum + item.price * item.quantity, 0);
  let payment{i};
  try {{
    payment{i} = await context.step(
      "charge-batch-{i}",
      async () => chargeCard(order.paymentToken, total{i}),
      {{ semantics: StepSemantics.AtMostOncePerRetry }},
    );
  }} catch (error) {{
    // The customer hears about it; the stock goes back on the shelves.
    await releaseAndNotify(context, order, reservation{i});
    throw error;
  }}

  const shipment{i} = await context.invoke("ship-batch-{i}", SHIPPING_FUNCTION, {{
    orderId: order.id,
    batch: {i},
    parcels: parcels{i},
    address: address.normalised,
    chargeId: payment{i}.chargeId,
  }});
  receipts.push({{ batch: {i}, tracking: shipment{i}.trackingNumber, total: total{i} }});
"""

_TS_TAIL = """
  // One receipt per batch, each with its own tracking number.
  for (const receipt of receipts) {
    await context.step("send-receipt", async () => sendReceipt(order.email, receipt));
  }

  return { orderId: order.id, risk: fraud.score, credit: credit.limit, receipts };
});

async function releaseAndNotify(context: DurableContext, order: Order, reservation: Reservation) {
  // A declined charge: the stock goes back and the customer is told.
  await context.step("release-stock", async () => releaseItems(reservation.id));
  await context.step("notify-declined", async () => tellCustomer(order.email, "declined"));
}

type Item = { sku: string; price: number; quantity: number };
type Receipt = { batch: number; tracking: string; total: number };
type OrderEvent = { order: Order };

interface Order {
  id: string;
  email: string;
  total: number;
  paymentToken: string;
  batches: { items: Item[] }[];
}

interface Reservation {
  id: string;
  partial: boolean;
  parcels: { id: string; kg: number }[];
}

function validateOrder(order: Order): { valid: boolean; reason?: string } {
  // Plain check with no side effects: batches present, totals add up.
  if (order.batches.length === 0) {
    return { valid: false, reason: "order has no batches" };
  }
  const items = order.batches.flatMap((batch) => batch.items);
  const expected = items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  if (expected.toFixed(2) !== order.total.toFixed(2)) {
    return { valid: false, reason: "total does not match line items" };
  }
  return { valid: true };
}

function sendReceipt(email: string, receipt: Receipt) {
  console.log(`mail to ${email}: batch ${receipt.batch} shipped, ${receipt.tracking}`);
  return { sent: true };
}

function tellCustomer(email: string, what: string) {
  console.log(`mail to ${email}: your payment was ${what}`);
  return { sent: true };
}
"""


def realistic_python(batches: int = REALISTIC_BATCHES) -> str:
    """The realistic Python handler (see the module's docstring)."""
    body = "".join(_PY_BATCH.format(i=i) for i in range(batches))
    return _PY_HEAD + body + _PY_TAIL


def realistic_typescript(batches: int = REALISTIC_BATCHES) -> str:
    """The realistic TypeScript handler, the same workflow as :func:`realistic_python`."""
    body = "".join(_TS_BATCH.format(i=i) for i in range(batches))
    return _TS_HEAD + body + _TS_TAIL


def dense_python(lines: int) -> str:
    """A Python handler of about ``lines`` lines with an operation every 1.7 lines."""
    out = [
        "from aws_durable_execution_sdk_python import DurableContext, durable_execution",
        "from aws_durable_execution_sdk_python.config import Duration",
        "",
        "",
        "@durable_execution",
        "def handler(event, context: DurableContext):",
        "    order = context.step(lambda _: load_order(event), name='load-order')",
    ]
    index = 0
    while len(out) < lines - 2:
        out += [
            f"    # stage {index}: check, charge and wait",
            f"    checked_{index} = context.step(lambda _: check(order, {index}), "
            f"name='check-{index}')",
            f"    if checked_{index}['ok']:",
            f"        context.step(lambda _: charge(order, {index}), name='charge-{index}')",
            f"        context.wait(Duration.from_seconds({index % 50 + 1}), name='pause-{index}')",
            "    else:",
            f"        context.step(lambda _: refund(order, {index}), name='refund-{index}')",
            f"    for item in order['items_{index}']:",
            f"        context.step(lambda _: pack(item), name='pack-{index}')",
            "",
        ]
        index += 1
    out += ["    return {'status': 'done'}", ""]
    return "\n".join(out)


def dense_typescript(lines: int) -> str:
    """The TypeScript counterpart of :func:`dense_python`."""
    out = [
        'import { withDurableExecution } from "@aws/durable-execution-sdk-js";',
        "",
        "export const handler = withDurableExecution(async (event, context) => {",
        '  const order = await context.step("load-order", async () => loadOrder(event));',
    ]
    index = 0
    while len(out) < lines - 3:
        out += [
            f"  // stage {index}: check, charge and wait",
            f'  const checked{index} = await context.step("check-{index}", '
            f"async () => check(order, {index}));",
            f"  if (checked{index}.ok) {{",
            f'    await context.step("charge-{index}", async () => charge(order, {index}));',
            f'    await context.wait("pause-{index}", {{ seconds: {index % 50 + 1} }});',
            "  } else {",
            f'    await context.step("refund-{index}", async () => refund(order, {index}));',
            "  }",
            f"  for (const item of order.items{index}) {{",
            f'    await context.step("pack-{index}", async () => pack(item));',
            "  }",
        ]
        index += 1
    out += ['  return { status: "done" };', "});", ""]
    return "\n".join(out)
