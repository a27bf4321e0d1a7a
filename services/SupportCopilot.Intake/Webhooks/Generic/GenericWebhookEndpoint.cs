using System.Text.Json;
using SupportCopilot.Contracts;
using SupportCopilot.Hosting;
using SupportCopilot.Intake.Tickets;

namespace SupportCopilot.Intake.Webhooks.Generic;

/// <summary><c>POST /api/webhooks/generic</c>: 202 with the ticket id once the ticket is committed.</summary>
internal static class GenericWebhookEndpoint
{
    public const string Connector = "generic";

    /// <summary>Room for a 64 KiB body plus the rest of the JSON and escaping; larger is refused unread.</summary>
    private const long MaxRequestBytes = 512 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/generic", HandleAsync)
            .WithName("ReceiveGenericWebhook")
            .WithTags("Webhooks")
            .WithSummary("Receive a ticket from a generic JSON helpdesk")
            .WithDescription("202 with the new ticket id once it is stored; 200 with the first ticket's id for a repeated externalId.")
            .DocumentsJsonBody<GenericTicketRequest>()
            .Produces(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();

    private static async Task<IResult> HandleAsync(
        HttpRequest request,
        GenericTicketValidator validator,
        TicketAcceptor acceptor,
        CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return ValidationProblems.ForRequest("contentType", "The request must be JSON: send Content-Type: application/json.");
        }

        if (request.ContentLength > MaxRequestBytes)
        {
            return ValidationProblems.ForRequest("$", $"The request is larger than {MaxRequestBytes / 1024} KiB.");
        }

        GenericTicketRequest? ticket;
        try
        {
            ticket = await JsonSerializer.DeserializeAsync<GenericTicketRequest>(request.Body, Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            return ValidationProblems.ForRequest(ex.Path ?? "$", "The request body is not valid JSON for a ticket: " + FirstSentence(ex.Message));
        }

        if (ticket is null)
        {
            return ValidationProblems.ForRequest("$", "The request body must be a JSON object.");
        }

        var validation = await validator.ValidateAsync(ticket, cancellationToken);
        if (!validation.IsValid)
        {
            return ValidationProblems.From(validation);
        }

        var accepted = await acceptor.AcceptAsync(
            new IncomingTicket(
                Connector,
                ticket.ExternalId!,
                ticket.Subject!,
                ticket.Body!,
                new Customer(ticket.Customer!.Email!, ticket.Customer.Name!),
                ticket.Language ?? "en"),
            cancellationToken);

        var location = $"/api/tickets/{accepted.TicketId}";
        var body = new { ticketId = accepted.TicketId, duplicate = !accepted.IsNew };
        return accepted.IsNew ? Results.Accepted(location, body) : Results.Ok(body);
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
