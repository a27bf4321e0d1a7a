using System.Net;
using SupportCopilot.Contracts;
using SupportCopilot.Review.FailedReplies;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class FailedRepliesPagesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_failed_replies_page_lists_a_failure_with_its_connector_error_and_ticket_subject()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync(Drafts.NeedingReview(subject: "Cannot sync my notes"));
        await app.FailAsync(Failures.Of(draft, connector: "freshdesk", error: "422: ticket is closed"));

        var response = await app.Client.GetAsync(new Uri("/review/failed", UriKind.Relative), Token);
        var html = await response.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("Cannot sync my notes", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/review/{draft.DraftId}\"", html, StringComparison.Ordinal);
        Assert.Contains("freshdesk", html, StringComparison.Ordinal);
        Assert.Contains("422: ticket is closed", html, StringComparison.Ordinal);
        Assert.Contains("1 failed", html, StringComparison.Ordinal);
        Assert.Contains("handler=Retry", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_reply_sent_automatically_is_listed_by_its_ticket_id_and_the_newest_failure_comes_first()
    {
        await using var app = await ReviewApp.StartAsync();
        var reviewed = await app.EnqueueAsync(Drafts.NeedingReview(subject: "Older failure"));
        await app.FailAsync(Failures.Of(reviewed, failedAt: new DateTimeOffset(2025, 3, 4, 8, 0, 0, TimeSpan.Zero)));
        var automatic = await app.FailAsync(Failures.Of(failedAt: new DateTimeOffset(2025, 3, 4, 9, 0, 0, TimeSpan.Zero)));

        var html = await app.Client.GetStringAsync(new Uri("/review/failed", UriKind.Relative), Token);

        Assert.Contains(automatic.TicketId.ToString(), html, StringComparison.Ordinal);
        Assert.True(
            html.IndexOf(automatic.TicketId.ToString(), StringComparison.Ordinal) < html.IndexOf("Older failure", StringComparison.Ordinal),
            "The newest failure is listed first.");
    }

    [Fact]
    public async Task The_failed_replies_page_escapes_the_error_text()
    {
        await using var app = await ReviewApp.StartAsync();
        await app.FailAsync(Failures.Of(error: "<script>alert('pwned')</script> <img src=x onerror=alert(1)>"));

        var html = await app.Client.GetStringAsync(new Uri("/review/failed", UriKind.Relative), Token);

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrying_from_the_page_records_the_request_and_queues_the_message()
    {
        await using var app = await ReviewApp.StartAsync();
        var failure = await app.FailAsync(Failures.Of());

        var response = await PostRetryAsync(app, failure.DraftId);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/review/failed", response.Headers.Location?.OriginalString);
        var reply = (await app.FailedReplyAsync(failure.DraftId))!;
        Assert.Equal(FailedReplyStatus.RetryRequested, reply.Status);
        Assert.Equal(ReviewApp.AgentEmail, reply.RetryRequestedBy);
        var requested = Assert.Single(await app.OutboxAsync<ReplyRetryRequested>());
        Assert.Equal(failure.DraftId, requested.DraftId);
        Assert.Equal(ReviewApp.AgentEmail, requested.RequestedBy);
        var page = await app.Client.GetStringAsync(new Uri("/review/failed", UriKind.Relative), Token);
        Assert.Contains("Retry requested: Intake delivers the reply again.", page, StringComparison.Ordinal);
        Assert.Contains("retry requested", page, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Retry", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_retry_from_the_page_queues_nothing_and_says_so()
    {
        await using var app = await ReviewApp.StartAsync();
        var failure = await app.FailAsync(Failures.Of());
        var page = await app.Client.GetStringAsync(new Uri("/review/failed", UriKind.Relative), Token);
        var token = ReviewApp.AntiforgeryToken(page);
        await PostRetryWithTokenAsync(app, failure.DraftId, token);

        var second = await PostRetryWithTokenAsync(app, failure.DraftId, token);

        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Single(await app.OutboxAsync<ReplyRetryRequested>());
        var after = await app.Client.GetStringAsync(new Uri("/review/failed", UriKind.Relative), Token);
        Assert.Contains("agent@example.com already asked for that retry", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_post_without_an_antiforgery_token_is_refused()
    {
        await using var app = await ReviewApp.StartAsync();
        var failure = await app.FailAsync(Failures.Of());
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["draftId"] = failure.DraftId.ToString() });

        var response = await app.Client.PostAsync(new Uri("/review/failed?handler=Retry", UriKind.Relative), form, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(FailedReplyStatus.Failed, (await app.FailedReplyAsync(failure.DraftId))!.Status);
        Assert.Empty(await app.OutboxAsync<ReplyRetryRequested>());
    }

    [Fact]
    public async Task The_header_links_to_the_failed_replies_with_their_count_only_when_there_are_some()
    {
        await using var app = await ReviewApp.StartAsync();
        var before = await app.Client.GetStringAsync(new Uri("/review", UriKind.Relative), Token);
        var first = await app.FailAsync(Failures.Of());
        await app.FailAsync(Failures.Of());

        var two = await app.Client.GetStringAsync(new Uri("/review", UriKind.Relative), Token);
        await PostRetryAsync(app, first.DraftId);
        var one = await app.Client.GetStringAsync(new Uri("/review", UriKind.Relative), Token);

        Assert.DoesNotContain("Failed replies (", before, StringComparison.Ordinal);
        Assert.Contains("<a class=\"alert\" href=\"/review/failed\">Failed replies (2)</a>", two, StringComparison.Ordinal);
        Assert.Contains("Failed replies (1)", one, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_says_so_when_no_reply_failed()
    {
        await using var app = await ReviewApp.StartAsync();

        var html = await app.Client.GetStringAsync(new Uri("/review/failed", UriKind.Relative), Token);

        Assert.Contains("Every reply reached its helpdesk.", html, StringComparison.Ordinal);
        Assert.Contains("0 failed", html, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostRetryAsync(ReviewApp app, Guid draftId)
    {
        var page = await app.Client.GetStringAsync(new Uri("/review/failed", UriKind.Relative), Token);
        return await PostRetryWithTokenAsync(app, draftId, ReviewApp.AntiforgeryToken(page));
    }

    private static async Task<HttpResponseMessage> PostRetryWithTokenAsync(ReviewApp app, Guid draftId, string token)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["draftId"] = draftId.ToString(),
            ["__RequestVerificationToken"] = token,
        });
        return await app.Client.PostAsync(new Uri("/review/failed?handler=Retry", UriKind.Relative), form, Token);
    }
}
