package com.acme.reports;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.lambda.durable.DurableContext;
import software.amazon.lambda.durable.DurableFuture;
import software.amazon.lambda.durable.DurableHandler;
import software.amazon.lambda.durable.TypeToken;
import software.amazon.lambda.durable.config.CompletionConfig;
import software.amazon.lambda.durable.config.ParallelConfig;

/**
 * Monthly report fan-out (Java-only constructs).
 *
 * <p>Loads the tenant list, builds one report per tenant in a parallel whose branches are
 * registered in a loop over tenants known only at run time, fetches exchange rates from two
 * providers at once and keeps whichever answers first ({@code DurableFuture.anyOf}), then
 * publishes the pricing and the archive together ({@code DurableFuture.allOf}). A switch with
 * fall-through groups picks the delivery channel; a do/while waits for the mail relay.
 */
public final class ReportFanOut extends DurableHandler<ReportRequest, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(ReportRequest request, DurableContext ctx) {
        // The result type is generic, so it is given as a TypeToken.
        List<Tenant> tenants = ctx.step(
                "load-tenants", new TypeToken<List<Tenant>>() {}, s -> Tenants.active(request.month()));

        // One branch per tenant: the branch names are only known at run time, so the diagram
        // shows one representative branch named by its pattern (report-{tenant.id()}).
        try (var reports = ctx.parallel(
                "build-reports",
                ParallelConfig.builder()
                        .maxConcurrency(8)
                        .completionConfig(CompletionConfig.toleratedFailureCount(2))
                        .build())) {
            for (Tenant tenant : tenants) {
                reports.branch("report-" + tenant.id(), Report.class, branch -> {
                    var data = branch.step("query-" + tenant.id(), Rows.class, s -> Warehouse.query(tenant));
                    return branch.step("render-" + tenant.id(), Report.class, s -> Renderer.render(tenant, data));
                });
            }
            reports.get();
        }

        // Two providers race: the Async forms return futures, anyOf takes the first result.
        DurableFuture<Rates> ecb = ctx.stepAsync("rates-ecb", Rates.class, s -> Rates.fromEcb(request.month()));
        DurableFuture<Rates> fed = ctx.stepAsync("rates-fed", Rates.class, s -> Rates.fromFed(request.month()));
        Rates rates = (Rates) DurableFuture.anyOf(ecb, fed).get();

        // Operations written inside allOf's argument list are its branches.
        DurableFuture.allOf(
                        ctx.stepAsync("publish-pricing", Void.class, s -> Pricing.publish(rates)),
                        ctx.invokeAsync("archive-reports", "report-archiver", request, Void.class))
                .get();

        switch (request.channel()) {
            case "email":
            case "mail":
                // Two labels share one group.
                do {
                    ctx.wait("relay-cooldown", Duration.ofMinutes(1));
                } while (!Mail.relayReady());
                ctx.step("send-email", Void.class, s -> Mail.send(request.recipients()));
                break;
            case "both":
                ctx.step("send-email-copy", Void.class, s -> Mail.send(request.recipients()));
                // falls through: "both" also posts to the portal
            case "portal":
                ctx.step("post-portal", Void.class, s -> Portal.post(request.month()));
                break;
            default:
                throw new IllegalArgumentException("unknown channel " + request.channel());
        }

        return Map.of("tenants", tenants.size(), "rates", rates.source());
    }
}
