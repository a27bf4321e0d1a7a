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

    /// <summary>How long a browser stays signed in without activity (sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Sign-in through an OpenID Connect provider (e.g. Microsoft Entra ID); off unless Authority and ClientId are set.</summary>
    public OpenIdConnectSettings OpenIdConnect { get; set; } = new();
}

/// <summary><c>Auth:OpenIdConnect</c>.</summary>
public sealed class OpenIdConnectSettings
{
    /// <summary>The issuer, e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The claim carrying the app roles (<c>agent</c>, <c>ops</c>, <c>admin</c>); Entra ID's app roles arrive as <c>roles</c>.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The role of someone the provider signs in who carries none of ours; empty signs them in with no access.</summary>
    public string? DefaultRole { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}
