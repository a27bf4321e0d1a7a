using System.Text;
using System.Text.Json;
using MassTransit;
using SupportCopilot.Contracts;
using SupportCopilot.Intake.Connectors;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Intake.Tests.Replies;

public sealed class ConnectorReplyTests
{
    public static TheoryData<string, string, string, bool> Deliveries => new()
    {
        // connector, mode, origin, posted publicly
        { "zendesk", "send", ReplyOrigin.Automatic, true },
        { "zendesk", "suggest", ReplyOrigin.Automatic, false },
        { "zendesk", "suggest", ReplyOrigin.Agent, true },
        { "freshdesk", "send", ReplyOrigin.Automatic, true },
        { "freshdesk", "suggest", ReplyOrigin.Automatic, false },
        { "freshdesk", "suggest", ReplyOrigin.Agent, true },
        { "intercom", "send", ReplyOrigin.Automatic, true },
        { "intercom", "suggest", ReplyOrigin.Automatic, false },
        { "intercom", "suggest", ReplyOrigin.Agent, true },
        { "helpscout", "send", ReplyOrigin.Automatic, true },
        { "helpscout", "suggest", ReplyOrigin.Automatic, false },
        { "helpscout", "suggest", ReplyOrigin.Agent, true },
        { "chatwoot", "send", ReplyOrigin.Automatic, true },
        { "chatwoot", "suggest", ReplyOrigin.Automatic, false },
        { "chatwoot", "suggest", ReplyOrigin.Agent, true },
        { "generic", "send", ReplyOrigin.Automatic, true },
    };

