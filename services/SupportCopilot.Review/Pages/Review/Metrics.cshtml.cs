using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SupportCopilot.Review.Metrics;

namespace SupportCopilot.Review.Pages.Review;

/// <summary>Ops' view of how the copilot does over a period: rates, review time, edit distance, calibration; as charts and CSV.</summary>
internal sealed class MetricsModel(ReviewMetrics metrics, IOptions<ReviewSettings> settings, TimeProvider time) : ReviewPageModel(settings, time)
{
    public const int DefaultDays = 30;

    [BindProperty(SupportsGet = true)]
    public DateOnly? Since { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? Until { get; set; }

    public MetricsReport Report { get; private set; } = null!;

    public DateOnly SinceDate => Since ?? UntilDate.AddDays(-DefaultDays);

    /// <summary>Inclusive: the period runs to the end of this day.</summary>
    public DateOnly UntilDate => Until ?? DateOnly.FromDateTime(Now.UtcDateTime);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (SinceDate > UntilDate)
        {
            ModelState.AddModelError(nameof(Since), "The period must start before it ends.");
            Since = UntilDate.AddDays(-DefaultDays);
        }

        Report = await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        if (SinceDate > UntilDate)
        {
            return BadRequest();
        }

        var report = await LoadAsync(cancellationToken);
        var csv = new StringBuilder("dimension,value,drafted,auto_sent,reviewed,approved_unchanged,edited,rejected,auto_send_rate,approved_unchanged_rate,edited_rate,rejected_rate,median_review_seconds,p90_review_seconds,mean_edit_distance_words\n");
        foreach (var slice in report.ByCategory.Prepend(report.Overall).Concat(report.ByConnector))
        {
            csv.AppendJoin(',', [
                Field(slice.Dimension), Field(slice.Value), Number(slice.Drafted), Number(slice.AutoSent), Number(slice.Reviewed),
                Number(slice.ApprovedUnchanged), Number(slice.Edited), Number(slice.Rejected), Number(slice.AutoSendRate),
                Number(slice.ApprovedUnchangedRate), Number(slice.EditedRate), Number(slice.RejectedRate),
                Number(slice.MedianReviewSeconds), Number(slice.P90ReviewSeconds), Number(slice.MeanEditDistance),
            ]).Append('\n');
        }

        var name = $"review-metrics-{SinceDate:yyyy-MM-dd}-{UntilDate:yyyy-MM-dd}.csv";
        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", name);
    }

    public static string Rate(double? rate) => rate is { } r ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";

    public static string Seconds(double? seconds) => seconds is { } s ? Duration(TimeSpan.FromSeconds(s)) : "–";

    public string CsvUrl => $"/review/metrics?handler=Csv&since={SinceDate:yyyy-MM-dd}&until={UntilDate:yyyy-MM-dd}";

    private Task<MetricsReport> LoadAsync(CancellationToken cancellationToken)
    {
        var since = new DateTimeOffset(SinceDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var until = new DateTimeOffset(UntilDate.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return metrics.ReportAsync(since, until, cancellationToken);
    }

    // Category and connector names come from helpdesks and models: quote them, and defuse spreadsheet formulas.
    private static string Field(string value)
    {
        var safe = value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
        return "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static string Number(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? string.Empty;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
