using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;

namespace SupportCopilot.Hosting.Authentication;

/// <summary>
/// Optional sign-in through an OpenID Connect provider (Microsoft Entra ID or any other). The
/// provider proves who someone is; the cookie then carries them like a local account, with our
/// role taken from the provider's role claim.
/// </summary>
internal static class OpenIdConnectSignIn
{
    public const string SchemeName = OpenIdConnectDefaults.AuthenticationScheme;

    public static void AddIfConfigured(AuthenticationBuilder builder, OpenIdConnectSettings settings)
    {
        if (!settings.IsConfigured)
        {
            return;
        }

        builder.AddOpenIdConnect(SchemeName, options =>
        {
            options.SignInScheme = AuthenticationRegistration.CookieScheme;
            options.Authority = settings.Authority;
            options.ClientId = settings.ClientId;
            options.ClientSecret = settings.ClientSecret;
            options.ResponseType = "code";
            options.UsePkce = true;
            options.CallbackPath = "/review/signin-oidc";
            options.Scope.Add("email");
            options.MapInboundClaims = false;
            // Plain http only for a provider on this machine (a development identity server); anything
            // reachable over a network must serve its metadata and keys over TLS.
            options.RequireHttpsMetadata = !IsLoopback(settings.Authority);
            options.Events.OnTokenValidated = context =>
            {
                context.Principal = ToOurPrincipal(context.Principal!, settings);
                return Task.CompletedTask;
            };
            // A refused or failed answer from the provider (denied consent, a bad token, an expired
            // attempt) is the person's problem to retry, not a server error page.
            options.Events.OnRemoteFailure = context =>
            {
                context.Response.Redirect(AuthenticationRegistration.SignInPath + "?error=external");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    private static bool IsLoopback(string? authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) && uri.IsLoopback;

    /// <summary>Keeps who the person is and the one role of ours they hold (the highest, when the provider gives several).</summary>
    internal static ClaimsPrincipal ToOurPrincipal(ClaimsPrincipal external, OpenIdConnectSettings settings)
    {
        var subject = external.FindFirst("sub")?.Value ?? external.FindFirst("oid")?.Value ?? "unknown";
        var email = external.FindFirst("email")?.Value ?? external.FindFirst("preferred_username")?.Value ?? subject;
        var granted = external.FindAll(settings.RoleClaim).Select(c => c.Value).Where(SupportCopilotRoles.IsKnown).ToHashSet();
        var role = SupportCopilotRoles.All.LastOrDefault(granted.Contains) ?? settings.DefaultRole;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, "oidc:" + subject),
            new(ClaimTypes.Name, email),
            new(ClaimTypes.Email, email),
        };
        if (SupportCopilotRoles.IsKnown(role))
        {
            claims.Add(new Claim(ClaimTypes.Role, role!));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }
}
