using Microsoft.Extensions.Options;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// Freshdesk: <c>POST /api/v2/tickets/{id}/reply</c>, or <c>/notes</c> with <c>"private":true</c> in
/// suggest mode. Basic auth with the API key as user and <c>X</c> as password. Bodies are HTML.
/// </summary>
internal sealed class FreshdeskReplyClient(HttpClient http, IOptions<FreshdeskReplySettings> options) : IHelpdeskReplyClient
{
    public const string ConnectorName = "freshdesk";

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

        var ticket = $"/api/v2/tickets/{HelpdeskHttp.Segment(reply.ExternalId)}";
        var html = HelpdeskHttp.Html(reply.Text);
        using var request = settings.IsPublic(reply.Origin)
            ? HelpdeskHttp.JsonRequest(HttpMethod.Post, HelpdeskHttp.Url(settings.BaseUrl, ticket + "/reply"), new { body = html }, reply)
            : HelpdeskHttp.JsonRequest(HttpMethod.Post, HelpdeskHttp.Url(settings.BaseUrl, ticket + "/notes"), new { body = html, @private = true }, reply);
        request.Headers.Authorization = HelpdeskHttp.Basic(settings.ApiKey!, "X");
        await HelpdeskHttp.SendAsync(http, request, reply, cancellationToken);
    }
}
