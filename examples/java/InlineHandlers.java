package com.acme.inline;

import java.time.Duration;
import software.amazon.lambda.durable.DurableContext;
import software.amazon.lambda.durable.DurableHandler;
import software.amazon.lambda.durable.config.RunInChildContextConfig;
import software.amazon.lambda.durable.testing.LocalDurableTestRunner;

/**
 * Handlers declared inline (Java-only constructs).
 *
 * <p>{@code GREETER} is an anonymous {@code DurableHandler} subclass held in a field; the test
 * method builds a handler as a lambda for {@code LocalDurableTestRunner}. Each is a workflow of
 * its own, named after the field or the variable that holds it.
 */
public class InlineHandlers {

    static final String GREETING_STEP = "compose-greeting";

    static final DurableHandler<String, String> GREETER = new DurableHandler<String, String>() {
        @Override
        public String handleRequest(String name, DurableContext context) {
            String greeting = context.step(GREETING_STEP, String.class, s -> "Hello, " + name);
            context.wait(null, Duration.ofSeconds(5));
            return context.runInChildContext(
                    "deliver",
                    String.class,
                    child -> child.step("send-greeting", String.class, s -> Outbox.send(greeting)),
                    RunInChildContextConfig.builder().isVirtual(true).build());
        }
    };

    void greetsWithRetry() {
        var runner = LocalDurableTestRunner.create(String.class, (input, ctx) -> {
            String id = ctx.withRetry(
                    "reserve-id",
                    (attempt, retryCtx) -> retryCtx.step("allocate-" + attempt, String.class, s -> Ids.next()));
            ctx.wait("settle", Duration.ofSeconds(1));
            return ctx.step("confirm", String.class, s -> Ids.confirm(id));
        });
        runner.runUntilComplete("world");
    }
}
