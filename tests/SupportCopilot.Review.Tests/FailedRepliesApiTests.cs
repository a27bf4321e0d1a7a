using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SupportCopilot.Contracts;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class FailedRepliesApiTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_list_shows_failed_replies_newest_first()
    {
        await using var app = await ReviewApp.StartAsync();
        var reviewed = await app.EnqueueAsync(Drafts.NeedingReview(subject: "Refund please"));
        var older = await app.FailAsync(Failures.Of(reviewed, failedAt: new DateTimeOffset(2025, 3, 4, 8, 0, 0, TimeSpan.Zero)));
        var newer = await app.FailAsync(Failures.Of(connector: "intercom", failedAt: new DateTimeOffset(2025, 3, 4, 9, 0, 0, TimeSpan.Zero)));

        var list = await app.Client.GetFromJsonAsync<JsonElement[]>(new Uri("/api/review/failed-replies", UriKind.Relative), Token) ?? [];

        Assert.Equal([newer.DraftId, older.DraftId], list.Select(r => r.GetProperty("draftId").GetGuid()));
        Assert.Equal("intercom", list[0].GetProperty("connector").GetString());
        Assert.False(list[0].TryGetProperty("subject", out var subject) && subject.ValueKind != JsonValueKind.Null, "An automatically sent draft has no subject.");
        Assert.Equal("Refund please", list[1].GetProperty("subject").GetString());
        Assert.Equal("failed", list[1].GetProperty("status").GetString());
        Assert.Equal(older.Error, list[1].GetProperty("error").GetString());
        Assert.Equal(older.TicketId, list[1].GetProperty("ticketId").GetGuid());
    }

    [Fact]
    public async Task A_retry_is_accepted_once_then_conflicts_and_an_unknown_reply_is_not_found()
    {
        await using var app = await ReviewApp.StartAsync();
        var failure = await app.FailAsync(Failures.Of());

        using var retry = await app.Client.PostAsJsonAsync(
            new Uri($"/api/review/failed-replies/{failure.DraftId}/retry", UriKind.Relative), new { agent = "ana" }, Token);
        using var again = await app.Client.PostAsync(new Uri($"/api/review/failed-replies/{failure.DraftId}/retry", UriKind.Relative), null, Token);
        using var unknown = await app.Client.PostAsync(new Uri($"/api/review/failed-replies/{Guid.NewGuid()}/retry", UriKind.Relative), null, Token);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var accepted = await retry.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal("retry_requested", accepted.GetProperty("status").GetString());
        Assert.Equal(ReviewApp.AgentEmail, accepted.GetProperty("requestedBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal("retry_requested", (await again.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var requested = Assert.Single(await app.OutboxAsync<ReplyRetryRequested>());
        Assert.Equal(ReviewApp.AgentEmail, requested.RequestedBy);
    }

    [Fact]
    public async Task A_retry_with_a_body_that_is_not_json_is_a_validation_problem()
    {
        await using var app = await ReviewApp.StartAsync();
        var failure = await app.FailAsync(Failures.Of());
        using var body = new StringContent("agent=ana", System.Text.Encoding.UTF8, "text/plain");

        using var response = await app.Client.PostAsync(new Uri($"/api/review/failed-replies/{failure.DraftId}/retry", UriKind.Relative), body, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await app.OutboxAsync<ReplyRetryRequested>());
    }
}
