// Tool-using agent loop.
//
// Each turn asks the model what to do next. Quick tools run as one step each;
// long-running tools (report builds, data exports) are started and then polled
// with WaitForConditionAsync until the job finishes. The loop stops when the model
// is done or a tool asks for a human, and backs off when the model is overloaded.
//
// The C# port of examples/python/agent_loop.py, written in the executable model: Main
// starts the Lambda runtime with LambdaBootstrap and the handler wraps the workflow.
// C# has no for/else: where Python leaves the turn loop after a tool asked for a
// human, this version sets a flag that the while test reads.
// Also shown: a helper method receiving the context (inlined where it is called),
// interpolated names, a braceless else, WaitForConditionAsync with its config first.

using Amazon.Lambda.Core;
using Amazon.Lambda.DurableExecution;
using Amazon.Lambda.RuntimeSupport;
using Amazon.Lambda.Serialization.SystemTextJson;

namespace Examples.Agents;

public class TurnLimitExceededException(string message) : Exception(message);

public static class AgentLoop
{
    private const int MaxTurns = 12;
    private static readonly HashSet<string> LongRunningTools = ["build_report", "export_dataset"];

    public static async Task Main()
    {
        Func<DurableExecutionInvocationInput, ILambdaContext, Task<DurableExecutionInvocationOutput>> handler =
            (input, context) => DurableFunction.WrapAsync<AgentRequest, AgentAnswer>(RunAgentAsync, input, context);
        await LambdaBootstrapBuilder.Create(handler, new DefaultLambdaJsonSerializer())
            .Build()
            .RunAsync();
    }

    // Start a long-running tool job and poll it until it leaves RUNNING.
    private static async Task<ToolOutput> RunToolAsync(IDurableContext ctx, string toolName, ToolArgs args)
    {
        var job = await ctx.StepAsync(
            async (_, ct) => await Jobs.StartAsync(toolName, args, ct),
            name: $"start:{toolName}");

        var finished = await ctx.WaitForConditionAsync(
            async (state, check, ct) =>
            {
                check.Logger.LogInformation("polling job {JobId}", state.JobId);
                return await Jobs.DescribeAsync(state.JobId, ct);
            },
            new WaitForConditionConfig<JobState>
            {
                InitialState = new JobState(job.JobId, "RUNNING"),
                WaitStrategy = WaitStrategy.Exponential(
                    maxAttempts: 40,
                    initialDelay: TimeSpan.FromSeconds(5),
                    maxDelay: TimeSpan.FromMinutes(2),
                    backoffRate: 1.5,
                    shouldContinuePolling: state => state.Status == "RUNNING"),
            },
            name: $"poll:{toolName}");
        return finished.Output;
    }

    public static async Task<AgentAnswer> RunAgentAsync(AgentRequest request, IDurableContext context)
    {
        var messages = new List<Message> { new("user", request.Prompt) };
        var turn = 0;
        var needsHuman = false;

        while (!needsHuman)
        {
            turn++;
            if (turn > MaxTurns)
            {
                throw new TurnLimitExceededException($"no answer after {MaxTurns} turns");
            }

            var reply = await context.StepAsync(
                async (_, ct) => await Model.CompleteAsync(messages, Tools.Schemas(), ct),
                name: "call-model",
                config: new StepConfig { RetryStrategy = RetryStrategy.Transient });

            if (reply.StopReason == "end_turn")
            {
                messages.Add(new Message("assistant", reply.Content));
                break;
            }
            if (reply.StopReason == "overloaded")
            {
                await context.WaitAsync(TimeSpan.FromSeconds(20), name: "model-backoff");
                continue;
            }

            messages.Add(new Message("assistant", reply.Content));
            foreach (var tool in reply.ToolCalls)
            {
                ToolOutput output;
                if (LongRunningTools.Contains(tool.Name))
                    output = await RunToolAsync(context, tool.Name, tool.Args);
                else
                    output = await context.StepAsync(
                        async (_, ct) => await Tools.ExecuteAsync(tool.Name, tool.Args, ct),
                        name: $"tool:{tool.Name}");

                if (output.NeedsHuman)
                {
                    await context.StepAsync(
                        async (_, ct) => await Transcripts.FlagForReviewAsync(request.SessionId, output, ct),
                        name: "flag-for-review");
                    // A tool asked for a human, so the agent stops after this turn.
                    needsHuman = true;
                    break;
                }
                messages.Add(ToolResult(tool, output));
            }
        }

        await context.StepAsync(async (_, ct) => await Transcripts.SaveAsync(request.SessionId, messages, ct));
        return new AgentAnswer(turn, messages[^1].Content);
    }

    private static Message ToolResult(ToolCall tool, ToolOutput output) =>
        new("tool", output.Content ?? "") { ToolCallId = tool.Id };
}

public record AgentRequest(string Prompt, string SessionId);
public record AgentAnswer(int Turns, string Answer);
public record JobState(string JobId, string Status, ToolOutput? Output = null);
