using Microsoft.Extensions.Options;
using SupportCopilot.Contracts;
using SupportCopilot.Intake.Replies;

namespace SupportCopilot.Intake.Connectors;

/// <summary>How a connector posts drafts that were approved automatically.</summary>
internal enum ReplyMode
{
    /// <summary>Every reply is posted as a public reply the customer sees.</summary>
    Send,

    /// <summary>
    /// Automatically approved drafts are posted as internal notes (or drafts) for an agent to
    /// send; replies an agent approved in the review queue are still posted publicly.
    /// </summary>
    Suggest,
}

/// <summary>
/// What every connector's reply client is configured with, in <c>Intake:Connectors:{Connector}</c>.
/// The inbound half of the connector reads other keys of the same section (<c>Enabled</c>,
/// <c>WebhookSecret</c>, ...); unknown keys are ignored here.
/// </summary>
internal abstract class ConnectorReplySettings
{
    public ReplyMode Mode { get; set; } = ReplyMode.Send;

    /// <summary>The whole post, every HTTP attempt and back-off included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>One HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>HTTP retries within one delivery attempt (5xx, 408, 429, timeouts, network errors); 0 turns them off.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>First back-off of the HTTP retries (exponential, with jitter); a 429's Retry-After wins.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the connector's circuit stays open after too many failures.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The configuration section, for messages that name a key.</summary>
    internal abstract string Section { get; }

    /// <summary>True when a reply from <paramref name="origin"/> goes to the customer, false when it becomes an internal note.</summary>
    public bool IsPublic(string origin) => Mode == ReplyMode.Send || origin == ReplyOrigin.Agent;

    public IEnumerable<string> Problems(TimeSpan claimDuration)
    {
        if (Timeout <= TimeSpan.Zero)
        {
            yield return $"{Section}:Timeout must be positive.";
        }

        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || AttemptTimeout > Timeout)
        {
            yield return $"{Section}:AttemptTimeout must be at least 10 ms and at most {Section}:Timeout.";
        }

        if (Retries is < 0 or > 10)
        {
            yield return $"{Section}:Retries must be between 0 and 10.";
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            yield return $"{Section}:RetryDelay must not be negative.";
        }

        if (BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            yield return $"{Section}:BreakDuration must be at least 00:00:00.5.";
        }

        // A shorter claim would let a second attempt post while the first is still waiting on the helpdesk.
        if (claimDuration <= Timeout)
        {
            yield return $"{ReplyDeliverySettings.SectionName}:ClaimDuration must be longer than {Section}:Timeout.";
        }

        foreach (var problem in ConnectionProblems())
        {
            yield return problem;
        }
    }

    protected virtual IEnumerable<string> ConnectionProblems() => [];
}

/// <summary>A helpdesk with an HTTP API: configured once <see cref="BaseUrl"/> is set.</summary>
internal abstract class HelpdeskApiSettings : ConnectorReplySettings
{
    /// <summary>The helpdesk's API root, e.g. <c>https://acme.zendesk.com</c>. None: the connector is not configured.</summary>
    public Uri? BaseUrl { get; set; }

    public bool IsConfigured => BaseUrl is not null;

    protected sealed override IEnumerable<string> ConnectionProblems()
    {
        if (BaseUrl is null)
        {
            yield break;
        }

        if (!BaseUrl.IsAbsoluteUri || BaseUrl.Scheme is not ("http" or "https"))
        {
            yield return $"{Section}:BaseUrl must be an absolute http:// or https:// URL.";
        }

        foreach (var key in MissingCredentials())
        {
            yield return $"{Section}:{key} is required when {Section}:BaseUrl is set.";
        }
    }

    /// <summary>The credential keys that are required but empty.</summary>
    protected abstract IEnumerable<string> MissingCredentials();

    protected static bool Missing(string? value) => string.IsNullOrWhiteSpace(value);
}

/// <summary>Validates a connector's reply settings at start; each message names its key.</summary>
internal sealed class ConnectorReplySettingsValidator<TSettings>(IConfiguration configuration) : IValidateOptions<TSettings>
    where TSettings : ConnectorReplySettings
{
    public ValidateOptionsResult Validate(string? name, TSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems(options is ReplyDeliverySettings generic ? generic.ClaimDuration : ClaimDuration()).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    // Read from configuration rather than from the generic options: a bad generic setting must fail
    // once, naming its own key, not once more for every connector that asked for the claim duration.
    private TimeSpan ClaimDuration()
    {
        var generic = new ReplyDeliverySettings();
        try
        {
            configuration.GetSection(ReplyDeliverySettings.SectionName).Bind(generic);
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.MaxValue; // the generic settings report it
        }

        // A claim too short for the generic connector is reported there, once.
        return generic.ClaimDuration <= generic.Timeout ? TimeSpan.MaxValue : generic.ClaimDuration;
    }
}
