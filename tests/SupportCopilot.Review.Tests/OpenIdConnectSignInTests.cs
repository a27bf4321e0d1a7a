using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace SupportCopilot.Review.Tests;

/// <summary>
/// Sign-in through an OpenID Connect provider, the whole round trip: our challenge with PKCE, the
/// provider's code posted back, the code redeemed and the id_token checked against the provider's
/// published key, and the provider's role claim turned into our role.
/// </summary>
public sealed class OpenIdConnectSignInTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_person_the_provider_gives_the_ops_role_signs_in_with_pkce_and_reaches_the_ops_pages()
    {
        await using var provider = await OpenIdProviderStandIn.StartAsync();
        await using var app = await ReviewApp.StartAsync(Settings(provider));
        using var browser = new LoopbackBrowser(app.Address);

        var signInPage = await browser.GetStringAsync("/review/signin?returnUrl=/review/metrics");
        Assert.Contains("Sign in with your organisation", signInPage, StringComparison.Ordinal);
        var landed = await SignInThroughProviderAsync(browser, provider, "/review/metrics", "olga-1", "olga@example.com", "agent", "ops");

        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        Assert.Equal("/review/metrics", landed.Headers.Location?.OriginalString);
        Assert.Equal(1, provider.VerifiedTokenRequests);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/review/metrics")).StatusCode);
        Assert.Contains("olga@example.com", await browser.GetStringAsync("/review"), StringComparison.Ordinal);
        await AssertSentToAsync(browser, "/review/admin", "/review/denied");
        Assert.Contains(("signin.succeeded", "olga@example.com", "provider=openid-connect role=ops"), await AuditAsync(app));
    }

    [Fact]
    public async Task A_person_with_none_of_our_roles_is_signed_in_with_no_access_unless_a_default_role_is_configured()
    {
        await using var provider = await OpenIdProviderStandIn.StartAsync();
        await using (var app = await ReviewApp.StartAsync(Settings(provider)))
        {
            using var browser = new LoopbackBrowser(app.Address);
            await SignInThroughProviderAsync(browser, provider, "/review", "guest-1", "guest@example.com", "Directory.Reader");

            await AssertSentToAsync(browser, "/review", "/review/denied");
        }

        var withDefault = new Dictionary<string, string?>(Settings(provider)) { ["Auth:OpenIdConnect:DefaultRole"] = "agent" };
        await using (var app = await ReviewApp.StartAsync(withDefault))
        {
            using var browser = new LoopbackBrowser(app.Address);
            await SignInThroughProviderAsync(browser, provider, "/review", "guest-1", "guest@example.com");

            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/review")).StatusCode);
            await AssertSentToAsync(browser, "/review/metrics", "/review/denied");
        }
    }

    [Fact]
    public async Task An_id_token_not_signed_by_the_providers_published_key_signs_nobody_in_and_says_so()
    {
        await using var provider = await OpenIdProviderStandIn.StartAsync();
        provider.SignWith = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "stand-in-key" };
        await using var app = await ReviewApp.StartAsync(Settings(provider));
        using var browser = new LoopbackBrowser(app.Address);

        var landed = await SignInThroughProviderAsync(browser, provider, "/review", "mallory", "mallory@example.com", "admin");
        var page = await browser.GetStringAsync(landed.Headers.Location!.OriginalString);

        Assert.Equal("/review/signin?error=external", landed.Headers.Location.OriginalString);
        Assert.Contains("Signing in with your organisation did not work.", page, StringComparison.Ordinal);
        await AssertSentToAsync(browser, "/review", "/review/signin");
        Assert.Contains(await AuditAsync(app), e => e.Action == "signin.failed" && e.Actor == "openid-connect" && e.Detail!.Contains("signature", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(await AuditAsync(app), e => e.Actor == "mallory@example.com");
    }

    [Fact]
    public async Task A_code_posted_back_with_a_state_we_did_not_issue_signs_nobody_in()
    {
        await using var provider = await OpenIdProviderStandIn.StartAsync();
        await using var app = await ReviewApp.StartAsync(Settings(provider));
        using var browser = new LoopbackBrowser(app.Address);
        var authorize = await ChallengeAsync(browser, "/review");
        var code = provider.Authorize(authorize, "mallory", "mallory@example.com", "admin");

        var landed = await browser.PostFormAsync("/review/signin-oidc", new() { ["code"] = code, ["state"] = "forged-state" });

        Assert.Equal("/review/signin?error=external", landed.Headers.Location?.OriginalString);
        Assert.Equal(0, provider.VerifiedTokenRequests);
        await AssertSentToAsync(browser, "/review", "/review/signin");
    }

    /// <summary>A browser asking for <paramref name="url"/> is redirected to <paramref name="page"/> (sign-in or access denied).</summary>
    private static async Task AssertSentToAsync(LoopbackBrowser browser, string url, string page)
    {
        var response = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(page, new Uri(new Uri("http://127.0.0.1"), response.Headers.Location!).AbsolutePath);
    }

    private static async Task<List<(string Action, string Actor, string? Detail)>> AuditAsync(ReviewApp app)
    {
        await using var connection = await app.Database.OpenAsync(Token);
        return [.. await Dapper.SqlMapper.QueryAsync<(string, string, string?)>(connection, "SELECT action, actor, detail FROM audit_log")];
    }

    private static Dictionary<string, string?> Settings(OpenIdProviderStandIn provider) => new()
    {
        ["Auth:OpenIdConnect:Authority"] = provider.Issuer,
        ["Auth:OpenIdConnect:ClientId"] = OpenIdProviderStandIn.ClientId,
        ["Auth:OpenIdConnect:ClientSecret"] = OpenIdProviderStandIn.ClientSecret,
    };

    /// <summary>Presses "Sign in with your organisation": our app redirects to the provider's authorize endpoint.</summary>
    private static async Task<Uri> ChallengeAsync(LoopbackBrowser browser, string returnUrl)
    {
        var page = await browser.GetStringAsync("/review/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var challenge = await browser.PostFormAsync("/review/signin?handler=External", new()
        {
            ["returnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = ReviewApp.AntiforgeryToken(page[page.IndexOf("handler=External", StringComparison.Ordinal)..]),
        });
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        return challenge.Headers.Location!;
    }

    /// <summary>The round trip; returns our app's answer to the provider's form post.</summary>
    private static async Task<HttpResponseMessage> SignInThroughProviderAsync(
        LoopbackBrowser browser, OpenIdProviderStandIn provider, string returnUrl, string subject, string email, params string[] roles)
    {
        var authorize = await ChallengeAsync(browser, returnUrl);
        Assert.StartsWith(provider.Issuer + "/authorize?", authorize.ToString(), StringComparison.Ordinal);
        var code = provider.Authorize(authorize, subject, email, roles);
        var query = QueryHelpers.ParseQuery(authorize.Query);
        // The provider's page posts the code back (response_mode=form_post).
        Assert.Equal("form_post", query["response_mode"].ToString());
        return await browser.PostFormAsync(query["redirect_uri"].ToString(), new() { ["code"] = code, ["state"] = query["state"].ToString() });
    }

    /// <summary>
    /// A client that keeps cookies the way a browser does for http://127.0.0.1, which it treats as a
    /// secure origin: the OpenID Connect correlation and nonce cookies are Secure and SameSite=None, and
    /// a CookieContainer would never send them back over http.
    /// </summary>
    private sealed class LoopbackBrowser : IDisposable
    {
        private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);
        private readonly HttpClient _http;

        public LoopbackBrowser(Uri address) =>
            _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = address };

        public async Task<HttpResponseMessage> GetAsync(string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("text/html");
            return await SendAsync(request);
        }

        public async Task<string> GetStringAsync(string url)
        {
            var response = await GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync(Token);
        }

        public async Task<HttpResponseMessage> PostFormAsync(string url, Dictionary<string, string> fields)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Accept.ParseAdd("text/html");
            return await SendAsync(request);
        }

        private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            if (_cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value)));
            }

            var response = await _http.SendAsync(request, Token);
            foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var pair = header.Split(';', 2)[0];
                var name = pair[..pair.IndexOf('=', StringComparison.Ordinal)];
                var value = pair[(name.Length + 1)..];
                var expired = header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
                if (value.Length == 0 || expired)
                {
                    _cookies.Remove(name);
                }
                else
                {
                    _cookies[name] = value;
                }
            }

            return response;
        }

        public void Dispose() => _http.Dispose();
    }
}
