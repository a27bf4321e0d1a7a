namespace SupportCopilot.Contracts;

/// <summary>Published by Review once a draft waits in the review queue.</summary>
public sealed record DraftQueuedForReview(Guid DraftId, Guid TicketId, DateTimeOffset QueuedAt);

/// <summary>
/// An agent approved a draft, as it was or edited; <see cref="FinalText"/> is what goes out.
/// <see cref="Kind"/> says whether it answers the ticket or asks the customer a question back
/// (<see cref="ReplyKind"/>); only answers may become knowledge.
/// </summary>
public sealed record ReplyApproved(
    Guid DraftId,
    Guid TicketId,
    string FinalText,
    bool Edited,
    string Agent,
    DateTimeOffset ApprovedAt,
    string Kind = ReplyKind.Answer);

/// <summary>What an approved reply is.</summary>
public static class ReplyKind
{
    public const string Answer = "answer";
    public const string ClarifyingQuestion = "clarifying_question";
}

/// <summary>An agent rejected a draft; nothing is sent to the customer.</summary>
public sealed record DraftRejected(
    Guid DraftId,
    Guid TicketId,
    string Reason,
    string? Comment,
    string Agent,
    DateTimeOffset RejectedAt);
