namespace SupportCopilot.Hosting.Authentication;

/// <summary>The <c>Auth</c> configuration section every service reads.</summary>
public sealed class AuthSettings
{
    public const string SectionName = "Auth";

    /// <summary>
    /// A bootstrap API key with the admin role (<c>Auth__AdminApiKey</c>), for the first calls
    /// before any key is issued and for automation. Only its SHA-256 is kept in memory.
    /// </summary>
    public string? AdminApiKey { get; set; }
}
