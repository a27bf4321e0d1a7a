using SupportCopilot.Contracts;
using SupportCopilot.Hosting;
using SupportCopilot.Intake.Connectors;
using SupportCopilot.Intake.Tickets;

namespace SupportCopilot.Intake.Webhooks.Zendesk;

/// <summary>
/// <c>POST /api/webhooks/zendesk</c>: a new Zendesk ticket, from an event subscription
/// (<c>zen:event-type:ticket.created</c>) or a trigger webhook. The Zendesk ticket id is the
/// external id (one connector is one Zendesk account). Deliveries are recognised by the event's
/// <c>id</c>, or for triggers by <c>X-Zendesk-Webhook-Invocation-Id</c>.
/// </summary>
internal static class ZendeskWebhookEndpoint
{
    public const string Connector = WebhookConnectors.Zendesk;
    public const string TicketCreated = ZendeskPayload.EventTypePrefix + "ticket.created";
    public const string CommentAdded = ZendeskPayload.EventTypePrefix + "ticket.comment_added";
    public const string InvocationHeader = "X-Zendesk-Webhook-Invocation-Id";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/zendesk", HandleAsync)
            .WithName("ReceiveZendeskWebhook")
            .WithSummary("Receive a ticket from Zendesk (event subscription or trigger webhook)")
            .WithDescription("Signed with X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(secret, timestamp + body)) and X-Zendesk-Webhook-Signature-Timestamp.")
            .DocumentsJsonBody<ZendeskPayload>()
            .ProducesWebhookResponses();

    private static async Task<IResult> HandleAsync(
        HttpContext http, WebhookGate gate, ZendeskPayloadValidator validator, TicketAcceptor acceptor, CancellationToken cancellationToken)
    {
        var (payload, rejection) = await gate.ReceiveJsonAsync<ZendeskPayload>(
            http, Connector, ZendeskSignatureScheme.Instance, WebhookPayloads.SnakeCase, cancellationToken);
        if (payload is null)
        {
            return rejection!;
        }

        return IgnoreReason(payload) is { } reason
            ? WebhookPayloads.Ignored(reason)
            : await WebhookPayloads.ValidateAndAcceptAsync(validator, payload, p => ToTicket(p, http.Request), acceptor, cancellationToken);
    }

    /// <summary>
    /// Loop prevention: only new tickets are drafted. Comments echoed back (our own replies are
    /// agent comments, made by our API user), private notes, and tickets opened with a private
    /// comment (by an agent) are ignored; so is a trigger fired by an agent or admin.
    /// </summary>
    internal static string? IgnoreReason(ZendeskPayload payload)
    {
        if (payload.IsEvent)
        {
            if (payload.Type == CommentAdded)
            {
                var comment = payload.Event?.Comment;
                return comment?.IsPublic == false ? "private_note"
                    : comment?.Author?.IsStaff == true ? "agent_comment"
                    : "comment_on_existing_ticket";
            }

            if (payload.Type != TicketCreated)
            {
                return "event_type_not_handled";
            }

            return payload.Detail?.IsPublic == false ? "private_note" : null;
        }

        var role = payload.CurrentUserRole?.Trim().Replace("-", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);
        return string.IsNullOrEmpty(role) || role.Equals("enduser", StringComparison.OrdinalIgnoreCase) ? null : "agent_comment";
    }

    private static IncomingTicket ToTicket(ZendeskPayload payload, HttpRequest request)
    {
        if (payload.IsEvent)
        {
            var detail = payload.Detail!;

            // Event subscriptions name the requester by id only; Zendesk needs nothing else to take the reply.
            return new IncomingTicket(
                Connector,
                detail.Id!,
                WebhookPayloads.SubjectOr(detail.Subject, string.Empty),
                WebhookPayloads.Limit(detail.Description!.Trim()),
                new Customer(string.Empty, string.Empty),
                "en",
                Address: null,
                DeliveryId: payload.Id);
        }

        return new IncomingTicket(
            Connector,
            payload.TicketId!,
            WebhookPayloads.SubjectOr(payload.Subject, string.Empty),
            WebhookPayloads.Limit(HtmlText.FromHtmlOrText(payload.Description)),
            new Customer(payload.RequesterEmail?.Trim() ?? string.Empty, payload.RequesterName?.Trim() ?? string.Empty),
            "en",
            Address: null,
            DeliveryId: request.Headers[InvocationHeader].FirstOrDefault() is { Length: > 0 } invocation ? invocation : null);
    }
}
