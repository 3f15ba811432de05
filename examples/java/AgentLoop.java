package com.acme.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.lambda.durable.DurableContext;
import software.amazon.lambda.durable.DurableHandler;
import software.amazon.lambda.durable.WaitForConditionResult;
import software.amazon.lambda.durable.config.StepConfig;
import software.amazon.lambda.durable.config.WaitForConditionConfig;
import software.amazon.lambda.durable.retry.JitterStrategy;
import software.amazon.lambda.durable.retry.RetryStrategies;
import software.amazon.lambda.durable.retry.WaitStrategies;

/**
 * Tool-using agent loop.
 *
 * <p>Each turn asks the model what to do next. Quick tools run as one step each; long-running
 * tools (report builds, data exports) are started and then polled with waitForCondition until the
 * job finishes. The loop stops when the model is done or a tool asks for a human, and backs off
 * when the model is overloaded.
 *
 * <p>Java has no {@code for/else}: a flag set before the inner {@code break} says whether a tool
 * asked for a human, and a condition after the loop stops the agent.
 */
public class AgentLoop extends DurableHandler<Prompt, Map<String, Object>> {

    static final int MAX_TURNS = 12;
    static final Set<String> LONG_RUNNING_TOOLS = Set.of("build_report", "export_dataset");

    static class TurnLimitExceededException extends RuntimeException {
        TurnLimitExceededException(String message) {
            super(message);
        }
    }

    @Override
    public Map<String, Object> handleRequest(Prompt event, DurableContext context) {
        List<Message> messages = new ArrayList<>(List.of(Message.user(event.prompt())));
        int turn = 0;

        while (true) {
            turn += 1;
            if (turn > MAX_TURNS) {
                throw new TurnLimitExceededException("no answer after " + MAX_TURNS + " turns");
            }

            Reply reply = context.step(
                    "call-model",
                    Reply.class,
                    s -> Model.complete(messages, Tools.schemas()),
                    StepConfig.builder().retryStrategy(RetryStrategies.Presets.DEFAULT).build());

            if (reply.stopReason().equals("end_turn")) {
                messages.add(Message.assistant(reply.content()));
                break;
            }
            if (reply.stopReason().equals("overloaded")) {
                context.wait("model-backoff", Duration.ofSeconds(20));
                continue;
            }

            messages.add(Message.assistant(reply.content()));
            boolean needsHuman = false;
            for (ToolCall tool : reply.toolCalls()) {
                ToolOutput output;
                if (LONG_RUNNING_TOOLS.contains(tool.name())) {
                    output = runTool(context, tool.name(), tool.args());
                } else {
                    output = context.step(
                            "tool:" + tool.name(), ToolOutput.class, s -> Tools.execute(tool.name(), tool.args()));
                }
                if (output.needsHuman()) {
                    final ToolOutput flagged = output;
                    context.step(
                            "flag-for-review",
                            Void.class,
                            s -> Transcripts.flagForReview(event.sessionId(), flagged));
                    needsHuman = true;
                    break;
                }
                messages.add(Message.toolResult(tool, output));
            }
            if (needsHuman) {
                // A tool asked for a human, so the agent stops here.
                break;
            }
        }

        context.step(null, Void.class, s -> Transcripts.save(event.sessionId(), messages));
        return Map.of("turns", turn, "answer", messages.get(messages.size() - 1).content());
    }

    /** Start a long-running tool job and poll it until it leaves RUNNING. */
    private static ToolOutput runTool(DurableContext ctx, String toolName, Map<String, Object> args) {
        Job job = ctx.step("start:" + toolName, Job.class, s -> Jobs.start(toolName, args));

        JobState done = ctx.waitForCondition(
                "poll:" + toolName,
                JobState.class,
                (state, checkCtx) -> {
                    checkCtx.getLogger().info("polling job {}", state.jobId());
                    JobState now = Jobs.describe(state.jobId());
                    return now.status().equals("RUNNING")
                            ? WaitForConditionResult.continuePolling(now)
                            : WaitForConditionResult.stopPolling(now);
                },
                WaitForConditionConfig.<JobState>builder()
                        .waitStrategy(WaitStrategies.exponentialBackoff(
                                        40, Duration.ofSeconds(5), Duration.ofMinutes(2), 1.5,
                                        JitterStrategy.FULL))
                        .initialState(new JobState(job.jobId(), "RUNNING"))
                        .build());
        return done.output();
    }
}
