/**
 * Trip booking saga.
 *
 * Books a flight, optionally a hotel, then charges the traveller's card. The card
 * gateway is flaky, so the charge is wrapped in withRetry. If the card is
 * declined both reservations are released and the saga fails; if a reservation
 * is unavailable the flight hold is released and the traveller is told. Every
 * run, successful or not, ends with an audit record.
 *
 * The TypeScript port of examples/python/payment_saga.py. A catch clause that
 * tests `err instanceof X` reads as one handler per error type, as Python's
 * `except X` clauses do. TypeScript has no `try/else`: the itinerary goes out
 * at the end of the try body instead (see the parity test).
 */

import * as sdk from "@aws/durable-execution-sdk-js";

import { GatewayTimeoutError, PaymentDeclinedError, payments } from "./lib/billing";
import { tracer } from "./lib/observability";
import { ReservationError, airline, hotels, mailer } from "./lib/travel";

class BookingFailedError extends Error {}

interface Hold {
  ref: string;
  price: number;
}

export const handler = sdk.withDurableExecution(async (event, context: sdk.DurableContext) => {
  const trip = event.trip;
  let flight: Hold | undefined;
  let hotel: Hold | undefined;
  let charge: { id: string } | undefined;

  const attemptCharge = async (ctx: sdk.DurableContext, attempt: number) => {
    const amount = tripTotal(flight, hotel);
    // withRetry owns the retries, so the step itself must not retry.
    return ctx.step(
      "charge_card",
      async () => payments.charge(trip.customerId, amount, `${trip.id}-${attempt}`),
      { retryStrategy: sdk.retryPresets.noRetry },
    );
  };

  const span = tracer.startSpan("booking-saga", { tripId: trip.id });
  try {
    flight = await context.step("reserve_flight", async () =>
      airline.holdSeat(trip.id, trip.flight.number, trip.flight.date),
    );

    if (trip.hotel === undefined) {
      const flightOnly = await context.step("charge-flight-only", async () =>
        payments.charge(trip.customerId, flight!.price, trip.id),
      );
      return { status: "booked", flight: flight.ref, charge: flightOnly.id };
    }

    hotel = await context.step("reserve-hotel", async () =>
      hotels.holdRoom(trip.id, trip.hotel.propertyId, trip.hotel.nights),
    );

    charge = await sdk.withRetry(context, "charge-with-retry", attemptCharge, {
      retryStrategy: sdk.createRetryStrategy({
        maxAttempts: 5,
        initialDelay: { seconds: 2 },
        backoffRate: 2,
        retryableErrorTypes: [GatewayTimeoutError],
      }),
    });

    await context.step("send-itinerary", async () =>
      mailer.sendItinerary(trip.email, flight, hotel, charge),
    );
  } catch (err) {
    if (err instanceof PaymentDeclinedError) {
      if (hotel !== undefined) {
        await context.step("cancel_hotel", async () => hotels.releaseRoom(hotel!.ref));
      }
      await context.step("cancel_flight", async () => airline.releaseSeat(flight!.ref));
      throw new BookingFailedError(`card declined for trip ${trip.id}`);
    } else if (err instanceof ReservationError) {
      if (flight !== undefined) {
        await context.step("release-flight-hold", async () => airline.releaseSeat(flight!.ref));
      }
      await context.step("tell-traveller-unavailable", async () =>
        mailer.sendUnavailable(trip.email, String(err)),
      );
      return { status: "unavailable", reason: String(err) };
    } else {
      throw err;
    }
  } finally {
    await context.step("audit-saga", async () => writeAuditRecord(trip.id, flight, hotel));
    span.end();
  }

  return { status: "booked", flight: flight.ref, hotel: hotel.ref, charge: charge.id };
});

function tripTotal(flight?: Hold, hotel?: Hold & { nights?: number }) {
  let total = flight ? flight.price : 0;
  if (hotel) {
    total += hotel.price * (hotel.nights ?? 1);
  }
  return total;
}

function writeAuditRecord(tripId: string, flight?: Hold, hotel?: Hold) {
  return { tripId, flightRef: flight?.ref ?? null, hotelRef: hotel?.ref ?? null };
}
