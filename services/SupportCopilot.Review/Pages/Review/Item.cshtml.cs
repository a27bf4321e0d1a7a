using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SupportCopilot.Review.Decisions;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Review.Pages.Review;

/// <summary>One draft: the ticket, the draft, its sources, and the three decisions.</summary>
internal sealed class ItemModel(
    ReviewItemQueries queries, DecisionHandler decisions, IOptions<ReviewSettings> settings, TimeProvider time)
    : ReviewPageModel(settings, time)
{
    public ReviewItem Item { get; private set; } = new();

    /// <summary>The reply in the edit box: the draft at first, the agent's text after a failed post.</summary>
    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? Comment { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid draftId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(draftId, cancellationToken))
        {
            return NotFound();
        }

        Text = Item.DraftText;
        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync(Guid draftId, CancellationToken cancellationToken) =>
        ApproveAsync(draftId, new ApproveRequest(AgentName, null), cancellationToken);

    public Task<IActionResult> OnPostEditAsync(Guid draftId, CancellationToken cancellationToken) =>
        ApproveAsync(draftId, new ApproveRequest(AgentName, Text ?? string.Empty), cancellationToken);

    public async Task<IActionResult> OnPostRejectAsync(Guid draftId, CancellationToken cancellationToken)
    {
        var request = new RejectRequest(AgentName, Reason, Comment);
        var validation = await new RejectRequestValidator().ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return await ShowErrorsAsync(draftId, validation, keepText: false, cancellationToken);
        }

        return Done(await decisions.RejectAsync(draftId, request, cancellationToken));
    }

    private async Task<IActionResult> ApproveAsync(Guid draftId, ApproveRequest request, CancellationToken cancellationToken)
    {
        var validation = await new ApproveRequestValidator().ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return await ShowErrorsAsync(draftId, validation, keepText: true, cancellationToken);
        }

        return Done(await decisions.ApproveAsync(draftId, request, cancellationToken));
    }

    private IActionResult Done(DecisionResult result)
    {
        switch (result.Outcome)
        {
            case DecisionOutcome.NotFound:
                return NotFound();
            case DecisionOutcome.AlreadyDecided:
                Flash($"That draft was already {result.Decision} by {result.DecidedBy}; nothing was changed.", "warning");
                break;
            default:
                Flash(result.Decision switch
                {
                    ReviewStatus.Approved => "Approved: the draft goes to the customer as it was.",
                    ReviewStatus.Edited => "Sent: your edited reply goes to the customer.",
                    _ => "Rejected: nothing is sent to the customer.",
                });
                break;
        }

        return RedirectToPage("/Review/Queue");
    }

    private async Task<IActionResult> ShowErrorsAsync(Guid draftId, ValidationResult validation, bool keepText, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(draftId, cancellationToken))
        {
            return NotFound();
        }

        foreach (var error in validation.Errors)
        {
            ModelState.AddModelError(error.PropertyName, error.ErrorMessage);
        }

        if (!keepText)
        {
            Text = Item.DraftText;
        }

        return Page();
    }

    private async Task<bool> LoadAsync(Guid draftId, CancellationToken cancellationToken)
    {
        var item = await queries.FindAsync(draftId, cancellationToken);
        if (item is null)
        {
            return false;
        }

        Item = item;
        ViewData["Title"] = item.Subject;
        return true;
    }
}
