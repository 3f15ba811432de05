// Expense approval with a human in the loop.
//
// ApproveExpense records an expense claim, asks the requester's manager to approve
// it through a callback and acts on the decision; anything other than a clear yes
// or no goes to the finance team through WaitForCallbackAsync. The receipt goes out
// by e-mail or SMS depending on the claim.
//
// EscalateExpense is a second durable function in the same file: it pages the
// on-call approver for claims that stalled and records the answer.
//
// The C# port of examples/python/human_approval.py: two handlers in one class, a
// switch statement with a default section, a ternary that chooses between two steps.
// In .NET a WaitForCallbackAsync submitter receives an IWaitForCallbackContext, which
// runs no durable operation: the on-call page is a plain call there, where the Python
// version's submitter runs a step of its own.

using Amazon.Lambda.Core;
using Amazon.Lambda.DurableExecution;

namespace Examples.Expenses;

public class ExpenseFunctions
{
    private const string FinanceQueue = "finance-approvals";

    public Task<DurableExecutionInvocationOutput> Approve(DurableExecutionInvocationInput input, ILambdaContext context)
        => DurableFunction.WrapAsync<ClaimEvent, ClaimResult>(ApproveExpense, input, context);

    public Task<DurableExecutionInvocationOutput> Escalate(DurableExecutionInvocationInput input, ILambdaContext context)
        => DurableFunction.WrapAsync<ClaimEvent, EscalationResult>(EscalateExpense, input, context);

    private static async Task<ClaimResult> ApproveExpense(ClaimEvent input, IDurableContext context)
    {
        var claim = input.Claim;

        await context.StepAsync(async (_, ct) => await Ledger.RecordClaimAsync(claim, ct), name: "record-claim");

        var approval = await context.CreateCallbackAsync<Decision>(
            name: "manager-approval",
            config: new CallbackConfig
            {
                Timeout = TimeSpan.FromHours(24),
                HeartbeatTimeout = TimeSpan.FromMinutes(30),
            });
        await context.StepAsync(
            async (_, ct) => await Notifications.AskManagerAsync(claim.Manager, claim, approval.CallbackId, ct),
            name: "send-approval-request");
        var decision = await approval.GetResultAsync();

        switch (decision.Outcome)
        {
            case "approved":
                await context.StepAsync(async (_, ct) => await Ledger.SchedulePayoutAsync(claim, ct), name: "schedule-payout");
                break;
            case "rejected":
                await context.StepAsync(
                    async (_, ct) => await Notifications.TellRequesterAsync(claim.Requester, "rejected", ct),
                    name: "notify-rejection");
                return new ClaimResult(claim.Id, "rejected", null);
            default:
                var review = await context.WaitForCallbackAsync<Review>(
                    async (callbackId, callbackContext, ct) =>
                    {
                        // Runs inside the SDK's submitter step; only plain calls here.
                        callbackContext.Logger.LogInformation("routing claim {Claim} to finance", claim.Id);
                        await Tickets.OpenAsync(FinanceQueue, claim, replyToken: callbackId, ct);
                    },
                    name: "finance-review",
                    config: new WaitForCallbackConfig { Timeout = TimeSpan.FromDays(3) });
                if (!review.Approved)
                {
                    return new ClaimResult(claim.Id, "rejected-by-finance", null);
                }
                await context.StepAsync(async (_, ct) => await Ledger.SchedulePayoutAsync(claim, ct));
                break;
        }

        var receipt = claim.Contact == "email"
            ? await context.StepAsync(async (_, ct) => await Notifications.EmailReceiptAsync(claim, ct), name: "email-receipt")
            : await context.StepAsync(async (_, ct) => await Notifications.SmsReceiptAsync(claim, ct), name: "sms-receipt");
        return new ClaimResult(claim.Id, "paid", receipt.MessageId);
    }

    private static async Task<EscalationResult> EscalateExpense(ClaimEvent input, IDurableContext context)
    {
        var claim = input.Claim;
        var approver = await context.StepAsync(
            async (_, ct) => await Paging.CurrentOnCallAsync("expense-approvers", ct),
            name: "find-on-call");

        var answer = await context.WaitForCallbackAsync<Answer>(
            async (callbackId, callbackContext, ct) =>
                await Paging.PageAsync(approver.Id, $"Claim {claim.Id} needs a decision", callbackId, ct),
            name: "page_on_call",
            config: new WaitForCallbackConfig
            {
                Timeout = TimeSpan.FromHours(4),
                HeartbeatTimeout = TimeSpan.FromMinutes(15),
            });

        if (answer.Approved)
        {
            await context.StepAsync(async (_, ct) => await Ledger.SchedulePayoutAsync(claim, ct), name: "escalated-payout");
        }
        else
        {
            await context.StepAsync(
                async (_, ct) => await Notifications.TellRequesterAsync(claim.Requester, "rejected", ct),
                name: "escalated-rejection");
        }
        return new EscalationResult(claim.Id, answer.Approved);
    }
}

public record ClaimEvent(Claim Claim);
public record ClaimResult(string ClaimId, string Status, string? Receipt);
public record EscalationResult(string ClaimId, bool Approved);
