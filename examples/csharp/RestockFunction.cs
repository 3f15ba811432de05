// Warehouse restock, with the workflow written inline as a lambda.
//
// Reads stock levels from three warehouses at once, orders from one supplier per
// product category, and reports the result. Shows what the .NET SDK does not
// want as much as what it does:
// - the warehouse reads are started as three steps and joined with Task.WhenAll,
//   which the SDK's Roslyn analyzer rejects (DE004: durable operations must be
//   awaited one at a time or combined with ParallelAsync/MapAsync); durable-viz draws
//   the join and warns (DV109);
// - the supplier orders are named branches (DurableBranch<T>) built with Select over a
//   dictionary written in the source: one branch per entry;
// - the workflow is a lambda passed to WrapAsync, so the diagram is named after the
//   handler method that holds it.

using Amazon.Lambda.Core;
using Amazon.Lambda.DurableExecution;

namespace Examples.Restock;

public class RestockFunction
{
    private static readonly Dictionary<string, string> Suppliers = new()
    {
        { "produce", "supplier-fresh-fields" },
        { "dairy", "supplier-north-dairy" },
    };

    public Task<DurableExecutionInvocationOutput> Restock(DurableExecutionInvocationInput input, ILambdaContext context)
        => DurableFunction.WrapAsync<RestockRequest, RestockReport>(async (request, ctx) =>
        {
            var north = ctx.StepAsync(async (_, ct) => await Stock.ReadAsync("north", ct), name: "stock-north");
            var south = ctx.StepAsync(async (_, ct) => await Stock.ReadAsync("south", ct), name: "stock-south");
            var east = ctx.StepAsync(async (_, ct) => await Stock.ReadAsync("east", ct), name: "stock-east");
            var levels = await Task.WhenAll(north, south, east);

            var orders = await ctx.ParallelAsync(
                Suppliers
                    .Select(entry => new DurableBranch<PurchaseOrder>(
                        $"order-{entry.Key}",
                        async (branch, ct) => await branch.InvokeAsync<Shortfall, PurchaseOrder>(
                            entry.Value, Shortfall.Of(levels, entry.Key), name: $"purchase-{entry.Key}")))
                    .ToArray(),
                name: "order-from-suppliers",
                config: new ParallelConfig { CompletionConfig = new CompletionConfig { ToleratedFailureCount = 1 } });

            await ctx.StepAsync(async (_, ct) => await Reports.SendAsync(levels, orders, ct), name: "send-report");
            return new RestockReport(orders.SuccessCount);
        }, input, context);
}

public record RestockRequest(string Region);
public record RestockReport(int OrdersPlaced);
