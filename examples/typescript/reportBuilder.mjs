/**
 * Monthly report builder in plain ES-module JavaScript.
 *
 * A default export wrapping a named function expression, a map over the
 * month's accounts with the SDK's default item names, a child context per
 * report section, a do-while polling loop and optional chaining on the context.
 */

import { withDurableExecution } from "@aws/durable-execution-sdk-js";

import { accounts, renderer, storage } from "./lib/reports.mjs";

const SECTIONS = ["revenue", "churn"];

export default withDurableExecution(async function buildReport(event, context) {
  const month = event.month;
  const ids = await context.step("list-accounts", async () => accounts.active(month));

  const summaries = await context.map("summarise-accounts", ids, async (ctx, id) =>
    ctx.step(`summarise-${id}`, async () => accounts.summarise(id, month)),
  );

  for (const section of SECTIONS) {
    await context.runInChildContext(`section-${section}`, async (child) => {
      const data = await child.step("query", async () => renderer.query(section, summaries));
      await child.step("render", async () => renderer.render(section, data));
    });
  }

  let upload;
  do {
    upload = await context?.step("upload", async () => storage.upload(month));
    if (!upload.ok) {
      await context.wait("upload-backoff", { seconds: 30 });
    }
  } while (!upload.ok);

  return { month, url: upload.url };
});
