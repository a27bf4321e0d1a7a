using System.Text.Json;
using Microsoft.Extensions.Options;
using MassTransit;
using SupportCopilot.Contracts;
using SupportCopilot.Intake.Connectors;
using SupportCopilot.Hosting;
using SupportCopilot.Intake.Tickets;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// Delivers a reply at most once per draft. A delivery row per draft is claimed for a short
/// lease before the helpdesk is called, and marked delivered after: a redelivered or duplicate
/// <see cref="SendReply"/> finds it delivered (or claimed) and does not post again. A failed
/// post releases the claim and throws, so the bus retries with back-off; after the bus's last
/// retry <see cref="SendReplyFaultConsumer"/> marks it <c>failed</c>. A reply that cannot be
/// delivered at all (connector not configured, a 4xx) is marked <c>failed</c> at once. Either way
/// <see cref="ReplyFailed"/> goes out with the mark, so the review UI shows it. A failed delivery is
/// left alone until an operator retries it (<see cref="FailedReplies"/>, or
/// <see cref="ReplyRetryRequested"/> from the review UI).
/// Once the helpdesk has the reply, recording that is retried in place for as long as the claim
/// lasts (a database restart must not leave a sent reply looking unsent), and remembered in
/// <see cref="PostedReplies"/> so that a redelivery records it without posting again.
/// </summary>
internal sealed partial class SendReplyConsumer(
    IntakeDatabase database,
    IEnumerable<IHelpdeskReplyClient> helpdesks,
    IOptions<ReplyDeliverySettings> settings,
    PostedReplies posted,
    TimeProvider clock,
    SupportCopilotMetrics metrics,
    ILogger<SendReplyConsumer> logger) : IConsumer<SendReply>
{
    private const string CreateDelivery = """
        INSERT INTO reply_deliveries (draft_id, ticket_id, origin, text, status, created_at)
        VALUES (@DraftId, @TicketId, @Origin, @Text, 'pending', @Now)
        ON CONFLICT (draft_id) DO NOTHING
        """;

    private const string Claim = """
        UPDATE reply_deliveries SET status = 'sending', claimed_until = @ClaimedUntil, attempts = attempts + 1
        WHERE draft_id = @DraftId AND (status = 'pending' OR (status = 'sending' AND claimed_until < @Now))
        """;

    private const string SelectStatus = "SELECT status FROM reply_deliveries WHERE draft_id = @DraftId";

    private const string SelectTicket = """
        SELECT connector AS Connector, external_id AS ExternalId, reply_address AS ReplyAddress
        FROM tickets WHERE ticket_id = @TicketId
        """;

    private const string Release = """
        UPDATE reply_deliveries SET status = 'pending', claimed_until = NULL, last_error = @Error
        WHERE draft_id = @DraftId AND status = 'sending'
        """;

    private const string MarkFailed = """
        UPDATE reply_deliveries SET status = 'failed', claimed_until = NULL, last_error = @Error
        WHERE draft_id = @DraftId AND status = 'sending'
        """;

    // Whatever state the row reached meanwhile (released by a sweep, marked failed after the bus gave
    // up), the helpdesk has the reply; only an earlier record of the same delivery is left alone.
    private const string MarkDelivered = """
        UPDATE reply_deliveries SET status = 'delivered', delivered_at = @Now, claimed_until = NULL, last_error = NULL
        WHERE draft_id = @DraftId AND status <> 'delivered'
        """;

    private static readonly TimeSpan LongestRecordingPause = TimeSpan.FromSeconds(5);

    private const string RecordReply = """
        UPDATE tickets SET reply_text = @Text, reply_origin = @Origin, replied_at = @Now
        WHERE ticket_id = @TicketId
        """;

    public async Task Consume(ConsumeContext<SendReply> context)
    {
        var reply = context.Message;
        var cancellationToken = context.CancellationToken;
        var now = clock.GetUtcNow();
        if (posted.WasPosted(reply.DraftId, out var postedAt))
        {
            await RecordDeliveredAsync(reply, postedAt, giveUpAt: now + settings.Value.ClaimDuration);
            return;
        }

        TicketAddress ticket;
        await using (var claim = await database.BeginAsync(cancellationToken))
        {
            await claim.ExecuteAsync(CreateDelivery, new { reply.DraftId, reply.TicketId, reply.Origin, reply.Text, Now = now }, cancellationToken);
            var claimed = await claim.ExecuteAsync(
                Claim, new { reply.DraftId, Now = now, ClaimedUntil = now + settings.Value.ClaimDuration }, cancellationToken);
            if (claimed == 0)
            {
                var status = await claim.ExecuteScalarAsync<string>(SelectStatus, new { reply.DraftId }, cancellationToken);
                await claim.CommitAsync(cancellationToken);
                if (status is "delivered" or "failed")
                {
                    return;
                }

                throw new InvalidOperationException($"The reply for draft {reply.DraftId} is being delivered by another attempt.");
            }

            ticket = await claim.QuerySingleOrDefaultAsync<TicketAddress>(SelectTicket, new { reply.TicketId }, cancellationToken)
                ?? throw new InvalidOperationException($"Ticket {reply.TicketId} does not exist.");
            await claim.CommitAsync(cancellationToken);
        }

        var helpdesk = helpdesks.SingleOrDefault(h => h.Connector == ticket.Connector);
        var message = new HelpdeskReply(reply.TicketId, ticket.Connector, ticket.ExternalId, ticket.Address, reply.DraftId, reply.Text, reply.Origin);
        try
        {
            if (helpdesk is null)
            {
                throw new ReplyUndeliverableException(
                    $"No reply client is registered for connector '{ticket.Connector}', so the reply for draft {reply.DraftId} cannot be posted.");
            }

            // Only the generic connector may have nowhere to post (documented: recorded as sent); any
            // other unconfigured client throws, because its ticket came from a helpdesk that waits for the reply.
            if (helpdesk.IsConfigured || helpdesk.Connector != GenericHelpdeskClient.ConnectorName)
            {
                await helpdesk.PostAsync(message, cancellationToken);
            }
        }
        catch (ReplyUndeliverableException ex)
        {
            metrics.DeliveryFailed(reply.Origin);
            LogUndeliverable(ex, reply.DraftId);
            await using var fail = await database.BeginAsync(CancellationToken.None);
            if (await fail.ExecuteAsync(MarkFailed, new { reply.DraftId, Error = ex.Message }, CancellationToken.None) == 1)
            {
                await FailedReplies.AnnounceFailureAsync(fail, reply.DraftId, clock.GetUtcNow(), CancellationToken.None);
            }

            await fail.CommitAsync(CancellationToken.None);
            return;
        }
        catch (Exception ex)
        {
            metrics.DeliveryFailed(reply.Origin);
            LogDeliveryFailed(ex, reply.DraftId);
            await using var release = await database.BeginAsync(CancellationToken.None);
            await release.ExecuteAsync(Release, new { reply.DraftId, Error = ex.Message }, CancellationToken.None);
            await release.CommitAsync(CancellationToken.None);
            throw;
        }

        // The helpdesk has the reply: recording that must not be cut short by the consumer's token,
        // which fires when the broker connection drops. Cancelled here, the delivery stayed claimed,
        // every redelivery found it "being delivered", and the ticket never showed the reply as sent.
        var sentAt = clock.GetUtcNow();
        posted.Posted(reply.DraftId, sentAt);
        await RecordDeliveredAsync(reply, sentAt, giveUpAt: now + settings.Value.ClaimDuration);
    }

    /// <summary>
    /// Records a posted reply, trying again with back-off until <paramref name="giveUpAt"/> (the end of
    /// the claim, after which another attempt may take the delivery over). Past it, the failure goes to
    /// the bus, whose redelivery finds the reply in <see cref="PostedReplies"/> and records it then.
    /// </summary>
    private async Task RecordDeliveredAsync(SendReply reply, DateTimeOffset sentAt, DateTimeOffset giveUpAt)
    {
        var pause = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await RecordDeliveredOnceAsync(reply, sentAt);
                posted.Recorded(reply.DraftId);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (clock.GetUtcNow() + pause >= giveUpAt)
                {
                    LogRecordingLeftToRedelivery(reply.DraftId);
                    throw;
                }

                LogRecordingDelayed(ex, reply.DraftId, pause);
                await Task.Delay(pause, clock, CancellationToken.None);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestRecordingPause.Ticks));
            }
        }
    }

    private async Task RecordDeliveredOnceAsync(SendReply reply, DateTimeOffset sentAt)
    {
        await using var done = await database.BeginAsync(CancellationToken.None);
        if (await done.ExecuteAsync(MarkDelivered, new { reply.DraftId, Now = sentAt }, CancellationToken.None) == 0)
        {
            // Recorded already: an earlier try committed although its answer was lost with the connection.
            return;
        }

        await done.ExecuteAsync(RecordReply, new { reply.TicketId, reply.Text, reply.Origin, Now = sentAt }, CancellationToken.None);
        await done.ExecuteAsync(
            reply.Origin == ReplyOrigin.Automatic ? TicketStatus.ToAutoSent : TicketStatus.ToSent,
            new { Now = sentAt, reply.TicketId },
            CancellationToken.None);
        await done.PublishAsync(new ReplySent(reply.DraftId, reply.TicketId, reply.Origin, sentAt), CancellationToken.None);
        await done.CommitAsync(CancellationToken.None);
        metrics.ReplyDelivered(reply.Origin);
        LogDelivered(reply.DraftId, reply.Origin);
    }

    private sealed class TicketAddress
    {
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

        public required string Connector { get; init; }

        public required string ExternalId { get; init; }

        public string? ReplyAddress { get; init; }

        public ReplyAddress Address =>
            ReplyAddress is null ? new ReplyAddress() : JsonSerializer.Deserialize<ReplyAddress>(ReplyAddress, Json) ?? new ReplyAddress();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Posting the reply for draft {DraftId} failed; the bus retries it")]
    private partial void LogDeliveryFailed(Exception exception, Guid draftId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The reply for draft {DraftId} cannot be delivered; it is marked failed (retry it once the cause is fixed)")]
    private partial void LogUndeliverable(Exception exception, Guid draftId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The helpdesk has the reply for draft {DraftId}, but recording that failed; trying again in {Pause}")]
    private partial void LogRecordingDelayed(Exception exception, Guid draftId, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Error, Message = "The helpdesk has the reply for draft {DraftId}, but it could not be recorded in time; a redelivery records it without posting again")]
    private partial void LogRecordingLeftToRedelivery(Guid draftId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered the reply for draft {DraftId} ({Origin})")]
    private partial void LogDelivered(Guid draftId, string origin);
}
