namespace SupportCopilot.Intake.Tickets;

/// <summary>
/// Where a ticket is in its life. Events from other services may arrive out of order (Review's
/// "queued" can overtake Drafting's "ready" on another queue), so a status only ever moves
/// forward: each transition names the statuses it may leave.
/// </summary>
internal static class TicketStatus
{
    public const string Received = "received";
    public const string Drafted = "drafted";
    public const string InReview = "in_review";
    public const string AutoSent = "auto_sent";
    public const string Sent = "sent";
    public const string Rejected = "rejected";

    // Received -> drafted happens with recording the draft (Lifecycle/DraftReadyConsumer).

    /// <summary>Each takes <c>@TicketId</c> and <c>@Now</c>.</summary>
    public static readonly string ToInReview = Advance(InReview, Received, Drafted);

    public static readonly string ToAutoSent = Advance(AutoSent, Received, Drafted, InReview);

    public static readonly string ToSent = Advance(Sent, Received, Drafted, InReview);

    public static readonly string ToRejected = Advance(Rejected, Received, Drafted, InReview);

    // Built from the constants above, never from input: the lists are part of the statement.
    private static string Advance(string to, params string[] from) => $"""
        UPDATE tickets SET status = '{to}', updated_at = @Now
        WHERE ticket_id = @TicketId AND status IN ({string.Join(", ", from.Select(s => $"'{s}'"))})
        """;
}
