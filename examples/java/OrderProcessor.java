package com.acme.orders;

import com.acme.billing.Billing;
import com.acme.inventory.Inventory;
import com.acme.risk.Risk;
import java.time.Duration;
import java.util.Map;
import software.amazon.lambda.durable.DurableContext;
import software.amazon.lambda.durable.DurableHandler;
import software.amazon.lambda.durable.config.CompletionConfig;
import software.amazon.lambda.durable.config.InvokeConfig;
import software.amazon.lambda.durable.config.ParallelConfig;
import software.amazon.lambda.durable.config.StepConfig;
import software.amazon.lambda.durable.config.StepSemantics;
import software.amazon.lambda.durable.retry.RetryStrategies;

/**
 * Order processor.
 *
 * <p>Validates an incoming order, then reserves stock, charges the card and scores fraud risk side
 * by side. Premium, business and standard orders each get their own handling before the order
 * waits out the warehouse settle window and is handed to the shipping service. The customer is
 * notified at the end.
 */
public final class OrderProcessor extends DurableHandler<Order, Map<String, Object>> {

    // Operation names live in constants and an enum; durable-viz resolves both.
    private static final String VALIDATE = "validate-order";
    private static final String RESERVE = "reserve-inventory";
    private static final String CHECKS = "pre-fulfilment-checks";
    private static final String SHIPPING_FUNCTION =
            "arn:aws:lambda:us-east-1:123456789012:function:shipping-service:live";

    enum Steps {
        PRIORITY_PICK("priority-pick"),
        NOTIFY("notify-customer");

        private final String value;

        Steps(String value) {
            this.value = value;
        }

        String value() {
            return value;
        }
    }

    static final class InvalidOrderException extends RuntimeException {
        InvalidOrderException(String reason) {
            super(reason);
        }
    }

    @Override
    public Map<String, Object> handleRequest(Order order, DurableContext context) {
        var validation = context.step(VALIDATE, Validation.class, s -> validateOrder(order));
        boolean ok = validation.valid();
        if (!ok) throw new InvalidOrderException(validation.reason());

        // The builder form of parallel: each branch registered on it is one branch of the
        // diagram. A null branch name gets the SDK default (parallel-branch-<i>).
        ParallelResult checks;
        try (var parallel = context.parallel(
                CHECKS,
                ParallelConfig.builder()
                        .maxConcurrency(3)
                        .completionConfig(CompletionConfig.allSuccessful())
                        .build())) {
            parallel.branch(null, Reservation.class, ctx -> reserveStock(ctx, order));
            parallel.branch("take-payment", Payment.class, ctx -> takePayment(ctx, order));
            parallel.branch(null, RiskScore.class, ctx -> ctx.step(null, RiskScore.class, s -> Risk.scoreOrder(order)));
            checks = parallel.get();
        }
        Reservation reservation = checks.get(0, Reservation.class);
        Payment payment = checks.get(1, Payment.class);
        RiskScore risk = checks.get(2, RiskScore.class);

        String tier = order.tierOr("standard");
        if (tier.equals("premium"))
        {
            context.step(
                    Steps.PRIORITY_PICK.value(),
                    Void.class,
                    s -> Inventory.assignPriorityPicker(reservation.warehouse(), order.id()));
        }
        else if (tier.equals("business"))
        {
            context.step(null, Invoice.class, s -> Billing.issueInvoice(order.accountId(), payment.chargeId()));
        }
        else
        {
            context.wait("standard-batch-window", Duration.ofMinutes(15));
        }

        // Give the warehouse system time to settle the reservation before shipping.
        context.wait("warehouse-settle", Duration.ofSeconds(30));

        var shipment = context.invoke(
                "create-shipment",
                SHIPPING_FUNCTION,
                Map.of(
                        "order_id", order.id(),
                        "warehouse", reservation.warehouse(),
                        "address", order.shippingAddress(),
                        "express", tier.equals("premium")),
                Shipment.class,
                InvokeConfig.builder().tenantId(order.merchantId()).build());

        context.step(
                Steps.NOTIFY.value(),
                Confirmation.class,
                s -> sendConfirmation(order.email(), order.id(), shipment.trackingNumber()));

        return Map.of(
                "order_id", order.id(),
                "charge_id", payment.chargeId(),
                "risk_score", risk.score(),
                "tracking_number", shipment.trackingNumber());
    }

    private static Reservation reserveStock(DurableContext ctx, Order order) {
        return ctx.step(RESERVE, Reservation.class, s -> Inventory.reserveItems(order.id(), order.items()));
    }

    private static Payment takePayment(DurableContext ctx, Order order) {
        // Charging twice is worse than not charging: run the body at most once per retry
        // attempt and never retry automatically.
        return ctx.step(
                "charge-card",
                Payment.class,
                s -> Billing.chargeCard(order.paymentToken(), order.total()),
                StepConfig.builder()
                        .retryStrategy(RetryStrategies.Presets.NO_RETRY)
                        .semanticsPerRetry(StepSemantics.AT_MOST_ONCE_PER_RETRY)
                        .build());
    }

    /** Plain check with no side effects: items present, totals add up. */
    private static Validation validateOrder(Order order) {
        if (order.items().isEmpty()) {
            return new Validation(false, "order has no items");
        }
        double expected = order.items().stream().mapToDouble(i -> i.price() * i.quantity()).sum();
        if (Math.round(expected * 100) != Math.round(order.total() * 100)) {
            return new Validation(false, "total does not match line items");
        }
        return new Validation(true, null);
    }

    private static Confirmation sendConfirmation(String email, String orderId, String tracking) {
        System.out.printf("mail to %s: order %s shipped, tracking %s%n", email, orderId, tracking);
        return new Confirmation(true);
    }
}
