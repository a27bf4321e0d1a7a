using MassTransit;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Intake.Tests.Replies;

/// <summary>
/// The helpdesk has taken a reply, and then our own record of it is in danger: the database goes
/// away before the delivery is written, or the attempt that claimed the delivery never finishes.
/// Either way the ticket must end showing the reply as sent, and the helpdesk must get it once.
/// </summary>
public sealed class ReplyRecordingTests
{
    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    [Fact]
    public async Task A_reply_taken_by_the_helpdesk_while_PostgreSQL_goes_away_is_recorded_when_it_is_back_and_posted_once()
    {
        var logs = new InMemoryLogs();
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        await using var host = await ReplyTesting.StartAsync("zendesk", helpdesk, provider: DatabaseProvider.Postgres, logs: logs);
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "zendesk");
        var draftId = NewId.NextGuid();
        var outage = TakeTheDatabaseOfflineWhenTheHelpdeskAnswers(helpdesk, host);

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Automatic));
        await using (await outage)
        {
            await Eventually.MatchesAsync(
                () => Task.FromResult(logs.Text), t => t.Contains("but recording that failed; trying again", StringComparison.Ordinal),
                what: "The delivery's record failing while the database is away");
        }

        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "delivered");
        Assert.Single(helpdesk.Requests);
        Assert.Equal("auto_sent", await TicketStatusAsync(host, ticketId));
        Assert.Equal(ReplyTesting.Text, await host.ScalarAsync<string>("SELECT reply_text FROM tickets WHERE ticket_id = @TicketId", new { TicketId = ticketId }));
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages WHERE message_type LIKE '%ReplySent%'"));
    }

    [Fact]
    public async Task A_reply_whose_record_outlasts_the_claim_is_recorded_by_the_redelivery_without_posting_again()
    {
        var logs = new InMemoryLogs();
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        await using var host = await ReplyTesting.StartAsync(
            "zendesk",
            helpdesk,
            provider: DatabaseProvider.Postgres,
            extra: ShortClaims(),
            logs: logs);
        var ticketId = await ReplyTesting.AcceptTicketAsync(host, "zendesk");
        var draftId = NewId.NextGuid();
        var outage = TakeTheDatabaseOfflineWhenTheHelpdeskAnswers(helpdesk, host);

        await host.Bus.Publish(new SendReply(draftId, ticketId, ReplyTesting.Text, ReplyOrigin.Agent));
        await using (await outage)
        {
            await Eventually.MatchesAsync(
                () => Task.FromResult(logs.Text), t => t.Contains("could not be recorded in time", StringComparison.Ordinal),
                what: "The consumer leaving the record to the redelivery");
        }

        await ReplyTesting.WaitForDeliveryAsync(host, draftId, "delivered");
        Assert.Single(helpdesk.Requests);
        Assert.Equal("sent", await TicketStatusAsync(host, ticketId));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_delivery_whose_attempt_vanished_is_queued_again_once_its_claim_is_long_over_and_a_live_claim_is_left_alone(DatabaseProvider provider)
    {
        await using var helpdesk = await RecordingHttpServer.StartAsync();
        await using var host = await ReplyTesting.StartAsync(
            "zendesk", helpdesk, provider: provider, extra: new Dictionary<string, string?> { ["Intake:Connectors:Generic:OrphanSweepInterval"] = "00:00:00.100" });
        var orphanedTicket = await ReplyTesting.AcceptTicketAsync(host, "zendesk", externalId: "4711");
        var liveTicket = await ReplyTesting.AcceptTicketAsync(host, "zendesk", externalId: "4712");
        var orphaned = NewId.NextGuid();
        var live = NewId.NextGuid();
        var now = DateTimeOffset.UtcNow;

        // As a process that died mid-post leaves it, and as a slow attempt that is still posting holds it.
        await ClaimAsync(host, orphaned, orphanedTicket, claimedUntil: now - TimeSpan.FromMinutes(3));
        await ClaimAsync(host, live, liveTicket, claimedUntil: now + TimeSpan.FromMinutes(10));

        await ReplyTesting.WaitForDeliveryAsync(host, orphaned, "delivered");
        var accepted = Assert.Single(helpdesk.Accepted);
        Assert.Equal(orphaned.ToString(), accepted.Header("Idempotency-Key"));
        Assert.Equal("sent", await TicketStatusAsync(host, orphanedTicket));
        Assert.Equal(2, await host.ScalarAsync<int>("SELECT attempts FROM reply_deliveries WHERE draft_id = @DraftId", new { DraftId = orphaned }));
        Assert.Equal("sending", await ReplyTesting.DeliveryStatusAsync(host, live));
    }

    /// <summary>A claim of 1.5 s, which every connector's post must fit inside.</summary>
    private static Dictionary<string, string?> ShortClaims()
    {
        var settings = new Dictionary<string, string?> { ["Intake:Connectors:Generic:ClaimDuration"] = "00:00:01.500" };
        foreach (var connector in new[] { "generic", "zendesk", "freshdesk", "intercom", "helpscout", "chatwoot" })
        {
            var section = "Intake:Connectors:" + ReplyTesting.Section(connector);
            settings[section + ":Timeout"] = "00:00:01";
            settings[section + ":AttemptTimeout"] = "00:00:01";
        }

        return settings;
    }

    private static async Task<IAsyncDisposable> TakeTheDatabaseOfflineWhenTheHelpdeskAnswers(RecordingHttpServer helpdesk, IntakeHost host)
    {
        var offline = new TaskCompletionSource<IAsyncDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
        helpdesk.BeforeAnswering = async () =>
        {
            helpdesk.BeforeAnswering = null;
            offline.SetResult(await host.TakeDatabaseOfflineAsync());
        };
        return await offline.Task;
    }

    private static Task ClaimAsync(IntakeHost host, Guid draftId, Guid ticketId, DateTimeOffset claimedUntil) =>
        host.ScalarAsync<int>(
            """
            INSERT INTO reply_deliveries (draft_id, ticket_id, origin, text, status, created_at, claimed_until, attempts)
            VALUES (@DraftId, @TicketId, 'agent', @Text, 'sending', @ClaimedUntil, @ClaimedUntil, 1)
            """,
            new { DraftId = draftId, TicketId = ticketId, ReplyTesting.Text, ClaimedUntil = claimedUntil });

    private static Task<string> TicketStatusAsync(IntakeHost host, Guid ticketId) =>
        host.ScalarAsync<string>("SELECT status FROM tickets WHERE ticket_id = @TicketId", new { TicketId = ticketId });
}
