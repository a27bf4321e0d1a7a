namespace SupportCopilot.Intake.Replies;

internal sealed class ReplyDeliverySettings
{
    public const string SectionName = "Intake:Connectors:Generic";

    /// <summary>Where replies to generic-connector tickets are posted; none means "recorded as sent".</summary>
    public Uri? CallbackUrl { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one attempt owns a delivery before another may try again.</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(1);
}
