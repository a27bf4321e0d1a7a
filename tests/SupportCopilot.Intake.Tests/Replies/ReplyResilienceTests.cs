using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Options;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Intake.Tests.Replies;

public sealed class ReplyResilienceTests
{
    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    [Fact]
    public async Task A_helpdesk_that_answers_500_twice_gets_the_reply_exactly_once()
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        helpdesk.Enqueue(StandInResponse.Fail(), StandInResponse.Fail());
        await using var host = await ReplyTesting.StartAsync("zendesk", helpdesk);
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "zendesk");
        var draftId = NewId.NextGuid();

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Automatic));
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "delivered");

        Assert.Equal(3, helpdesk.Requests.Count);
        Assert.Single(helpdesk.Accepted);
        Assert.All(helpdesk.Requests, r => Assert.Equal(draftId.ToString(), r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task A_helpdesk_that_does_not_answer_in_time_is_tried_again_and_gets_the_reply_exactly_once()
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        helpdesk.Enqueue(StandInResponse.NoAnswer());
        await using var host = await ReplyTesting.StartAsync(
            "freshdesk", helpdesk, extra: new Dictionary<string, string?> { ["Intake:Connectors:Freshdesk:AttemptTimeout"] = "00:00:00.300" });
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "freshdesk");
        var draftId = NewId.NextGuid();

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Automatic));
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "delivered");

        Assert.Single(helpdesk.Accepted);
        await Eventually.MatchesAsync(
            () => Task.FromResult(helpdesk.Requests.Count(r => r.Status == 0)), n => n == 1, what: "The timed-out request being recorded");
    }

    [Fact]
    public async Task A_429_is_retried_after_the_helpdesks_Retry_After_and_the_reply_arrives_exactly_once()
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        helpdesk.Enqueue(StandInResponse.TooManyRequests(TimeSpan.FromSeconds(1)));
        await using var host = await ReplyTesting.StartAsync("intercom", helpdesk);
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "intercom");
        var draftId = NewId.NextGuid();

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Automatic));
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "delivered");

        Assert.Equal(2, helpdesk.Requests.Count);
        var accepted = Assert.Single(helpdesk.Accepted);
        Assert.True(
            accepted.ReceivedAt - helpdesk.Requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(900),
            $"The retry came {accepted.ReceivedAt - helpdesk.Requests[0].ReceivedAt} after the 429 with Retry-After: 1.");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_helpdesk_that_keeps_failing_ends_failed_is_listed_and_a_retry_after_it_recovers_delivers_once(DatabaseProvider provider)
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        helpdesk.Default = StandInResponse.Fail(StatusCodes503);
        await using var host = await ReplyTesting.StartAsync(
            "chatwoot",
            helpdesk,
            provider: provider,
            extra: new Dictionary<string, string?> { ["Messaging:RetryLimit"] = "1", ["Intake:Connectors:Chatwoot:Retries"] = "1" });
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "chatwoot");
        var draftId = NewId.NextGuid();

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Agent));
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "failed");

        Assert.Empty(helpdesk.Accepted);
        Assert.Equal(4, helpdesk.Requests.Count); // two bus attempts, each with one HTTP retry
        var failed = Assert.Single(await host.Http.GetFromJsonAsync<JsonElement[]>("/api/replies/failed") ?? []);
        Assert.Equal(draftId, failed.GetProperty("draftId").GetGuid());
        Assert.Equal("chatwoot", failed.GetProperty("connector").GetString());
        Assert.Equal(2, failed.GetProperty("attempts").GetInt32());
        Assert.Contains("503", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        helpdesk.Default = StandInResponse.Ok();
        using var retry = await host.Http.PostAsync($"/api/replies/{draftId}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "delivered");
        using var again = await host.Http.PostAsync($"/api/replies/{draftId}/retry", null);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Single(helpdesk.Accepted);
        Assert.Empty(await host.Http.GetFromJsonAsync<JsonElement[]>("/api/replies/failed") ?? []);
        Assert.Equal("sent", await host.ScalarAsync<string>("SELECT status FROM tickets WHERE ticket_id = @TicketId", new { TicketId = ticketId }));
    }

    [Fact]
    public async Task A_reply_to_a_helpdesk_that_is_not_configured_fails_at_once_naming_the_missing_key()
    {
        await using var host = await ReplyTesting.StartHostAsync(DatabaseProvider.Sqlite);
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "zendesk");
        var draftId = NewId.NextGuid();

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Automatic));
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "failed");

        var error = await host.ScalarAsync<string>("SELECT last_error FROM reply_deliveries WHERE draft_id = @DraftId", new { DraftId = draftId });
        Assert.Contains("Intake:Connectors:Zendesk:BaseUrl", error, StringComparison.Ordinal);
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT attempts FROM reply_deliveries"));
        Assert.Equal("received", await host.ScalarAsync<string>("SELECT status FROM tickets"));
    }

    [Fact]
    public async Task A_helpdesk_refusing_the_reply_with_a_4xx_fails_it_without_retrying()
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        helpdesk.Default = StandInResponse.Fail(422);
        await using var host = await ReplyTesting.StartAsync("helpscout", helpdesk);
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "helpscout");
        var draftId = NewId.NextGuid();

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Automatic));
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "failed");

        Assert.Single(helpdesk.Requests);
        var error = await host.ScalarAsync<string>("SELECT last_error FROM reply_deliveries");
        Assert.Contains("422", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Zendesk", "ApiToken")]
    [InlineData("Freshdesk", "ApiKey")]
    [InlineData("Intercom", "AdminId")]
    [InlineData("HelpScout", "ClientSecret")]
    [InlineData("Chatwoot", "AccessToken")]
    public async Task A_connector_with_a_base_url_but_missing_credentials_stops_the_service_at_start_naming_the_key(string section, string missing)
    {
        var settings = new Dictionary<string, string?> { [$"Intake:Connectors:{section}:BaseUrl"] = "https://helpdesk.example" };
        IEnumerable<(string Key, string Value)> present = section == "HelpScout"
            ? [("ClientId", "app-id")] // neither an access token nor a complete client-credentials pair
            : ReplyTesting.Credentials(section.ToLowerInvariant()).Where(c => c.Key != missing);
        foreach (var (key, value) in present)
        {
            settings[$"Intake:Connectors:{section}:{key}"] = value;
        }

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => ReplyTesting.StartHostAsync(DatabaseProvider.Sqlite, settings));

        Assert.Contains($"Intake:Connectors:{section}:{missing}", failure.Message, StringComparison.Ordinal);
    }

    private const int StatusCodes503 = 503;
}
