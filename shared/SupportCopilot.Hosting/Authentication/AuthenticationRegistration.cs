using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SupportCopilot.Hosting.Authentication;

public static class AuthenticationRegistration
{
    /// <summary>The default scheme: API key when the request carries <c>Authorization</c>, the sign-in cookie otherwise.</summary>
    public const string SchemeName = "SupportCopilot";

    /// <summary>The browser's sign-in cookie.</summary>
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public const string SignInPath = "/review/signin";

    /// <summary>
    /// API-key and cookie authentication behind one policy scheme, and one authorization policy per
    /// role. Safe to call from each service's <c>Add…Service</c>: in the standalone process all
    /// three call it and the registration happens once.
    /// </summary>
    public static AuthenticationBuilder AddSupportCopilotAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = new AuthenticationBuilder(services);
        if (services.Any(s => s.ServiceType == typeof(AuthenticationRegistrationMarker)))
        {
            return builder;
        }

        services.AddSingleton<AuthenticationRegistrationMarker>();
        services.AddOptions<AuthSettings>().Bind(configuration.GetSection(AuthSettings.SectionName));
        var settings = configuration.GetSection(AuthSettings.SectionName).Get<AuthSettings>() ?? new AuthSettings();
        builder = services.AddAuthentication(SchemeName)
            .AddPolicyScheme(SchemeName, "API key or sign-in cookie", options =>
                options.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.Count > 0 ? ApiKeyAuthenticationHandler.SchemeName : CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieScheme, options =>
            {
                options.Cookie.Name = "supportcopilot.auth";
                options.Cookie.HttpOnly = true;
                // Lax: a link from a helpdesk e-mail still arrives signed in; a cross-site POST does not.
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = settings.SessionLifetime;
                options.SlidingExpiration = true;
                options.LoginPath = SignInPath;
                options.LogoutPath = "/review/signout";
                options.AccessDeniedPath = "/review/denied";
                options.ReturnUrlParameter = "returnUrl";
                options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Agent, p => p.RequireAuthenticatedUser().RequireRole(SupportCopilotRoles.AtLeast(SupportCopilotRoles.Agent)))
            .AddPolicy(AuthPolicies.Ops, p => p.RequireAuthenticatedUser().RequireRole(SupportCopilotRoles.AtLeast(SupportCopilotRoles.Ops)))
            .AddPolicy(AuthPolicies.Admin, p => p.RequireAuthenticatedUser().RequireRole(SupportCopilotRoles.AtLeast(SupportCopilotRoles.Admin)));
        OpenIdConnectSignIn.AddIfConfigured(builder, settings.OpenIdConnect);
        return builder;
    }

    /// <summary>The principal a signed-in person carries in the cookie.</summary>
    public static ClaimsPrincipal PersonPrincipal(string userId, string email, string role, string authenticationType = CookieScheme)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(email);
        if (!SupportCopilotRoles.IsKnown(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role.");
        }

        return new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, "user:" + userId),
                new Claim(ClaimTypes.Name, email),
                new Claim(ClaimTypes.Email, email),
                new Claim(ClaimTypes.Role, role),
            ],
            authenticationType));
    }

    // A browser is sent to the sign-in page; an API client gets the status it can act on.
    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var request = context.Request;
        var wantsHtml = request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
        if (request.Path.StartsWithSegments("/api") || !wantsHtml)
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private sealed class AuthenticationRegistrationMarker;
}
