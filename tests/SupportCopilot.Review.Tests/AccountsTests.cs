using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class AccountsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wrong_password_signs_nobody_in_says_so_and_is_audited()
    {
        await using var app = await ReviewApp.StartAsync();
        using var client = app.NewClient();

        var wrong = await app.SignInAsync(client, ReviewApp.AgentEmail, "not the password at all");
        var unknown = await app.SignInAsync(client, "nobody@example.com", "whatever password");
        var queue = await client.GetAsync(new Uri("/review", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("do not match an account", await wrong.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Contains("do not match an account", await unknown.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, queue.StatusCode);
        var actions = await AuditAsync(app);
        Assert.Contains(("signin.failed", ReviewApp.AgentEmail), actions);
        Assert.Contains(("signin.failed", "nobody@example.com"), actions);
    }

    [Fact]
    public async Task Signing_in_is_case_insensitive_on_the_email_and_follows_only_local_review_return_urls()
    {
        await using var app = await ReviewApp.StartAsync();
        using var client = app.NewClient();
        var form = await client.GetStringAsync(new Uri("/review/signin?returnUrl=https://evil.example/phish", UriKind.Relative), Token);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "Agent@Example.COM",
            ["Password"] = ReviewApp.Password,
            ["returnUrl"] = "https://evil.example/phish",
            ["__RequestVerificationToken"] = ReviewApp.AntiforgeryToken(form),
        });

        var response = await client.PostAsync(new Uri("/review/signin", UriKind.Relative), content, Token);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/review", response.Headers.Location?.OriginalString);
        Assert.Contains(("signin.succeeded", ReviewApp.AgentEmail), await AuditAsync(app));
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        await using var app = await ReviewApp.StartAsync();
        var page = await app.Client.GetStringAsync(new Uri("/review", UriKind.Relative), Token);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = ReviewApp.AntiforgeryToken(page) });

        var signedOut = await app.Client.PostAsync(new Uri("/review/signout", UriKind.Relative), form, Token);
        var after = await app.Client.GetAsync(new Uri("/review", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task An_admin_creates_an_account_who_can_then_sign_in_and_bad_requests_are_named()
    {
        await using var app = await ReviewApp.StartAsync();
        using var admin = app.ApiClient();

        var created = await admin.PostAsJsonAsync(new Uri("/api/admin/users", UriKind.Relative), new { email = "cy@example.com", role = "ops", password = "twelve chars or more" }, Token);
        var again = await admin.PostAsJsonAsync(new Uri("/api/admin/users", UriKind.Relative), new { email = "CY@example.com", role = "ops", password = "twelve chars or more" }, Token);
        var bad = await admin.PostAsJsonAsync(new Uri("/api/admin/users", UriKind.Relative), new { email = "not-an-email", role = "boss", password = "short" }, Token);
        using var cy = app.NewClient();
        var signIn = await app.SignInAsync(cy, "cy@example.com", "twelve chars or more");
        var metrics = await cy.GetAsync(new Uri("/review/metrics", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("role", out _));
        Assert.True(errors.TryGetProperty("password", out _));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    [Fact]
    public async Task An_issued_key_works_with_its_role_is_stored_only_as_a_hash_and_stops_when_revoked()
    {
        await using var app = await ReviewApp.StartAsync();
        using var admin = app.ApiClient();

        var issued = await admin.PostAsJsonAsync(new Uri("/api/admin/api-keys", UriKind.Relative), new { name = "queue bot", role = "agent" }, Token);
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>(Token);
        var key = body.GetProperty("key").GetString()!;
        using var bot = app.ApiClient(key);
        var items = await bot.GetAsync(new Uri("/api/review/items", UriKind.Relative), Token);
        var exports = await bot.GetAsync(new Uri("/api/review/exports/sft", UriKind.Relative), Token);
        var revoked = await admin.DeleteAsync(new Uri($"/api/admin/api-keys/{body.GetProperty("keyId").GetGuid()}", UriKind.Relative), Token);
        var afterRevoke = await bot.GetAsync(new Uri("/api/review/items", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.StartsWith("sc_", key, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, items.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, exports.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        await using var connection = await app.Database.OpenAsync(Token);
        var stored = await connection.QuerySingleAsync<string>("SELECT key_hash FROM api_keys");
        Assert.NotEqual(key, stored);
        Assert.Equal(Hosting.Authentication.ApiKeys.Hash(key), stored);
        Assert.Single(await app.OutboxAsync<Contracts.ApiKeyIssued>());
        Assert.Single(await app.OutboxAsync<Contracts.ApiKeyRevoked>());
    }

    private static async Task<List<(string Action, string Actor)>> AuditAsync(ReviewApp app)
    {
        await using var connection = await app.Database.OpenAsync(TestContext.Current.CancellationToken);
        var rows = await connection.QueryAsync<(string, string)>("SELECT action, actor FROM audit_log");
        return [.. rows];
    }
}
