// Shipment workflow, reached from ShipmentFunction.cs.
//
// Books a carrier, waits for the label to be printed (polling the carrier with a
// fixed delay), then tracks the parcel until it is delivered. Express parcels are
// handed over by courier, the rest go to the carrier's depot: the switch expression
// chooses between the two operations. Hazardous goods need a manual sign-off first.
//
// This file holds no handler: on its own, durable-viz draws the method that has the
// workflow signature (TIn input, IDurableContext ctx), so opening it shows the same
// diagram as ShipmentFunction.cs.

using Amazon.Lambda.DurableExecution;

namespace Examples.Shipping;

public static class ShipmentWorkflow
{
    private const string CarrierFunction = "carrier-gateway";

    public static async Task<ShipmentResult> RunAsync(ShipmentRequest input, IDurableContext ctx)
    {
        var booking = await ctx.InvokeAsync<CarrierRequest, CarrierBooking>(
            CarrierFunction,
            new CarrierRequest(input.OrderId, input.Weight),
            name: "book-carrier");

        if (input.Hazardous)
        {
            var signOff = await ctx.CreateCallbackAsync<SignOff>(
                name: "hazmat-sign-off",
                config: new CallbackConfig { Timeout = TimeSpan.FromHours(8) });
            await ctx.StepAsync(
                async (_, ct) => await Compliance.RequestSignOffAsync(input.OrderId, signOff.CallbackId, ct),
                name: "request-sign-off");
            var answer = await signOff.GetResultAsync();
            if (!answer.Approved)
            {
                throw new ShipmentRefusedException(input.OrderId);
            }
        }

        var label = await ctx.WaitForConditionAsync(
            async (state, check, ct) => await Carrier.LabelStatusAsync(state, ct),
            new WaitForConditionConfig<LabelState>
            {
                InitialState = new LabelState(booking.Id, Printed: false),
                WaitStrategy = WaitStrategy.Fixed(maxAttempts: 30, delay: TimeSpan.FromMinutes(1)),
            },
            "label-printed");

        var handover = input.Speed switch
        {
            Speed.Express => await ctx.StepAsync(
                async (_, ct) => await Couriers.CollectAsync(label.Id, ct), name: "courier-pickup"),
            _ => await ctx.StepAsync(
                async (_, ct) => await Carrier.DropAtDepotAsync(label.Id, ct), name: "depot-drop-off"),
        };

        var attempt = 0;
        TrackingState tracking;
        do
        {
            attempt++;
            await ctx.WaitAsync(TimeSpan.FromHours(6), $"tracking-pause-{attempt}");
            tracking = await ctx.StepAsync(
                async (_, ct) => await Carrier.TrackAsync(handover.TrackingNumber, ct),
                name: $"track-{attempt}");
        } while (!tracking.Delivered);

        return new ShipmentResult(handover.TrackingNumber, attempt);
    }
}

public record ShipmentRequest(string OrderId, double Weight, bool Hazardous, Speed Speed);
public record ShipmentResult(string TrackingNumber, int TrackingRounds);
public class ShipmentRefusedException(string orderId) : Exception($"shipment of {orderId} refused");
