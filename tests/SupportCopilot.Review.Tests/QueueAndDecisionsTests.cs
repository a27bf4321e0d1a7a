using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SupportCopilot.Contracts;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class QueueAndDecisionsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_queue_filters_by_insights_and_reason_and_counts_each_filter()
    {
        await using var app = await ReviewApp.StartAsync();
        var billing = await app.EnqueueAsync(WithInsights(Drafts.NeedingReview(subject: "Charged twice"), "billing", "negative"));
        await app.EnqueueAsync(WithInsights(Drafts.NeedingReview(subject: "How to export") with { Reasons = ["low_confidence"] }, "how-to", "neutral"));

        var all = await app.Client.GetStringAsync(new Uri("/review", UriKind.Relative), Token);
        var filtered = await app.Client.GetStringAsync(new Uri("/review?category=billing", UriKind.Relative), Token);
        var byReason = await app.Client.GetStringAsync(new Uri("/review?reason=low_confidence", UriKind.Relative), Token);

        Assert.Contains("2 pending", all, StringComparison.Ordinal);
        Assert.True(all.IndexOf("Charged twice", StringComparison.Ordinal) < all.IndexOf("How to export", StringComparison.Ordinal), "The unhappy billing customer comes first.");
        Assert.Contains("billing <span class=\"facet-count\">1</span>", all, StringComparison.Ordinal);
        Assert.Contains("low_confidence <span class=\"facet-count\">1</span>", all, StringComparison.Ordinal);
        Assert.Contains("Charged twice", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain("How to export", filtered, StringComparison.Ordinal);
        Assert.Contains("How to export", byReason, StringComparison.Ordinal);
        Assert.DoesNotContain("Charged twice", byReason, StringComparison.Ordinal);
        var detail = await app.Client.GetStringAsync(new Uri($"/review/{billing.DraftId}", UriKind.Relative), Token);
        Assert.Contains("Could you tell me the invoice number?", detail, StringComparison.Ordinal);
        Assert.Contains("The refund arrives tomorrow.", detail, StringComparison.Ordinal);
        Assert.Contains("policy-7", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_reason_of_a_draft_is_a_filter_that_finds_it_once()
    {
        await using var app = await ReviewApp.StartAsync();
        await app.EnqueueAsync(Drafts.NeedingReview(subject: "Charged twice") with
        {
            Reasons = ["guarded category: billing", "confidence below threshold", "guarded category: billing", "language: de"],
        });

        foreach (var reason in new[] { "guarded category: billing", "confidence below threshold", "language: de" })
        {
            var page = await app.Client.GetStringAsync(new Uri("/review?reason=" + Uri.EscapeDataString(reason), UriKind.Relative), Token);
            Assert.Contains("Charged twice", page, StringComparison.Ordinal);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(reason) + " <span class=\"facet-count\">1</span>", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_reject_keeps_the_agents_own_answer_as_the_final_text_and_sends_nothing()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();

        var response = await app.Client.PostAsJsonAsync(
            new Uri($"/api/review/items/{draft.DraftId}/reject", UriKind.Relative),
            new { reason = "wrong_answer", text = "Duplicate charges are refunded within 5 business days." },
            Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var correction = Assert.Single(await app.CorrectionsAsync());
        Assert.Equal("rejected", correction.Decision);
        Assert.Equal("Duplicate charges are refunded within 5 business days.", correction.FinalText);
        Assert.Empty(await app.OutboxAsync<ReplyApproved>());
        Assert.Single(await app.OutboxAsync<DraftRejected>());
    }

    [Fact]
    public async Task Escalating_sends_nothing_and_asking_sends_the_question()
    {
        await using var app = await ReviewApp.StartAsync();
        var escalated = await app.EnqueueAsync();
        var clarified = await app.EnqueueAsync();

        var escalate = await app.Client.PostAsJsonAsync(
            new Uri($"/api/review/items/{escalated.DraftId}/escalate", UriKind.Relative), new { comment = "Legal should answer this." }, Token);
        var emptyQuestion = await app.Client.PostAsJsonAsync(
            new Uri($"/api/review/items/{clarified.DraftId}/clarify", UriKind.Relative), new { question = "" }, Token);
        var clarify = await app.Client.PostAsJsonAsync(
            new Uri($"/api/review/items/{clarified.DraftId}/clarify", UriKind.Relative), new { question = "Which invoice was charged twice?" }, Token);

        Assert.Equal(HttpStatusCode.OK, escalate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, emptyQuestion.StatusCode);
        Assert.True((await emptyQuestion.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("errors").TryGetProperty("question", out _));
        Assert.Equal(HttpStatusCode.OK, clarify.StatusCode);
        var corrections = await app.CorrectionsAsync();
        var escalation = Assert.Single(corrections, c => c.DraftId == escalated.DraftId);
        Assert.Equal(("rejected", "needs_escalation", "Legal should answer this.", "escalated"), (escalation.Decision, escalation.Reason, escalation.Comment, escalation.Action));
        var question = Assert.Single(corrections, c => c.DraftId == clarified.DraftId);
        Assert.Equal(("edited", "Which invoice was charged twice?", "clarifying_question"), (question.Decision, question.FinalText, question.Action));
        var asked = Assert.Single(await app.OutboxAsync<ReplyApproved>());
        Assert.Equal(("Which invoice was charged twice?", ReplyKind.ClarifyingQuestion), (asked.FinalText, asked.Kind));
        Assert.Equal(escalated.DraftId, Assert.Single(await app.OutboxAsync<DraftRejected>()).DraftId);
    }

    [Fact]
    public async Task The_api_refuses_a_decision_on_an_item_another_agent_holds()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();
        using var ops = await app.SignedInClientAsync("ops");
        var claimed = await ops.PostAsync(new Uri($"/api/review/items/{draft.DraftId}/claim", UriKind.Relative), null, Token);

        var response = await app.Client.PostAsJsonAsync(new Uri($"/api/review/items/{draft.DraftId}/approve", UriKind.Relative), new { }, Token);
        var page = await app.Client.GetStringAsync(new Uri($"/review/{draft.DraftId}", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("ops@example.com", (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("claimedBy").GetString());
        Assert.Contains("ops@example.com</strong> is working on this draft", page, StringComparison.Ordinal);
        Assert.DoesNotContain("approve-form", page, StringComparison.Ordinal);
        Assert.Empty(await app.CorrectionsAsync());
    }

    private static DraftReady WithInsights(DraftReady draft, string category, string sentiment) => draft with
    {
        Insights = new DraftInsights(
            category, "en", sentiment, "policy-7",
            new DraftVerification(false, ["The refund arrives tomorrow."], "verifier-1"),
            new TokenUsage(1200, 150, 0.0021m),
            "Could you tell me the invoice number?"),
    };
}
