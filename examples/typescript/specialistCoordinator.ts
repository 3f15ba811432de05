/**
 * Support-ticket coordinator.
 *
 * Gathers customer context, asks every specialist in the registry (billing,
 * technical, legal) for an opinion in parallel, checks the answer against each
 * regional policy, waits for a specialist follow-up when one is requested,
 * summarises the findings and hands the reply to the responder function.
 *
 * The TypeScript port of examples/python/specialist_coordinator.py. The
 * specialist branches come from `.map()` over a module-level object: one branch
 * per key, named by it. The summary helper is imported from a relative module.
 */

import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";

import { redact, summarize } from "./coordinatorHelpers";
import { crm, helpdesk, policies, specialists } from "./lib/supportKb";

const SPECIALISTS = {
  billing: "You handle invoices, refunds and plan changes.",
  technical: "You diagnose outages, errors and integration problems.",
  legal: "You review contract terms, data requests and compliance questions.",
} as const;
const REGIONS = ["us", "eu", "ap"];
const RESPONDER_FUNCTION = "support-responder";
const URGENT_RESPONDER_FUNCTION = "support-responder-urgent";

async function crmProfile(ctx: DurableContext, customerId: string) {
  return ctx.step("load-profile", async () => crm.profile(customerId));
}

async function ticketHistory(ctx: DurableContext, customerId: string, limit: number) {
  return ctx.step("load-history", async () => helpdesk.recentTickets(customerId, limit));
}

/** Build the branch body that asks one specialist about the ticket. */
function consult(specialist: string, brief: string, ticket: { body: string }) {
  const ask = async (ctx: DurableContext) =>
    ctx.step(`ask-${specialist}`, async () => specialists.ask(specialist, brief, ticket.body));
  return ask;
}

export const handler = withDurableExecution(async (event, context: DurableContext) => {
  const ticket = event.ticket;
  const customerId = ticket.customerId;

  const background = await context.parallel(
    "gather-context",
    [
      { name: "crm-profile", func: (ctx: DurableContext) => crmProfile(ctx, customerId) },
      { name: "ticket-history", func: (ctx: DurableContext) => ticketHistory(ctx, customerId, 20) },
    ],
    { completionConfig: { toleratedFailureCount: 0 } },
  );
  const [profile, history] = background.getResults();

  const opinions = (
    await context.parallel(
      "consult-specialists",
      Object.entries(SPECIALISTS).map(([key, brief]) => ({
        name: key,
        func: consult(key, brief, ticket),
      })),
      { maxConcurrency: Object.keys(SPECIALISTS).length },
    )
  ).getResults();

  const draft = await context.step(async () => specialists.merge(opinions, profile, history));

  const checkRegion = async (ctx: DurableContext, region: string, index: number) =>
    ctx.step(`policy-${region}`, async () => policies.check(region, draft.text));

  await context.map("regional-policy-check", REGIONS, checkRegion, {
    maxConcurrency: 3,
    itemNamer: (region: string) => `region-${region}`,
  });

  if (opinions.some((opinion) => opinion.needsFollowUp)) {
    await context.wait("specialist-follow-up", { minutes: 10 });
  }

  const summary = await summarize(context, "resolution");

  const urgent = profile.plan === "enterprise" || ticket.severity === "high";
  const response = await context.invoke(
    "send-response",
    urgent ? URGENT_RESPONDER_FUNCTION : RESPONDER_FUNCTION,
    {
      ticketId: ticket.id,
      summary: redact(summary.text),
      draft: redact(draft.text),
    },
  );
  return { ticketId: ticket.id, responseId: response.id, urgent };
});
