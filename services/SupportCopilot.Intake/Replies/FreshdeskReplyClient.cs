using Microsoft.Extensions.Options;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// Freshdesk: <c>POST /api/v2/tickets/{id}/reply</c>, or <c>/notes</c> with <c>"private":true</c> in
/// suggest mode. Basic auth with the API key as user and <c>X</c> as password. Bodies are HTML.
/// </summary>
internal sealed class FreshdeskReplyClient(HttpClient http, IOptions<FreshdeskReplySettings> options) : HelpdeskApiClient<FreshdeskReplySettings>(options)
{
    public const string ConnectorName = "freshdesk";

    public override string Connector => ConnectorName;

    protected override async Task PostAsync(HelpdeskReply reply, FreshdeskReplySettings settings, Uri baseUrl, CancellationToken cancellationToken)
    {
        var ticket = $"/api/v2/tickets/{HelpdeskHttp.Segment(reply.ExternalId)}";
        var html = HelpdeskHttp.Html(reply.Text);
        using var request = settings.IsPublic(reply.Origin)
            ? HelpdeskHttp.JsonRequest(HttpMethod.Post, HelpdeskHttp.Url(baseUrl, ticket + "/reply"), new { body = html }, reply)
            : HelpdeskHttp.JsonRequest(HttpMethod.Post, HelpdeskHttp.Url(baseUrl, ticket + "/notes"), new { body = html, @private = true }, reply);
        request.Headers.Authorization = HelpdeskHttp.Basic(settings.ApiKey!, "X");
        await HelpdeskHttp.SendAsync(http, request, reply, cancellationToken);
    }
}
