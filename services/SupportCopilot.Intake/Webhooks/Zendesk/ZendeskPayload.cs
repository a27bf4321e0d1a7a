namespace SupportCopilot.Intake.Webhooks.Zendesk;

/// <summary>
/// What Zendesk posts, in either of its two shapes (snake_case JSON):
/// an event subscription (<c>type</c> = <c>zen:event-type:ticket.created</c>, <c>id</c> = the
/// event id, <c>detail</c> = the ticket), or a trigger webhook whose JSON the admin writes with
/// placeholders (<c>ticket_id</c>, <c>subject</c>, <c>description</c>, <c>requester_email</c>, ...).
/// In an event <c>subject</c> is the event's subject (<c>zen:ticket:5158</c>), in a trigger the ticket's.
/// </summary>
internal sealed record ZendeskPayload(
    string? Type,
    string? Id,
    string? AccountId,
    string? Subject,
    ZendeskTicketDetail? Detail,
    ZendeskEventData? Event,
    string? TicketId,
    string? Description,
    string? RequesterEmail,
    string? RequesterName,
    string? CurrentUserRole)
{
    public const string EventTypePrefix = "zen:event-type:";

    public bool IsEvent => Type?.StartsWith(EventTypePrefix, StringComparison.Ordinal) == true;
}

internal sealed record ZendeskTicketDetail(
    string? Id,
    string? Subject,
    string? Description,
    string? RequesterId,
    string? ActorId,
    bool? IsPublic,
    ZendeskVia? Via);

internal sealed record ZendeskVia(string? Channel);

internal sealed record ZendeskEventData(ZendeskComment? Comment);

internal sealed record ZendeskComment(string? Id, string? Body, bool? IsPublic, ZendeskAuthor? Author);

internal sealed record ZendeskAuthor(string? Id, string? Name, bool? IsStaff);
