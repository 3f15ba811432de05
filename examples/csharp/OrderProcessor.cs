// Order processor.
//
// Validates an incoming order, then reserves stock, charges the card and scores
// fraud risk side by side. Premium, business and standard orders each get their
// own handling before the order waits out the warehouse settle window and is
// handed to the shipping service. The customer is notified at the end.
//
// The C# port of examples/python/order_processor.py. It shows the class-library
// handler model (WrapAsync with a method group), names kept in const fields and in a
// static class, local functions as parallel branches wrapped in DurableBranch<T>,
// config object initializers, an else-if chain and an invoke with a tenant.

using Amazon.Lambda.Core;
using Amazon.Lambda.DurableExecution;
using Amazon.Lambda.Serialization.SystemTextJson;

[assembly: LambdaSerializer(typeof(DefaultLambdaJsonSerializer))]

namespace Examples.Orders;

public static class Steps
{
    public const string PriorityPick = "priority-pick";
    public const string Notify = "notify-customer";
}

public class InvalidOrderException(string reason) : Exception(reason);

public class OrderProcessor
{
    private const string Validate = "validate-order";
    private const string Reserve = "reserve-inventory";
    private const string Checks = "pre-fulfilment-checks";
    private const string ShippingFunction =
        "arn:aws:lambda:us-east-1:123456789012:function:shipping-service:live";

    public Task<DurableExecutionInvocationOutput> Handler(
        DurableExecutionInvocationInput input, ILambdaContext context)
        => DurableFunction.WrapAsync<OrderEvent, OrderResult>(ProcessOrder, input, context);

    private async Task<OrderResult> ProcessOrder(OrderEvent input, IDurableContext context)
    {
        var order = input.Order;

        var validation = await context.StepAsync(
            async (_, ct) => ValidateOrder(order),
            name: Validate);
        var ok = validation.Valid;
        if (!ok)
        {
            throw new InvalidOrderException(validation.Reason!);
        }

        async Task<Check> ReserveStock(IDurableContext ctx, CancellationToken ct) =>
            await ctx.StepAsync(
                async (_, token) => await Inventory.ReserveItemsAsync(order.Id, order.Items, token),
                name: Reserve);

        async Task<Check> TakePayment(IDurableContext ctx, CancellationToken ct)
        {
            // Charging twice is worse than not charging: run the body at most once
            // per retry attempt and retry slowly.
            return await ctx.StepAsync(
                async (_, token) => await Billing.ChargeCardAsync(order.PaymentToken, order.Total, token),
                name: "charge-card",
                config: new StepConfig
                {
                    RetryStrategy = RetryStrategy.Exponential(
                        maxAttempts: 3,
                        initialDelay: TimeSpan.FromSeconds(10),
                        maxDelay: TimeSpan.FromMinutes(5)),
                    Semantics = StepSemantics.AtMostOncePerRetry,
                });
        }

        var checks = await context.ParallelAsync(
            new DurableBranch<Check>[]
            {
                new("reserve-stock", ReserveStock),
                new("take-payment", TakePayment),
                new("score-risk", async (ctx, ct) =>
                    await ctx.StepAsync(async (_, token) => await Risk.ScoreOrderAsync(order, token))),
            },
            name: Checks,
            config: new ParallelConfig
            {
                MaxConcurrency = 3,
                CompletionConfig = CompletionConfig.AllSuccessful(),
            });
        var (reservation, payment, risk) = (checks[0], checks[1], checks[2]);

        var tier = order.Tier ?? "standard";
        if (tier == "premium")
        {
            await context.StepAsync(
                async (_, ct) => await Inventory.AssignPriorityPickerAsync(reservation.Warehouse, order.Id, ct),
                name: Steps.PriorityPick);
        }
        else if (tier == "business")
        {
            await context.StepAsync(async (_, ct) => await Billing.IssueInvoiceAsync(order.AccountId, payment.ChargeId, ct));
        }
        else
        {
            await context.WaitAsync(TimeSpan.FromMinutes(15), name: "standard-batch-window");
        }

        // Give the warehouse system time to settle the reservation before shipping.
        await context.WaitAsync(TimeSpan.FromSeconds(30), name: "warehouse-settle");

        var shipment = await context.InvokeAsync<ShipmentRequest, Shipment>(
            ShippingFunction,
            new ShipmentRequest(order.Id, reservation.Warehouse, order.ShippingAddress, tier == "premium"),
            name: "create-shipment",
            config: new InvokeConfig { TenantId = order.MerchantId });

        await context.StepAsync(
            async (_, ct) => await Mailer.SendConfirmationAsync(order.Email, order.Id, shipment.TrackingNumber, ct),
            name: Steps.Notify);

        return new OrderResult(order.Id, payment.ChargeId, risk.Score, shipment.TrackingNumber);
    }

    // Plain check with no side effects: items present, totals add up.
    private static Validation ValidateOrder(Order order)
    {
        if (order.Items.Count == 0)
        {
            return new Validation(false, "order has no items");
        }
        var expected = order.Items.Sum(item => item.Price * item.Quantity);
        return Math.Round(expected, 2) != Math.Round(order.Total, 2)
            ? new Validation(false, "total does not match line items")
            : new Validation(true, null);
    }
}

public record OrderEvent(Order Order);
public record Validation(bool Valid, string? Reason);
public record Check(string Warehouse, string ChargeId, double Score);
public record ShipmentRequest(string OrderId, string Warehouse, string Address, bool Express);
public record Shipment(string TrackingNumber);
public record OrderResult(string OrderId, string ChargeId, double RiskScore, string TrackingNumber);
