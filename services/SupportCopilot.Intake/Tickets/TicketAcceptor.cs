using System.Diagnostics;
using System.Text.Json;
using Dapper;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Hosting;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Tickets;

/// <summary>A ticket as a connector parsed it, before Intake gave it an id.</summary>
/// <param name="Address">What the helpdesk's reply API needs besides <paramref name="ExternalId"/>.</param>
/// <param name="DeliveryId">The helpdesk's id for this webhook delivery, when it sends one: a redelivery is recognised by it.</param>
internal sealed record IncomingTicket(
    string Connector,
    string ExternalId,
    string Subject,
    string Body,
    Customer Customer,
    string Language,
    ReplyAddress? Address = null,
    string? DeliveryId = null);

internal sealed record AcceptedTicket(Guid TicketId, bool IsNew);

/// <summary>The columns of a new row in <c>tickets</c>, named as the accept statements name their parameters.</summary>
internal sealed record TicketRow(
    Guid TicketId,
    string Connector,
    string ExternalId,
    string Subject,
    string Body,
    string CustomerEmail,
    string CustomerName,
    string Language,
    DateTimeOffset ReceivedAt,
    string? ReplyAddress)
{
    /// <summary>Stores the row unless the helpdesk's ticket is there already.</summary>
    public const string Insert = """
        INSERT INTO tickets (ticket_id, connector, external_id, subject, body, customer_email, customer_name,
                             language, status, received_at, updated_at, reply_address)
        VALUES (@TicketId, @Connector, @ExternalId, @Subject, @Body, @CustomerEmail, @CustomerName,
                @Language, @Status, @ReceivedAt, @ReceivedAt, @ReplyAddress)
        ON CONFLICT (connector, external_id) DO NOTHING
        """;

    /// <summary>Finds the row under this attempt's fresh id: there only if <see cref="Insert"/> stored it.</summary>
    public const string Stored = "SELECT 1 FROM tickets WHERE ticket_id = @TicketId";

    public string Status => TicketStatus.Received;
}

/// <summary>
/// Stores a ticket and queues <see cref="TicketReceived"/> in one transaction. A ticket a helpdesk
/// sends again (same connector and external id) gets the first one's id back and nothing else
/// happens: webhooks are retried by helpdesks, and a retry must not draft twice.
/// </summary>
internal sealed partial class TicketAcceptor(
    IntakeDatabase database, TicketBatchWriter writer, TimeProvider clock, SupportCopilotMetrics metrics, ILogger<TicketAcceptor> logger)
{
    private const string FindTicket = """
        SELECT ticket_id FROM tickets WHERE connector = @Connector AND external_id = @ExternalId
        """;

    private const string FindDelivery = """
        SELECT ticket_id FROM webhook_deliveries WHERE connector = @Connector AND delivery_id = @DeliveryId
        """;

    private const string RecordDelivery = """
        INSERT INTO webhook_deliveries (connector, delivery_id, ticket_id, received_at)
        VALUES (@Connector, @DeliveryId, @TicketId, @ReceivedAt)
        ON CONFLICT (connector, delivery_id) DO NOTHING
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<AcceptedTicket> AcceptAsync(IncomingTicket incoming, CancellationToken cancellationToken)
    {
        var ticket = new TicketContent(
            Guid.CreateVersion7(),
            incoming.Connector,
            incoming.ExternalId,
            incoming.Subject,
            incoming.Body,
            incoming.Customer,
            incoming.Language,
            clock.GetUtcNow());

        if (incoming.DeliveryId is null)
        {
            return await AcceptInOneRoundTripAsync(incoming, ticket, cancellationToken);
        }

        // With a delivery id, a redelivery is recognised by it before anything is written.
        await using var transaction = await database.BeginAsync(cancellationToken);
        if (await transaction.QuerySingleOrDefaultAsync<Guid?>(FindDelivery, new { incoming.Connector, incoming.DeliveryId }, cancellationToken) is { } delivered)
        {
            await transaction.CommitAsync(cancellationToken);
            return new AcceptedTicket(delivered, IsNew: false);
        }

        var inserted = await transaction.ExecuteAsync(TicketRow.Insert, RowOf(ticket, incoming), cancellationToken);

        if (inserted == 0)
        {
            var existing = await transaction.ExecuteScalarAsync<Guid>(FindTicket, new { incoming.Connector, incoming.ExternalId }, cancellationToken);
            await RecordDeliveryAsync(transaction, incoming, existing, ticket.ReceivedAt, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new AcceptedTicket(existing, IsNew: false);
        }

        await RecordDeliveryAsync(transaction, incoming, ticket.TicketId, ticket.ReceivedAt, cancellationToken);

        await transaction.PublishAsync(new TicketReceived(ticket), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Accepted(ticket);
    }

    /// <summary>
    /// Without a delivery id there is nothing to read first, so the ticket and its message are
    /// written without a transaction of their own, on PostgreSQL together with the tickets of the
    /// webhooks that came at the same time (<see cref="TicketBatchWriter"/>). This is the path
    /// every webhook of a busy helpdesk takes, and its latency is what the helpdesk waits for.
    /// </summary>
    private async Task<AcceptedTicket> AcceptInOneRoundTripAsync(IncomingTicket incoming, TicketContent ticket, CancellationToken cancellationToken)
    {
        if (await writer.StoreAsync(RowOf(ticket, incoming), new TicketReceived(ticket), cancellationToken))
        {
            return Accepted(ticket);
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var existing = await connection.ExecuteScalarAsync<Guid>(
            new CommandDefinition(FindTicket, new { incoming.Connector, incoming.ExternalId }, cancellationToken: cancellationToken));
        return new AcceptedTicket(existing, IsNew: false);
    }

    private AcceptedTicket Accepted(TicketContent ticket)
    {
        metrics.TicketReceived(ticket.Connector);
        Activity.Current?.SetTag("supportcopilot.ticket_id", ticket.TicketId.ToString());
        using (logger.BeginScope("TicketId:{TicketId}", ticket.TicketId))
        {
            LogAccepted(ticket.Connector, ticket.ExternalId);
        }

        return new AcceptedTicket(ticket.TicketId, IsNew: true);
    }

    private static TicketRow RowOf(TicketContent ticket, IncomingTicket incoming) => new(
        ticket.TicketId,
        ticket.Connector,
        ticket.ExternalId,
        ticket.Subject,
        ticket.Body,
        ticket.Customer.Email,
        ticket.Customer.Name,
        ticket.Language,
        ticket.ReceivedAt,
        incoming.Address is null ? null : JsonSerializer.Serialize(incoming.Address, Json));

    private static async Task RecordDeliveryAsync(
        ServiceTransaction transaction, IncomingTicket incoming, Guid ticketId, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await transaction.ExecuteAsync(
            RecordDelivery,
            new { incoming.Connector, incoming.DeliveryId, TicketId = ticketId, ReceivedAt = receivedAt },
            cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted ticket {ExternalId} from {Connector}")]
    private partial void LogAccepted(string connector, string externalId);
}
