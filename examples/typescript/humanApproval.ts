/**
 * Expense approval with a human in the loop.
 *
 * `handler` records an expense claim, asks the requester's manager to approve it
 * through a callback and acts on the decision; anything other than a clear yes
 * or no goes to the finance team through waitForCallback. The receipt goes out
 * by e-mail or SMS depending on the claim.
 *
 * `escalationHandler` is a second durable function in the same module: it pages
 * the on-call approver for claims that stalled and records the answer.
 *
 * The TypeScript port of examples/python/human_approval.py: `match` becomes a
 * `switch` with a `default`, the Python conditional expression a ternary.
 */

import { withDurableExecution } from "@aws/durable-execution-sdk-js";
import type { DurableContext, WaitForCallbackContext } from "@aws/durable-execution-sdk-js";

import { ledger, notifications, paging, tickets } from "./lib/expenses";

const FINANCE_QUEUE = "finance-approvals";

interface Claim {
  id: string;
  manager: string;
  requester: string;
  contact: "email" | "sms";
}

export const handler = withDurableExecution(
  async (event: { claim: Claim }, context: DurableContext) => {
    const claim = event.claim;

    await context.step("record-claim", async () => ledger.recordClaim(claim));

    // The callback id goes out in the request; the promise settles when the manager answers.
    const [approval, callbackId] = await context.createCallback<{ outcome: string }>(
      "manager-approval",
      { timeout: { hours: 24 }, heartbeatTimeout: { minutes: 30 } },
    );
    await context.step("send-approval-request", async () =>
      notifications.askManager(claim.manager, claim, callbackId),
    );
    const decision = await approval;

    const openFinanceTicket = async (replyToken: string, ctx: WaitForCallbackContext) => {
      // Runs inside the SDK's submitter step; only plain calls here.
      ctx.logger.info("routing claim to finance", { claim: claim.id });
      await tickets.open(FINANCE_QUEUE, claim, replyToken);
    };

    switch (decision.outcome) {
      case "approved":
        await context.step("schedule-payout", async () => ledger.schedulePayout(claim));
        break;
      case "rejected":
        await context.step("notify-rejection", async () =>
          notifications.tellRequester(claim.requester, "rejected"),
        );
        return { claim: claim.id, status: "rejected" };
      default: {
        const review = await context.waitForCallback<{ approved: boolean }>(
          "finance-review",
          openFinanceTicket,
          { timeout: { days: 3 } },
        );
        if (!review.approved) {
          return { claim: claim.id, status: "rejected-by-finance" };
        }
        await context.step(async () => ledger.schedulePayout(claim));
      }
    }

    const receipt =
      claim.contact === "email"
        ? await context.step("email-receipt", async () => notifications.emailReceipt(claim))
        : await context.step("sms-receipt", async () => notifications.smsReceipt(claim));
    return { claim: claim.id, status: "paid", receipt: receipt.messageId };
  },
);

/** A submitter factory: the returned function pages the approver through a named step. */
function pageOnCall(claim: Claim, approver: string) {
  return async (callbackId: string, ctx: DurableContext) => {
    await ctx.step("page-approver", async () =>
      paging.page(approver, `Claim ${claim.id} needs a decision`, callbackId),
    );
  };
}

export const escalationHandler = withDurableExecution(
  async (event: { claim: Claim }, context: DurableContext) => {
    const claim = event.claim;
    const approver = await context.step("find-on-call", async () =>
      paging.currentOnCall("expense-approvers"),
    );

    const answer = await context.waitForCallback<{ approved: boolean }>(
      "page_on_call",
      pageOnCall(claim, approver.id),
      { timeout: { hours: 4 }, heartbeatTimeout: { minutes: 15 } },
    );

    if (answer.approved) {
      await context.step("escalated-payout", async () => ledger.schedulePayout(claim));
    } else {
      await context.step("escalated-rejection", async () =>
        notifications.tellRequester(claim.requester, "rejected"),
      );
    }
    return { claim: claim.id, approved: Boolean(answer.approved) };
  },
);
