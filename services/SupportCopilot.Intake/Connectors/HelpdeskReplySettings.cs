namespace SupportCopilot.Intake.Connectors;

/// <summary><c>Intake:Connectors:Zendesk</c>: API token authentication (<c>{Email}/token:{ApiToken}</c>).</summary>
internal sealed class ZendeskReplySettings : HelpdeskApiSettings
{
    public const string SectionName = "Intake:Connectors:Zendesk";

    /// <summary>The agent the replies are posted as.</summary>
    public string? Email { get; set; }

    public string? ApiToken { get; set; }

    internal override string Section => SectionName;

    protected override IEnumerable<string> MissingCredentials()
    {
        if (Missing(Email))
        {
            yield return nameof(Email);
        }

        if (Missing(ApiToken))
        {
            yield return nameof(ApiToken);
        }
    }
}

/// <summary><c>Intake:Connectors:Freshdesk</c>: the API key as basic-auth user name, <c>X</c> as password.</summary>
internal sealed class FreshdeskReplySettings : HelpdeskApiSettings
{
    public const string SectionName = "Intake:Connectors:Freshdesk";

    public string? ApiKey { get; set; }

    internal override string Section => SectionName;

    protected override IEnumerable<string> MissingCredentials()
    {
        if (Missing(ApiKey))
        {
            yield return nameof(ApiKey);
        }
    }
}

/// <summary><c>Intake:Connectors:Intercom</c>: a bearer access token and the admin the replies come from.</summary>
internal sealed class IntercomReplySettings : HelpdeskApiSettings
{
    public const string SectionName = "Intake:Connectors:Intercom";

    public string? AccessToken { get; set; }

    public string? AdminId { get; set; }

    /// <summary>Sent as the <c>Intercom-Version</c> header.</summary>
    public string Version { get; set; } = "2.11";

    internal override string Section => SectionName;

    protected override IEnumerable<string> MissingCredentials()
    {
        if (Missing(AccessToken))
        {
            yield return nameof(AccessToken);
        }

        if (Missing(AdminId))
        {
            yield return nameof(AdminId);
        }

        if (Missing(Version))
        {
            yield return nameof(Version);
        }
    }
}

/// <summary>
/// <c>Intake:Connectors:HelpScout</c>: either a bearer <see cref="AccessToken"/>, or an OAuth2 app's
/// <see cref="ClientId"/> and <see cref="ClientSecret"/> (client-credentials flow, token cached until it expires).
/// </summary>
internal sealed class HelpScoutReplySettings : HelpdeskApiSettings
{
    public const string SectionName = "Intake:Connectors:HelpScout";

    public string? AccessToken { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    internal override string Section => SectionName;

    protected override IEnumerable<string> MissingCredentials()
    {
        if (!Missing(AccessToken))
        {
            yield break;
        }

        if (Missing(ClientId))
        {
            yield return nameof(ClientId) + " (or AccessToken)";
        }

        if (Missing(ClientSecret))
        {
            yield return nameof(ClientSecret) + " (or AccessToken)";
        }
    }
}

/// <summary><c>Intake:Connectors:Chatwoot</c>: an agent's or agent bot's access token (header <c>api_access_token</c>).</summary>
internal sealed class ChatwootReplySettings : HelpdeskApiSettings
{
    public const string SectionName = "Intake:Connectors:Chatwoot";

    public string? AccessToken { get; set; }

    internal override string Section => SectionName;

    protected override IEnumerable<string> MissingCredentials()
    {
        if (Missing(AccessToken))
        {
            yield return nameof(AccessToken);
        }
    }
}
