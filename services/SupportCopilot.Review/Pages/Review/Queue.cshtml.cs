using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SupportCopilot.Review.Items;
using SupportCopilot.Review.Queue;

namespace SupportCopilot.Review.Pages.Review;

/// <summary>The review queue: pending drafts by priority then age, filtered, a page at a time; and what was decided lately.</summary>
internal sealed class QueueModel(QueueQueries queue, ReviewItemQueries queries, IOptions<ReviewSettings> settings, TimeProvider time)
    : ReviewPageModel(settings, time)
{
    [BindProperty(SupportsGet = true)]
    public string? Connector { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Category { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Reason { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Band { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Language { get; set; }

    [BindProperty(Name = "page", SupportsGet = true)]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<ReviewItem> Pending { get; private set; } = [];

    public long PendingCount { get; private set; }

    public int PageCount => (int)Math.Max(1, (PendingCount + Settings.QueuePageSize - 1) / Settings.QueuePageSize);

    public QueueFacets Facets { get; private set; } = new([], [], [], [], []);

    public IReadOnlyList<ReviewItem> RecentlyDecided { get; private set; } = [];

    public QueueFilter Filter => new(Blank(Connector), Blank(Category), Blank(Reason), QueueQueries.Bands.Contains(Band) ? Band : null, Blank(Language));

    public double RefreshSeconds => Settings.LiveRefreshInterval.TotalSeconds;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Clamp(PageNumber, 1, 100_000);
        (Pending, PendingCount) = await queue.PageAsync(
            Filter, PageNumber, Settings.QueuePageSize, Settings.HighConfidence, Settings.MediumConfidence, cancellationToken);
        Facets = await queue.FacetsAsync(Settings.HighConfidence, Settings.MediumConfidence, cancellationToken);
        RecentlyDecided = await queries.RecentlyDecidedAsync(Settings.RecentlyDecidedCount, cancellationToken);
    }

    /// <summary>This page's address with one filter changed (null removes it) and paging reset.</summary>
    public string With(string name, string? value, int page = 1)
    {
        var query = new Dictionary<string, string?>
        {
            ["connector"] = Filter.Connector,
            ["category"] = Filter.Category,
            ["reason"] = Filter.Reason,
            ["band"] = Filter.Band,
            ["language"] = Filter.Language,
        };
        if (name.Length > 0)
        {
            query[name] = value;
        }

        if (page > 1)
        {
            query["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var pairs = query.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value!));
        var text = string.Join("&", pairs);
        return text.Length == 0 ? "/review" : "/review?" + text;
    }

    /// <summary><c>ok</c>, <c>warn</c> from half the SLA, <c>breach</c> past it.</summary>
    public string SlaState(DateTimeOffset queuedAt)
    {
        var waited = Now - queuedAt;
        return waited >= Settings.ReviewSla ? "breach" : waited >= Settings.ReviewSla / 2 ? "warn" : "ok";
    }

    public string SlaLeft(DateTimeOffset queuedAt)
    {
        var left = queuedAt + Settings.ReviewSla - Now;
        return left <= TimeSpan.Zero ? "SLA breached" : "SLA in " + Duration(left);
    }

    public DateTimeOffset CurrentTime => Now;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
