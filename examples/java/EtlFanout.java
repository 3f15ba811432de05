package com.acme.etl;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import software.amazon.lambda.durable.DurableContext;
import software.amazon.lambda.durable.DurableHandler;
import software.amazon.lambda.durable.TypeToken;
import software.amazon.lambda.durable.config.CompletionConfig;
import software.amazon.lambda.durable.config.MapConfig;
import software.amazon.lambda.durable.config.NestingType;
import software.amazon.lambda.durable.config.ParallelConfig;
import software.amazon.lambda.durable.config.RunInChildContextConfig;

/**
 * Nightly ETL fan-out.
 *
 * <p>Registers the day's upload manifests as they stream in, then maps over every new object:
 * each file is extracted and cleaned in its own child context and written to two sinks (Parquet
 * and the search index) in parallel. Afterwards the touched partitions are loaded into the
 * warehouse one by one and the daily aggregates are rebuilt in a virtual child context.
 * Watermarks are written at the start and the end of the run.
 */
public class EtlFanout extends DurableHandler<EtlEvent, Map<String, Integer>> {

    static final String SOURCE_BUCKET = "acme-raw-uploads";

    @Override
    public Map<String, Integer> handleRequest(EtlEvent event, DurableContext context) {
        String runDate = event.runDate();
        checkpoint(context, "etl-started");

        for (Manifest manifest : Storage.streamManifests(SOURCE_BUCKET, runDate)) {
            context.step("register_manifest", Registration.class, s -> Catalog.register(manifest.id(), manifest.objects()));
        }

        // A TypeToken carries the generic result type; it is not part of the name.
        List<String> keys = context.step(
                "list-new-objects",
                new TypeToken<List<String>>() {},
                s -> Storage.listNewObjects(SOURCE_BUCKET, runDate));

        // The map function is a method reference; the SDK calls it as (item, index, ctx).
        var transformed = context.map(
                "transform-files",
                keys,
                SinkResult.class,
                EtlFanout::transformFile,
                MapConfig.builder()
                        .maxConcurrency(10)
                        .completionConfig(CompletionConfig.allCompleted())
                        .itemNamer((key, i) -> "file-" + i + "-" + key.substring(key.lastIndexOf('/') + 1))
                        .nestingType(NestingType.FLAT)
                        .build());

        var partitions = new TreeSet<String>();
        for (String key : keys) {
            partitions.add(partitionOf(key));
        }
        int loaded = 0;
        for (String p : partitions) {
            context.step("load", LoadResult.class, s -> Warehouse.loadPartition(p));
            loaded++;
        }

        context.runInChildContext(
                "build_aggregates",
                Dashboard.class,
                child -> buildAggregates(child, runDate),
                RunInChildContextConfig.builder().isVirtual(true).build());

        checkpoint(context, "etl-finished");
        return Map.of(
                "files", keys.size(),
                "failed_files", transformed.failureCount(),
                "partitions_loaded", loaded);
    }

    /** Record a named watermark so operators can see how far a run got. */
    private static void checkpoint(DurableContext ctx, String name) {
        ctx.step(name, Void.class, s -> Catalog.writeWatermark(name));
    }

    private static SinkResult transformFile(String key, int index, DurableContext ctx) {
        Raw raw = ctx.step("extract", Raw.class, s -> Storage.readObject(SOURCE_BUCKET, key));
        List<Row> rows = ctx.step("clean", new TypeToken<List<Row>>() {}, s -> cleanRows(raw));

        // The builder written without try-with-resources: branches registered on it until get().
        var sinks = ctx.parallel("write-sinks", ParallelConfig.builder().maxConcurrency(2).build());
        sinks.branch(null, String.class, branchCtx -> branchCtx.step("write-parquet", String.class, s -> Storage.writeParquet(key, rows)));
        sinks.branch(null, String.class, branchCtx -> branchCtx.step("index-rows", String.class, s -> Search.indexRows(key, rows)));
        return SinkResult.of(sinks.get());
    }

    private static Dashboard buildAggregates(DurableContext ctx, String runDate) {
        Totals totals = ctx.step("daily-totals", Totals.class, s -> Warehouse.dailyTotals(runDate));
        ctx.wait("replica-catch-up", Duration.ofSeconds(10));
        return ctx.step("publish-dashboard", Dashboard.class, s -> Dashboards.publish(runDate, totals));
    }

    private static List<Row> cleanRows(Raw raw) {
        return raw.rows().stream().filter(row -> row.id() != null && !row.deleted()).toList();
    }

    private static String partitionOf(String key) {
        // keys look like "events/dt=2026-01-31/part-0001.json"
        return key.split("/")[1];
    }
}
