using Microsoft.Extensions.Options;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// Zendesk: <c>PUT /api/v2/tickets/{id}.json</c> adding a comment, public or (suggest mode) internal.
/// Basic auth with <c>{email}/token:{api token}</c>.
/// </summary>
internal sealed class ZendeskReplyClient(HttpClient http, IOptions<ZendeskReplySettings> options) : IHelpdeskReplyClient
{
    public const string ConnectorName = "zendesk";

    public string Connector => ConnectorName;

    public bool IsConfigured => options.Value.IsConfigured;

    public async Task PostAsync(HelpdeskReply reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var settings = options.Value;
        if (settings.BaseUrl is null)
        {
            throw HelpdeskHttp.NotConfigured(reply, settings.Section);
        }

        var url = HelpdeskHttp.Url(settings.BaseUrl, $"/api/v2/tickets/{HelpdeskHttp.Segment(reply.ExternalId)}.json");
        var body = new { ticket = new { comment = new { body = reply.Text, @public = settings.IsPublic(reply.Origin) } } };
        using var request = HelpdeskHttp.JsonRequest(HttpMethod.Put, url, body, reply);
        request.Headers.Authorization = HelpdeskHttp.Basic(settings.Email + "/token", settings.ApiToken!);
        await HelpdeskHttp.SendAsync(http, request, reply, cancellationToken);
    }
}
