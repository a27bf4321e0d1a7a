using SupportCopilot.Hosting;

namespace SupportCopilot.Intake.Replies;

internal sealed class ReplyDeliverySettings
{
    public const string SectionName = "Intake:Connectors:Generic";

    /// <summary>Where replies to generic-connector tickets are posted; none means "recorded as sent".</summary>
    public Uri? CallbackUrl { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one attempt owns a delivery before another may try again.</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(1);

    public static OptionsRules<ReplyDeliverySettings> Rules { get; } = new(
        (s => s.CallbackUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")),
            "Intake:Connectors:Generic:CallbackUrl must be an absolute http:// or https:// URL."),
        (s => s.Timeout <= TimeSpan.Zero, "Intake:Connectors:Generic:Timeout must be positive."),

        // A shorter claim would let a second attempt post while the first is still waiting on the helpdesk.
        (s => s.ClaimDuration <= s.Timeout, "Intake:Connectors:Generic:ClaimDuration must be longer than Intake:Connectors:Generic:Timeout."));
}
