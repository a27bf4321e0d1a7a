using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// Intercom: <c>POST /conversations/{id}/reply</c> as the configured admin, <c>message_type</c>
/// <c>comment</c> (public) or <c>note</c> (suggest mode). Bearer token and <c>Intercom-Version</c>.
/// The conversation is the webhook's conversation id, else the ticket's external id.
/// </summary>
internal sealed class IntercomReplyClient(HttpClient http, IOptions<IntercomReplySettings> options) : HelpdeskApiClient<IntercomReplySettings>(options)
{
    public const string ConnectorName = "intercom";

    public override string Connector => ConnectorName;

    protected override async Task PostAsync(HelpdeskReply reply, IntercomReplySettings settings, Uri baseUrl, CancellationToken cancellationToken)
    {
        var conversation = reply.Address.ConversationId ?? reply.ExternalId;
        var url = HelpdeskHttp.Url(baseUrl, $"/conversations/{HelpdeskHttp.Segment(conversation)}/reply");
        var body = new
        {
            message_type = settings.IsPublic(reply.Origin) ? "comment" : "note",
            type = "admin",
            admin_id = settings.AdminId,
            body = HelpdeskHttp.Html(reply.Text),
        };
        using var request = HelpdeskHttp.JsonRequest(HttpMethod.Post, url, body, reply);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.AccessToken);
        request.Headers.Add("Intercom-Version", settings.Version);
        await HelpdeskHttp.SendAsync(http, request, reply, cancellationToken);
    }
}
