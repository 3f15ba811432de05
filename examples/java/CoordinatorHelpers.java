package com.acme.support;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
import software.amazon.lambda.durable.DurableContext;

/**
 * Helpers shared by the specialist coordinator.
 *
 * <p>Nothing here is a durable handler; these methods receive the caller's DurableContext and
 * record their operations in the caller's workflow.
 */
public final class CoordinatorHelpers {

    private CoordinatorHelpers() {}

    /** Wait for the knowledge base to index new notes, then summarise a topic. */
    public static Summary summarize(DurableContext ctx, String topic) {
        ctx.wait("await-indexing", Duration.ofSeconds(45));
        return ctx.step(
                "summarize-" + topic,
                Summary.class,
                s -> KnowledgeBase.summarizeNotes(topic, 200));
    }

    /** Plain helper: strip card numbers before text leaves the coordinator. */
    public static String redact(String text) {
        return Arrays.stream(text.split(" "))
                .map(w -> w.chars().allMatch(Character::isDigit) && w.length() >= 12 ? "[redacted]" : w)
                .collect(Collectors.joining(" "));
    }
}
