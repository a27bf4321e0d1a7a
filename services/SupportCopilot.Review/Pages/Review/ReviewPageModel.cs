using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SupportCopilot.Hosting.Authentication;

namespace SupportCopilot.Review.Pages.Review;

/// <summary>What every review page has: the signed-in agent, the flash message, strict response headers.</summary>
internal abstract class ReviewPageModel(IOptions<ReviewSettings> settings, TimeProvider time) : PageModel
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public string? MessageKind { get; set; }

    /// <summary>Who is signed in; decisions and corrections record this name.</summary>
    public string AgentName => User.Identity?.IsAuthenticated == true ? User.Identity.Name ?? string.Empty : string.Empty;

    public bool IsSignedIn => User.Identity?.IsAuthenticated == true;

    public bool HasRole(string least) => SupportCopilotRoles.AtLeast(least).Any(User.IsInRole);

    protected ReviewSettings Settings => settings.Value;

    protected DateTimeOffset Now => time.GetUtcNow();

    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        base.OnPageHandlerExecuting(context);
    }

    protected void Flash(string message, string kind = "success")
    {
        Message = message;
        MessageKind = kind;
    }

    public string ConfidenceLevel(double confidence) =>
        confidence >= Settings.HighConfidence ? "high" : confidence >= Settings.MediumConfidence ? "medium" : "low";

    public static string Percent(double confidence) =>
        Math.Round(confidence * 100).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    public string Age(DateTimeOffset since)
    {
        var age = Now - since;
        return age.TotalMinutes < 1 ? "just now" : Duration(age);
    }

    public static string Duration(TimeSpan span) =>
        span.TotalHours < 1 ? $"{Math.Max(1, (int)span.TotalMinutes)} min"
        : span.TotalDays < 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : $"{(int)span.TotalDays} d";

    public string Ago(DateTimeOffset at) => Now - at < TimeSpan.FromMinutes(1) ? "just now" : Age(at) + " ago";

    public static string Timestamp(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
