using SupportCopilot.Contracts;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Review.FailedReplies;

internal enum RetryOutcome
{
    /// <summary>Marked <c>retry_requested</c>; a <see cref="ReplyRetryRequested"/> is in the outbox.</summary>
    Requested,
    NotFound,

    /// <summary>The reply is not failed (its retry is under way, or it was delivered): nothing to retry.</summary>
    NotFailed,
}

/// <summary>What became of a retry; <see cref="Status"/> is the reply's status after it (null when unknown).</summary>
internal sealed record RetryResult(RetryOutcome Outcome, Guid DraftId, string? Status, string? RequestedBy, DateTimeOffset? RequestedAt);

/// <summary>
/// An agent asks Intake to deliver a failed reply again, from the page or the JSON API. The status
/// change and the <see cref="ReplyRetryRequested"/> command commit together; the conditional update
/// is the arbiter, so of two agents retrying at once exactly one queues a command.
/// </summary>
internal sealed class RetryFailedReplyHandler(ReviewDatabase database, TimeProvider time)
{
    private const string MarkRetryRequested = """
        UPDATE failed_replies SET status = 'retry_requested', retry_requested_by = @Agent, retry_requested_at = @Now
        WHERE draft_id = @DraftId AND status = 'failed'
        """;

    private const string SelectState = """
        SELECT status AS Status, retry_requested_by AS RetryRequestedBy, retry_requested_at AS RetryRequestedAt
        FROM failed_replies WHERE draft_id = @DraftId
        """;

    public async Task<RetryResult> RetryAsync(Guid draftId, string agent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agent);
        agent = agent.Trim();
        var now = time.GetUtcNow();
        await using var transaction = await database.BeginAsync(cancellationToken);
        if (await transaction.ExecuteAsync(MarkRetryRequested, new { DraftId = draftId, Agent = agent, Now = now }, cancellationToken) == 0)
        {
            var state = await transaction.QuerySingleOrDefaultAsync<StateRow>(SelectState, new { DraftId = draftId }, cancellationToken);
            return state is null
                ? new RetryResult(RetryOutcome.NotFound, draftId, null, null, null)
                : new RetryResult(RetryOutcome.NotFailed, draftId, state.Status, state.RetryRequestedBy, state.RetryRequestedAt);
        }

        await transaction.PublishAsync(new ReplyRetryRequested(draftId, agent, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RetryResult(RetryOutcome.Requested, draftId, FailedReplyStatus.RetryRequested, agent, now);
    }

    private sealed class StateRow
    {
        public string Status { get; init; } = string.Empty;

        public string? RetryRequestedBy { get; init; }

        public DateTimeOffset? RetryRequestedAt { get; init; }
    }
}
