// Support-ticket coordinator.
//
// Gathers customer context, asks every specialist in the registry (billing,
// technical, legal) for an opinion in parallel, checks the answer against each
// regional policy, waits for a specialist follow-up when one is requested,
// summarises the findings and hands the reply to the responder function.
//
// The C# port of examples/python/specialist_coordinator.py. Shown: named branches
// (DurableBranch<T>) that call helper methods, branches built in a loop over a
// registry written in the source (one branch per entry, each named by its key), a
// factory method returning the branch delegate, MapAsync over a constant array with a
// local function and an ItemNamer, and a helper in another file of the project.

using Amazon.Lambda.Core;
using Amazon.Lambda.DurableExecution;

namespace Examples.Support;

public class SpecialistCoordinator
{
    private static readonly Dictionary<string, string> SpecialistBriefs = new()
    {
        ["billing"] = "You handle invoices, refunds and plan changes.",
        ["technical"] = "You diagnose outages, errors and integration problems.",
        ["legal"] = "You review contract terms, data requests and compliance questions.",
    };
    private static readonly string[] Regions = ["us", "eu", "ap"];
    private const string ResponderFunction = "support-responder";
    private const string UrgentResponderFunction = "support-responder-urgent";

    public Task<DurableExecutionInvocationOutput> Handler(DurableExecutionInvocationInput input, ILambdaContext context)
        => DurableFunction.WrapAsync<TicketEvent, TicketReply>(CoordinateAsync, input, context);

    private static Task<Finding> CrmProfileAsync(IDurableContext ctx, string customerId) =>
        ctx.StepAsync(async (_, ct) => await Crm.ProfileAsync(customerId, ct), name: "load-profile");

    private static Task<Finding> TicketHistoryAsync(IDurableContext ctx, string customerId, int limit) =>
        ctx.StepAsync(async (_, ct) => await Helpdesk.RecentTicketsAsync(customerId, limit, ct), name: "load-history");

    // Build the branch body that asks one specialist about the ticket.
    private static Func<IDurableContext, CancellationToken, Task<Opinion>> Consult(
        string specialist, string brief, Ticket ticket)
    {
        return async (ctx, ct) => await ctx.StepAsync(
            async (_, token) => await SpecialistDesk.AskAsync(specialist, brief, ticket.Body, token),
            name: $"ask-{specialist}");
    }

    public async Task<TicketReply> CoordinateAsync(TicketEvent input, IDurableContext context)
    {
        var ticket = input.Ticket;
        var customerId = ticket.CustomerId;

        var background = await context.ParallelAsync(
            new[]
            {
                new DurableBranch<Finding>("crm-profile", async (ctx, ct) => await CrmProfileAsync(ctx, customerId)),
                new DurableBranch<Finding>("ticket-history", async (ctx, ct) => await TicketHistoryAsync(ctx, customerId, 20)),
            },
            name: "gather-context",
            config: new ParallelConfig { CompletionConfig = CompletionConfig.AllSuccessful() });
        var (profile, history) = (background.Results[0], background.Results[1]);

        var consultations = new List<DurableBranch<Opinion>>();
        foreach (var (key, brief) in SpecialistBriefs)
        {
            consultations.Add(new DurableBranch<Opinion>(key, Consult(key, brief, ticket)));
        }
        var opinions = (await context.ParallelAsync(
            consultations,
            name: "consult-specialists",
            config: new ParallelConfig { MaxConcurrency = SpecialistBriefs.Count })).Results;

        var draft = await context.StepAsync(async (_, ct) => await SpecialistDesk.MergeAsync(opinions, profile, history, ct));

        async Task<Verdict> CheckRegion(
            IDurableContext ctx, string region, int index, IReadOnlyList<string> regions, CancellationToken ct) =>
            await ctx.StepAsync(async (_, token) => await Policies.CheckAsync(region, draft.Text, token), name: $"policy-{region}");

        await context.MapAsync(
            Regions,
            CheckRegion,
            name: "regional-policy-check",
            config: new MapConfig<string>
            {
                MaxConcurrency = 3,
                ItemNamer = (region, i) => $"region-{region}",
            });

        if (opinions.Any(opinion => opinion.NeedsFollowUp))
        {
            await context.WaitAsync(TimeSpan.FromMinutes(10), name: "specialist-follow-up");
        }

        var summary = await CoordinatorHelpers.SummarizeAsync(context, "resolution");

        var urgent = profile.Plan == "enterprise" || ticket.Severity == "high";
        var response = await context.InvokeAsync<ResponderPayload, ResponderReply>(
            functionName: urgent ? UrgentResponderFunction : ResponderFunction,
            payload: new ResponderPayload(
                ticket.Id,
                CoordinatorHelpers.Redact(summary.Text),
                CoordinatorHelpers.Redact(draft.Text)),
            name: "send-response");
        return new TicketReply(ticket.Id, response.Id, urgent);
    }
}

public record TicketEvent(Ticket Ticket);
public record TicketReply(string TicketId, string ResponseId, bool Urgent);
public record ResponderPayload(string TicketId, string Summary, string Draft);
