using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Review.Decisions;
using SupportCopilot.Review.Metrics;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class MetricsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_metrics_page_shows_the_rates_of_the_period_and_its_csv_has_a_row_per_slice()
    {
        await using var app = await ReviewApp.StartAsync();
        await SeedAsync(app);
        using var ops = await app.SignedInClientAsync("ops");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var html = await ops.GetStringAsync(new Uri($"/review/metrics?since=2020-01-01&until={today}", UriKind.Relative), Token);
        var csv = await ops.GetStringAsync(new Uri($"/review/metrics?handler=Csv&since=2020-01-01&until={today}", UriKind.Relative), Token);

        // 1 auto-sent of 5 drafted; of 4 reviewed 2 approved, 1 edited, 1 rejected.
        Assert.Contains("<strong>20.0%</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>50.0%</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"chart\"", html, StringComparison.Ordinal);
        Assert.Contains("No shadow policy judged a reviewed draft in this period.", html, StringComparison.Ordinal);
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.StartsWith("dimension,value,drafted,auto_sent,reviewed", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"all\",\"all\",5,1,4,2,1,1,0.2,0.5,0.25,0.25,", csv, StringComparison.Ordinal);
        Assert.Contains("\"connector\",\"zendesk\",5,1,4,2,1,1,", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agents_may_not_see_the_metrics_and_a_backwards_period_is_refused()
    {
        await using var app = await ReviewApp.StartAsync();
        using var ops = await app.SignedInClientAsync("ops");

        var asAgent = await app.Client.GetAsync(new Uri("/review/metrics", UriKind.Relative), Token);
        var backwards = await ops.GetAsync(new Uri("/review/metrics?handler=Csv&since=2025-02-01&until=2025-01-01", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Forbidden, asAgent.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
    }

    [Fact]
    public async Task The_metrics_page_compares_what_a_shadow_policy_would_have_sent_with_what_agents_decided()
    {
        await using var app = await ReviewApp.StartAsync();
        // Shadow "v2" would send three of four reviewed drafts; agents approved two of those unchanged and
        // rejected one, and approved unchanged the one it held. A draft judged by no shadow is left out.
        var wouldSend = new[] { true, true, true, false };
        var drafts = new List<Contracts.DraftReady>();
        foreach (var send in wouldSend)
        {
            drafts.Add(await app.EnqueueAsync(Drafts.NeedingReview() with
            {
                Insights = new Contracts.DraftInsights("billing", "en", "neutral", "v1", Shadow: new Contracts.ShadowDecision("v2", send ? 0.97 : 0.4, send)),
            }));
        }

        var unjudged = await app.EnqueueAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var decisions = scope.ServiceProvider.GetRequiredService<DecisionHandler>();
            await decisions.ApproveAsync(drafts[0].DraftId, new ApproveRequest("ana", null), Token);
            await decisions.ApproveAsync(drafts[1].DraftId, new ApproveRequest("ana", null), Token);
            await decisions.RejectAsync(drafts[2].DraftId, new RejectRequest("ana", RejectReasons.WrongAnswer, null), Token);
            await decisions.ApproveAsync(drafts[3].DraftId, new ApproveRequest("ana", null), Token);
            await decisions.ApproveAsync(unjudged.DraftId, new ApproveRequest("ana", null), Token);
        }

        using var ops = await app.SignedInClientAsync("ops");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var html = await ops.GetStringAsync(new Uri($"/review/metrics?since=2020-01-01&until={today}", UriKind.Relative), Token);
        await using var reading = app.Services.CreateAsyncScope();
        var report = await reading.ServiceProvider.GetRequiredService<ReviewMetrics>().ReportAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1), Token);

        var shadow = Assert.Single(report.Shadow);
        Assert.Equal(new ShadowSlice("v2", Judged: 4, WouldSend: 3, ApprovedUnchanged: 2, Edited: 0, Rejected: 1, HeldButApprovedUnchanged: 1), shadow);
        Assert.Equal(2.0 / 3, shadow.Precision!.Value, 6);
        Assert.Contains("<td>v2</td>", html, StringComparison.Ordinal);
        Assert.Contains("66.7%", html, StringComparison.Ordinal);
        Assert.DoesNotContain("No shadow policy judged", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a b c", "a b c", 0)]
    [InlineData("a b c", "a x c", 1)]
    [InlineData("a b c", "a b c d e", 2)]
    [InlineData("", "one two", 2)]
    public void Edit_distance_counts_words_changed(string before, string after, int expected) =>
        Assert.Equal(expected, ReviewMetrics.WordDistance(before, after));

    private static async Task SeedAsync(ReviewApp app)
    {
        var drafts = new List<Contracts.DraftReady>();
        for (var i = 0; i < 4; i++)
        {
            drafts.Add(await app.EnqueueAsync());
        }

        await app.EnqueueAsync(Drafts.NeedingReview(autoSend: true));
        await using var scope = app.Services.CreateAsyncScope();
        var decisions = scope.ServiceProvider.GetRequiredService<DecisionHandler>();
        await decisions.ApproveAsync(drafts[0].DraftId, new ApproveRequest("ana", null), Token);
        await decisions.ApproveAsync(drafts[1].DraftId, new ApproveRequest("ana", null), Token);
        await decisions.ApproveAsync(drafts[2].DraftId, new ApproveRequest("ana", "A different reply altogether."), Token);
        await decisions.RejectAsync(drafts[3].DraftId, new RejectRequest("ana", RejectReasons.WrongAnswer, null), Token);
    }
}
