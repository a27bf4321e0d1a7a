using Dapper;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Review.Metrics;

/// <summary>One decided draft, as the metrics need it.</summary>
internal sealed class DecidedRow
{
    public string Connector { get; init; } = string.Empty;

    public string? Category { get; init; }

    public double Confidence { get; init; }

    public string Decision { get; init; } = string.Empty;

    public string DraftText { get; init; } = string.Empty;

    public string? FinalText { get; init; }

    public double ReviewSeconds { get; init; }

    public string? InsightsJson { get; init; }
}

internal sealed class AutoSentRow
{
    public string Connector { get; init; } = string.Empty;

    public string? Category { get; init; }
}

/// <summary>The rates of one slice (all, a category, a connector) over the period.</summary>
internal sealed record MetricsSlice(
    string Dimension,
    string Value,
    int AutoSent,
    int Reviewed,
    int ApprovedUnchanged,
    int Edited,
    int Rejected,
    double? MedianReviewSeconds,
    double? P90ReviewSeconds,
    double? MeanEditDistance)
{
    public int Drafted => AutoSent + Reviewed;

    public double? AutoSendRate => Rate(AutoSent, Drafted);

    public double? ApprovedUnchangedRate => Rate(ApprovedUnchanged, Reviewed);

    public double? EditedRate => Rate(Edited, Reviewed);

    public double? RejectedRate => Rate(Rejected, Reviewed);

    private static double? Rate(int part, int whole) => whole == 0 ? null : (double)part / whole;
}

/// <summary>
/// What one shadow policy would have done with the drafts agents reviewed (the live policy held all
/// of them): how many it would have sent, and what the agents did with those. Its <see cref="Precision"/>
/// is the share of would-be sends an agent approved unchanged: the figure to look at before promoting it.
/// </summary>
internal sealed record ShadowSlice(string PolicyVersion, int Judged, int WouldSend, int ApprovedUnchanged, int Edited, int Rejected, int HeldButApprovedUnchanged)
{
    public double? Precision => WouldSend == 0 ? null : (double)ApprovedUnchanged / WouldSend;

    public double? Coverage => Judged == 0 ? null : (double)WouldSend / Judged;
}

/// <summary>Predicted (mean confidence) against observed (approved unchanged) in one confidence band.</summary>
internal sealed record CalibrationBin(double From, double To, int Count, double? Predicted, double? Observed);

internal sealed record MetricsReport(
    DateTimeOffset Since,
    DateTimeOffset Until,
    MetricsSlice Overall,
    IReadOnlyList<MetricsSlice> ByCategory,
    IReadOnlyList<MetricsSlice> ByConnector,
    IReadOnlyList<(string Label, int Count)> EditDistance,
    IReadOnlyList<CalibrationBin> Calibration,
    IReadOnlyList<ShadowSlice> Shadow);

/// <summary>
/// The metrics page's numbers: auto-send, approval, edit and rejection rates, review times, edit
/// distances and confidence calibration, over a period, overall and per category and connector.
/// Rows are read once and aggregated here, capped at <see cref="MaxRows"/> decisions.
/// </summary>
internal sealed class ReviewMetrics(ReviewDatabase database)
{
    public const int MaxRows = 200_000;

    /// <summary>Edit distance buckets, in words changed.</summary>
    public static readonly IReadOnlyList<(int From, int To, string Label)> DistanceBuckets =
    [
        (1, 2, "1–2"), (3, 5, "3–5"), (6, 10, "6–10"), (11, 20, "11–20"), (21, 50, "21–50"), (51, int.MaxValue, "51+"),
    ];

    private const string SelectDecided = """
        SELECT i.connector AS Connector, i.category AS Category, i.confidence AS Confidence, c.decision AS Decision,
               c.draft_text AS DraftText, c.final_text AS FinalText, c.review_seconds AS ReviewSeconds,
               i.insights AS InsightsJson
        FROM corrections c JOIN review_items i ON i.draft_id = c.draft_id
        WHERE c.decided_at >= @Since AND c.decided_at < @Until
        LIMIT @Limit
        """;

    private const string SelectAutoSent = """
        SELECT connector AS Connector, category AS Category FROM auto_sent_drafts
        WHERE drafted_at >= @Since AND drafted_at < @Until
        LIMIT @Limit
        """;

