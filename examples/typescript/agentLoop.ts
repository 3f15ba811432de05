/**
 * Tool-using agent loop.
 *
 * Each turn asks the model what to do next. Quick tools run as one step each;
 * long-running tools (report builds, data exports) are started and then polled
 * with waitForCondition until the job finishes. The loop stops when the model
 * is done or a tool asks for a human, and backs off when the model is overloaded.
 *
 * The TypeScript port of examples/python/agent_loop.py. Python's `for ... else`
 * has no TypeScript form; a labelled `break agent` leaves both loops at once,
 * which draws the same graph.
 */

import {
  createWaitStrategy,
  retryPresets,
  withDurableExecution,
  type DurableContext,
} from "@aws/durable-execution-sdk-js";

import { jobs, model, tools, transcripts } from "./lib/agentRuntime";

const MAX_TURNS = 12;
const LONG_RUNNING_TOOLS = new Set(["build_report", "export_dataset"]);

class TurnLimitExceededError extends Error {}

interface ToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

interface JobState {
  jobId: string;
  status: string;
}

/** Start a long-running tool job and poll it until it leaves RUNNING. */
async function runTool(ctx: DurableContext, toolName: string, args: Record<string, unknown>) {
  const job = await ctx.step(`start:${toolName}`, async () => jobs.start(toolName, args));

  const checkJob = async (state: JobState, checkCtx: { logger: Console }) => {
    checkCtx.logger.info("polling job", state.jobId);
    return jobs.describe(state.jobId);
  };

  return ctx.waitForCondition(`poll:${toolName}`, checkJob, {
    waitStrategy: createWaitStrategy({
      shouldContinuePolling: (state: JobState) => state.status === "RUNNING",
      maxAttempts: 40,
      initialDelay: { seconds: 5 },
      maxDelay: { minutes: 2 },
      backoffRate: 1.5,
    }),
    initialState: { jobId: job.jobId, status: "RUNNING" },
  });
}

export const handler = withDurableExecution(async (event, context: DurableContext) => {
  const messages: { role: string; content: unknown }[] = [{ role: "user", content: event.prompt }];
  let turn = 0;

  agent: while (true) {
    turn += 1;
    if (turn > MAX_TURNS) {
      throw new TurnLimitExceededError(`no answer after ${MAX_TURNS} turns`);
    }

    const reply = await context.step(
      "call-model",
      async () => model.complete(messages, tools.schemas()),
      { retryStrategy: retryPresets.default },
    );

    if (reply.stopReason === "end_turn") {
      messages.push({ role: "assistant", content: reply.content });
      break;
    }
    if (reply.stopReason === "overloaded") {
      await context.wait("model-backoff", { seconds: 20 });
      continue;
    }

    messages.push({ role: "assistant", content: reply.content });
    const toolCalls: ToolCall[] = reply.toolCalls;
    for (const tool of toolCalls) {
      let output;
      if (LONG_RUNNING_TOOLS.has(tool.name)) {
        output = await runTool(context, tool.name, tool.args);
      } else {
        output = await context.step(`tool:${tool.name}`, async () =>
          tools.execute(tool.name, tool.args),
        );
      }
      if (output.needsHuman) {
        await context.step("flag-for-review", async () =>
          transcripts.flagForReview(event.sessionId, output),
        );
        // A tool asked for a human, so the agent stops here.
        break agent;
      }
      messages.push(toolResult(tool, output));
    }
    // Every tool ran: the results go back to the model on the next turn.
  }

  await context.step(async () => transcripts.save(event.sessionId, messages));
  return { turns: turn, answer: messages[messages.length - 1].content };
});

function toolResult(tool: ToolCall, output: { content?: string }) {
  return { role: "tool", toolCallId: tool.id, content: output.content ?? "" };
}
