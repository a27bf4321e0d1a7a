using SupportCopilot.Contracts;
using SupportCopilot.Hosting;
using SupportCopilot.Intake.Connectors;
using SupportCopilot.Intake.Tickets;

namespace SupportCopilot.Intake.Webhooks.Freshdesk;

/// <summary>
/// <c>POST /api/webhooks/freshdesk</c>: a ticket from a Freshdesk automation. Freshdesk neither
/// signs webhooks nor sends a delivery id: the shared secret comes in a header or as the
/// basic-auth password, and a repeat is recognised by the ticket id (the external id).
/// </summary>
internal static class FreshdeskWebhookEndpoint
{
    public const string Connector = WebhookConnectors.Freshdesk;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/freshdesk", HandleAsync)
            .WithName("ReceiveFreshdeskWebhook")
            .WithSummary("Receive a ticket from a Freshdesk automation's Trigger webhook action")
            .WithDescription("Authenticated by the shared secret in X-SupportCopilot-Secret (Intake:Connectors:Freshdesk:SecretHeader) or as the basic-auth password.")
            .DocumentsJsonBody<FreshdeskPayload>()
            .ProducesWebhookResponses();

    private static async Task<IResult> HandleAsync(
        HttpContext http, WebhookGate gate, FreshdeskPayloadValidator validator, TicketAcceptor acceptor, CancellationToken cancellationToken)
    {
        var (payload, rejection) = await gate.ReceiveJsonAsync<FreshdeskPayload>(
            http, Connector, FreshdeskSecretScheme.Instance, WebhookPayloads.SnakeCase, cancellationToken);
        return payload is null
            ? rejection!
            : await WebhookPayloads.ValidateAndAcceptAsync(validator, payload, ToTicket, acceptor, cancellationToken);
    }

    private static IncomingTicket ToTicket(FreshdeskPayload payload)
    {
        var ticket = payload.FreshdeskWebhook!;
        return new IncomingTicket(
            Connector,
            ticket.TicketId!.Trim(),
            WebhookPayloads.SubjectOr(ticket.TicketSubject, string.Empty),
            WebhookPayloads.Limit(HtmlText.FromHtmlOrText(ticket.TicketDescription)),
            new Customer(ticket.Email!.Trim(), ticket.Name?.Trim() ?? string.Empty),
            "en");
    }
}
