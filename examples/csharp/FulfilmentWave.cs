// Fulfilment wave.
//
// Ships one wave of warehouse orders. An order with a line out of stock waits for the
// next wave: C# has no `continue outer`, so the stock check leaves its loop with
// `goto NextOrder`, a label on an empty statement ending the order loop's body, and
// durable-viz draws it as a continue of the order loop. A wave that runs out of time
// stops early with `goto WaveClosed`, a label right after the loop: a break out of both
// loops. A switch on the priority ends the express case early with a break inside an if
// (a pickup needs no courier booking), and the carriers are told in a parallel with one
// branch per carrier, added in a loop.
//
// The C# port of examples/java/FulfilmentWave.java, plus the early stop.

using Amazon.Lambda.Core;
using Amazon.Lambda.DurableExecution;

namespace Examples.Fulfilment;

public class FulfilmentWave
{
    public Task<DurableExecutionInvocationOutput> Handler(
        DurableExecutionInvocationInput input, ILambdaContext context)
        => DurableFunction.WrapAsync<Wave, WaveReport>(ShipWave, input, context);

    private async Task<WaveReport> ShipWave(Wave wave, IDurableContext context)
    {
        await context.StepAsync(async (_, ct) => await AuditLog.WriteAsync("wave-started", ct),
            name: "audit-wave-started");
        var shipped = new List<string>();

        foreach (var order in wave.Orders)
        {
            foreach (var line in order.Lines)
            {
                if (!Stock.Available(line.Sku, line.Quantity))
                {
                    goto NextOrder; // the whole order waits for the next wave
                }
                if (wave.ClosesAt <= DateTimeOffset.UtcNow)
                {
                    goto WaveClosed; // what is left goes in the next wave
                }
            }
            switch (order.Priority)
            {
                case Priority.Express:
                    await context.StepAsync(
                        async (_, ct) => await Couriers.ReserveAsync(order, ct),
                        name: $"reserve-courier-{order.Id}");
                    if (order.Pickup)
                    {
                        break; // the customer collects it: no courier slot to book
                    }
                    await context.StepAsync(
                        async (_, ct) => await Couriers.BookAsync(order, ct),
                        name: $"book-slot-{order.Id}");
                    break;
                default:
                    await context.StepAsync(
                        async (_, ct) => await Queue.AddAsync(order, ct),
                        name: $"queue-{order.Id}");
                    break;
            }
            shipped.Add(order.Id);
            NextOrder: ;
        }
        WaveClosed: ;

        var carriers = new List<DurableBranch<bool>>();
        foreach (var name in wave.Carriers)
        {
            carriers.Add(new($"notify-{name}", async (ctx, ct) =>
                await ctx.StepAsync(
                    async (_, token) => await Carriers.SendManifestAsync(name, token),
                    name: $"send-manifest-{name}")));
        }
        await context.ParallelAsync(carriers, name: "notify-carriers");

        await context.StepAsync(async (_, ct) => await AuditLog.WriteAsync("wave-finished", ct),
            name: "audit-wave-finished");
        return new WaveReport(shipped);
    }
}

public enum Priority { Standard, Express }
public record Line(string Sku, int Quantity);
public record Order(string Id, Priority Priority, bool Pickup, List<Line> Lines);
public record Wave(List<Order> Orders, List<string> Carriers, DateTimeOffset ClosesAt);
public record WaveReport(List<string> Shipped);
