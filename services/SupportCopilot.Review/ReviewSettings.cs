namespace SupportCopilot.Review;

/// <summary>Knobs of the Review service, bound from the <c>Review</c> configuration section.</summary>
internal sealed class ReviewSettings
{
    public const string SectionName = "Review";

    /// <summary>Items per page of the JSON list when the caller gives no limit.</summary>
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>Largest limit the JSON list accepts.</summary>
    public int MaxPageSize { get; set; } = 500;

    /// <summary>How many pending items the queue page shows at most.</summary>
    public int QueuePageSize { get; set; } = 200;

    /// <summary>How many decided items the queue page lists under "decided recently".</summary>
    public int RecentlyDecidedCount { get; set; } = 10;

    /// <summary>Confidence from which the UI shows a draft as high (green).</summary>
    public double HighConfidence { get; set; } = 0.8;

    /// <summary>Confidence from which the UI shows a draft as medium (amber); below it is low (red).</summary>
    public double MediumConfidence { get; set; } = 0.5;
}
