using System.Text.Json;
using Microsoft.Extensions.Options;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>The reply as the generic connector posts it to the helpdesk's callback.</summary>
internal sealed record GenericReply(Guid TicketId, string ExternalId, Guid DraftId, string Text, string Origin);

/// <summary>
/// Posts replies to the configured callback with the draft id as <c>Idempotency-Key</c>, so a
/// helpdesk that saw a reply once can recognise a repeat after a crash at the worst moment. With
/// <c>WebhookSecret</c> set the post is signed like inbound webhooks: <c>X-SupportCopilot-Signature</c>
/// over <c>timestamp + "." + body</c>, the timestamp in <c>X-SupportCopilot-Timestamp</c>.
/// </summary>
internal sealed class GenericHelpdeskClient(HttpClient http, IOptions<ReplyDeliverySettings> settings, TimeProvider clock) : IHelpdeskReplyClient
{
    public const string ConnectorName = "generic";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Connector => ConnectorName;

    public bool IsConfigured => settings.Value.CallbackUrl is not null;

    public async Task PostAsync(HelpdeskReply reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new GenericReply(reply.TicketId, reply.ExternalId, reply.DraftId, reply.Text, reply.Origin), Json);
        using var request = HelpdeskHttp.Request(HttpMethod.Post, settings.Value.CallbackUrl!, body, reply);
        if (!string.IsNullOrEmpty(settings.Value.WebhookSecret))
        {
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add(GenericSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(GenericSignature.SignatureHeader, GenericSignature.Compute(settings.Value.WebhookSecret, timestamp, body));
        }

        await HelpdeskHttp.SendAsync(http, request, reply, cancellationToken);
    }
}
