using System.Net;
using System.Text.RegularExpressions;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed partial class AdminPageTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_adds_an_account_and_issues_a_key_shown_once_and_both_are_audited()
    {
        await using var app = await ReviewApp.StartAsync();
        using var admin = await app.SignedInClientAsync("admin");
        var page = await admin.GetStringAsync(new Uri("/review/admin", UriKind.Relative), Token);
        var token = ReviewApp.AntiforgeryToken(page);

        var added = await PostAsync(admin, "User", token, new() { ["email"] = "Dee@Example.com", ["role"] = "agent", ["password"] = "a sufficiently long one" });
        var tooShort = await PostAsync(admin, "User", token, new() { ["email"] = "eve@example.com", ["role"] = "agent", ["password"] = "short" });
        var issued = await PostAsync(admin, "Key", token, new() { ["name"] = "nightly export", ["role"] = "ops" });
        var issuedHtml = await issued.Content.ReadAsStringAsync(Token);
        var after = await admin.GetStringAsync(new Uri("/review/admin", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tooShort.StatusCode);
        Assert.Contains("Password", await tooShort.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        var key = KeyPattern().Match(issuedHtml);
        Assert.True(key.Success, "The new key is on the response that issued it.");
        Assert.True(issued.Headers.CacheControl?.NoStore, "The response carrying a key is not stored.");
        Assert.DoesNotContain(key.Groups[1].Value, after, StringComparison.Ordinal);
        Assert.Contains("dee@example.com", after, StringComparison.Ordinal);
        Assert.DoesNotContain("eve@example.com", after, StringComparison.Ordinal);
        Assert.Contains("user.created", after, StringComparison.Ordinal);
        Assert.Contains("api_key.issued", after, StringComparison.Ordinal);
        using var ops = app.ApiClient(key.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync(new Uri("/api/review/exports/sft/manifest", UriKind.Relative), Token)).StatusCode);
    }

    [Fact]
    public async Task Agents_and_ops_may_not_open_the_admin_page()
    {
        await using var app = await ReviewApp.StartAsync();
        using var ops = await app.SignedInClientAsync("ops");

        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client.GetAsync(new Uri("/review/admin", UriKind.Relative), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ops.GetAsync(new Uri("/review/admin", UriKind.Relative), Token)).StatusCode);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, string token, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = token;
        return client.PostAsync(new Uri($"/review/admin?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(fields), Token);
    }

    [GeneratedRegex("<code>(sc_[A-Za-z0-9_-]+)</code>")]
    private static partial Regex KeyPattern();
}
