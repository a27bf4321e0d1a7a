using SupportCopilot.Hosting;

namespace SupportCopilot.Review;

/// <summary>Knobs of the Review service, bound from the <c>Review</c> configuration section.</summary>
internal sealed class ReviewSettings
{
    public const string SectionName = "Review";

    /// <summary>Items per page of the JSON list when the caller gives no limit.</summary>
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>Largest limit the JSON list accepts.</summary>
    public int MaxPageSize { get; set; } = 500;

    /// <summary>Pending items per page of the queue page.</summary>
    public int QueuePageSize { get; set; } = 50;

    /// <summary>How many decided items the queue page lists under "decided recently".</summary>
    public int RecentlyDecidedCount { get; set; } = 10;

    /// <summary>Confidence from which the UI shows a draft as high (green).</summary>
    public double HighConfidence { get; set; } = 0.8;

    /// <summary>Confidence from which the UI shows a draft as medium (amber); below it is low (red).</summary>
    public double MediumConfidence { get; set; } = 0.5;

    /// <summary>How long opening an item holds it for the agent; the open page renews it at a third of this.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an item may wait before the queue shows its SLA clock as breached; amber from half of it.</summary>
    public TimeSpan ReviewSla { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How often the open queue page asks whether something changed.</summary>
    public TimeSpan LiveRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where a cited document can be read, with <c>{document}</c> and <c>{anchor}</c> filled in from the
    /// citation's <c>document#anchor</c>, e.g. <c>https://help.example.com/{document}#{anchor}</c>. Empty shows no link.
    /// </summary>
    public string? DocumentLinkTemplate { get; set; }

    /// <summary>How often the review queue's depth (a metric) is counted.</summary>
    public TimeSpan QueueDepthInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>When password sign-ins are refused after failures (<c>Review:SignIn</c>).</summary>
    public SignInLimits SignIn { get; set; } = new();

    public static OptionsRules<ReviewSettings> Rules { get; } = new(
        (s => s.DefaultPageSize < 1, "Review:DefaultPageSize must be at least 1."),
        (s => s.MaxPageSize < s.DefaultPageSize, "Review:MaxPageSize must be at least Review:DefaultPageSize."),
        (s => s.QueuePageSize < 1, "Review:QueuePageSize must be at least 1."),
        (s => s.RecentlyDecidedCount < 0, "Review:RecentlyDecidedCount must not be negative."),
        (s => s.MediumConfidence is < 0 or > 1 || s.HighConfidence is < 0 or > 1 || s.MediumConfidence > s.HighConfidence,
            "Review:MediumConfidence and Review:HighConfidence must be between 0 and 1, medium not above high."),
        (s => s.QueueDepthInterval <= TimeSpan.Zero, "Review:QueueDepthInterval must be positive."),
        (s => s.ClaimLease < TimeSpan.FromSeconds(30), "Review:ClaimLease must be at least 30 seconds."),
        (s => s.ReviewSla <= TimeSpan.Zero, "Review:ReviewSla must be positive."),
        (s => s.LiveRefreshInterval < TimeSpan.FromSeconds(1), "Review:LiveRefreshInterval must be at least a second."),
        (s => s.SignIn.MaxFailuresPerEmail < 1 || s.SignIn.MaxFailuresPerAddress < 1,
            "Review:SignIn:MaxFailuresPerEmail and Review:SignIn:MaxFailuresPerAddress must be at least 1."),
        (s => s.SignIn.FailureWindow <= TimeSpan.Zero, "Review:SignIn:FailureWindow must be positive."));
}

/// <summary><c>Review:SignIn</c>: failed password sign-ins within the window that stop further tries until it passes.</summary>
internal sealed class SignInLimits
{
    /// <summary>Failed sign-ins for one email (since its last success) after which that email is refused.</summary>
    public int MaxFailuresPerEmail { get; set; } = 5;

    /// <summary>Failed sign-ins from one address, whatever the email, after which that address is refused.</summary>
    public int MaxFailuresPerAddress { get; set; } = 30;

    /// <summary>How far back failures count; a refusal lasts until the oldest counted failure leaves the window.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);
}
