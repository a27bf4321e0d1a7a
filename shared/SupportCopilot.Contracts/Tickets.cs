namespace SupportCopilot.Contracts;

/// <summary>The customer as the helpdesk knows them.</summary>
public sealed record Customer(string Email, string Name);

/// <summary>
/// A ticket as Intake accepted it. It travels whole in messages because no service reads
/// another's tables: Drafting drafts from it and Review shows it to agents.
/// </summary>
public sealed record TicketContent(
    Guid TicketId,
    string Connector,
    string ExternalId,
    string Subject,
    string Body,
    Customer Customer,
    string Language,
    DateTimeOffset ReceivedAt);

/// <summary>Published by Intake once a ticket is committed.</summary>
public sealed record TicketReceived(TicketContent Ticket);
