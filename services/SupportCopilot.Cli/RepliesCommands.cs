using System.CommandLine;
using SupportCopilot.Data;
using SupportCopilot.Intake;
using SupportCopilot.Intake.Replies;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>copilot replies failed</c> lists replies the helpdesk never accepted; <c>copilot replies retry
/// &lt;draftId&gt;</c> resets one to pending and queues a new SendReply in Intake's outbox, which the
/// running Intake service publishes. Reaches Intake's database as <c>copilot db migrate</c> does.
/// </summary>
internal static class RepliesCommands
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int InvalidConfiguration = 2;

    public static Command Create()
    {
        var failed = new Command("failed", "List replies whose delivery failed (oldest first).");
        var failedDatabase = DatabaseOptions.AddTo(failed);
        failed.SetAction((parse, cancellationToken) => IntakeAsync(failedDatabase, parse, database => ListAsync(database, Console.Out, cancellationToken)));

        var draftId = new Argument<Guid>("draftId") { Description = "The draft whose reply to deliver again (see copilot replies failed)." };
        var retry = new Command("retry", "Deliver a failed reply again (it is still posted at most once).") { draftId };
        var retryDatabase = DatabaseOptions.AddTo(retry);
        retry.SetAction((parse, cancellationToken) => IntakeAsync(
            retryDatabase, parse, database => RetryAsync(database, parse.GetValue(draftId), Console.Out, Console.Error, cancellationToken)));

        return new Command("replies", "Reply deliveries to helpdesks.") { failed, retry };
    }

    public static async Task<int> ListAsync(IntakeDatabase database, TextWriter output, CancellationToken cancellationToken)
    {
        var replies = await FailedReplies.ListAsync(database, int.MaxValue, cancellationToken);
        if (replies.Count == 0)
        {
            await output.WriteLineAsync("No failed replies.");
            return Succeeded;
        }

        foreach (var reply in replies)
        {
            await output.WriteLineAsync(
                $"{reply.DraftId}  {reply.Connector} {reply.ExternalId}  {reply.Origin}  attempts {reply.Attempts}  {reply.LastError}");
        }

        return Succeeded;
    }

    public static async Task<int> RetryAsync(IntakeDatabase database, Guid draftId, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        switch (await FailedReplies.RetryAsync(database, draftId, cancellationToken))
        {
            case RetryOutcome.Queued:
                await output.WriteLineAsync($"Queued the reply for draft {draftId} for delivery again.");
                return Succeeded;
            case RetryOutcome.NotFound:
                await error.WriteLineAsync($"No reply delivery exists for draft {draftId}.");
                return Failed;
            default:
                await error.WriteLineAsync($"The reply for draft {draftId} has not failed (it is pending, being sent or delivered): nothing to retry.");
                return Failed;
        }
    }

    private static Task<int> IntakeAsync(DatabaseOptions options, ParseResult parse, Func<IntakeDatabase, Task<int>> run) =>
        options.RunAsync(parse, "intake", settings => new IntakeDatabase(settings), run);
}
