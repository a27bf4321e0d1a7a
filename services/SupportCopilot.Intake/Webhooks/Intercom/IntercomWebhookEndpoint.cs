using SupportCopilot.Contracts;
using SupportCopilot.Hosting;
using SupportCopilot.Intake.Connectors;
using SupportCopilot.Intake.Tickets;

namespace SupportCopilot.Intake.Webhooks.Intercom;

/// <summary>
/// <c>POST /api/webhooks/intercom</c>: a conversation a customer started
/// (<c>conversation.user.created</c>). The conversation id is the external id and the reply
/// address; the notification id recognises a redelivery.
/// </summary>
internal static class IntercomWebhookEndpoint
{
    public const string Connector = WebhookConnectors.Intercom;
    public const string UserCreated = "conversation.user.created";

    private static readonly HashSet<string> Staff = new(StringComparer.OrdinalIgnoreCase) { "admin", "bot", "team", "operator" };

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/intercom", HandleAsync)
            .WithName("ReceiveIntercomWebhook")
            .WithSummary("Receive a conversation from Intercom (topic conversation.user.created)")
            .WithDescription("Signed with X-Hub-Signature: sha1=hex(HMAC-SHA1(client secret, body)).")
            .DocumentsJsonBody<IntercomNotification>()
            .ProducesWebhookResponses();

    private static async Task<IResult> HandleAsync(
        HttpContext http, WebhookGate gate, IntercomNotificationValidator validator, TicketAcceptor acceptor, CancellationToken cancellationToken)
    {
        var (notification, rejection) = await gate.ReceiveJsonAsync<IntercomNotification>(
            http, Connector, IntercomSignatureScheme.Instance, WebhookPayloads.SnakeCase, cancellationToken);
        if (notification is null)
        {
            return rejection!;
        }

        return IgnoreReason(notification) is { } reason
            ? WebhookPayloads.Ignored(reason)
            : await WebhookPayloads.ValidateAndAcceptAsync(validator, notification, ToTicket, acceptor, cancellationToken);
    }

    /// <summary>
    /// Loop prevention: admin topics (our replies and notes come back as <c>conversation.admin.*</c>),
    /// admin- or bot-authored messages and admin-initiated conversations are ignored, as is every
    /// topic other than a customer's new conversation (Intercom's <c>ping</c> included).
    /// </summary>
    internal static string? IgnoreReason(IntercomNotification notification)
    {
        var topic = notification.Topic ?? string.Empty;
        if (topic == "ping")
        {
            return "ping";
        }

        if (topic.StartsWith("conversation.admin.", StringComparison.Ordinal))
        {
            return topic == "conversation.admin.noted" ? "private_note" : "admin_authored";
        }

        if (topic != UserCreated)
        {
            return "topic_not_handled";
        }

        var message = notification.FirstMessage;
        if (message?.Author?.Type is { } authorType && Staff.Contains(authorType))
        {
            return "admin_authored";
        }

        return message?.DeliveredAs is "admin_initiated" or "automated" ? "admin_authored" : null;
    }

    private static IncomingTicket ToTicket(IntercomNotification notification)
    {
        var conversation = notification.Data!.Item!;
        var message = notification.FirstMessage!;
        var customer = message.Author ?? conversation.User;
        var body = WebhookPayloads.Limit(HtmlText.FromHtml(message.Body));
        return new IncomingTicket(
            Connector,
            conversation.Id!,
            WebhookPayloads.SubjectOr(HtmlText.FromHtml(message.Subject), body),
            body,
            new Customer(customer?.Email?.Trim() ?? string.Empty, customer?.Name?.Trim() ?? string.Empty),
            "en",
            new ReplyAddress(ConversationId: conversation.Id),
            notification.Id);
    }
}
