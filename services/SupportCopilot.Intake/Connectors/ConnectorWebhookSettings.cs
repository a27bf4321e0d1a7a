using Microsoft.Extensions.Options;

namespace SupportCopilot.Intake.Connectors;

/// <summary>
/// The inbound half of one connector's section, <c>Intake:Connectors:{Connector}</c>, bound as
/// named options (the name is the connector's route name). The same section holds the outbound
/// keys (<c>CallbackUrl</c>, <c>BaseUrl</c>, <c>Mode</c>, credentials); this class ignores them.
/// </summary>
internal sealed class ConnectorWebhookSettings
{
    public const string DefaultSecretHeader = "X-SupportCopilot-Secret";

    /// <summary>Whether <c>POST /api/webhooks/{connector}</c> takes requests; off, it answers 404. Generic defaults to on.</summary>
    public bool Enabled { get; set; }

    /// <summary>The secret the helpdesk signs with (or, for Freshdesk, sends as it is).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Accept requests without a signature, from anywhere: for local testing only; warned about at start.</summary>
    public bool AllowUnsigned { get; set; }

    /// <summary>Generic only: accept unsigned requests that come from loopback (the standalone host's default).</summary>
    public bool AllowUnsignedFromLoopback { get; set; }

    /// <summary>Freshdesk only: the custom header that carries the shared secret.</summary>
    public string SecretHeader { get; set; } = DefaultSecretHeader;

    public bool HasSecret => !string.IsNullOrEmpty(WebhookSecret);
}

/// <summary>The connectors that receive webhooks: route name and configuration section.</summary>
internal static class WebhookConnectors
{
    public const string Generic = "generic";
    public const string Zendesk = "zendesk";
    public const string Freshdesk = "freshdesk";
    public const string Intercom = "intercom";
    public const string HelpScout = "helpscout";
    public const string Chatwoot = "chatwoot";

    public static IReadOnlyDictionary<string, string> Sections { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Generic] = "Intake:Connectors:Generic",
        [Zendesk] = "Intake:Connectors:Zendesk",
        [Freshdesk] = "Intake:Connectors:Freshdesk",
        [Intercom] = "Intake:Connectors:Intercom",
        [HelpScout] = "Intake:Connectors:HelpScout",
        [Chatwoot] = "Intake:Connectors:Chatwoot",
    };

    public static IServiceCollection AddConnectorWebhookSettings(this IServiceCollection services, IConfiguration configuration)
    {
        foreach (var (connector, section) in Sections)
        {
            var options = services.AddOptions<ConnectorWebhookSettings>(connector);
            if (connector == Generic)
            {
                // Registered before Bind, so an explicit Enabled=false still wins.
                options.Configure(s => s.Enabled = true);
            }

            options.Bind(configuration.GetSection(section)).ValidateOnStart();
        }

        services.AddSingleton<IValidateOptions<ConnectorWebhookSettings>, ConnectorWebhookSettingsRules>();
        services.AddHostedService<UnsignedWebhookWarnings>();
        return services;
    }
}

/// <summary>An enabled connector must be able to check what it receives, unless the operator opted out.</summary>
internal sealed class ConnectorWebhookSettingsRules : IValidateOptions<ConnectorWebhookSettings>
{
    public ValidateOptionsResult Validate(string? name, ConnectorWebhookSettings options)
    {
        if (name is null || !WebhookConnectors.Sections.TryGetValue(name, out var section) || !options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        var loopbackOptIn = name == WebhookConnectors.Generic && options.AllowUnsignedFromLoopback;
        if (!options.HasSecret && !options.AllowUnsigned && !loopbackOptIn)
        {
            failures.Add(
                $"{section}:WebhookSecret is required while the {name} connector is enabled: set it to the secret the helpdesk signs with, "
                + $"or set {section}:Enabled=false ({section}:AllowUnsigned=true accepts unsigned requests, for local testing only).");
        }

        if (name == WebhookConnectors.Freshdesk && string.IsNullOrWhiteSpace(options.SecretHeader))
        {
            failures.Add($"{section}:SecretHeader must name an HTTP header (default {ConnectorWebhookSettings.DefaultSecretHeader}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Says at start, once per connector, when unsigned webhooks are accepted.</summary>
internal sealed partial class UnsignedWebhookWarnings(
    IOptionsMonitor<ConnectorWebhookSettings> settings, ILogger<UnsignedWebhookWarnings> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (connector, section) in WebhookConnectors.Sections)
        {
            var options = settings.Get(connector);
            if (!options.Enabled)
            {
                continue;
            }

            if (options.AllowUnsigned)
            {
                LogUnsigned(connector, section);
            }
            else if (connector == WebhookConnectors.Generic && options.AllowUnsignedFromLoopback)
            {
                LogUnsignedFromLoopback(section);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The {Connector} connector accepts UNSIGNED webhooks from anywhere ({Section}:AllowUnsigned=true): use this for local testing only")]
    private partial void LogUnsigned(string connector, string section);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The generic connector accepts unsigned webhooks from loopback (127.0.0.1, ::1) ({Section}:AllowUnsignedFromLoopback=true); requests from anywhere else must be signed")]
    private partial void LogUnsignedFromLoopback(string section);
}
