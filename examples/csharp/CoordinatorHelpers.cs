// Helpers shared by the specialist coordinator.
//
// Nothing here is a durable workflow; these methods receive the caller's
// IDurableContext and record their operations in the caller's workflow.
// The C# port of examples/python/coordinator_helpers.py: on its own this file
// draws nothing; SpecialistCoordinator.cs finds SummarizeAsync here because both
// files belong to the same project (DurableExamples.csproj).

using Amazon.Lambda.DurableExecution;

namespace Examples.Support;

public static class CoordinatorHelpers
{
    // Wait for the knowledge base to index new notes, then summarise a topic.
    public static async Task<Summary> SummarizeAsync(IDurableContext ctx, string topic)
    {
        await ctx.WaitAsync(TimeSpan.FromSeconds(45), name: "await-indexing");
        return await ctx.StepAsync(
            async (_, ct) => await KnowledgeBase.SummarizeNotesAsync(topic, maxWords: 200, ct),
            name: $"summarize-{topic}");
    }

    // Plain helper: strip card numbers before text leaves the coordinator.
    public static string Redact(string text) =>
        string.Join(" ", text.Split(' ').Select(w => w.Length >= 12 && w.All(char.IsDigit) ? "[redacted]" : w));
}
