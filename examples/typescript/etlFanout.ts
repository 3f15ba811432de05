/**
 * Nightly ETL fan-out.
 *
 * Registers the day's upload manifests as they stream in, then maps over every
 * new object: each file is extracted and cleaned in its own child context and
 * written to two sinks (Parquet and the search index) in parallel. Afterwards the
 * touched partitions are loaded into the warehouse one by one and the daily
 * aggregates are rebuilt in a virtual child context. Watermarks are written at
 * the start and the end of the run.
 *
 * The TypeScript port of examples/python/etl_fanout.py. Python's decorated
 * step functions name their steps; here each step is named where it is called.
 */

import {
  NestingType,
  withDurableExecution,
  type DurableContext,
} from "@aws/durable-execution-sdk-js";

import { catalog, dashboards, search, storage, warehouse } from "./lib/etl";

const SOURCE_BUCKET = "acme-raw-uploads";

async function buildAggregates(ctx: DurableContext, runDate: string) {
  const totals = await ctx.step("daily-totals", async () => warehouse.dailyTotals(runDate));
  await ctx.wait("replica-catch-up", { seconds: 10 });
  return ctx.step("publish-dashboard", async () => dashboards.publish(runDate, totals));
}

/** Record a named watermark so operators can see how far a run got. */
async function checkpoint(ctx: DurableContext, name: string) {
  return ctx.step(name, async () => catalog.writeWatermark(name));
}

async function transformFile(ctx: DurableContext, key: string, index: number, keys: string[]) {
  const raw = await ctx.step("extract", async () => storage.readObject(SOURCE_BUCKET, key));
  const rows = await ctx.step("clean", async () => cleanRows(raw));

  const toParquet = async (branchCtx: DurableContext) =>
    branchCtx.step("write-parquet", async () => storage.writeParquet(key, rows));

  const toSearch = async (branchCtx: DurableContext) =>
    branchCtx.step("index-rows", async () => search.indexRows(key, rows));

  return ctx.parallel("write-sinks", [toParquet, toSearch], { maxConcurrency: 2 });
}

export const handler = withDurableExecution(
  async (event: { runDate: string }, context: DurableContext) => {
    const runDate = event.runDate;
    await checkpoint(context, "etl-started");

    for await (const manifest of storage.streamManifests(SOURCE_BUCKET, runDate)) {
      await context.step("register_manifest", async () =>
        catalog.register(manifest.id, manifest.objects),
      );
    }

    const keys: string[] = await context.step("list-new-objects", async () =>
      storage.listNewObjects(SOURCE_BUCKET, runDate),
    );

    const transformed = await context.map("transform-files", keys, transformFile, {
      maxConcurrency: 10,
      completionConfig: { toleratedFailurePercentage: 100 },
      itemNamer: (key: string, i: number) => `file-${i}-${key.split("/").pop()}`,
      nesting: NestingType.FLAT,
    });

    const partitions = [...new Set(keys.map(partitionOf))].sort();
    const loaded = [];
    for (const p of partitions) {
      loaded.push(await context.step("load", async () => warehouse.loadPartition(p)));
    }

    await context.runInChildContext(
      "build_aggregates",
      (ctx: DurableContext) => buildAggregates(ctx, runDate),
      { virtualContext: true },
    );

    await checkpoint(context, "etl-finished");
    return {
      files: keys.length,
      failedFiles: transformed.failureCount,
      partitionsLoaded: loaded.length,
    };
  },
);

function cleanRows(raw: { rows: { id?: string; deleted?: boolean }[] }) {
  return raw.rows.filter((row) => row.id && !row.deleted);
}

function partitionOf(key: string): string {
  // keys look like "events/dt=2026-01-31/part-0001.json"
  return key.split("/")[1];
}
