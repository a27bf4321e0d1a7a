using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SupportCopilot.Review.FailedReplies;

namespace SupportCopilot.Review.Pages.Review;

/// <summary>Replies Intake could not deliver, newest first, each with a Retry button.</summary>
internal sealed class FailedRepliesModel(
    FailedReplyQueries queries, RetryFailedReplyHandler retries, IOptions<ReviewSettings> settings, TimeProvider time)
    : ReviewPageModel(settings, time)
{
    public IReadOnlyList<FailedReply> Replies { get; private set; } = [];

    public int FailedCount { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Replies = await queries.ListOpenAsync(FailedReplyQueries.ListLimit, cancellationToken);
        FailedCount = await queries.CountFailedAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid draftId, CancellationToken cancellationToken)
    {
        var result = await retries.RetryAsync(draftId, AgentName, cancellationToken);
        switch (result.Outcome)
        {
            case RetryOutcome.NotFound:
                return NotFound();
            case RetryOutcome.NotFailed:
                Flash(
                    result.Status == FailedReplyStatus.Resolved
                        ? "That reply was delivered meanwhile; nothing was retried."
                        : $"{result.RequestedBy} already asked for that retry; nothing was changed.",
                    "warning");
                break;
            default:
                Flash("Retry requested: Intake delivers the reply again.");
                break;
        }

        return RedirectToPage("/Review/FailedReplies");
    }
}
