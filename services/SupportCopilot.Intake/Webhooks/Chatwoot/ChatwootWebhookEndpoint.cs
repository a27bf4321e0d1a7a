using SupportCopilot.Contracts;
using SupportCopilot.Hosting;
using SupportCopilot.Intake.Connectors;
using SupportCopilot.Intake.Tickets;

namespace SupportCopilot.Intake.Webhooks.Chatwoot;

/// <summary>
/// <c>POST /api/webhooks/chatwoot</c>: a customer's incoming message (<c>message_created</c>) or
/// a new conversation (<c>conversation_created</c>). The external id is
/// <c>{account id}/{conversation display id}</c>, unique across the accounts of one Chatwoot
/// installation; the reply address holds both. <c>X-Chatwoot-Delivery</c> recognises a redelivery.
/// </summary>
internal static class ChatwootWebhookEndpoint
{
    public const string Connector = WebhookConnectors.Chatwoot;
    public const string MessageCreated = "message_created";
    public const string ConversationCreated = "conversation_created";

    private static readonly HashSet<string> Staff = new(StringComparer.OrdinalIgnoreCase) { "user", "agent_bot", "agentbot", "captain_assistant" };

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/chatwoot", HandleAsync)
            .WithName("ReceiveChatwootWebhook")
            .WithSummary("Receive a customer's message from Chatwoot (message_created, conversation_created)")
            .WithDescription("Signed with X-Chatwoot-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + \".\" + body)) and X-Chatwoot-Timestamp.")
            .DocumentsJsonBody<ChatwootEvent>()
            .ProducesWebhookResponses();

    private static async Task<IResult> HandleAsync(
        HttpContext http, WebhookGate gate, ChatwootTicketDraftValidator validator, TicketAcceptor acceptor, CancellationToken cancellationToken)
    {
        var (payload, rejection) = await gate.ReceiveJsonAsync<ChatwootEvent>(
            http, Connector, ChatwootSignatureScheme.Instance, WebhookPayloads.SnakeCase, cancellationToken);
        if (payload is null)
        {
            return rejection!;
        }

        var draft = Resolve(payload, out var unhandled);
        return (unhandled ?? IgnoreReason(draft!)) is { } reason
            ? WebhookPayloads.Ignored(reason)
            : await WebhookPayloads.ValidateAndAcceptAsync(validator, draft!, d => ToTicket(d, http.Request), acceptor, cancellationToken);
    }

    private static IncomingTicket ToTicket(ChatwootTicketDraft draft, HttpRequest request)
    {
        var body = WebhookPayloads.Limit(draft.Content!.Trim());
        var delivery = request.Headers[ChatwootSignatureScheme.DeliveryHeader].FirstOrDefault();
        return new IncomingTicket(
            Connector,
            $"{draft.AccountId}/{draft.ConversationId}",
            WebhookPayloads.SubjectOr(draft.Subject, body),
            body,
            new Customer(draft.Sender?.Email?.Trim() ?? string.Empty, draft.Sender?.Name?.Trim() ?? string.Empty),
            "en",
            new ReplyAddress(AccountId: draft.AccountId, ConversationId: draft.ConversationId),
            string.IsNullOrWhiteSpace(delivery) ? null : delivery.Trim());
    }

    /// <summary>The customer's message in either event; null with a reason for events that carry none.</summary>
    internal static ChatwootTicketDraft? Resolve(ChatwootEvent payload, out string? unhandled)
    {
        unhandled = null;
        switch (payload.Event)
        {
            case MessageCreated:
            {
                var conversation = payload.Conversation;
                return new ChatwootTicketDraft(
                    payload.Account?.Id ?? payload.AccountId ?? conversation?.AccountId,
                    conversation?.DisplayId ?? conversation?.Id,
                    payload.Content,
                    payload.MessageType,
                    payload.Private,
                    payload.Sender ?? conversation?.Meta?.Sender,
                    conversation?.AdditionalAttributes?.MailSubject,
                    "content",
                    "conversation.id");
            }

            case ConversationCreated:
            {
                // The first message the customer wrote; a conversation opened without one (a widget
                // greeting, an agent-started one) brings its customer message later as message_created.
                var message = payload.Messages?.FirstOrDefault(m => IsIncoming(m.MessageType) && m.Private != true);
                if (message is null)
                {
                    unhandled = payload.Messages is { Count: > 0 } ? "no_incoming_message" : "no_message_yet";
                    return null;
                }

                return new ChatwootTicketDraft(
                    payload.Account?.Id ?? payload.AccountId ?? message.AccountId,
                    payload.DisplayId ?? payload.Id,
                    message.Content,
                    message.MessageType,
                    message.Private,
                    message.Sender ?? payload.Meta?.Sender,
                    payload.AdditionalAttributes?.MailSubject,
                    "messages.content",
                    "id");
            }

            default:
                unhandled = "event_not_handled";
                return null;
        }
    }

    /// <summary>
    /// Loop prevention: only a customer's public incoming message becomes a ticket. Private notes,
    /// outgoing messages (ours among them, echoed back), activity and template messages, and
    /// anything an agent or bot sent are ignored.
    /// </summary>
    internal static string? IgnoreReason(ChatwootTicketDraft draft)
    {
        if (draft.Private == true)
        {
            return "private_note";
        }

        if (!IsIncoming(draft.MessageType))
        {
            return draft.MessageType is "outgoing" or "1" ? "outgoing_message" : "not_an_incoming_message";
        }

        return draft.Sender?.Type is { } type && Staff.Contains(type) ? "sent_by_agent" : null;
    }

    private static bool IsIncoming(string? messageType) => messageType is "incoming" or "0";
}
