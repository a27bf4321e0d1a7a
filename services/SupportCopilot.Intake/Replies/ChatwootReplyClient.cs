using Microsoft.Extensions.Options;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// Chatwoot: <c>POST /api/v1/accounts/{account}/conversations/{conversation}/messages</c>, an outgoing
/// message, <c>"private":true</c> in suggest mode. Header <c>api_access_token</c>. The account comes
/// from the webhook; the conversation is the webhook's conversation id, else the ticket's external id.
/// </summary>
internal sealed class ChatwootReplyClient(HttpClient http, IOptions<ChatwootReplySettings> options) : HelpdeskApiClient<ChatwootReplySettings>(options)
{
    public const string ConnectorName = "chatwoot";

    public override string Connector => ConnectorName;

    protected override async Task PostAsync(HelpdeskReply reply, ChatwootReplySettings settings, Uri baseUrl, CancellationToken cancellationToken)
    {
        var account = reply.Address.AccountId ?? throw HelpdeskHttp.MissingAddress(reply, "account id");
        var conversation = reply.Address.ConversationId ?? reply.ExternalId;
        var url = HelpdeskHttp.Url(
            baseUrl,
            $"/api/v1/accounts/{HelpdeskHttp.Segment(account)}/conversations/{HelpdeskHttp.Segment(conversation)}/messages");
        var body = new { content = reply.Text, message_type = "outgoing", @private = !settings.IsPublic(reply.Origin) };
        using var request = HelpdeskHttp.JsonRequest(HttpMethod.Post, url, body, reply);
        request.Headers.Add("api_access_token", settings.AccessToken);
        await HelpdeskHttp.SendAsync(http, request, reply, cancellationToken);
    }
}
