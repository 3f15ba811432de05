/**
 * Inventory sync across warehouses (TypeScript-only constructs).
 *
 * Shows what JavaScript code does with durable promises that Python cannot:
 * - durable promises created first and awaited later with native `Promise.all`
 *   (drawn where they are created; the combinator lists what it joins),
 * - native `Promise.all` over `.map()` of a module-level array (one branch per
 *   warehouse, named by it),
 * - `context.promise.race` written out with its operations inline,
 * - a `forEach` callback holding a durable call (drawn as a loop).
 */

import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";

import { erp, stock } from "./lib/inventory";

const WAREHOUSES = ["berlin", "dallas", "osaka"];

export const handler = withDurableExecution(
  async (event: { skus: string[] }, context: DurableContext) => {
    // Both reads start now; nothing waits until the join below.
    const catalog = context.step("load-catalog", async () => erp.catalog());
    const prices = context.step("load-prices", async () => erp.prices());
    const [items, priceList] = await Promise.all([catalog, prices]);

    // One count per warehouse, all in flight at once.
    const counts = await Promise.all(
      WAREHOUSES.map((site) => context.step(`count-${site}`, async () => stock.count(site))),
    );

    // Whichever supplier answers first wins; the other result is ignored.
    const supplier = await context.promise.race("fastest-supplier", [
      context.invoke("ask-acme", "supplier-acme", { skus: event.skus }),
      context.invoke("ask-globex", "supplier-globex", { skus: event.skus }),
    ]);

    event.skus.forEach(async (sku) => {
      await context.step(`reconcile-${sku}`, async () =>
        stock.reconcile(sku, items, priceList, counts, supplier),
      );
    });

    await context.wait("settle", { minutes: 5 });
    return { skus: event.skus.length };
  },
);
