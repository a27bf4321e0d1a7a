using System.Net.Http.Json;
using System.Text.Json;
using SupportCopilot.Cli.Bench;
using Xunit;

namespace SupportCopilot.Reliability.Tests;

/// <summary>The verdict the fault runs rely on must itself fail when a ticket is answered twice, lost or stuck.</summary>
public sealed class LoadVerdictTests
{
    private static readonly LoadOptions Options = new(new Uri("http://127.0.0.1:1"), Rate: 1, Duration: TimeSpan.FromSeconds(3));

    [Fact]
    public async Task A_ticket_shown_two_different_drafts_fails_the_run()
    {
        await using var helpdesk = await HelpdeskSink.StartAsync();
        var ticket = Sent(0, "auto_sent");
        await PostReplyAsync(helpdesk, ticket.TicketId, draftId: Guid.NewGuid());
        await PostReplyAsync(helpdesk, ticket.TicketId, draftId: Guid.NewGuid());

        var report = LoadReport.From(Options, [ticket], helpdesk, TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow);

        Assert.False(report.Passed);
        Assert.Single(report.DuplicateReplies);
    }

    [Fact]
    public async Task The_same_draft_posted_twice_is_recognised_by_its_key_and_not_a_second_answer()
    {
        await using var helpdesk = await HelpdeskSink.StartAsync();
        var ticket = Sent(0, "auto_sent");
        var draftId = Guid.NewGuid();
        await PostReplyAsync(helpdesk, ticket.TicketId, draftId);
        await PostReplyAsync(helpdesk, ticket.TicketId, draftId);

        var report = LoadReport.From(Options, [ticket], helpdesk, TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow);

        Assert.True(report.Passed, report.Describe());
        Assert.Equal(1, report.RepeatedPosts);
    }

    [Fact]
    public async Task A_ticket_never_accepted_one_left_received_and_a_sent_one_without_its_reply_each_fail_the_run()
    {
        await using var helpdesk = await HelpdeskSink.StartAsync();
        var neverAccepted = new SentTicket(0, "LOAD-0", TimeSpan.Zero) { LastError = "503" };
        var received = Sent(1, "received");
        var sentWithoutReply = Sent(2, "auto_sent");
        var inReviewWithReply = Sent(3, "in_review");
        await PostReplyAsync(helpdesk, inReviewWithReply.TicketId, Guid.NewGuid());

        var report = LoadReport.From(Options, [neverAccepted, received, sentWithoutReply, inReviewWithReply], helpdesk, TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow);

        Assert.False(report.Passed);
        Assert.Single(report.Lost);
        Assert.Equal(2, report.Stuck.Count);
        Assert.Single(report.MissingReplies);
        Assert.Single(report.UnexpectedReplies);
    }

    [Fact]
    public async Task A_helpdesk_in_a_bad_mood_takes_nothing()
    {
        await using var helpdesk = await HelpdeskSink.StartAsync();
        using var http = new HttpClient();
        foreach (var mood in new[] { HelpdeskMood.Failing, HelpdeskMood.Throttling })
        {
            helpdesk.Mood = mood;
            using var response = await http.PostAsJsonAsync(helpdesk.CallbackUrl, new { ticketId = Guid.NewGuid() }, TestContext.Current.CancellationToken);
            Assert.False(response.IsSuccessStatusCode);
        }

        Assert.Empty(helpdesk.Deliveries);
        Assert.Equal(2, helpdesk.Refused);
    }

    [Fact]
    public async Task A_run_that_did_not_follow_its_tickets_still_writes_its_report_with_no_end_to_end_figures()
    {
        // --patience 0 (Intake alone) accepts tickets and never sees one reach a final state.
        await using var helpdesk = await HelpdeskSink.StartAsync();
        var report = LoadReport.From(Options, [Sent(0, "received"), Sent(1, "received")], helpdesk, TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow);

        using var json = JsonDocument.Parse(LoadCommand.ReportJson(Options, report, new Dictionary<string, double> { ["pgbench_one_insert_tps"] = 20_000 }));

        var written = json.RootElement.GetProperty("Report");
        Assert.Equal(2, written.GetProperty("Accept").GetProperty("Count").GetInt32());
        Assert.Equal(5, written.GetProperty("Accept").GetProperty("P99").GetDouble());
        Assert.Equal(0, written.GetProperty("EndToEnd").GetProperty("Count").GetInt32());
        Assert.Equal(JsonValueKind.Null, written.GetProperty("EndToEnd").GetProperty("P99").ValueKind);
        Assert.Equal(20_000, json.RootElement.GetProperty("Baselines").GetProperty("pgbench_one_insert_tps").GetDouble());
    }

    private static SentTicket Sent(int index, string status) =>
        new(index, "LOAD-" + index, TimeSpan.Zero) { TicketId = Guid.NewGuid(), Status = status, AcceptLatency = TimeSpan.FromMilliseconds(5) };

    private static async Task PostReplyAsync(HelpdeskSink helpdesk, Guid ticketId, Guid draftId)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, helpdesk.CallbackUrl) { Content = JsonContent.Create(new { ticketId, draftId }) };
        request.Headers.Add("Idempotency-Key", draftId.ToString());
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    [Fact]
    public void A_warm_up_sends_the_same_webhooks_under_ticket_ids_of_its_own()
    {
        var measured = new LoadOptions(new Uri("http://127.0.0.1:5081"), Rate: 200, Duration: TimeSpan.FromSeconds(20), WebhookSecret: "s", ApiKey: "k", Connections: 32);

        var warmup = LoadCommand.WarmUpOptions(measured, seconds: 60);

        // The same external ids would make Intake answer the measured webhooks as repeats of the warm-up's.
        Assert.NotEqual(measured.Prefix, warmup.Prefix);
        Assert.Equal(12_000, warmup.Tickets);
        Assert.Equal((measured.Target, measured.Rate, measured.WebhookSecret, measured.ApiKey, measured.Connections), (warmup.Target, warmup.Rate, warmup.WebhookSecret, warmup.ApiKey, warmup.Connections));
    }
}
