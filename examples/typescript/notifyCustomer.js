/**
 * Customer notification in plain CommonJS JavaScript (no type annotations).
 *
 * The SDK is loaded with `require`, the handler is assigned to
 * `exports.handler`, the context parameter is untyped and aliased, and a
 * ternary chooses between two operations.
 */

const { withDurableExecution } = require("@aws/durable-execution-sdk-js");

const { contacts, sms, email } = require("./lib/messaging");

exports.handler = withDurableExecution(async (event, ctx) => {
  const context = ctx;
  const contact = await context.step("lookup-contact", async () => contacts.find(event.userId));

  const receipt = contact.prefersSms
    ? await context.step("send-sms", async () => sms.send(contact.phone, event.text))
    : await context.step("send-email", async () => email.send(contact.email, event.text));

  // Wait for the delivery report; the provider calls back with the id we pass it.
  const report = await context.waitForCallback(
    "delivery-report",
    async (callbackId) => {
      await (contact.prefersSms ? sms : email).watch(receipt.id, callbackId);
    },
    { timeout: { hours: 6 } },
  );

  if (!report.delivered) {
    await context.wait({ minutes: 30 });
    await context.step("retry-delivery", async () => email.send(contact.email, event.text));
  }
  return { delivered: report.delivered };
});
