namespace SupportCopilot.Intake.Webhooks.Freshdesk;

/// <summary>
/// The JSON a Freshdesk automation's "Trigger webhook" action posts (all values strings, filled
/// from placeholders): <c>{"freshdesk_webhook":{"ticket_id","ticket_subject","ticket_description",
/// "requester_email","requester_name",...}}</c>. Freshdesk's simple mode names the requester
/// fields <c>ticket_requester_email</c>/<c>ticket_requester_name</c>; both are read.
/// </summary>
internal sealed record FreshdeskPayload(FreshdeskTicket? FreshdeskWebhook);

internal sealed record FreshdeskTicket(
    string? TicketId,
    string? TicketSubject,
    string? TicketDescription,
    string? RequesterEmail,
    string? RequesterName,
    string? TicketRequesterEmail,
    string? TicketRequesterName)
{
    public string? Email => string.IsNullOrWhiteSpace(RequesterEmail) ? TicketRequesterEmail : RequesterEmail;

    public string? Name => string.IsNullOrWhiteSpace(RequesterName) ? TicketRequesterName : RequesterName;
}
