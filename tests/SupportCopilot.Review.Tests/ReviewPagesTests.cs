using System.Net;
using SupportCopilot.Contracts;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class ReviewPagesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_queue_page_lists_a_pending_draft()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync(Drafts.NeedingReview(subject: "Cannot sync my notes"));

        var response = await app.Client.GetAsync(new Uri("/review", UriKind.Relative), Token);
        var html = await response.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Cannot sync my notes", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/review/{draft.DraftId}\"", html, StringComparison.Ordinal);
        Assert.Contains("Jane Doe", html, StringComparison.Ordinal);
        Assert.Contains("confidence-low", html, StringComparison.Ordinal);
        Assert.Contains("guarded category: billing", html, StringComparison.Ordinal);
        Assert.Contains("1 pending", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_detail_page_shows_the_ticket_the_draft_and_its_sources()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();

        var html = await app.Client.GetStringAsync(new Uri($"/review/{draft.DraftId}", UriKind.Relative), Token);

        Assert.Contains(draft.Ticket.Subject, html, StringComparison.Ordinal);
        Assert.Contains(draft.Ticket.Body, html, StringComparison.Ordinal);
        Assert.Contains(draft.Text, html, StringComparison.Ordinal);
        Assert.Contains("42%", html, StringComparison.Ordinal);
        Assert.Contains("billing/refund-policy.md#duplicate-charges", html, StringComparison.Ordinal);
        Assert.Contains("Refund policy", html, StringComparison.Ordinal);
        // The words the draft shares with the passage are marked; "refunded" is not "refund".
        Assert.Contains("<mark>Duplicate charges</mark> are refunded <mark>within</mark> 5 <mark>business days</mark>.", html, StringComparison.Ordinal);
        Assert.Contains("handler=Approve", html, StringComparison.Ordinal);
        Assert.Contains("handler=Preview", html, StringComparison.Ordinal);
        Assert.Contains("handler=Reject", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_detail_page_says_in_words_why_the_draft_was_not_sent_and_keeps_the_code_beside_it()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = Drafts.NeedingReview() with
        {
            Reasons = ["billing_dispute", "low_confidence"],
            Insights = new DraftInsights(
                "billing", "en", "neutral", "policy-7",
                ReasonTexts:
                [
                    new DraftReason("billing_dispute", "The ticket disputes a charge or asks for a refund ('charged twice')."),
                    new DraftReason("low_confidence", "Confidence 0.42 is below the auto-send threshold 0.80."),
                ]),
        };
        await app.EnqueueAsync(draft);

        var html = await app.Client.GetStringAsync(new Uri($"/review/{draft.DraftId}", UriKind.Relative), Token);

        Assert.Contains("The ticket disputes a charge or asks for a refund (&#x27;charged twice&#x27;).", html, StringComparison.Ordinal);
        Assert.Contains("Confidence 0.42 is below the auto-send threshold 0.80.", html, StringComparison.Ordinal);
        Assert.Contains("<code class=\"reason-code\">billing_dispute</code>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_draft_recorded_without_reason_sentences_still_shows_its_reason_codes()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync(Drafts.NeedingReview());

        var html = await app.Client.GetStringAsync(new Uri($"/review/{draft.DraftId}", UriKind.Relative), Token);

        Assert.Contains("data-reason=\"guarded category: billing\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("reason-code", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_detail_page_sanitises_the_ticket_html_and_escapes_everything_else()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync(Drafts.NeedingReview(
            subject: "<img src=x onerror=alert(1)>",
            body: "<script>alert('pwned')</script> and <b>bold</b> <img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\">link</a>",
            text: "Reply with <iframe src=evil>"));

        var html = await app.Client.GetStringAsync(new Uri($"/review/{draft.DraftId}", UriKind.Relative), Token);
        var queue = await app.Client.GetStringAsync(new Uri("/review", UriKind.Relative), Token);

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onerror=alert(2)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<iframe", html, StringComparison.Ordinal);
        Assert.Contains("<b>bold</b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;iframe", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", queue, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_draft_has_no_detail_page()
    {
        await using var app = await ReviewApp.StartAsync();

        var response = await app.Client.GetAsync(new Uri($"/review/{Guid.NewGuid()}", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Approving_from_the_page_records_a_correction_and_returns_to_the_queue_with_a_message()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();

        var response = await PostFormAsync(app, draft.DraftId, "Approve", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/review", response.Headers.Location?.OriginalString);
        var correction = Assert.Single(await app.CorrectionsAsync());
        Assert.Equal(draft.DraftId, correction.DraftId);
        Assert.Equal("approved", correction.Decision);
        Assert.Equal(draft.Text, correction.FinalText);
        Assert.Equal(ReviewApp.AgentEmail, correction.Agent);
        var queue = await app.Client.GetStringAsync(new Uri("/review", UriKind.Relative), Token);
        Assert.Contains("Approved: the draft goes to the customer as it was.", queue, StringComparison.Ordinal);
        Assert.Contains("0 pending", queue, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_signed_in_person_labels_the_correction()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();
        using var ops = await app.SignedInClientAsync("ops");
        var page = await ops.GetStringAsync(new Uri($"/review/{draft.DraftId}", UriKind.Relative), Token);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Text"] = "Refunded, Jane. Sorry about that!",
            ["__RequestVerificationToken"] = ReviewApp.AntiforgeryToken(page),
        });

        var response = await ops.PostAsync(new Uri($"/review/{draft.DraftId}?handler=Edit", UriKind.Relative), form, Token);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var correction = Assert.Single(await app.CorrectionsAsync());
        Assert.Equal("ops@example.com", correction.Agent);
        Assert.Equal("edited", correction.Decision);
        Assert.Equal("Refunded, Jane. Sorry about that!", correction.FinalText);
    }

    [Fact]
    public async Task Editing_from_the_page_records_the_signed_in_agent()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();

        var response = await PostFormAsync(app, draft.DraftId, "Edit", new() { ["Text"] = "Refunded, Jane. Sorry about that!" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var correction = Assert.Single(await app.CorrectionsAsync());
        Assert.Equal(ReviewApp.AgentEmail, correction.Agent);
        Assert.Equal("edited", correction.Decision);
        Assert.Equal("Refunded, Jane. Sorry about that!", correction.FinalText);
    }

    [Fact]
    public async Task Rejecting_from_the_page_keeps_the_reason_and_comment()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();

        var response = await PostFormAsync(app, draft.DraftId, "Reject", new() { ["Reason"] = "other", ["Comment"] = "Customer is a reseller." });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var correction = Assert.Single(await app.CorrectionsAsync());
        Assert.Equal("rejected", correction.Decision);
        Assert.Equal("other", correction.Reason);
        Assert.Equal("Customer is a reseller.", correction.Comment);
        Assert.Null(correction.FinalText);
    }

    [Fact]
    public async Task An_invalid_form_shows_the_error_on_the_page_and_decides_nothing()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();

        var emptyEdit = await PostFormAsync(app, draft.DraftId, "Edit", new() { ["Text"] = "   " });
        var otherWithoutComment = await PostFormAsync(app, draft.DraftId, "Reject", new() { ["Reason"] = "other" });

        Assert.Equal(HttpStatusCode.OK, emptyEdit.StatusCode);
        Assert.Contains("The reply to send cannot be empty.", await emptyEdit.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, otherWithoutComment.StatusCode);
        Assert.Contains("Say why when the reason is", await otherWithoutComment.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Empty(await app.CorrectionsAsync());
    }

    [Fact]
    public async Task A_second_decision_from_the_page_changes_nothing_and_says_so()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();
        var page = await app.Client.GetStringAsync(new Uri($"/review/{draft.DraftId}", UriKind.Relative), Token);
        var token = ReviewApp.AntiforgeryToken(page);
        await PostWithTokenAsync(app, draft.DraftId, "Approve", token, []);

        var second = await PostWithTokenAsync(app, draft.DraftId, "Reject", token, new() { ["Reason"] = "wrong_answer" });

        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal("approved", Assert.Single(await app.CorrectionsAsync()).Decision);
        var queue = await app.Client.GetStringAsync(new Uri("/review", UriKind.Relative), Token);
        Assert.Contains("already approved by agent", queue, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_post_without_an_antiforgery_token_is_refused()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>());

        var response = await app.Client.PostAsync(new Uri($"/review/{draft.DraftId}?handler=Approve", UriKind.Relative), form, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await app.CorrectionsAsync());
    }

    [Fact]
    public async Task The_stylesheet_is_served_from_the_assembly_and_cached()
    {
        await using var app = await ReviewApp.StartAsync();

        var response = await app.Client.GetAsync(new Uri("/review/assets/review.css", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.Contains(".badge", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(ReviewApp app, Guid draftId, string handler, Dictionary<string, string> fields)
    {
        var page = await app.Client.GetStringAsync(new Uri($"/review/{draftId}", UriKind.Relative), Token);
        return await PostWithTokenAsync(app, draftId, handler, ReviewApp.AntiforgeryToken(page), fields);
    }

    private static async Task<HttpResponseMessage> PostWithTokenAsync(
        ReviewApp app, Guid draftId, string handler, string token, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = token;
        using var form = new FormUrlEncodedContent(fields);
        return await app.Client.PostAsync(new Uri($"/review/{draftId}?handler={handler}", UriKind.Relative), form, Token);
    }
}
