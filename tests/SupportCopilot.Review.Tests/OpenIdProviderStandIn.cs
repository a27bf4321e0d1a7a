using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace SupportCopilot.Review.Tests;

/// <summary>
/// An OpenID Connect provider on 127.0.0.1 (discovery, keys, token endpoint), standing in for Entra ID.
/// The person's side (the provider's login page) is played by the test: it reads the authorize
/// request our app redirects to, calls <see cref="Authorize"/> with who signs in, and posts the code
/// back as the provider's page would. The token endpoint checks the client secret, the redirect URI
/// and the PKCE verifier before it answers with an RS256-signed id_token.
/// </summary>
internal sealed class OpenIdProviderStandIn : IAsyncDisposable
{
    public const string ClientId = "supportcopilot-review";
    public const string ClientSecret = "stand-in client secret";

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "stand-in-key" };
    private readonly ConcurrentDictionary<string, Grant> _grants = new(StringComparer.Ordinal);

    private OpenIdProviderStandIn(WebApplication app) => _app = app;

    public string Issuer { get; private set; } = string.Empty;

    /// <summary>When set, id_tokens are signed with this key instead of the published one (a forgery).</summary>
    public RsaSecurityKey? SignWith { get; set; }

    /// <summary>Token requests whose PKCE verifier matched the challenge of their authorize request.</summary>
    public int VerifiedTokenRequests { get; private set; }

    public static async Task<OpenIdProviderStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new OpenIdProviderStandIn(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider.Issuer,
            ["authorization_endpoint"] = provider.Issuer + "/authorize",
            ["token_endpoint"] = provider.Issuer + "/token",
            ["jwks_uri"] = provider.Issuer + "/keys",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        app.MapGet("/keys", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(provider._key);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
        });
        app.MapPost("/token", provider.TokenAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        provider.Issuer = app.Urls.First().TrimEnd('/');
        return provider;
    }

    /// <summary>The person signs in at the provider: a code for the authorize request at <paramref name="authorizeUrl"/>.</summary>
    public string Authorize(Uri authorizeUrl, string subject, string email, params string[] roles)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(authorizeUrl.Query);
        Assert.Equal(ClientId, query["client_id"].ToString());
        Assert.Equal("code", query["response_type"].ToString());
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _grants[code] = new Grant(query["redirect_uri"].ToString(), query["code_challenge"].ToString(), query["nonce"].ToString(), subject, email, roles);
        return code;
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        if (form["grant_type"] != "authorization_code" || !_grants.TryRemove(form["code"].ToString(), out var grant) || form["redirect_uri"] != grant.RedirectUri)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        }

        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
        if (challenge != grant.CodeChallenge)
        {
            return Results.Json(new { error = "invalid_grant", error_description = "PKCE verification failed" }, statusCode: 400);
        }

        VerifiedTokenRequests++;
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = grant.Subject, ["email"] = grant.Email, ["nonce"] = grant.Nonce };
        if (grant.Roles.Length > 0)
        {
            claims["roles"] = grant.Roles;
        }

        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(SignWith ?? _key, SecurityAlgorithms.RsaSha256),
        });
        return Results.Json(new { id_token = idToken, access_token = "stand-in-access-token", token_type = "Bearer", expires_in = 300 });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed record Grant(string RedirectUri, string CodeChallenge, string Nonce, string Subject, string Email, string[] Roles);
}
