// Nightly ETL fan-out.
//
// Registers the day's upload manifests as they stream in, then maps over every
// new object: each file is extracted and cleaned in its own map item and
// written to two sinks (Parquet and the search index) in parallel. Afterwards the
// touched partitions are loaded into the warehouse one by one and the daily
// aggregates are rebuilt in a child context. Watermarks are written at the start
// and the end of the run.
//
// The C# port of examples/python/etl_fanout.py, written as top-level statements: the
// program starts the Lambda runtime itself, and the workflow and its helpers are local
// functions of the top-level code. Also shown: await foreach, MapAsync with a method
// group and an ItemNamer, a parallel over a list of delegates, a helper that takes the
// operation name as a parameter (called twice with two literal names).

using Amazon.Lambda.Core;
using Amazon.Lambda.DurableExecution;
using Amazon.Lambda.RuntimeSupport;
using Amazon.Lambda.Serialization.SystemTextJson;

const string SourceBucket = "acme-raw-uploads";

var handler = (DurableExecutionInvocationInput input, ILambdaContext context) =>
    DurableFunction.WrapAsync<EtlRequest, EtlSummary>(RunEtlAsync, input, context);
await LambdaBootstrapBuilder.Create(handler, new DefaultLambdaJsonSerializer())
    .Build()
    .RunAsync();

async Task<EtlSummary> RunEtlAsync(EtlRequest request, IDurableContext context)
{
    var runDate = request.RunDate;
    await CheckpointAsync(context, "etl-started");

    await foreach (var manifest in Storage.StreamManifestsAsync(SourceBucket, runDate))
    {
        await context.StepAsync(
            async (_, ct) => await Catalog.RegisterAsync(manifest.Id, manifest.Objects, ct),
            name: "register_manifest");
    }

    var keys = await context.StepAsync(
        async (_, ct) => await Storage.ListNewObjectsAsync(SourceBucket, runDate, ct),
        name: "list-new-objects");

    var transformed = await context.MapAsync(
        keys,
        TransformFileAsync,
        name: "transform-files",
        config: new MapConfig<string>
        {
            MaxConcurrency = 10,
            CompletionConfig = CompletionConfig.AllCompleted(),
            ItemNamer = (key, i) => $"file-{i}-{key.Split('/')[^1]}",
            NestingType = NestingType.Flat,
        });

    var partitions = keys.Select(PartitionOf).Distinct().Order().ToList();
    var loaded = new List<int>();
    foreach (var partition in partitions)
    {
        loaded.Add(await context.StepAsync(
            async (step, ct) =>
            {
                step.Logger.LogInformation("loading partition {Partition}", partition);
                return await Warehouse.LoadPartitionAsync(partition, ct);
            },
            name: "load"));
    }

    await context.RunInChildContextAsync(
        async (child, ct) => await BuildAggregatesAsync(child, runDate),
        name: "build_aggregates",
        config: new ChildContextConfig { SubType = "aggregates" });

    await CheckpointAsync(context, "etl-finished");
    return new EtlSummary(keys.Count, transformed.FailureCount, loaded.Count);
}

static async Task<string> BuildAggregatesAsync(IDurableContext ctx, string runDate)
{
    var totals = await ctx.StepAsync(
        async (_, ct) => await Warehouse.DailyTotalsAsync(runDate, ct),
        name: "daily-totals");
    await ctx.WaitAsync(TimeSpan.FromSeconds(10), name: "replica-catch-up");
    return await ctx.StepAsync(
        async (_, ct) => await Dashboards.PublishAsync(runDate, totals, ct),
        name: "publish-dashboard");
}

// Record a named watermark so operators can see how far a run got.
static async Task CheckpointAsync(IDurableContext ctx, string name) =>
    await ctx.StepAsync(async (_, ct) => await Catalog.WriteWatermarkAsync(name, ct), name: name);

static async Task<SinkResult[]> TransformFileAsync(
    IDurableContext ctx, string key, int index, IReadOnlyList<string> keys, CancellationToken ct)
{
    var raw = await ctx.StepAsync(
        async (_, token) => await Storage.ReadObjectAsync(SourceBucket, key, token),
        name: "extract");
    var rows = await ctx.StepAsync(async (_, token) => CleanRows(raw), name: "clean");

    var sinks = await ctx.ParallelAsync(
        new List<Func<IDurableContext, CancellationToken, Task<SinkResult>>>
        {
            async (branch, token) => await branch.StepAsync(
                async (_, t) => await Storage.WriteParquetAsync(key, rows, t), name: "write-parquet"),
            async (branch, token) => await branch.StepAsync(
                async (_, t) => await Search.IndexRowsAsync(key, rows, t), name: "index-rows"),
        },
        name: "write-sinks",
        config: new ParallelConfig { MaxConcurrency = 2 });
    return sinks.Results.ToArray();
}

static List<Row> CleanRows(RawObject raw) =>
    raw.Rows.Where(row => row.Id is not null && !row.Deleted).ToList();

// keys look like "events/dt=2026-01-31/part-0001.json"
static string PartitionOf(string key) => key.Split('/')[1];

public record EtlRequest(string RunDate);
public record EtlSummary(int Files, int FailedFiles, int PartitionsLoaded);
