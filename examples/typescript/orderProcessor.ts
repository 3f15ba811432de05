/**
 * Order processor.
 *
 * Validates an incoming order, then reserves stock, charges the card and scores
 * fraud risk side by side. Premium, business and standard orders each get their
 * own handling before the order waits out the warehouse settle window and is
 * handed to the shipping service. The customer is notified at the end.
 *
 * The TypeScript port of examples/python/order_processor.py: the same step
 * names and the same graph.
 */

import {
  DurableContext,
  StepSemantics,
  createRetryStrategy,
  withDurableExecution,
} from "@aws/durable-execution-sdk-js";

import { chargeCard, issueInvoice } from "./lib/billing";
import { assignPriorityPicker, reserveItems } from "./lib/inventory";
import { scoreOrder } from "./lib/risk";

const VALIDATE = "validate-order";
const RESERVE = "reserve-inventory";
const CHECKS = "pre-fulfilment-checks";
const SHIPPING_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:shipping-service:live";

enum Steps {
  PriorityPick = "priority-pick",
  Notify = "notify-customer",
}

class InvalidOrderError extends Error {}

interface Order {
  id: string;
  tier?: "premium" | "business" | "standard";
  items: { sku: string; price: number; quantity: number }[];
  total: number;
  paymentToken: string;
  accountId: string;
  merchantId: string;
  email: string;
  shippingAddress: string;
}

export const handler = withDurableExecution(
  async (event: { order: Order }, context: DurableContext) => {
    const order = event.order;

    const validation = await context.step(VALIDATE, async () => validateOrder(order));
    const ok = validation.valid;
    if (!ok) {
      throw new InvalidOrderError(validation.reason ?? "invalid order");
    }

    const reserveStock = async (ctx: DurableContext) =>
      ctx.step(RESERVE, async () => reserveItems(order.id, order.items));

    async function takePayment(ctx: DurableContext) {
      // Charging twice is worse than not charging: run the body at most once
      // per retry attempt, with a short retry budget.
      return ctx.step("charge-card", async () => chargeCard(order.paymentToken, order.total), {
        retryStrategy: createRetryStrategy({ maxAttempts: 2 }),
        semantics: StepSemantics.AtMostOncePerRetry,
      });
    }

    const checks = await context.parallel(
      CHECKS,
      [
        reserveStock,
        { name: "take-payment", func: takePayment },
        async (ctx: DurableContext) => ctx.step(async () => scoreOrder(order)),
      ],
      {
        maxConcurrency: 3,
        completionConfig: { toleratedFailureCount: 0 },
      },
    );
    const [reservation, payment, risk] = checks.getResults();

    const tier = order.tier ?? "standard";
    if (tier === "premium") {
      await context.step(Steps.PriorityPick, async () =>
        assignPriorityPicker(reservation.warehouse, order.id),
      );
    } else if (tier === "business") {
      await context.step(async () => issueInvoice(order.accountId, payment.chargeId));
    } else {
      await context.wait("standard-batch-window", { minutes: 15 });
    }

    // Give the warehouse system time to settle the reservation before shipping.
    await context.wait("warehouse-settle", { seconds: 30 });

    const shipment = await context.invoke(
      "create-shipment",
      SHIPPING_FUNCTION,
      {
        orderId: order.id,
        warehouse: reservation.warehouse,
        address: order.shippingAddress,
        express: tier === "premium",
      },
      { tenantId: order.merchantId },
    );

    await context.step(Steps.Notify, async () =>
      sendConfirmation(order.email, order.id, shipment.trackingNumber),
    );

    return {
      orderId: order.id,
      chargeId: payment.chargeId,
      riskScore: risk.score,
      trackingNumber: shipment.trackingNumber,
    };
  },
);

function validateOrder(order: Order): { valid: boolean; reason?: string } {
  // Plain check with no side effects: items present, totals add up.
  if (order.items.length === 0) {
    return { valid: false, reason: "order has no items" };
  }
  const expected = order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  if (expected.toFixed(2) !== order.total.toFixed(2)) {
    return { valid: false, reason: "total does not match line items" };
  }
  return { valid: true };
}

function sendConfirmation(email: string, orderId: string, trackingNumber: string) {
  console.log(`mail to ${email}: order ${orderId} shipped, tracking ${trackingNumber}`);
  return { sent: true };
}
