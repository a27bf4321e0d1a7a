using Microsoft.Extensions.Options;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Review.Pages.Review;

/// <summary>The review queue: pending drafts, oldest first, and what was decided lately.</summary>
internal sealed class QueueModel(ReviewItemQueries queries, IOptions<ReviewSettings> settings, TimeProvider time)
    : ReviewPageModel(settings, time)
{
    public IReadOnlyList<ReviewItem> Pending { get; private set; } = [];

    public int PendingCount { get; private set; }

    public IReadOnlyList<ReviewItem> RecentlyDecided { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Pending = await queries.ListAsync(ReviewStatus.Pending, Settings.QueuePageSize, 0, cancellationToken);
        PendingCount = Pending.Count < Settings.QueuePageSize ? Pending.Count : await queries.CountPendingAsync(cancellationToken);
        RecentlyDecided = await queries.RecentlyDecidedAsync(Settings.RecentlyDecidedCount, cancellationToken);
    }
}
