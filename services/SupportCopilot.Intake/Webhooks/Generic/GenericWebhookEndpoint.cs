using System.Text.Json;
using SupportCopilot.Contracts;
using SupportCopilot.Hosting;
using SupportCopilot.Intake.Connectors;
using SupportCopilot.Intake.Tickets;

namespace SupportCopilot.Intake.Webhooks.Generic;

/// <summary><c>POST /api/webhooks/generic</c>: 202 with the ticket id once the ticket is committed.</summary>
internal static class GenericWebhookEndpoint
{
    public const string Connector = WebhookConnectors.Generic;

    /// <summary>Room for a 64 KiB body plus the rest of the JSON and escaping; larger is refused unread (413).</summary>
    public const long MaxRequestBytes = 512 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/generic", HandleAsync)
            .WithName("ReceiveGenericWebhook")
            .WithSummary("Receive a ticket from a generic JSON helpdesk")
            .WithDescription(
                "Signed with X-SupportCopilot-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + \".\" + body)) and "
                + "X-SupportCopilot-Timestamp (Unix seconds). 202 with the new ticket id once it is stored; 200 with the first "
                + "ticket's id for a repeated externalId.")
            .DocumentsJsonBody<GenericTicketRequest>()
            .ProducesWebhookResponses();

    private static async Task<IResult> HandleAsync(
        HttpContext http,
        WebhookGate gate,
        GenericTicketValidator validator,
        TicketAcceptor acceptor,
        CancellationToken cancellationToken)
    {
        var (webhook, rejection) = await gate.ReceiveAsync(http, Connector, GenericSignatureScheme.Instance, MaxRequestBytes, cancellationToken);
        if (webhook is null)
        {
            return rejection!;
        }

        if (!WebhookPayloads.TryRead<GenericTicketRequest>(webhook.Body, Json, out var ticket, out var problem))
        {
            return problem!;
        }

        var validation = await validator.ValidateAsync(ticket!, cancellationToken);
        if (!validation.IsValid)
        {
            return ValidationProblems.From(validation);
        }

        return await WebhookPayloads.AcceptAsync(
            acceptor,
            new IncomingTicket(
                Connector,
                ticket!.ExternalId!,
                ticket.Subject!,
                ticket.Body!,
                new Customer(ticket.Customer!.Email!, ticket.Customer.Name!),
                ticket.Language ?? "en"),
            cancellationToken);
    }
}
