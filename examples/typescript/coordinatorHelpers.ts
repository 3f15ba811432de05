/**
 * Helpers shared by the specialist coordinator.
 *
 * Nothing here is a durable handler; these functions receive the caller's
 * DurableContext and record their operations in the caller's workflow.
 */

import type { DurableContext } from "@aws/durable-execution-sdk-js";

import { knowledgeBase } from "./lib/supportKb";

/** Wait for the knowledge base to index new notes, then summarise a topic. */
export async function summarize(ctx: DurableContext, topic: string) {
  await ctx.wait("await-indexing", { seconds: 45 });
  return ctx.step(`summarize-${topic}`, async () =>
    knowledgeBase.summarizeNotes(topic, { maxWords: 200 }),
  );
}

/** Plain helper: strip card numbers before text leaves the coordinator. */
export function redact(text: string): string {
  return text
    .split(/\s+/)
    .map((word) => (/^\d{12,}$/.test(word) ? "[redacted]" : word))
    .join(" ");
}
