using Dapper;
using SupportCopilot.Contracts;
using SupportCopilot.Data;

namespace SupportCopilot.Intake.Replies;

/// <summary>A reply delivery that gave up, as <c>GET /api/replies/failed</c> and <c>copilot replies failed</c> list it.</summary>
internal sealed record FailedReply(
    Guid DraftId, Guid TicketId, string Connector, string ExternalId, string Origin, int Attempts, string? LastError, DateTimeOffset CreatedAt);

internal enum RetryOutcome
{
    /// <summary>Reset to pending; a new <see cref="SendReply"/> is in the outbox.</summary>
    Queued,
    NotFound,

    /// <summary>The delivery is not failed (pending, being sent or delivered): nothing to retry.</summary>
    NotFailed,
}

/// <summary>
/// Failed reply deliveries: listing them, and retrying one. A delivery is only marked failed when the
/// helpdesk did not accept it, so a retry cannot send a reply twice: it resets the delivery to
/// <c>pending</c> and queues a fresh <see cref="SendReply"/> through the outbox in the same transaction,
/// and the usual claim makes sure that only one attempt ever posts. Shared by the HTTP API, the CLI
/// (which reaches Intake's database directly; the running service's outbox relay then publishes) and
/// <see cref="ReplyRetryRequestedConsumer"/> (a retry asked for in the review UI). Whoever marks a
/// delivery failed announces it with <see cref="AnnounceFailureAsync"/> in the same transaction.
/// </summary>
internal static class FailedReplies
{
    private const string SelectFailed = """
        SELECT d.draft_id AS DraftId, d.ticket_id AS TicketId, t.connector AS Connector, t.external_id AS ExternalId,
               d.origin AS Origin, d.attempts AS Attempts, d.last_error AS LastError, d.created_at AS CreatedAt
        FROM reply_deliveries d JOIN tickets t ON t.ticket_id = d.ticket_id
        WHERE d.status = 'failed'
        ORDER BY d.created_at, d.draft_id
        LIMIT @Limit
        """;

    private const string SelectDelivery = """
        SELECT ticket_id AS TicketId, text AS Text, origin AS Origin, status AS Status
        FROM reply_deliveries WHERE draft_id = @DraftId
        """;

    private const string SelectFailure = """
        SELECT d.ticket_id AS TicketId, t.connector AS Connector, d.last_error AS LastError
        FROM reply_deliveries d JOIN tickets t ON t.ticket_id = d.ticket_id
        WHERE d.draft_id = @DraftId AND d.status = 'failed'
        """;

    private const string ResetToPending = """
        UPDATE reply_deliveries SET status = 'pending', claimed_until = NULL
        WHERE draft_id = @DraftId AND status = 'failed'
        """;

    public static async Task<IReadOnlyList<FailedReply>> ListAsync(IntakeDatabase database, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<FailedRow>(new CommandDefinition(SelectFailed, new { Limit = limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new FailedReply(r.DraftId, r.TicketId, r.Connector, r.ExternalId, r.Origin, r.Attempts, r.LastError, r.CreatedAt))];
    }

    public static async Task<RetryOutcome> RetryAsync(IntakeDatabase database, Guid draftId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var transaction = await database.BeginAsync(cancellationToken);
        var outcome = await RetryAsync(transaction, draftId, cancellationToken);
        if (outcome == RetryOutcome.Queued)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return outcome;
    }

    /// <summary>
    /// The retry inside the caller's transaction, which the caller commits (a consumer commits its
    /// inbox row whatever the outcome).
    /// </summary>
    public static async Task<RetryOutcome> RetryAsync(ServiceTransaction transaction, Guid draftId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var delivery = await transaction.QuerySingleOrDefaultAsync<DeliveryRow>(SelectDelivery, new { DraftId = draftId }, cancellationToken);
        if (delivery is null)
        {
            return RetryOutcome.NotFound;
        }

        // The status check is in the UPDATE itself: two operators retrying at once queue one message.
        if (await transaction.ExecuteAsync(ResetToPending, new { DraftId = draftId }, cancellationToken) == 0)
        {
            return RetryOutcome.NotFailed;
        }

        await transaction.PublishAsync(new SendReply(draftId, delivery.TicketId, delivery.Text, delivery.Origin), cancellationToken);
        return RetryOutcome.Queued;
    }

    /// <summary>
    /// Publishes <see cref="ReplyFailed"/> for a delivery the caller has just marked failed in
    /// <paramref name="transaction"/>, so that the mark and the event commit together.
    /// </summary>
    public static async Task AnnounceFailureAsync(ServiceTransaction transaction, Guid draftId, DateTimeOffset failedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var failure = await transaction.QuerySingleOrDefaultAsync<FailureRow>(SelectFailure, new { DraftId = draftId }, cancellationToken)
            ?? throw new InvalidOperationException($"The reply delivery for draft {draftId} is not marked failed.");
        await transaction.PublishAsync(
            new ReplyFailed(draftId, failure.TicketId, failure.Connector, failure.LastError ?? "The reply could not be delivered.", failedAt),
            cancellationToken);
    }

    private sealed class FailedRow
    {
        public Guid DraftId { get; init; }

        public Guid TicketId { get; init; }

        public required string Connector { get; init; }

        public required string ExternalId { get; init; }

        public required string Origin { get; init; }

        public int Attempts { get; init; }

        public string? LastError { get; init; }

        public DateTimeOffset CreatedAt { get; init; }
    }

    private sealed class DeliveryRow
    {
        public Guid TicketId { get; init; }

        public required string Text { get; init; }

        public required string Origin { get; init; }

        public required string Status { get; init; }
    }

    private sealed class FailureRow
    {
        public Guid TicketId { get; init; }

        public required string Connector { get; init; }

        public string? LastError { get; init; }
    }
}
