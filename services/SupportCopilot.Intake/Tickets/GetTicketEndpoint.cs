using System.Text.Json;
using Dapper;
using SupportCopilot.Contracts;
using SupportCopilot.Hosting.Authentication;

namespace SupportCopilot.Intake.Tickets;

/// <summary><c>GET /api/tickets/{ticketId}</c>: the ticket, where it is in its life, its draft and reply.</summary>
internal static class GetTicketEndpoint
{
    private const string SelectTicket = """
        SELECT ticket_id AS TicketId, connector AS Connector, external_id AS ExternalId, subject AS Subject,
               body AS Body, customer_email AS CustomerEmail, customer_name AS CustomerName, language AS Language,
               status AS Status, received_at AS ReceivedAt, updated_at AS UpdatedAt,
               draft_id AS DraftId, draft_text AS DraftText, draft_citations AS DraftCitations,
               draft_confidence AS DraftConfidence, draft_auto_send AS DraftAutoSend, draft_reasons AS DraftReasons,
               drafted_at AS DraftedAt, reply_text AS ReplyText, reply_origin AS ReplyOrigin, replied_at AS RepliedAt
        FROM tickets WHERE ticket_id = @TicketId
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/tickets/{ticketId:guid}", HandleAsync)
            .WithName("GetTicket")
            .WithTags("Tickets")
            .WithSummary("A ticket with its status, draft, citations and reply")
            .Produces<TicketView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(AuthPolicies.Agent);

    private static async Task<IResult> HandleAsync(Guid ticketId, IntakeDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TicketRow>(
            new CommandDefinition(SelectTicket, new { TicketId = ticketId }, cancellationToken: cancellationToken));
        return row is null
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such ticket.", detail: $"No ticket has the id {ticketId}.")
            : Results.Ok(ToView(row));
    }

    private static TicketView ToView(TicketRow row) => new(
        row.TicketId,
        row.Connector,
        row.ExternalId,
        row.Status,
        row.Subject,
        row.Body,
        new Customer(row.CustomerEmail, row.CustomerName),
        row.Language,
        row.ReceivedAt,
        row.UpdatedAt,
        row.DraftId is { } draftId
            ? new DraftView(
                draftId,
                row.DraftText ?? string.Empty,
                JsonSerializer.Deserialize<List<CitationView>>(row.DraftCitations ?? "[]", Json) ?? [],
                row.DraftConfidence ?? 0,
                row.DraftAutoSend ?? false,
                JsonSerializer.Deserialize<List<string>>(row.DraftReasons ?? "[]", Json) ?? [],
                row.DraftedAt)
            : null,
        row.ReplyText is { } text ? new ReplyView(text, row.ReplyOrigin ?? string.Empty, row.RepliedAt) : null);

    internal sealed record TicketView(
        Guid TicketId,
        string Connector,
        string ExternalId,
        string Status,
        string Subject,
        string Body,
        Customer Customer,
        string Language,
        DateTimeOffset ReceivedAt,
        DateTimeOffset UpdatedAt,
        DraftView? Draft,
        ReplyView? Reply);

    internal sealed record DraftView(
        Guid DraftId,
        string Text,
        IReadOnlyList<CitationView> Citations,
        double Confidence,
        bool AutoSend,
        IReadOnlyList<string> Reasons,
        DateTimeOffset? DraftedAt);

    internal sealed record CitationView(string Source, string Title);

    internal sealed record ReplyView(string Text, string Origin, DateTimeOffset? SentAt);

    // A class, not a positional record: Dapper converts SQLite's loose types into properties,
    // but matches record constructors by exact column type.
    private sealed class TicketRow
    {
        public Guid TicketId { get; init; }

        public required string Connector { get; init; }

        public required string ExternalId { get; init; }

        public required string Subject { get; init; }

        public required string Body { get; init; }

        public required string CustomerEmail { get; init; }

        public required string CustomerName { get; init; }

        public required string Language { get; init; }

        public required string Status { get; init; }

        public DateTimeOffset ReceivedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        public Guid? DraftId { get; init; }

        public string? DraftText { get; init; }

        public string? DraftCitations { get; init; }

        public double? DraftConfidence { get; init; }

        public bool? DraftAutoSend { get; init; }

        public string? DraftReasons { get; init; }

        public DateTimeOffset? DraftedAt { get; init; }

        public string? ReplyText { get; init; }

        public string? ReplyOrigin { get; init; }

        public DateTimeOffset? RepliedAt { get; init; }
    }
}
