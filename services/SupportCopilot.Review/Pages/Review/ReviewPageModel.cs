using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SupportCopilot.Review.Agents;
using SupportCopilot.Review.Decisions;

namespace SupportCopilot.Review.Pages.Review;

/// <summary>What every review page has: the agent's name, the flash message, strict response headers.</summary>
internal abstract class ReviewPageModel(IOptions<ReviewSettings> settings, TimeProvider time) : PageModel
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    [TempData]
    public string? Message { get; set; }

    [TempData]
    public string? MessageKind { get; set; }

    public string AgentName { get; private set; } = AgentIdentity.DefaultName;

    protected ReviewSettings Settings => settings.Value;

    protected DateTimeOffset Now => time.GetUtcNow();

    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        AgentName = AgentIdentity.Current(Request);
        var headers = Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        base.OnPageHandlerExecuting(context);
    }

    /// <summary>The "working as" form in the header: remembers the agent's name and reloads the page.</summary>
    public IActionResult OnPostAgent(string? agent)
    {
        var name = agent?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > DecisionLimits.AgentLength)
        {
            Flash($"Your name must be 1 to {DecisionLimits.AgentLength} characters.", "warning");
        }
        else
        {
            AgentIdentity.Remember(Response, name);
            Flash($"Decisions are now recorded as {name}.");
        }

        return LocalRedirect(Request.PathBase + Request.Path);
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
        return age.TotalMinutes < 1 ? "just now"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours} h"
            : $"{(int)age.TotalDays} d";
    }

    public string Ago(DateTimeOffset at) => Now - at < TimeSpan.FromMinutes(1) ? "just now" : Age(at) + " ago";

    public static string Timestamp(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
