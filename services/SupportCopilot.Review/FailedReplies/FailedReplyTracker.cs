using SupportCopilot.Contracts;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Review.FailedReplies;

/// <summary>
/// Keeps <c>failed_replies</c> in step with Intake's events: <see cref="ReplyFailed"/> records (or
/// re-records) a failure, <see cref="ReplySent"/> resolves it. Review never reads Intake's tables.
/// </summary>
internal sealed class FailedReplyTracker(ReviewDatabase database)
{
    public const string FailedConsumerName = "review-reply-failed";

    // A later failure (after a retry) sets the reply back to failed with the new error. A resolved
    // reply was delivered, which is final, and an older failure arriving late changes nothing.
    // ReplyFailed and ReplySent travel on different queues, so a failure can arrive after the
    // reply was sent (failed, replayed through Intake, delivered): the sent marker keeps it out.
    private const string UpsertFailure = """
        INSERT INTO failed_replies (draft_id, ticket_id, connector, error, failed_at, status)
        SELECT @DraftId, @TicketId, @Connector, @Error, @FailedAt, 'failed'
        WHERE NOT EXISTS (SELECT 1 FROM sent_replies WHERE draft_id = @DraftId)
        ON CONFLICT (draft_id) DO UPDATE SET
            connector = excluded.connector, error = excluded.error, failed_at = excluded.failed_at, status = 'failed'
        WHERE failed_replies.status <> 'resolved' AND failed_replies.failed_at <= excluded.failed_at
        """;

    private const string MarkSent = """
        INSERT INTO sent_replies (draft_id, sent_at) VALUES (@DraftId, @SentAt)
        ON CONFLICT (draft_id) DO NOTHING
        """;

    private const string Resolve = """
        UPDATE failed_replies SET status = 'resolved', resolved_at = @SentAt
        WHERE draft_id = @DraftId AND status <> 'resolved'
        """;

    /// <summary>
    /// Records a failure once per message (inbox): a redelivered <see cref="ReplyFailed"/> must not set
    /// back to failed a reply whose retry an agent has asked for since. True when the row changed.
    /// </summary>
    public async Task<bool> RecordFailureAsync(ReplyFailed failure, Guid messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        await using var transaction = await database.BeginAsync(cancellationToken);
        if (!await transaction.TryConsumeAsync(messageId, FailedConsumerName, cancellationToken))
        {
            return false;
        }

        var changed = await transaction.ExecuteAsync(
            UpsertFailure,
            new { failure.DraftId, failure.TicketId, failure.Connector, failure.Error, failure.FailedAt },
            cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    /// <summary>
    /// Marks a failed reply resolved once Intake delivered it, and remembers that it was sent so a
    /// failure overtaken by this message is ignored when it arrives. Both only move forward, so a
    /// redelivery is harmless without an inbox.
    /// </summary>
    public async Task<bool> ResolveAsync(ReplySent sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sent);
        await using var transaction = await database.BeginAsync(cancellationToken);
        await transaction.ExecuteAsync(MarkSent, new { sent.DraftId, sent.SentAt }, cancellationToken);
        var changed = await transaction.ExecuteAsync(Resolve, new { sent.DraftId, sent.SentAt }, cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }
}
