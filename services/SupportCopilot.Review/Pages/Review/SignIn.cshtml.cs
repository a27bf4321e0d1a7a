using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Accounts;

namespace SupportCopilot.Review.Pages.Review;

/// <summary>Local sign-in with email and password; with OpenID Connect configured, a button to the provider too.</summary>
internal sealed class SignInModel(
    UserAccounts users,
    SignInThrottle throttle,
    AuditLog audit,
    IOptions<AuthSettings> auth,
    IOptions<ReviewSettings> settings,
    TimeProvider time)
    : ReviewPageModel(settings, time)
{
    public string? Email { get; private set; }

    public string ReturnUrl { get; private set; } = "/review";

    public bool OpenIdConnectEnabled => auth.Value.OpenIdConnect.IsConfigured;

    public void OnGet(string? returnUrl, string? error)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        if (error == "external")
        {
            ModelState.AddModelError(nameof(Email), "Signing in with your organisation did not work. Try again, or ask an admin for an account.");
        }
    }

    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? returnUrl, CancellationToken cancellationToken)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        Email = email?.Trim();
        if (string.IsNullOrEmpty(Email) || Email.Length > AccountLimits.EmailLength
            || string.IsNullOrEmpty(password) || password.Length > AccountLimits.MaxPasswordLength)
        {
            ModelState.AddModelError(nameof(Email), "Enter your email and password.");
            return Page();
        }

        if (await throttle.RetryAfterAsync(Email, HttpContext.Connection.RemoteIpAddress?.ToString(), cancellationToken) is { } wait)
        {
            await audit.RecordAsync("signin.throttled", null, null, cancellationToken, actor: UserAccounts.NormalizeEmail(Email));
            var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
            ModelState.AddModelError(nameof(Email), $"Too many failed sign-ins. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}.");
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page();
        }

        var user = await users.VerifyAsync(Email, password, cancellationToken);
        if (user is null)
        {
            await audit.RecordAsync("signin.failed", null, null, cancellationToken, actor: UserAccounts.NormalizeEmail(Email));
            ModelState.AddModelError(nameof(Email), "That email and password do not match an account.");
            return Page();
        }

        await HttpContext.SignInAsync(
            AuthenticationRegistration.CookieScheme,
            AuthenticationRegistration.PersonPrincipal(user.UserId.ToString(), user.Email, user.Role));
        await audit.RecordAsync("signin.succeeded", null, $"role={user.Role}", cancellationToken, actor: user.Email);
        return LocalRedirect(ReturnUrl);
    }

    public IActionResult OnPostExternal(string? returnUrl)
    {
        if (!OpenIdConnectEnabled)
        {
            return NotFound();
        }

        return Challenge(new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) }, "OpenIdConnect");
    }

    // Only our own pages: an open redirect would let a phishing link borrow our sign-in page.
    private string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) && returnUrl.StartsWith("/review", StringComparison.Ordinal)
            ? returnUrl
            : "/review";
}
