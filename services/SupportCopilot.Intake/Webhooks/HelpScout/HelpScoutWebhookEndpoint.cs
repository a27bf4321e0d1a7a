using SupportCopilot.Contracts;
using SupportCopilot.Hosting;
using SupportCopilot.Intake.Connectors;
using SupportCopilot.Intake.Tickets;

namespace SupportCopilot.Intake.Webhooks.HelpScout;

/// <summary>
/// <c>POST /api/webhooks/helpscout</c>: a conversation a customer started (<c>convo.created</c>).
/// The conversation id is the external id; the reply address holds it and the customer id, which
/// Help Scout's reply API needs. Help Scout sends no delivery id, so a redelivery is recognised by
/// the conversation id alone.
/// </summary>
internal static class HelpScoutWebhookEndpoint
{
    public const string Connector = WebhookConnectors.HelpScout;
    public const string EventHeader = "X-HelpScout-Event";
    public const string ConversationCreated = "convo.created";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/helpscout", HandleAsync)
            .WithName("ReceiveHelpScoutWebhook")
            .WithSummary("Receive a conversation from Help Scout (event convo.created)")
            .WithDescription("Signed with X-HelpScout-Signature = base64(HMAC-SHA1(secret, body)); the event is in X-HelpScout-Event.")
            .DocumentsJsonBody<HelpScoutConversation>()
            .ProducesWebhookResponses();

    private static async Task<IResult> HandleAsync(
        HttpContext http, WebhookGate gate, HelpScoutConversationValidator validator, TicketAcceptor acceptor, CancellationToken cancellationToken)
    {
        var (conversation, rejection) = await gate.ReceiveJsonAsync<HelpScoutConversation>(
            http, Connector, HelpScoutSignatureScheme.Instance, WebhookPayloads.CamelCase, cancellationToken);
        if (conversation is null)
        {
            return rejection!;
        }

        var eventName = http.Request.Headers[EventHeader].FirstOrDefault()?.Trim();
        if (string.IsNullOrEmpty(eventName))
        {
            return ValidationProblems.ForRequest(EventHeader, $"The {EventHeader} header must name the event (convo.created).");
        }

        return IgnoreReason(eventName, conversation, out var thread) is { } reason
            ? WebhookPayloads.Ignored(reason)
            : await WebhookPayloads.ValidateAndAcceptAsync(validator, conversation, c => ToTicket(c, thread!), acceptor, cancellationToken);
    }

    private static IncomingTicket ToTicket(HelpScoutConversation conversation, HelpScoutThread thread)
    {
        var customer = conversation.TheCustomer!;
        var body = WebhookPayloads.Limit(HtmlText.FromHtmlOrText(thread.Body));
        return new IncomingTicket(
            Connector,
            conversation.Id!,
            WebhookPayloads.SubjectOr(conversation.Subject, body),
            body,
            new Customer(customer.Email?.Trim() ?? string.Empty, customer.Name),
            "en",
            new ReplyAddress(ConversationId: conversation.Id, CustomerId: customer.Id));
    }

    /// <summary>
    /// Loop prevention: agent replies and notes (<c>convo.agent.reply.created</c>,
    /// <c>convo.note.created</c>) and every other event are ignored; so is a conversation an agent
    /// (a Help Scout "user") started, and one whose only threads are notes. The customer's message
    /// is the oldest customer thread.
    /// </summary>
    internal static string? IgnoreReason(string eventName, HelpScoutConversation conversation, out HelpScoutThread? thread)
    {
        thread = null;
        switch (eventName)
        {
            case "convo.agent.reply.created":
                return "agent_reply";
            case "convo.note.created":
                return "private_note";
            case ConversationCreated:
                break;
            default:
                return "event_not_handled";
        }

        if (string.Equals(conversation.CreatedBy?.Type, "user", StringComparison.OrdinalIgnoreCase))
        {
            return "created_by_agent";
        }

        var threads = conversation.AllThreads();
        thread = threads.LastOrDefault(t => string.Equals(t.Type, "customer", StringComparison.OrdinalIgnoreCase));
        if (thread is null)
        {
            return threads.Any(t => string.Equals(t.Type, "note", StringComparison.OrdinalIgnoreCase)) ? "private_note" : "no_customer_message";
        }

        return null;
    }
}
