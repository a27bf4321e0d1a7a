namespace SupportCopilot.Intake.Connectors;

/// <summary>
/// What a helpdesk needs, besides its ticket id, to take a reply: the account, conversation or
/// customer a webhook named. Inbound connectors store it with the ticket (tickets.reply_address,
/// JSON); outbound clients read it back. Null fields are simply not needed by that helpdesk.
/// </summary>
internal sealed record ReplyAddress(string? AccountId = null, string? ConversationId = null, string? CustomerId = null);

/// <summary>A reply on its way to the helpdesk a ticket came from.</summary>
/// <param name="Connector">The ticket's connector (<c>generic</c>, <c>zendesk</c>, ...).</param>
/// <param name="ExternalId">The helpdesk's own ticket or conversation id.</param>
/// <param name="Address">Extra addressing the inbound webhook carried; never null (empty when none).</param>
/// <param name="DraftId">The idempotency key: one draft is posted at most once.</param>
/// <param name="Origin"><see cref="Contracts.ReplyOrigin"/>: sent automatically or approved by an agent.</param>
internal sealed record HelpdeskReply(
    Guid TicketId,
    string Connector,
    string ExternalId,
    ReplyAddress Address,
    Guid DraftId,
    string Text,
    string Origin);

/// <summary>
/// Posts replies to one helpdesk's API. One implementation per connector, registered as
/// <see cref="IHelpdeskReplyClient"/>; reply delivery picks the one whose <see cref="Connector"/>
/// matches the ticket. It throws when the helpdesk did not take the reply, so the bus retries.
/// </summary>
internal interface IHelpdeskReplyClient
{
    string Connector { get; }

    /// <summary>False when the connector has nowhere to post: the reply is then recorded as sent.</summary>
    bool IsConfigured { get; }

    Task PostAsync(HelpdeskReply reply, CancellationToken cancellationToken);
}
