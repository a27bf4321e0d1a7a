using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Intake.Tests.Replies;

/// <summary>
/// What Review hears about failed replies: <see cref="ReplyFailed"/> leaves through the outbox with
/// every mark, and <see cref="ReplyRetryRequested"/> replays a failed reply as the HTTP retry does.
/// </summary>
public sealed class ReplyFailedTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_reply_the_bus_gives_up_on_is_announced_as_ReplyFailed_through_the_outbox(DatabaseProvider provider)
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        helpdesk.Default = StandInResponse.Fail(503);
        await using var host = await ReplyTesting.StartAsync(
            "chatwoot",
            helpdesk,
            provider: provider,
            extra: new Dictionary<string, string?> { ["Messaging:RetryLimit"] = "1", ["Intake:Connectors:Chatwoot:Retries"] = "0" });
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "chatwoot");
        var draftId = NewId.NextGuid();

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Agent), TestContext.Current.CancellationToken);
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "failed");

        var failed = Assert.Single(await OutboxAsync<ReplyFailed>(host));
        Assert.Equal(draftId, failed.DraftId);
        Assert.Equal(ticketId, failed.TicketId);
        Assert.Equal("chatwoot", failed.Connector);
        Assert.Contains("503", failed.Error, StringComparison.Ordinal);
        Assert.Equal(
            await host.ScalarAsync<string>("SELECT last_error FROM reply_deliveries WHERE draft_id = @DraftId", new { DraftId = draftId }),
            failed.Error);
    }

    [Fact]
    public async Task A_reply_the_helpdesk_refuses_outright_is_announced_as_ReplyFailed_at_once()
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        helpdesk.Default = StandInResponse.Fail(422);
        await using var host = await ReplyTesting.StartAsync("helpscout", helpdesk);
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "helpscout");
        var draftId = NewId.NextGuid();

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Automatic), TestContext.Current.CancellationToken);
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "failed");

        var failed = Assert.Single(await OutboxAsync<ReplyFailed>(host));
        Assert.Equal(new ReplyFailed(draftId, ticketId, "helpscout", failed.Error, failed.FailedAt), failed);
        Assert.Contains("422", failed.Error, StringComparison.Ordinal);
        Assert.Single(helpdesk.Requests);
    }

    [Fact]
    public async Task A_reply_that_is_delivered_announces_no_failure()
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        await using var host = await ReplyTesting.StartAsync("zendesk", helpdesk);
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "zendesk");
        var draftId = NewId.NextGuid();

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Automatic), TestContext.Current.CancellationToken);
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "delivered");

        Assert.Empty(await OutboxAsync<ReplyFailed>(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_retry_requested_from_review_delivers_the_failed_reply_once_and_a_second_request_does_nothing(DatabaseProvider provider)
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        helpdesk.Default = StandInResponse.Fail(422);
        await using var host = await ReplyTesting.StartAsync("helpscout", helpdesk, provider: provider);
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "helpscout");
        var draftId = NewId.NextGuid();
        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Agent), TestContext.Current.CancellationToken);
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "failed");
        helpdesk.Default = StandInResponse.Ok();

        await host.Bus.Publish(new ReplyRetryRequested(draftId, "ana", DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "delivered");
        await host.Bus.Publish(new ReplyRetryRequested(draftId, "ben", DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);
        await host.Consumed.WaitForAsync<ReplyRetryRequested>(2);

        Assert.Single(helpdesk.Accepted);
        Assert.Single(await OutboxAsync<SendReply>(host));
        Assert.Single(await OutboxAsync<ReplySent>(host));
        Assert.Equal(2, await host.ScalarAsync<int>("SELECT attempts FROM reply_deliveries"));
        Assert.Equal(2, await host.ScalarAsync<int>("SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'intake-reply-retry-requested'"));
        Assert.Equal("sent", await host.ScalarAsync<string>("SELECT status FROM tickets WHERE ticket_id = @TicketId", new { TicketId = ticketId }));
    }

    [Fact]
    public async Task A_redelivered_retry_request_replays_the_reply_once_even_when_it_failed_again()
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        helpdesk.Default = StandInResponse.Fail(422);
        await using var host = await ReplyTesting.StartAsync("helpscout", helpdesk);
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "helpscout");
        var draftId = NewId.NextGuid();
        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Agent), TestContext.Current.CancellationToken);
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "failed");
        var request = new ReplyRetryRequested(draftId, "ana", DateTimeOffset.UtcNow);
        var messageId = NewId.NextGuid();

        await host.Bus.Publish(request, context => context.MessageId = messageId, TestContext.Current.CancellationToken);
        await Eventually.MatchesAsync(
            () => host.ScalarAsync<int>("SELECT attempts FROM reply_deliveries"), n => n == 2, what: "The retried reply failing again");
        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "failed");
        await host.Bus.Publish(request, context => context.MessageId = messageId, TestContext.Current.CancellationToken);
        await host.Consumed.WaitForAsync<ReplyRetryRequested>(2);

        Assert.Equal(2, helpdesk.Requests.Count);
        Assert.Single(await OutboxAsync<SendReply>(host));
        Assert.Equal(2, (await OutboxAsync<ReplyFailed>(host)).Count);
        Assert.Equal("failed", await ReplyTesting.DeliveryStatusAsync(host, draftId));
    }

    [Fact]
    public async Task A_retry_request_for_an_unknown_draft_does_nothing()
    {
        await using var host = await ReplyTesting.StartHostAsync(DatabaseProvider.Sqlite);

        await host.Bus.Publish(new ReplyRetryRequested(NewId.NextGuid(), "ana", DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);
        await host.Consumed.WaitForAsync<ReplyRetryRequested>(1);

        Assert.Equal(0, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages"));
        Assert.Equal(0, await host.ScalarAsync<int>("SELECT COUNT(*) FROM reply_deliveries"));
    }

    /// <summary>The messages of one contract type Intake wrote to its outbox, in order (sent or not).</summary>
    private static async Task<IReadOnlyList<T>> OutboxAsync<T>(IntakeHost host)
    {
        await using var connection = await host.Services.GetRequiredService<IntakeDatabase>().OpenAsync(TestContext.Current.CancellationToken);
        var bodies = await connection.QueryAsync<string>(
            "SELECT body FROM outbox_messages WHERE message_type = @Type ORDER BY id", new { Type = typeof(T).FullName });
        return [.. bodies.Select(b => JsonSerializer.Deserialize<T>(b, Json)!)];
    }
}
