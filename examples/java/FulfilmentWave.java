package com.acme.fulfilment;

import java.util.ArrayList;
import java.util.List;
import software.amazon.lambda.durable.DurableContext;
import software.amazon.lambda.durable.DurableHandler;
import software.amazon.lambda.durable.ParallelDurableFuture;

/**
 * Ships one wave of warehouse orders (Java-only constructs).
 *
 * <p>The handler extends {@code DurableHandler} through a base class shared by the team's
 * handlers ({@code AuditedHandler}, below), whose audit helper it calls. An order with a line out
 * of stock is skipped from inside the stock-check loop with {@code continue orders;}: that loop
 * runs nothing durable, yet it decides whether the order is shipped, so the diagram keeps it. A
 * switch on the priority ends the express case early with a {@code break} inside an {@code if}
 * (a pickup needs no courier booking). The carriers are told in a parallel whose builder is
 * handed to a helper that registers one branch per carrier.
 */
public class FulfilmentWave extends AuditedHandler<Wave, WaveReport> {

    @Override
    public WaveReport handleRequest(Wave wave, DurableContext context) {
        audit(context, "wave-started");
        List<String> shipped = new ArrayList<>();

        orders:
        for (Order order : wave.orders()) {
            for (Line line : order.lines()) {
                if (!Stock.available(line.sku(), line.quantity())) {
                    continue orders; // the whole order waits for the next wave
                }
            }
            switch (order.priority()) {
                case EXPRESS:
                    context.step("reserve-courier-" + order.id(), Courier.class, s -> Couriers.reserve(order));
                    if (order.pickup()) {
                        break; // the customer collects it: no courier slot to book
                    }
                    context.step("book-slot-" + order.id(), Slot.class, s -> Couriers.book(order));
                    break;
                default:
                    context.step("queue-" + order.id(), Void.class, s -> Queue.add(order));
            }
            shipped.add(order.id());
        }

        // The builder is registered on by a helper: its branches are still drawn here.
        try (var carriers = context.parallel("notify-carriers")) {
            registerCarriers(carriers, wave.carriers());
        }

        audit(context, "wave-finished");
        return new WaveReport(shipped);
    }

    private static void registerCarriers(ParallelDurableFuture carriers, List<String> names) {
        for (String name : names) {
            carriers.branch(
                    "notify-" + name,
                    Void.class,
                    ctx -> ctx.step("send-manifest-" + name, Void.class, s -> Carriers.sendManifest(name)));
        }
    }
}

/** What every handler of the team does: write audit events as durable steps. */
abstract class AuditedHandler<I, O> extends DurableHandler<I, O> {

    protected void audit(DurableContext ctx, String event) {
        ctx.step("audit-" + event, Void.class, s -> AuditLog.write(event));
    }
}
