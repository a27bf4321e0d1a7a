namespace SupportCopilot.Contracts;

/// <summary>Who decided that a reply goes out.</summary>
public static class ReplyOrigin
{
    public const string Automatic = "auto";
    public const string Agent = "agent";
}

/// <summary>
/// Command to Intake's reply delivery: post <see cref="Text"/> to the ticket's helpdesk.
/// <see cref="DraftId"/> is the idempotency key: one draft is delivered at most once.
/// </summary>
public sealed record SendReply(Guid DraftId, Guid TicketId, string Text, string Origin);

/// <summary>Published by Intake once the helpdesk took the reply.</summary>
public sealed record ReplySent(Guid DraftId, Guid TicketId, string Origin, DateTimeOffset SentAt);

/// <summary>
/// Published by Intake whenever a reply delivery is marked <c>failed</c>: the bus gave up on it, or the
/// helpdesk cannot take it at all (not configured, a 4xx). <see cref="Error"/> is the last error as
/// Intake recorded it. A delivery retried and failing again publishes a new one, with a later
/// <see cref="FailedAt"/>.
/// </summary>
public sealed record ReplyFailed(Guid DraftId, Guid TicketId, string Connector, string Error, DateTimeOffset FailedAt);

/// <summary>
/// Command to Intake's reply delivery: deliver the failed reply for <see cref="DraftId"/> again, as
/// <c>POST /api/replies/{draftId}/retry</c> does. A delivery that is not failed (pending, being sent,
/// delivered) is left alone.
/// </summary>
public sealed record ReplyRetryRequested(Guid DraftId, string RequestedBy, DateTimeOffset RequestedAt);
