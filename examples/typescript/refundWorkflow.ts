/**
 * Refund workflow (TypeScript-only constructs).
 *
 * - The handler is a function declared in the file, wrapped by
 *   `withDurableExecution` and exported under another name (`handler`).
 * - `createCallback` destructuring: the callback id goes to the approver, the
 *   promise is awaited later.
 * - `switch` with fallthrough: a `partial` refund also does everything a
 *   `full` refund does, and `"store-credit"` shares its case with `"voucher"`.
 *   A `break` inside an `if` ends its case early.
 * - `.catch()` on a durable promise: a try around the step, its callback the
 *   handler.
 * - A helper imported from a relative module (`./refundSteps`) called twice with
 *   two names passed in an options object it destructures: two parallels, each
 *   named at its call site.
 * - `withRetry` with a name around a flaky payment call.
 */

import {
  createRetryStrategy,
  withDurableExecution,
  withRetry,
  type DurableContext,
} from "@aws/durable-execution-sdk-js";

import { closeTicket } from "./refundSteps";
import { ledger, payments } from "./lib/billing";

type RefundKind = "full" | "partial" | "store-credit" | "voucher";

async function processRefund(
  event: { ticketId: string; kind: RefundKind; amount: number },
  context: DurableContext,
) {
  const [approval, callbackId] = await context.createCallback<boolean>("refund-approval", {
    timeout: { hours: 48 },
  });
  await context.step("request-approval", async () => ledger.requestApproval(callbackId, event));
  if (!(await approval)) {
    await closeTicket(context, { name: "close-rejected", ticketId: event.ticketId });
    return { refunded: false };
  }

  switch (event.kind) {
    case "partial":
      await context.step("prorate", async () => ledger.prorate(event.amount));
    // falls through: a partial refund is then paid like a full one
    case "full":
      await withRetry(
        context,
        "pay-refund",
        async (ctx: DurableContext) => ctx.step("send-payment", async () => payments.refund(event)),
        { retryStrategy: createRetryStrategy({ maxAttempts: 4 }) },
      );
      break;
    case "store-credit":
    case "voucher":
      if (event.amount === 0) {
        break; // nothing to credit
      }
      await context
        .step("issue-credit", async () => ledger.issueCredit(event))
        .catch(async (error: unknown) => {
          await context.step("alert-finance", async () => ledger.alert(event, error));
          throw error;
        });
      break;
    default:
      throw new Error(`unknown refund kind ${event.kind}`);
  }

  await closeTicket(context, { name: "close-refunded", ticketId: event.ticketId });
  return { refunded: true };
}

const refund = withDurableExecution(processRefund);

export { refund as handler };
