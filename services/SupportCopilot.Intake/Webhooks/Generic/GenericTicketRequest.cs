namespace SupportCopilot.Intake.Webhooks.Generic;

/// <summary>The generic connector's JSON: what any helpdesk can be configured to send.</summary>
internal sealed record GenericTicketRequest(
    string? ExternalId,
    string? Subject,
    string? Body,
    GenericCustomer? Customer,
    string? Language);

internal sealed record GenericCustomer(string? Email, string? Name);
