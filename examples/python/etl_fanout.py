"""Nightly ETL fan-out.

Registers the day's upload manifests as they stream in, then maps over every
new object: each file is extracted and cleaned in its own child context and
written to two sinks (Parquet and the search index) in parallel. Afterwards the
touched partitions are loaded into the warehouse one by one and the daily
aggregates are rebuilt in a virtual child context. Watermarks are written at
the start and the end of the run.
"""

from aws_durable_execution_sdk_python import (
    DurableContext,
    durable_execution,
    durable_step,
    durable_with_child_context,
)
from aws_durable_execution_sdk_python.config import (
    ChildConfig,
    CompletionConfig,
    Duration,
    MapConfig,
    NestingType,
    ParallelConfig,
)

from etl_lib import catalog, dashboards, search, storage, warehouse

SOURCE_BUCKET = "acme-raw-uploads"


@durable_step
async def register_manifest(step_ctx, manifest):
    return await catalog.register(manifest["id"], manifest["objects"])


@durable_step
async def load(step_ctx, partition):
    step_ctx.logger.info("loading partition %s", partition)
    return await warehouse.load_partition(partition)


@durable_with_child_context
async def build_aggregates(ctx: DurableContext, run_date: str):
    totals = await ctx.step(lambda _: warehouse.daily_totals(run_date), name="daily-totals")
    await ctx.wait(Duration.from_seconds(10), name="replica-catch-up")
    return await ctx.step(lambda _: dashboards.publish(run_date, totals), name="publish-dashboard")


async def checkpoint(ctx: DurableContext, name: str):
    """Record a named watermark so operators can see how far a run got."""
    return await ctx.step(lambda _: catalog.write_watermark(name), name=name)


async def transform_file(ctx: DurableContext, key: str, index: int, keys):
    raw = await ctx.step(lambda _: storage.read_object(SOURCE_BUCKET, key), name="extract")
    rows = await ctx.step(lambda _: clean_rows(raw), name="clean")

    async def to_parquet(branch_ctx: DurableContext):
        return await branch_ctx.step(lambda _: storage.write_parquet(key, rows), name="write-parquet")

    async def to_search(branch_ctx: DurableContext):
        return await branch_ctx.step(lambda _: search.index_rows(key, rows), name="index-rows")

    return await ctx.parallel(
        [to_parquet, to_search],
        name="write-sinks",
        config=ParallelConfig(max_concurrency=2),
    )


@durable_execution
async def handler(event, context: DurableContext):
    run_date = event["run_date"]
    await checkpoint(context, "etl-started")

    async for manifest in storage.stream_manifests(SOURCE_BUCKET, run_date):
        await context.step(register_manifest(manifest))

    keys = await context.step(
        lambda _: storage.list_new_objects(SOURCE_BUCKET, run_date),
        name="list-new-objects",
    )

    transformed = await context.map(
        inputs=keys,
        func=transform_file,
        name="transform-files",
        config=MapConfig(
            max_concurrency=10,
            completion_config=CompletionConfig.all_completed(),
            item_namer=lambda key, i: f"file-{i}-{key.rsplit('/', 1)[-1]}",
            nesting_type=NestingType.FLAT,
        ),
    )

    partitions = sorted({partition_of(key) for key in keys})
    loaded = [await context.step(load(p)) for p in partitions]

    await context.run_in_child_context(
        build_aggregates(run_date),
        config=ChildConfig(is_virtual=True),
    )

    await checkpoint(context, "etl-finished")
    return {
        "files": len(keys),
        "failed_files": transformed.failure_count,
        "partitions_loaded": len(loaded),
    }


def clean_rows(raw):
    return [row for row in raw["rows"] if row.get("id") and not row.get("deleted")]


def partition_of(key: str) -> str:
    # keys look like "events/dt=2026-01-31/part-0001.json"
    return key.split("/")[1]
