using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SupportCopilot.Hosting.Authentication;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c>. A request without the header is not this
/// scheme's business (NoResult), a wrong key fails, a known key signs in with the key's role.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<AuthSettings> settings,
    IEnumerable<IApiKeyStore> stores) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string BootstrapKeyId = "bootstrap-admin";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var key = header["Bearer ".Length..].Trim();
        if (key.Length == 0)
        {
            return AuthenticateResult.Fail("The bearer token is empty.");
        }

        var hash = ApiKeys.Hash(key);
        var owner = IsBootstrapKey(hash)
            ? new ApiKeyOwner(BootstrapKeyId, BootstrapKeyId, SupportCopilotRoles.Admin)
            : await FindAsync(hash);
        if (owner is null || !SupportCopilotRoles.IsKnown(owner.Role))
        {
            return AuthenticateResult.Fail("The API key is not known or was revoked.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, "apikey:" + owner.KeyId),
                new Claim(ClaimTypes.Name, owner.Name),
                new Claim(ClaimTypes.Role, owner.Role),
                new Claim(SupportCopilotClaims.ApiKeyId, owner.KeyId),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    private bool IsBootstrapKey(string hash)
    {
        var bootstrap = settings.CurrentValue.AdminApiKey;
        if (string.IsNullOrEmpty(bootstrap))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(ApiKeys.Hash(bootstrap)), Encoding.ASCII.GetBytes(hash));
    }

    private async Task<ApiKeyOwner?> FindAsync(string hash)
    {
        // With the issuer in this process (standalone), its table is the truth; copies learned
        // from its events lag behind it, and a key revoked a moment ago must not slip through them.
        var issuerHere = stores.Any(s => s is IApiKeyIssuer);
        foreach (var store in stores)
        {
            if (issuerHere && store is ILearnedApiKeyStore)
            {
                continue;
            }

            var owner = await store.FindAsync(hash, Context.RequestAborted);
            if (owner is not null)
            {
                return owner;
            }
        }

        return null;
    }
}

/// <summary>Claim types of our own.</summary>
public static class SupportCopilotClaims
{
    public const string ApiKeyId = "supportcopilot:api_key_id";
}
