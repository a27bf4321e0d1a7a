using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Accounts;

namespace SupportCopilot.Review.Pages.Review;

/// <summary>Signing out is a POST with an antiforgery token, so a link on another site cannot sign anyone out.</summary>
internal sealed class SignOutModel(AuditLog audit, IOptions<ReviewSettings> settings, TimeProvider time) : ReviewPageModel(settings, time)
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await audit.RecordAsync("signout", null, null, cancellationToken);
        await HttpContext.SignOutAsync(AuthenticationRegistration.CookieScheme);
        return LocalRedirect(AuthenticationRegistration.SignInPath);
    }
}
