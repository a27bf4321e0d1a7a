namespace SupportCopilot.Intake.Webhooks.Intercom;

/// <summary>
/// An Intercom webhook notification (snake_case JSON): <c>type</c> <c>notification_event</c>,
/// <c>id</c> (the notification id, the same on every retry), <c>topic</c>, and
/// <c>data.item</c> the conversation. The customer's first message is
/// <c>data.item.conversation_message</c> (API 1.x) or <c>data.item.source</c> (API 2.x); its
/// <c>body</c> is HTML.
/// </summary>
internal sealed record IntercomNotification(string? Type, string? Id, string? Topic, string? AppId, IntercomData? Data)
{
    public IntercomMessage? FirstMessage => Data?.Item?.ConversationMessage ?? Data?.Item?.Source;

    public string MessagePath => Data?.Item?.ConversationMessage is not null ? "data.item.conversation_message" : "data.item.source";
}

internal sealed record IntercomData(IntercomConversation? Item);

internal sealed record IntercomConversation(
    string? Type,
    string? Id,
    IntercomMessage? ConversationMessage,
    IntercomMessage? Source,
    IntercomPerson? User);

internal sealed record IntercomMessage(string? Subject, string? Body, IntercomPerson? Author, string? DeliveredAs);

internal sealed record IntercomPerson(string? Type, string? Id, string? Name, string? Email);
