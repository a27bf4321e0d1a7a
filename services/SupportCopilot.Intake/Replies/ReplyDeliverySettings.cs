using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// <c>Intake:Connectors:Generic</c>: where generic-connector replies go, and the claim every
/// delivery (whatever its connector) holds while it posts.
/// </summary>
internal sealed class ReplyDeliverySettings : ConnectorReplySettings
{
    public const string SectionName = "Intake:Connectors:Generic";

    /// <summary>Where replies to generic-connector tickets are posted; none means "recorded as sent".</summary>
    public Uri? CallbackUrl { get; set; }

    /// <summary>
    /// The inbound webhook's secret (owned by the inbound half); when set, replies are signed with it
    /// like inbound requests (<see cref="GenericSignature"/>).
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary>How long one attempt owns a delivery before another may try again.</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often deliveries whose attempt vanished (claimed, never finished) are looked for and queued again.</summary>
    public TimeSpan OrphanSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    internal override string Section => SectionName;

    protected override IEnumerable<string> ConnectionProblems()
    {
        if (OrphanSweepInterval < TimeSpan.FromMilliseconds(10))
        {
            yield return $"{SectionName}:OrphanSweepInterval must be at least 10 ms.";
        }

        if (CallbackUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            yield return $"{SectionName}:CallbackUrl must be an absolute http:// or https:// URL.";
        }
    }
}
