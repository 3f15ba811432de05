"""Trip booking saga.

Books a flight, optionally a hotel, then charges the traveller's card. The card
gateway is flaky, so the charge is wrapped in with_retry. If the card is
declined both reservations are released and the saga fails; if a reservation
is unavailable the flight hold is released and the traveller is told. Every
run, successful or not, ends with an audit record.
"""

import aws_durable_execution_sdk_python as sdk
from aws_durable_execution_sdk_python.config import Duration, StepConfig
from aws_durable_execution_sdk_python.retries import (
    RetryPresets,
    RetryStrategyConfig,
    WithRetryConfig,
    create_retry_strategy,
    with_retry,
)

from billing import GatewayTimeoutError, PaymentDeclinedError, payments
from observability import tracer
from travel import ReservationError, airline, hotels, mailer


class BookingFailedError(Exception):
    """The saga could not complete and all holds were released."""


@sdk.durable_step
def reserve_flight(step_ctx: sdk.StepContext, trip_id: str, flight: dict):
    return airline.hold_seat(trip_id, flight["number"], flight["date"])


@sdk.durable_step
def reserve_hotel(step_ctx: sdk.StepContext, trip_id: str, hotel: dict):
    return hotels.hold_room(trip_id, hotel["property_id"], hotel["nights"])


@sdk.durable_step
def charge_card(step_ctx: sdk.StepContext, customer_id: str, amount: int, key: str):
    step_ctx.logger.info("charging %s cents", amount)
    return payments.charge(customer_id, amount, idempotency_key=key)


@sdk.durable_step
def cancel_flight(step_ctx: sdk.StepContext, hold_ref: str):
    return airline.release_seat(hold_ref)


@sdk.durable_step
def cancel_hotel(step_ctx: sdk.StepContext, hold_ref: str):
    return hotels.release_room(hold_ref)


@sdk.durable_execution
def handler(event, context: sdk.DurableContext):
    trip = event["trip"]
    flight = None
    hotel = None

    def attempt_charge(ctx: sdk.DurableContext, attempt: int):
        amount = trip_total(flight, hotel)
        # with_retry owns the retries, so the step itself must not retry.
        return ctx.step(
            charge_card(trip["customer_id"], amount, f"{trip['id']}-{attempt}"),
            config=StepConfig(retry_strategy=RetryPresets.none()),
        )

    with tracer.span("booking-saga", trip_id=trip["id"]):
        try:
            flight = context.step(reserve_flight(trip["id"], trip["flight"]))

            if trip.get("hotel") is None:
                charge = context.step(
                    charge_card(trip["customer_id"], flight["price"], trip["id"]),
                    name="charge-flight-only",
                )
                return {"status": "booked", "flight": flight["ref"], "charge": charge["id"]}

            hotel = context.step(reserve_hotel(trip["id"], trip["hotel"]), name="reserve-hotel")

            charge = with_retry(
                context,
                attempt_charge,
                WithRetryConfig(
                    retry_strategy=create_retry_strategy(
                        RetryStrategyConfig(
                            max_attempts=5,
                            initial_delay=Duration.from_seconds(2),
                            backoff_rate=2.0,
                            retryable_error_types=[GatewayTimeoutError],
                        )
                    )
                ),
                name="charge-with-retry",
            )
        except PaymentDeclinedError as err:
            if hotel is not None:
                context.step(cancel_hotel(hotel["ref"]))
            context.step(cancel_flight(flight["ref"]))
            raise BookingFailedError(f"card declined for trip {trip['id']}") from err
        except ReservationError as err:
            if flight is not None:
                context.step(cancel_flight(flight["ref"]), name="release-flight-hold")
            context.step(
                lambda _: mailer.send_unavailable(trip["email"], str(err)),
                name="tell-traveller-unavailable",
            )
            return {"status": "unavailable", "reason": str(err)}
        else:
            context.step(
                lambda _: mailer.send_itinerary(trip["email"], flight, hotel, charge),
                name="send-itinerary",
            )
        finally:
            context.step(lambda _: write_audit_record(trip["id"], flight, hotel), name="audit-saga")

    return {
        "status": "booked",
        "flight": flight["ref"],
        "hotel": hotel["ref"],
        "charge": charge["id"],
    }


def trip_total(flight, hotel):
    total = flight["price"] if flight else 0
    if hotel:
        total += hotel["price_per_night"] * hotel["nights"]
    return total


def write_audit_record(trip_id, flight, hotel):
    return {
        "trip_id": trip_id,
        "flight_ref": flight["ref"] if flight else None,
        "hotel_ref": hotel["ref"] if hotel else None,
    }
