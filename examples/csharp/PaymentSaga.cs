// Trip booking saga.
//
// Books a flight, optionally a hotel, then charges the traveller's card. The card
// gateway is flaky, so the charge retries with exponential backoff. If the card is
// declined both reservations are released and the saga fails; if a reservation
// is unavailable the flight hold is released and the traveller is told. Every
// run, successful or not, ends with an audit record.
//
// The C# port of examples/python/payment_saga.py, declared with Lambda Annotations:
// [DurableExecution] on the workflow method makes the source generator emit the
// WrapAsync call. Operation names are the ones the Python version records, so both
// versions write the same execution history. Two Python constructs have no C# form:
// - with_retry: .NET has no retry helper, so the charge runs in a child context named
//   "charge-with-retry" whose step carries the retry strategy;
// - try/else: the itinerary is sent at the end of the try block instead.
// Also shown: a using block around the saga, a braceless if, an exception filter.

using Amazon.Lambda.Annotations;
using Amazon.Lambda.DurableExecution;

namespace Examples.Travel;

public class BookingFailedException(string message) : Exception(message);

public class PaymentSaga
{
    [LambdaFunction]
    [DurableExecution(executionTimeout: 900, RetentionPeriodInDays = 7)]
    public async Task<BookingResult> BookTrip(TripRequest request, IDurableContext context)
    {
        var trip = request.Trip;
        Hold? flight = null;
        Hold? hotel = null;
        Charge? charge = null;

        using (Tracer.Span("booking-saga", trip.Id))
        {
            try
            {
                flight = await context.StepAsync(
                    async (_, ct) => await Airline.HoldSeatAsync(trip.Id, trip.Flight.Number, trip.Flight.Date, ct),
                    name: "reserve_flight");

                if (trip.Hotel is null)
                {
                    var flightOnly = await context.StepAsync(
                        async (_, ct) => await Payments.ChargeAsync(trip.CustomerId, flight.Price, trip.Id, ct),
                        name: "charge-flight-only");
                    return new BookingResult("booked", flight.Ref, null, flightOnly.Id);
                }

                hotel = await context.StepAsync(
                    async (_, ct) => await Hotels.HoldRoomAsync(trip.Id, trip.Hotel.PropertyId, trip.Hotel.Nights, ct),
                    name: "reserve-hotel");

                // The step retries on its own; the child context keeps the name the
                // Python version's with_retry records.
                charge = await context.RunInChildContextAsync(
                    async (child, ct) => await child.StepAsync(
                        async (_, token) => await Payments.ChargeAsync(
                            trip.CustomerId, TripTotal(flight, hotel), $"{trip.Id}-charge", token),
                        name: "charge_card",
                        config: new StepConfig
                        {
                            RetryStrategy = RetryStrategy.Exponential(
                                maxAttempts: 5,
                                initialDelay: TimeSpan.FromSeconds(2),
                                backoffRate: 2.0),
                        }),
                    name: "charge-with-retry");

                // Reached only when nothing above threw (Python writes this in try/else).
                await context.StepAsync(
                    async (_, ct) => await Mailer.SendItineraryAsync(trip.Email, flight, hotel, charge, ct),
                    name: "send-itinerary");
            }
            catch (PaymentDeclinedException)
            {
                if (hotel is not null)
                    await context.StepAsync(async (_, ct) => await Hotels.ReleaseRoomAsync(hotel.Ref, ct), name: "cancel_hotel");
                await context.StepAsync(async (_, ct) => await Airline.ReleaseSeatAsync(flight!.Ref, ct), name: "cancel_flight");
                throw new BookingFailedException($"card declined for trip {trip.Id}");
            }
            catch (ReservationException error) when (!error.IsTransient)
            {
                if (flight is not null)
                {
                    await context.StepAsync(
                        async (_, ct) => await Airline.ReleaseSeatAsync(flight.Ref, ct),
                        name: "release-flight-hold");
                }
                await context.StepAsync(
                    async (_, ct) => await Mailer.SendUnavailableAsync(trip.Email, error.Message, ct),
                    name: "tell-traveller-unavailable");
                return new BookingResult("unavailable", null, null, null);
            }
            finally
            {
                await context.StepAsync(
                    async (_, ct) => await Audit.WriteRecordAsync(trip.Id, flight, hotel, ct),
                    name: "audit-saga");
            }
        }

        return new BookingResult("booked", flight.Ref, hotel?.Ref, charge?.Id);
    }

    private static decimal TripTotal(Hold? flight, Hold? hotel)
    {
        var total = flight?.Price ?? 0m;
        if (hotel is not null)
        {
            total += hotel.PricePerNight * hotel.Nights;
        }
        return total;
    }
}

public record TripRequest(Trip Trip);
public record BookingResult(string Status, string? Flight, string? Hotel, string? Charge);
