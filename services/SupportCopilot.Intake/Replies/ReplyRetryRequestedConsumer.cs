using MassTransit;
using SupportCopilot.Contracts;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// A retry asked for in the review UI (queue <c>intake-reply-retry-requested</c>): the same replay as
/// <c>POST /api/replies/{draftId}/retry</c> (<see cref="FailedReplies.RetryAsync(SupportCopilot.Data.ServiceTransaction, Guid, CancellationToken)"/>),
/// in one transaction with the inbox row, so a redelivered request queues no second
/// <see cref="SendReply"/>. A request for a delivery that is not failed (already retried, delivered,
/// unknown) does nothing.
/// </summary>
internal sealed partial class ReplyRetryRequestedConsumer(IntakeDatabase database, ILogger<ReplyRetryRequestedConsumer> logger)
    : IConsumer<ReplyRetryRequested>
{
    public const string ConsumerName = "intake-reply-retry-requested";

    public async Task Consume(ConsumeContext<ReplyRetryRequested> context)
    {
        var request = context.Message;
        var cancellationToken = context.CancellationToken;
        await using var transaction = await database.BeginAsync(cancellationToken);
        if (!await transaction.TryConsumeAsync(context.MessageId!.Value, ConsumerName, cancellationToken))
        {
            return;
        }

        var outcome = await FailedReplies.RetryAsync(transaction, request.DraftId, cancellationToken);

        // The inbox row commits whatever the outcome, so a redelivery of this request is a no-op.
        await transaction.CommitAsync(cancellationToken);
        if (outcome == RetryOutcome.Queued)
        {
            LogQueued(request.DraftId, request.RequestedBy);
        }
        else
        {
            LogIgnored(request.DraftId, request.RequestedBy, outcome);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying the failed reply for draft {DraftId}, as {RequestedBy} asked")]
    private partial void LogQueued(Guid draftId, string requestedBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored {RequestedBy}'s retry of the reply for draft {DraftId}: {Outcome}")]
    private partial void LogIgnored(Guid draftId, string requestedBy, RetryOutcome outcome);
}
