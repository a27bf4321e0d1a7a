using Microsoft.Extensions.Options;
using SupportCopilot.Contracts;
using SupportCopilot.Data;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// Finds deliveries whose attempt vanished: claimed (<c>sending</c>) and not released long after the
/// claim ran out, because the process died while posting, or the bus gave up on a message while
/// another attempt held the claim. Nothing else would ever look at them again, so the ticket would
/// wait for its reply forever. Each is put back to <c>pending</c> with a fresh <see cref="SendReply"/>
/// in the outbox, in one statement per row, so that two Intake instances sweeping at once queue it
/// once. A vanished attempt may have posted before it died: the repeat carries the same
/// <c>Idempotency-Key</c> (the draft id), which is the most a helpdesk API lets us do.
/// </summary>
internal sealed partial class OrphanedDeliverySweep(
    IntakeDatabase database,
    SchemaGate<IntakeDatabase> schema,
    IOptions<ReplyDeliverySettings> settings,
    TimeProvider clock,
    ILogger<OrphanedDeliverySweep> logger) : BackgroundService
{
    private const string SelectOrphans = """
        SELECT draft_id FROM reply_deliveries
        WHERE status = 'sending' AND claimed_until < @Before
        ORDER BY claimed_until
        LIMIT 100
        """;

    // The row comes back only if this statement released it, so two instances never both queue it.
    private const string Release = """
        UPDATE reply_deliveries
        SET status = 'pending', claimed_until = NULL,
            last_error = COALESCE(last_error, 'The attempt that claimed this delivery did not finish; queued again.')
        WHERE draft_id = @DraftId AND status = 'sending' AND claimed_until < @Before
        RETURNING ticket_id AS TicketId, text AS Text, origin AS Origin
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(settings.Value.OrphanSweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database is away; the next tick tries again.
                LogSweepFailed(ex);
            }
        }
    }

    /// <summary>Queues again every delivery whose claim ran out more than a claim's length ago.</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        // A whole claim's length of grace: an attempt still recording its post (it tries until its
        // claim ends) has finished by then.
        var before = clock.GetUtcNow() - settings.Value.ClaimDuration;
        IReadOnlyList<Guid> orphans;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            orphans = [.. await Dapper.SqlMapper.QueryAsync<Guid>(
                connection, new Dapper.CommandDefinition(SelectOrphans, new { Before = before }, cancellationToken: cancellationToken))];
        }

        foreach (var draftId in orphans)
        {
            await using var transaction = await database.BeginAsync(cancellationToken);
            if (await transaction.QuerySingleOrDefaultAsync<DeliveryRow>(Release, new { DraftId = draftId, Before = before }, cancellationToken) is not { } delivery)
            {
                continue; // another instance swept it, or its attempt finished meanwhile
            }

            await transaction.PublishAsync(new SendReply(draftId, delivery.TicketId, delivery.Text, delivery.Origin), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogQueuedAgain(draftId, delivery.TicketId);
        }
    }

    private sealed class DeliveryRow
    {
        public Guid TicketId { get; init; }

        public required string Text { get; init; }

        public required string Origin { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping orphaned reply deliveries failed")]
    private partial void LogSweepFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reply for draft {DraftId} of ticket {TicketId} was claimed by an attempt that never finished; queued it again")]
    private partial void LogQueuedAgain(Guid draftId, Guid ticketId);
}
