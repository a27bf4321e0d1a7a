using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>The reply as the generic connector posts it to the helpdesk's callback.</summary>
internal sealed record GenericReply(Guid TicketId, string ExternalId, Guid DraftId, string Text, string Origin);

/// <summary>
/// Posts replies to the configured callback with the draft id as <c>Idempotency-Key</c>, so a
/// helpdesk that saw a reply once can recognise a repeat after a crash at the worst moment.
/// </summary>
internal sealed class GenericHelpdeskClient(HttpClient http, IOptions<ReplyDeliverySettings> settings) : IHelpdeskReplyClient
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public string Connector => Webhooks.Generic.GenericWebhookEndpoint.Connector;

    public bool IsConfigured => settings.Value.CallbackUrl is not null;

    public Task PostAsync(HelpdeskReply reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return PostAsync(new GenericReply(reply.TicketId, reply.ExternalId, reply.DraftId, reply.Text, reply.Origin), cancellationToken);
    }

    public async Task PostAsync(GenericReply reply, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Value.CallbackUrl)
        {
            Content = JsonContent.Create(reply),
        };
        request.Headers.Add(IdempotencyHeader, reply.DraftId.ToString());
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"The helpdesk answered {(int)response.StatusCode} {response.ReasonPhrase} to the reply for draft {reply.DraftId}.",
                inner: null,
                response.StatusCode);
        }
    }
}
