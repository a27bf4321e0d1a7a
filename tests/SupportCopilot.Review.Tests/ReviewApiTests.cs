using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class ReviewApiTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_list_shows_pending_items_oldest_first()
    {
        await using var app = await ReviewApp.StartAsync();
        var first = await app.EnqueueAsync(Drafts.NeedingReview(subject: "first"));
        var second = await app.EnqueueAsync(Drafts.NeedingReview(subject: "second"));

        var list = await app.Client.GetFromJsonAsync<JsonElement>(new Uri("/api/review/items?status=pending", UriKind.Relative), Token);

        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([first.DraftId, second.DraftId], items.Select(i => i.GetProperty("draftId").GetGuid()));
        Assert.Equal("pending", items[0].GetProperty("status").GetString());
        Assert.Equal("first", items[0].GetProperty("subject").GetString());
        Assert.Equal("jane@example.com", items[0].GetProperty("customer").GetProperty("email").GetString());
        Assert.Equal("billing/refund-policy.md#duplicate-charges", items[0].GetProperty("citations")[0].GetProperty("source").GetString());
        Assert.Equal(50, list.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task An_unknown_status_or_limit_is_a_validation_problem()
    {
        await using var app = await ReviewApp.StartAsync();

        var response = await app.Client.GetAsync(new Uri("/api/review/items?status=lost&limit=0", UriKind.Relative), Token);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
    }

    [Fact]
    public async Task One_item_reads_by_its_draft_id_and_an_unknown_one_is_not_found()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();

        var item = await app.Client.GetFromJsonAsync<JsonElement>(new Uri($"/api/review/items/{draft.DraftId}", UriKind.Relative), Token);
        var missing = await app.Client.GetAsync(new Uri($"/api/review/items/{Guid.NewGuid()}", UriKind.Relative), Token);

        Assert.Equal(draft.Text, item.GetProperty("draftText").GetString());
        Assert.Equal(draft.Ticket.TicketId, item.GetProperty("ticketId").GetGuid());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Approving_twice_answers_conflict_the_second_time()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();
        var uri = new Uri($"/api/review/items/{draft.DraftId}/approve", UriKind.Relative);

        using var other = await app.SignedInClientAsync("ops");
        var first = await app.Client.PostAsJsonAsync(uri, new { text = (string?)null }, Token);
        var second = await other.PostAsJsonAsync(uri, new { text = (string?)null }, Token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var decided = await first.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal("approved", decided.GetProperty("decision").GetString());
        Assert.Equal(ReviewApp.AgentEmail, decided.GetProperty("decidedBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var conflict = await second.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal("approved", conflict.GetProperty("decision").GetString());
        Assert.Equal(ReviewApp.AgentEmail, Assert.Single(await app.CorrectionsAsync()).Agent);
    }

    [Fact]
    public async Task Approving_with_a_different_text_sends_the_edit()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();

        var response = await app.Client.PostAsJsonAsync(
            new Uri($"/api/review/items/{draft.DraftId}/approve", UriKind.Relative), new { agent = "ana", text = "A better reply." }, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var correction = Assert.Single(await app.CorrectionsAsync());
        Assert.Equal("edited", correction.Decision);
        Assert.Equal("A better reply.", correction.FinalText);
    }

    [Fact]
    public async Task Rejecting_records_the_reason()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();

        var response = await app.Client.PostAsJsonAsync(
            new Uri($"/api/review/items/{draft.DraftId}/reject", UriKind.Relative),
            new { agent = "ana", reason = "needs_escalation", comment = (string?)null },
            Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var correction = Assert.Single(await app.CorrectionsAsync());
        Assert.Equal("rejected", correction.Decision);
        Assert.Equal("needs_escalation", correction.Reason);
    }

    [Fact]
    public async Task An_invalid_rejection_names_the_bad_fields()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();

        var response = await app.Client.PostAsJsonAsync(
            new Uri($"/api/review/items/{draft.DraftId}/reject", UriKind.Relative), new { reason = "other", text = new string('x', 50_001) }, Token);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("text", out _));
        Assert.True(errors.TryGetProperty("comment", out _));
        Assert.Empty(await app.CorrectionsAsync());
    }

    [Theory]
    [InlineData("{\"agent\":")]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("[1,2]")]
    public async Task A_malformed_body_is_a_problem_on_the_body(string body)
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await app.Client.PostAsync(new Uri($"/api/review/items/{draft.DraftId}/approve", UriKind.Relative), content, Token);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty("body", out _));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused()
    {
        await using var app = await ReviewApp.StartAsync();
        var draft = await app.EnqueueAsync();
        using var content = new StringContent("agent=ana", Encoding.UTF8, "application/x-www-form-urlencoded");

        var response = await app.Client.PostAsync(new Uri($"/api/review/items/{draft.DraftId}/approve", UriKind.Relative), content, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Deciding_an_unknown_draft_is_not_found()
    {
        await using var app = await ReviewApp.StartAsync();

        var response = await app.Client.PostAsJsonAsync(
            new Uri($"/api/review/items/{Guid.NewGuid()}/approve", UriKind.Relative), new { agent = "ana" }, Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
