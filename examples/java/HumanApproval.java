package com.acme.expenses;

import java.time.Duration;
import java.util.Map;
import software.amazon.lambda.durable.DurableCallbackFuture;
import software.amazon.lambda.durable.DurableContext;
import software.amazon.lambda.durable.DurableHandler;
import software.amazon.lambda.durable.config.CallbackConfig;
import software.amazon.lambda.durable.config.WaitForCallbackConfig;

/**
 * Expense approval with a human in the loop.
 *
 * <p>{@code HumanApproval} records an expense claim, asks the requester's manager to approve it
 * through a callback and acts on the decision; anything other than a clear yes or no goes to the
 * finance team through waitForCallback. The receipt goes out by e-mail or SMS depending on the
 * claim.
 *
 * <p>{@code HumanApproval.Escalation} is a second durable function in the same file (a nested
 * class): it pages the on-call approver for claims that stalled and records the answer.
 */
public class HumanApproval extends DurableHandler<ClaimEvent, Map<String, String>> {

    private static final String FINANCE_QUEUE = "finance-approvals";

    @Override
    public Map<String, String> handleRequest(ClaimEvent event, DurableContext context) {
        Claim claim = event.claim();

        context.step("record-claim", Void.class, s -> Ledger.recordClaim(claim));

        DurableCallbackFuture<Decision> approval = context.createCallback(
                "manager-approval",
                Decision.class,
                CallbackConfig.builder()
                        .timeout(Duration.ofHours(24))
                        .heartbeatTimeout(Duration.ofMinutes(30))
                        .build());
        context.step(
                "send-approval-request",
                Void.class,
                s -> Notifications.askManager(claim.manager(), claim, approval.callbackId()));
        Decision decision = approval.get();

        // An arrow switch: one outcome per case; `default` makes it cover every value.
        switch (decision.outcome()) {
            case "approved" -> context.step("schedule-payout", Void.class, s -> Ledger.schedulePayout(claim));
            case "rejected" -> {
                context.step(
                        "notify-rejection",
                        Void.class,
                        s -> Notifications.tellRequester(claim.requester(), "rejected"));
                return Map.of("claim", claim.id(), "status", "rejected");
            }
            default -> {
                Review review = context.waitForCallback(
                        "finance-review",
                        Review.class,
                        (callbackId, stepCtx) -> {
                            // Runs inside the SDK's submitter step; only plain calls here.
                            stepCtx.getLogger().info("routing claim {} to finance", claim.id());
                            Tickets.open(FINANCE_QUEUE, claim, callbackId);
                        },
                        WaitForCallbackConfig.builder()
                                .callbackConfig(CallbackConfig.builder().timeout(Duration.ofDays(3)).build())
                                .build());
                if (!review.approved()) {
                    return Map.of("claim", claim.id(), "status", "rejected-by-finance");
                }
                context.step(null, Void.class, s -> Ledger.schedulePayout(claim));
            }
        }

        Receipt receipt = claim.contact().equals("email")
                ? context.step("email-receipt", Receipt.class, s -> Notifications.emailReceipt(claim))
                : context.step("sms-receipt", Receipt.class, s -> Notifications.smsReceipt(claim));
        return Map.of("claim", claim.id(), "status", "paid", "receipt", receipt.messageId());
    }

    /** Pages the on-call approver for a stalled claim. */
    public static final class Escalation extends DurableHandler<ClaimEvent, Map<String, Object>> {

        @Override
        public Map<String, Object> handleRequest(ClaimEvent event, DurableContext context) {
            Claim claim = event.claim();
            Approver approver = context.step(
                    "find-on-call", Approver.class, s -> Paging.currentOnCall("expense-approvers"));

            // The Java submitter receives a StepContext, which runs no durable operations: the
            // page goes out directly from the submitter (the Python port pages in a step).
            Answer answer = context.waitForCallback(
                    "page_on_call",
                    Answer.class,
                    (callbackId, stepCtx) -> Paging.page(
                            approver.id(), "Claim " + claim.id() + " needs a decision", callbackId),
                    WaitForCallbackConfig.builder()
                            .callbackConfig(CallbackConfig.builder()
                                    .timeout(Duration.ofHours(4))
                                    .heartbeatTimeout(Duration.ofMinutes(15))
                                    .build())
                            .build());

            if (answer.approved()) {
                context.step("escalated-payout", Void.class, s -> Ledger.schedulePayout(claim));
            } else {
                context.step(
                        "escalated-rejection",
                        Void.class,
                        s -> Notifications.tellRequester(claim.requester(), "rejected"));
            }
            return Map.of("claim", claim.id(), "approved", answer.approved());
        }
    }
}
