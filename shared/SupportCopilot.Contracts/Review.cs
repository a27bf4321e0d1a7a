namespace SupportCopilot.Contracts;

/// <summary>Published by Review once a draft waits in the review queue.</summary>
public sealed record DraftQueuedForReview(Guid DraftId, Guid TicketId, DateTimeOffset QueuedAt);

/// <summary>An agent approved a draft, as it was or edited; <see cref="FinalText"/> is what goes out.</summary>
public sealed record ReplyApproved(
    Guid DraftId,
    Guid TicketId,
    string FinalText,
    bool Edited,
    string Agent,
    DateTimeOffset ApprovedAt);

/// <summary>An agent rejected a draft; nothing is sent to the customer.</summary>
public sealed record DraftRejected(
    Guid DraftId,
    Guid TicketId,
    string Reason,
    string? Comment,
    string Agent,
    DateTimeOffset RejectedAt);
