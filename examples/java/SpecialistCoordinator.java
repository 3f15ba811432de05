package com.acme.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.lambda.durable.DurableContext;
import software.amazon.lambda.durable.DurableHandler;
import software.amazon.lambda.durable.ParallelResult;
import software.amazon.lambda.durable.config.CompletionConfig;
import software.amazon.lambda.durable.config.MapConfig;
import software.amazon.lambda.durable.config.ParallelConfig;

/**
 * Support-ticket coordinator.
 *
 * <p>Gathers customer context, asks every specialist in the registry (billing, technical, legal)
 * for an opinion in parallel, checks the answer against each regional policy, waits for a
 * specialist follow-up when one is requested, summarises the findings and hands the reply to the
 * responder function.
 */
public class SpecialistCoordinator extends DurableHandler<TicketEvent, Map<String, Object>> {

    // Registries written out in the source: one parallel branch (or map item) per entry.
    static final List<Map.Entry<String, String>> SPECIALISTS = List.of(
            Map.entry("billing", "You handle invoices, refunds and plan changes."),
            Map.entry("technical", "You diagnose outages, errors and integration problems."),
            Map.entry("legal", "You review contract terms, data requests and compliance questions."));
    static final List<String> REGIONS = List.of("us", "eu", "ap");
    static final String RESPONDER_FUNCTION = "support-responder";
    static final String URGENT_RESPONDER_FUNCTION = "support-responder-urgent";

    @Override
    public Map<String, Object> handleRequest(TicketEvent event, DurableContext context) {
        Ticket ticket = event.ticket();
        String customerId = ticket.customerId();

        ParallelResult background;
        try (var gather = context.parallel(
                "gather-context",
                ParallelConfig.builder().completionConfig(CompletionConfig.allSuccessful()).build())) {
            gather.branch("crm-profile", Profile.class, ctx -> crmProfile(ctx, customerId));
            gather.branch("ticket-history", History.class, ctx -> ticketHistory(ctx, customerId, 20));
            background = gather.get();
        }
        Profile profile = background.get(0, Profile.class);
        History history = background.get(1, History.class);

        // Branches registered in a loop over a registry the source writes out: one branch each,
        // named by the entry's key.
        ParallelResult opinions;
        try (var consult = context.parallel(
                "consult-specialists",
                ParallelConfig.builder().maxConcurrency(SPECIALISTS.size()).build())) {
            for (var specialist : SPECIALISTS) {
                consult.branch(
                        specialist.getKey(),
                        Opinion.class,
                        ctx -> consult(ctx, specialist.getKey(), specialist.getValue(), ticket));
            }
            opinions = consult.get();
        }

        Draft draft = context.step(null, Draft.class, s -> Specialists.merge(opinions, profile, history));

        context.map(
                "regional-policy-check",
                REGIONS,
                PolicyCheck.class,
                (region, index, ctx) -> ctx.step("policy-" + region, PolicyCheck.class, s -> Policies.check(region, draft.text())),
                MapConfig.builder()
                        .maxConcurrency(3)
                        .itemNamer((region, i) -> "region-" + region)
                        .build());

        if (opinions.results(Opinion.class).stream().anyMatch(Opinion::needsFollowUp)) {
            context.wait("specialist-follow-up", Duration.ofMinutes(10));
        }

        // A helper of another class of the same source tree (CoordinatorHelpers.java).
        Summary summary = CoordinatorHelpers.summarize(context, "resolution");

        boolean urgent = profile.plan().equals("enterprise") || ticket.severity().equals("high");
        Response response = context.invoke(
                "send-response",
                urgent ? URGENT_RESPONDER_FUNCTION : RESPONDER_FUNCTION,
                Map.of(
                        "ticket_id", ticket.id(),
                        "summary", CoordinatorHelpers.redact(summary.text()),
                        "draft", CoordinatorHelpers.redact(draft.text())),
                Response.class);
        return Map.of("ticket_id", ticket.id(), "response_id", response.id(), "urgent", urgent);
    }

    private static Profile crmProfile(DurableContext ctx, String customerId) {
        return ctx.step("load-profile", Profile.class, s -> Crm.profile(customerId));
    }

    private static History ticketHistory(DurableContext ctx, String customerId, int limit) {
        return ctx.step("load-history", History.class, s -> Helpdesk.recentTickets(customerId, limit));
    }

    /** Asks one specialist about the ticket. */
    private static Opinion consult(DurableContext ctx, String specialist, String brief, Ticket ticket) {
        return ctx.step("ask-" + specialist, Opinion.class, s -> Specialists.ask(specialist, brief, ticket.body()));
    }
}
