namespace SupportCopilot.Intake.Webhooks.Chatwoot;

/// <summary>
/// A Chatwoot account webhook (snake_case JSON), <c>event</c> naming it. For
/// <c>message_created</c> the top level is the message (<c>content</c>, <c>message_type</c>
/// <c>incoming</c>/<c>outgoing</c>/<c>activity</c>/<c>template</c> or 0-3, <c>private</c>,
/// <c>sender</c>) with <c>conversation</c> and <c>account</c>; for <c>conversation_created</c> the
/// top level is the conversation (<c>id</c> is its display id, <c>messages</c>, <c>meta.sender</c>).
/// </summary>
internal sealed record ChatwootEvent(
    string? Event,
    string? Id,
    string? DisplayId,
    string? Content,
    string? MessageType,
    bool? Private,
    ChatwootPerson? Sender,
    ChatwootAccount? Account,
    string? AccountId,
    ChatwootConversation? Conversation,
    List<ChatwootMessage>? Messages,
    ChatwootMeta? Meta,
    ChatwootAttributes? AdditionalAttributes);

internal sealed record ChatwootConversation(string? Id, string? DisplayId, string? AccountId, ChatwootMeta? Meta, ChatwootAttributes? AdditionalAttributes);

internal sealed record ChatwootMessage(string? Id, string? Content, string? MessageType, bool? Private, ChatwootPerson? Sender, string? AccountId);

internal sealed record ChatwootPerson(string? Id, string? Name, string? Email, string? Type);

internal sealed record ChatwootAccount(string? Id, string? Name);

internal sealed record ChatwootMeta(ChatwootPerson? Sender);

internal sealed record ChatwootAttributes(string? MailSubject);

/// <summary>A Chatwoot event resolved to the customer's message it carries, whichever event it was.</summary>
internal sealed record ChatwootTicketDraft(
    string? AccountId,
    string? ConversationId,
    string? Content,
    string? MessageType,
    bool? Private,
    ChatwootPerson? Sender,
    string? Subject,
    string ContentPath,
    string ConversationPath);
