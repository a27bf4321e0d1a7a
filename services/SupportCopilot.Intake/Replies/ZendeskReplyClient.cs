using Microsoft.Extensions.Options;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// Zendesk: <c>PUT /api/v2/tickets/{id}.json</c> adding a comment, public or (suggest mode) internal.
/// Basic auth with <c>{email}/token:{api token}</c>.
/// </summary>
internal sealed class ZendeskReplyClient(HttpClient http, IOptions<ZendeskReplySettings> options) : HelpdeskApiClient<ZendeskReplySettings>(options)
{
    public const string ConnectorName = "zendesk";

    public override string Connector => ConnectorName;

    protected override async Task PostAsync(HelpdeskReply reply, ZendeskReplySettings settings, Uri baseUrl, CancellationToken cancellationToken)
    {
        var url = HelpdeskHttp.Url(baseUrl, $"/api/v2/tickets/{HelpdeskHttp.Segment(reply.ExternalId)}.json");
        var body = new { ticket = new { comment = new { body = reply.Text, @public = settings.IsPublic(reply.Origin) } } };
        using var request = HelpdeskHttp.JsonRequest(HttpMethod.Put, url, body, reply);
        request.Headers.Authorization = HelpdeskHttp.Basic(settings.Email + "/token", settings.ApiToken!);
        await HelpdeskHttp.SendAsync(http, request, reply, cancellationToken);
    }
}
