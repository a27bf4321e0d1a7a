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
