namespace SupportCopilot.Review.FailedReplies;

/// <summary>
/// A row of <c>failed_replies</c>, with the ticket's subject when the draft went through the review
/// queue (an automatically sent draft never did, so Review knows only its ticket id).
/// </summary>
internal sealed class FailedReply
{
    /// <summary>Columns in the shape of this class; <c>f</c> is <c>failed_replies</c>, <c>r</c> the left-joined <c>review_items</c>.</summary>
    public const string Columns = """
        f.draft_id AS DraftId, f.ticket_id AS TicketId, f.connector AS Connector, f.error AS Error,
        f.failed_at AS FailedAt, f.status AS Status, f.retry_requested_by AS RetryRequestedBy,
        f.retry_requested_at AS RetryRequestedAt, f.resolved_at AS ResolvedAt, r.subject AS Subject
        """;

    public Guid DraftId { get; init; }

    public Guid TicketId { get; init; }

    public string Connector { get; init; } = string.Empty;

    public string Error { get; init; } = string.Empty;

    public DateTimeOffset FailedAt { get; init; }

    public string Status { get; init; } = FailedReplyStatus.Failed;

    public string? RetryRequestedBy { get; init; }

    public DateTimeOffset? RetryRequestedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>Null when the draft never was in the review queue.</summary>
    public string? Subject { get; init; }
}

/// <summary>
/// The states of a failed reply: <c>failed</c> (an agent may retry it), <c>retry_requested</c> (Intake
/// was asked to deliver it again), <c>resolved</c> (Intake delivered it). A new failure after a retry
/// sets it back to <c>failed</c>; a resolved reply stays resolved, because a delivered reply is final.
/// </summary>
internal static class FailedReplyStatus
{
    public const string Failed = "failed";
    public const string RetryRequested = "retry_requested";
    public const string Resolved = "resolved";
}
