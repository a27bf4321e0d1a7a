using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace SupportCopilot.Review.Accounts;

/// <summary>
/// Writes sign-ins through the OpenID Connect provider to the audit log like password sign-ins:
/// <c>signin.succeeded</c> with the person's email and the role they got, <c>signin.failed</c> with
/// why the round trip failed. The provider scheme lives in the shared hosting library, which knows no
/// audit log; this adds to its events without replacing them.
/// </summary>
internal static class ProviderSignInAudit
{
    public const string Actor = "openid-connect";

    public static IServiceCollection AddProviderSignInAudit(this IServiceCollection services) =>
        services.PostConfigure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, options =>
        {
            var ticketReceived = options.Events.OnTicketReceived;
            options.Events.OnTicketReceived = async context =>
            {
                await ticketReceived(context);
                var person = context.Principal;
                var role = person?.FindFirst(ClaimTypes.Role)?.Value ?? "none";
                await AuditOf(context.HttpContext).RecordAsync(
                    "signin.succeeded", null, $"provider={Actor} role={role}", context.HttpContext.RequestAborted, actor: person?.Identity?.Name ?? "unknown");
            };

            var remoteFailure = options.Events.OnRemoteFailure;
            options.Events.OnRemoteFailure = async context =>
            {
                await AuditOf(context.HttpContext).RecordAsync(
                    "signin.failed", null, $"provider={Actor}: {context.Failure?.Message}", context.HttpContext.RequestAborted, actor: Actor);
                await remoteFailure(context);
            };
        });

    private static AuditLog AuditOf(HttpContext context) => context.RequestServices.GetRequiredService<AuditLog>();
}