    [Theory]
    [MemberData(nameof(Deliveries))]
    public async Task Each_connector_posts_the_reply_to_its_helpdesks_api_in_the_documented_shape(string connector, string mode, string origin, bool isPublic)
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        await using var host = await ReplyTesting.StartAsync(connector, helpdesk, mode);
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, connector);
        var draftId = NewId.NextGuid();

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, origin));
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "delivered");

        var request = Assert.Single(helpdesk.Requests);
        Assert.Equal(draftId.ToString(), request.Header("Idempotency-Key"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        var body = JsonDocument.Parse(request.Body).RootElement;
        switch (connector)
        {
            case "zendesk":
                Assert.Equal(("PUT", "/api/v2/tickets/4711.json"), (request.Method, request.Path));
                Assert.Equal(Basic("agent@acme.example/token:zd-token"), request.Header("Authorization"));
                var comment = body.GetProperty("ticket").GetProperty("comment");
                Assert.Equal(ReplyTesting.Text, comment.GetProperty("body").GetString());
                Assert.Equal(isPublic, comment.GetProperty("public").GetBoolean());
                break;
            case "freshdesk":
                Assert.Equal(("POST", isPublic ? "/api/v2/tickets/4711/reply" : "/api/v2/tickets/4711/notes"), (request.Method, request.Path));
                Assert.Equal(Basic("fd-key:X"), request.Header("Authorization"));
                Assert.Equal(ReplyTesting.Text, body.GetProperty("body").GetString());
                Assert.Equal(!isPublic, body.TryGetProperty("private", out var isPrivate) && isPrivate.GetBoolean());
                break;
            case "intercom":
                Assert.Equal(("POST", "/conversations/conv-55/reply"), (request.Method, request.Path));
                Assert.Equal("Bearer ic-token", request.Header("Authorization"));
                Assert.Equal("2.11", request.Header("Intercom-Version"));
                Assert.Equal(isPublic ? "comment" : "note", body.GetProperty("message_type").GetString());
                Assert.Equal("admin", body.GetProperty("type").GetString());
                Assert.Equal("991", body.GetProperty("admin_id").GetString());
                Assert.Equal(ReplyTesting.Text, body.GetProperty("body").GetString());
                break;
            case "helpscout":
                Assert.Equal(("POST", "/v2/conversations/conv-55/reply"), (request.Method, request.Path));
                Assert.Equal("Bearer hs-token", request.Header("Authorization"));
                Assert.Equal(314, body.GetProperty("customer").GetProperty("id").GetInt64());
                Assert.Equal(ReplyTesting.Text, body.GetProperty("text").GetString());
                Assert.Equal(!isPublic, body.TryGetProperty("draft", out var draft) && draft.GetBoolean());
                break;
            case "chatwoot":
                Assert.Equal(("POST", "/api/v1/accounts/7/conversations/conv-55/messages"), (request.Method, request.Path));
                Assert.Equal("cw-token", request.Header("api_access_token"));
                Assert.Equal(ReplyTesting.Text, body.GetProperty("content").GetString());
                Assert.Equal("outgoing", body.GetProperty("message_type").GetString());
                Assert.Equal(!isPublic, body.GetProperty("private").GetBoolean());
                break;
            default:
                Assert.Equal(("POST", "/replies"), (request.Method, request.Path));
                Assert.Equal("4711", body.GetProperty("externalId").GetString());
                Assert.Equal(ReplyTesting.Text, body.GetProperty("text").GetString());
                Assert.Null(request.Header(GenericSignature.SignatureHeader));
                break;
        }
    }

    [Fact]
    public async Task A_generic_reply_is_signed_like_inbound_webhooks_when_a_webhook_secret_is_set()
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        await using var host = await ReplyTesting.StartAsync(
            "generic", helpdesk, extra: new Dictionary<string, string?> { ["Intake:Connectors:Generic:WebhookSecret"] = "s3cret" });
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "generic");
        var draftId = NewId.NextGuid();

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Automatic));
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "delivered");

        var request = Assert.Single(helpdesk.Requests);
        var timestamp = long.Parse(request.Header(GenericSignature.TimestampHeader)!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(GenericSignature.Matches("s3cret", timestamp, Encoding.UTF8.GetBytes(request.Body), request.Header(GenericSignature.SignatureHeader)));
        Assert.False(GenericSignature.Matches("wrong", timestamp, Encoding.UTF8.GetBytes(request.Body), request.Header(GenericSignature.SignatureHeader)));
    }

    [Fact]
    public async Task Help_Scout_without_an_access_token_fetches_one_by_client_credentials_and_reuses_it()
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        helpdesk.ByPath["/v2/oauth2/token"] = StandInResponse.Ok("""{"token_type":"bearer","access_token":"oauth-token","expires_in":7200}""");
        var settings = new Dictionary<string, string?>
        {
            ["Intake:Connectors:HelpScout:AccessToken"] = null,
            ["Intake:Connectors:HelpScout:ClientId"] = "app-id",
            ["Intake:Connectors:HelpScout:ClientSecret"] = "app-secret",
        };
        await using var host = await ReplyTesting.StartAsync("helpscout", helpdesk, extra: settings);
        var first = await ReplyTesting.AcceptTicketAsync(host, "helpscout", "1001");
        var second = await ReplyTesting.AcceptTicketAsync(host, "helpscout", "1002");
        var firstDraft = NewId.NextGuid();
        var secondDraft = NewId.NextGuid();

        await host.Bus.Publish(new SendReply(firstDraft, first, ReplyTesting.Text, ReplyOrigin.Automatic));
        await ReplyTesting.WaitForDeliveryAsync(host, firstDraft, "delivered");
        await host.Bus.Publish(new SendReply(secondDraft, second, ReplyTesting.Text, ReplyOrigin.Automatic));
        await ReplyTesting.WaitForDeliveryAsync(host, secondDraft, "delivered");

        var token = Assert.Single(helpdesk.Requests, r => r.Path == "/v2/oauth2/token");
        Assert.Contains("grant_type=client_credentials", token.Body, StringComparison.Ordinal);
        Assert.Contains("client_id=app-id", token.Body, StringComparison.Ordinal);
        Assert.All(helpdesk.Accepted, r => Assert.Equal("Bearer oauth-token", r.Header("Authorization")));
        Assert.Equal(2, helpdesk.Accepted.Count);
    }

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));
}
