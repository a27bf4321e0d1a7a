using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SupportCopilot.Hosting.Authentication;

public static class AuthenticationRegistration
{
    /// <summary>
    /// API-key authentication (the default scheme) and one authorization policy per role. Safe to
    /// call from each service's <c>Add…Service</c>: in the standalone process all three call it and
    /// the registration happens once.
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
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Agent, p => p.RequireAuthenticatedUser().RequireRole(SupportCopilotRoles.AtLeast(SupportCopilotRoles.Agent)))
            .AddPolicy(AuthPolicies.Ops, p => p.RequireAuthenticatedUser().RequireRole(SupportCopilotRoles.AtLeast(SupportCopilotRoles.Ops)))
            .AddPolicy(AuthPolicies.Admin, p => p.RequireAuthenticatedUser().RequireRole(SupportCopilotRoles.AtLeast(SupportCopilotRoles.Admin)));
        return builder;
    }

    private sealed class AuthenticationRegistrationMarker;
}