    public async Task<MetricsReport> ReportAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var parameters = new { Since = since, Until = until, Limit = MaxRows };
        var decided = (await connection.QueryAsync<DecidedRow>(new CommandDefinition(SelectDecided, parameters, cancellationToken: cancellationToken))).AsList();
        var autoSent = (await connection.QueryAsync<AutoSentRow>(new CommandDefinition(SelectAutoSent, parameters, cancellationToken: cancellationToken))).AsList();
        var distances = decided.Where(d => d.Decision == "edited").Select(d => WordDistance(d.DraftText, d.FinalText ?? string.Empty)).ToList();

        return new MetricsReport(
            since,
            until,
            Slice("all", "all", decided, autoSent),
            Group("category", decided, autoSent, d => d.Category ?? "(none)", a => a.Category ?? "(none)"),
            Group("connector", decided, autoSent, d => d.Connector, a => a.Connector),
            [.. DistanceBuckets.Select(b => (b.Label, distances.Count(d => d >= b.From && d <= b.To)))],
            [.. Enumerable.Range(0, 10).Select(i => Calibrate(decided, i / 10.0, (i + 1) / 10.0))],
            ShadowSlices(decided));
    }

    private static List<ShadowSlice> ShadowSlices(List<DecidedRow> decided) =>
        [.. decided
            .Select(d => (Row: d, Shadow: d.InsightsJson is null ? null : ReviewJson.Read<Contracts.DraftInsights>(d.InsightsJson)?.Shadow))
            .Where(x => x.Shadow is not null)
            .GroupBy(x => x.Shadow!.PolicyVersion, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var sent = g.Where(x => x.Shadow!.WouldAutoSend).Select(x => x.Row.Decision).ToList();
                return new ShadowSlice(
                    g.Key,
                    g.Count(),
                    sent.Count,
                    sent.Count(d => d == "approved"),
                    sent.Count(d => d == "edited"),
                    sent.Count(d => d == "rejected"),
                    g.Count(x => !x.Shadow!.WouldAutoSend && x.Row.Decision == "approved"));
            })];

    /// <summary>Words inserted, deleted or replaced to turn one text into the other (Levenshtein over words).</summary>
    public static int WordDistance(string before, string after)
    {
        var a = before.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var b = after.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if ((long)a.Length * b.Length > 4_000_000)
        {
            return Math.Max(a.Length, b.Length);
        }

        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static List<MetricsSlice> Group(
        string dimension, List<DecidedRow> decided, List<AutoSentRow> autoSent, Func<DecidedRow, string> ofDecided, Func<AutoSentRow, string> ofAutoSent) =>
        [.. decided.Select(ofDecided).Concat(autoSent.Select(ofAutoSent)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(value => Slice(
                dimension, value, [.. decided.Where(d => ofDecided(d) == value)], [.. autoSent.Where(a => ofAutoSent(a) == value)]))];

    private static MetricsSlice Slice(string dimension, string value, List<DecidedRow> decided, List<AutoSentRow> autoSent)
    {
        var seconds = decided.Select(d => d.ReviewSeconds).Order().ToList();
        var edited = decided.Where(d => d.Decision == "edited").ToList();
        return new MetricsSlice(
            dimension,
            value,
            autoSent.Count,
            decided.Count,
            decided.Count(d => d.Decision == "approved"),
            edited.Count,
            decided.Count(d => d.Decision == "rejected"),
            Percentile(seconds, 0.5),
            Percentile(seconds, 0.9),
            edited.Count == 0 ? null : edited.Average(d => WordDistance(d.DraftText, d.FinalText ?? string.Empty)));
    }

    private static CalibrationBin Calibrate(List<DecidedRow> decided, double from, double to)
    {
        var inBin = decided.Where(d => d.Confidence >= from && (d.Confidence < to || (to >= 1 && d.Confidence <= 1))).ToList();
        return inBin.Count == 0
            ? new CalibrationBin(from, to, 0, null, null)
            : new CalibrationBin(from, to, inBin.Count, inBin.Average(d => d.Confidence), (double)inBin.Count(d => d.Decision == "approved") / inBin.Count);
    }

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[(int)Math.Clamp(Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
