namespace SupportCopilot.Review.Agents;

/// <summary>
/// Who is deciding, until agents sign in: a name the agent types once, remembered in a cookie.
/// It labels corrections; it is not authentication.
/// </summary>
internal static class AgentIdentity
{
    public const string CookieName = "review-agent";
    public const string DefaultName = "agent";

    public static string Current(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = request.Cookies[CookieName]?.Trim();
        return string.IsNullOrEmpty(name) || name.Length > Decisions.DecisionLimits.AgentLength ? DefaultName : name;
    }

    public static void Remember(HttpResponse response, string name)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Append(CookieName, name.Trim(), new CookieOptions
        {
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Lax,
            Secure = response.HttpContext.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(365),
            Path = "/",
        });
    }
}
