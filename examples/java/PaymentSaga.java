package com.acme.travel;

import com.acme.billing.GatewayTimeoutException;
import com.acme.billing.PaymentDeclinedException;
import com.acme.billing.Payments;
import com.acme.observability.Tracer;
import java.time.Duration;
import java.util.Map;
import software.amazon.lambda.durable.DurableContext;
import software.amazon.lambda.durable.DurableHandler;
import software.amazon.lambda.durable.config.StepConfig;
import software.amazon.lambda.durable.config.WithRetryConfig;
import software.amazon.lambda.durable.retry.JitterStrategy;
import software.amazon.lambda.durable.retry.RetryStrategies;

/**
 * Trip booking saga.
 *
 * <p>Books a flight, optionally a hotel, then charges the traveller's card. The card gateway is
 * flaky, so the charge is wrapped in withRetry. If the card is declined both reservations are
 * released and the saga fails; if a reservation is unavailable the flight hold is released and the
 * traveller is told. Every run, successful or not, ends with an audit record.
 *
 * <p>Java has no {@code try/else}: the itinerary is sent at the end of the try body instead.
 */
public class PaymentSaga extends DurableHandler<TripRequest, Map<String, String>> {

    static class BookingFailedException extends RuntimeException {
        BookingFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public Map<String, String> handleRequest(TripRequest event, DurableContext context) {
        Trip trip = event.trip();
        Hold flight = null;
        Hold hotel = null;
        Charge charge;

        // A try-with-resources statement without catch clauses only closes its resource: it
        // draws nothing of its own, like Python's `with`.
        try (var span = Tracer.span("booking-saga", trip.id())) {
            try {
                flight = context.step(
                        "reserve_flight", Hold.class, s -> Airline.holdSeat(trip.id(), trip.flight()));

                if (trip.hotel() == null) {
                    var flightOnly = context.step(
                            "charge-flight-only",
                            Charge.class,
                            s -> Payments.charge(trip.customerId(), trip.flightPrice(), trip.id()));
                    return Map.of("status", "booked", "charge", flightOnly.id());
                }

                hotel = context.step(
                        "reserve-hotel", Hold.class, s -> Hotels.holdRoom(trip.id(), trip.hotel()));

                final Hold heldFlight = flight;
                final Hold heldHotel = hotel;
                charge = context.withRetry(
                        "charge-with-retry",
                        (attempt, ctx) -> attemptCharge(ctx, trip, heldFlight, heldHotel, attempt),
                        WithRetryConfig.builder()
                                .retryStrategy(RetryStrategies.exponentialBackoff(
                                        5, Duration.ofSeconds(2), Duration.ofMinutes(5), 2.0,
                                        JitterStrategy.FULL))
                                .build());

                context.step(
                        "send-itinerary",
                        Void.class,
                        s -> Mailer.sendItinerary(trip.email(), heldFlight, heldHotel, charge));
            } catch (PaymentDeclinedException err) {
                if (hotel != null) {
                    final String hotelRef = hotel.ref();
                    context.step("cancel_hotel", Void.class, s -> Hotels.releaseRoom(hotelRef));
                }
                final String flightRef = flight.ref();
                context.step("cancel_flight", Void.class, s -> Airline.releaseSeat(flightRef));
                throw new BookingFailedException("card declined for trip " + trip.id(), err);
            } catch (ReservationException err) {
                if (flight != null) {
                    final String flightRef = flight.ref();
                    context.step("release-flight-hold", Void.class, s -> Airline.releaseSeat(flightRef));
                }
                context.step(
                        "tell-traveller-unavailable",
                        Void.class,
                        s -> Mailer.sendUnavailable(trip.email(), err.getMessage()));
                return Map.of("status", "unavailable", "reason", err.getMessage());
            } finally {
                final Hold auditedFlight = flight;
                final Hold auditedHotel = hotel;
                context.step(
                        "audit-saga", Void.class, s -> writeAuditRecord(trip.id(), auditedFlight, auditedHotel));
            }
        }

        return Map.of("status", "booked", "flight", flight.ref(), "hotel", hotel.ref());
    }

    /** The body withRetry runs on each attempt; the step itself must not retry. */
    private static Charge attemptCharge(DurableContext ctx, Trip trip, Hold flight, Hold hotel, int attempt) {
        long amount = tripTotal(flight, hotel);
        return ctx.step(
                "charge_card",
                Charge.class,
                s -> Payments.charge(trip.customerId(), amount, trip.id() + "-" + attempt),
                StepConfig.builder().retryStrategy(RetryStrategies.Presets.NO_RETRY).build());
    }

    private static long tripTotal(Hold flight, Hold hotel) {
        long total = flight != null ? flight.price() : 0;
        if (hotel != null) {
            total += hotel.pricePerNight() * hotel.nights();
        }
        return total;
    }

    private static Map<String, String> writeAuditRecord(String tripId, Hold flight, Hold hotel) {
        return Map.of(
                "trip_id", tripId,
                "flight_ref", flight != null ? flight.ref() : "",
                "hotel_ref", hotel != null ? hotel.ref() : "");
    }
}
