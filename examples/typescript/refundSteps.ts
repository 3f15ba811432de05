/**
 * Steps the refund workflow shares with other workflows. Nothing here is a
 * handler: `closeTicket` receives the caller's context and records a parallel
 * named by its caller (an options object it destructures), so two calls give
 * two differently named parallels.
 */

import type { DurableContext } from "@aws/durable-execution-sdk-js";

import { helpdesk, mail } from "./lib/support";

interface CloseOptions {
  name: string;
  ticketId: string;
}

export async function closeTicket(ctx: DurableContext, { name, ticketId }: CloseOptions) {
  return ctx.parallel(name, [
    { name: "mark-closed", func: async (branch: DurableContext) =>
        branch.step("mark-ticket-closed", async () => helpdesk.close(ticketId)) },
    { name: "tell-customer", func: async (branch: DurableContext) =>
        branch.step("mail-customer", async () => mail.ticketClosed(ticketId)) },
  ]);
}
