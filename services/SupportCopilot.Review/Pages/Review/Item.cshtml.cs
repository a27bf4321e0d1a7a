using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SupportCopilot.Review.Claims;
using SupportCopilot.Review.Decisions;
using SupportCopilot.Review.Items;
using SupportCopilot.Review.Queue;

namespace SupportCopilot.Review.Pages.Review;

/// <summary>
/// One draft: the ticket, the draft, its sources, and the decisions. Opening a pending item claims
/// it; while someone else holds it the page shows who and offers no action.
/// </summary>
internal sealed class ItemModel(
    ReviewItemQueries queries,
    QueueQueries queue,
    DecisionHandler decisions,
    ClaimHandler claims,
    IOptions<ReviewSettings> settings,
    TimeProvider time)
    : ReviewPageModel(settings, time)
{
    public ReviewItem Item { get; private set; } = new();

    /// <summary>The reply in the edit box: the draft at first, the agent's text after a preview or a failed post.</summary>
    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? Comment { get; set; }

    /// <summary>The answer the agent would have given, kept with a reject.</summary>
    [BindProperty]
    public string? RejectText { get; set; }

    [BindProperty]
    public string? Question { get; set; }

    [BindProperty]
    public string? EscalateComment { get; set; }

    /// <summary>The live lease when someone else holds the item.</summary>
    public ClaimResult? HeldByOther { get; private set; }

    /// <summary>Set after "Preview": the edit against the draft, waiting for confirmation.</summary>
    public IReadOnlyList<DiffPart>? Diff { get; private set; }

    public Guid? NextDraftId { get; private set; }

    public bool Pending => Item.Status == ReviewStatus.Pending;

    public bool CanAct => Pending && HeldByOther is null;

    /// <summary>Where a citation's document can be read, from <see cref="ReviewSettings.DocumentLinkTemplate"/>; null without one.</summary>
    public string? DocumentLink(string source)
    {
        var template = Settings.DocumentLinkTemplate;
        if (string.IsNullOrWhiteSpace(template))
        {
            return null;
        }

        var hash = source.IndexOf('#', StringComparison.Ordinal);
        var document = hash < 0 ? source : source[..hash];
        var anchor = hash < 0 ? string.Empty : source[(hash + 1)..];
        return template
            .Replace("{document}", string.Join('/', document.Split('/').Select(Uri.EscapeDataString)), StringComparison.Ordinal)
            .Replace("{anchor}", Uri.EscapeDataString(anchor), StringComparison.Ordinal);
    }

    public double RenewSeconds => Math.Max(10, Settings.ClaimLease.TotalSeconds / 3);

    public async Task<IActionResult> OnGetAsync(Guid draftId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(draftId, cancellationToken))
        {
            return NotFound();
        }

        Text = Item.DraftText;
        Question = Item.Insights?.ClarifyingQuestion;
        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync(Guid draftId, CancellationToken cancellationToken) =>
        ApproveAsync(draftId, new ApproveRequest(AgentName, null), cancellationToken);

    /// <summary>Shows what changed before anything is sent.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(Guid draftId, CancellationToken cancellationToken)
    {
        var request = new ApproveRequest(AgentName, Text ?? string.Empty);
        var validation = await new ApproveRequestValidator().ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return await ShowErrorsAsync(draftId, validation, cancellationToken);
        }

        if (!await LoadAsync(draftId, cancellationToken))
        {
            return NotFound();
        }

        Diff = TextDiff.Words(Item.DraftText.ReplaceLineEndings("\n").Trim(), Text!.ReplaceLineEndings("\n").Trim());
        return Page();
    }

    public Task<IActionResult> OnPostEditAsync(Guid draftId, CancellationToken cancellationToken) =>
        ApproveAsync(draftId, new ApproveRequest(AgentName, Text ?? string.Empty), cancellationToken);

    public async Task<IActionResult> OnPostRejectAsync(Guid draftId, CancellationToken cancellationToken)
    {
        var request = new RejectRequest(AgentName, Reason, Comment, RejectText);
        var validation = await new RejectRequestValidator().ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return await ShowErrorsAsync(draftId, validation, cancellationToken);
        }

        return Done(await decisions.RejectAsync(draftId, request, cancellationToken));
    }

    public async Task<IActionResult> OnPostEscalateAsync(Guid draftId, CancellationToken cancellationToken)
    {
        var request = new EscalateRequest(AgentName, EscalateComment);
        var validation = await new EscalateRequestValidator().ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return await ShowErrorsAsync(draftId, validation, cancellationToken);
        }

        return Done(await decisions.EscalateAsync(draftId, request, cancellationToken));
    }

    public async Task<IActionResult> OnPostClarifyAsync(Guid draftId, CancellationToken cancellationToken)
    {
        var request = new ClarifyRequest(AgentName, Question);
        var validation = await new ClarifyRequestValidator().ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return await ShowErrorsAsync(draftId, validation, cancellationToken);
        }

        return Done(await decisions.ClarifyAsync(draftId, request, cancellationToken));
    }

    private async Task<IActionResult> ApproveAsync(Guid draftId, ApproveRequest request, CancellationToken cancellationToken)
    {
        var validation = await new ApproveRequestValidator().ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return await ShowErrorsAsync(draftId, validation, cancellationToken);
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
            case DecisionOutcome.HeldByOther:
                Flash($"{result.DecidedBy} is working on that draft; nothing was changed.", "warning");
                return RedirectToPage("/Review/Item", new { draftId = result.DraftId });
            default:
                Flash(result.Decision switch
                {
                    ReviewStatus.Approved => "Approved: the draft goes to the customer as it was.",
                    ReviewStatus.Edited => "Sent: your reply goes to the customer.",
                    _ => "Rejected: nothing is sent to the customer.",
                });
                break;
        }

        return RedirectToPage("/Review/Queue");
    }

    private async Task<IActionResult> ShowErrorsAsync(Guid draftId, ValidationResult validation, CancellationToken cancellationToken)
    {
        var text = Text;
        if (!await LoadAsync(draftId, cancellationToken))
        {
            return NotFound();
        }

        foreach (var error in validation.Errors)
        {
            ModelState.AddModelError(error.PropertyName, error.ErrorMessage);
        }

        Text = text ?? Item.DraftText;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid draftId, CancellationToken cancellationToken)
    {
        var item = await queries.FindAsync(draftId, cancellationToken);
        if (item is null)
        {
            return false;
        }

        if (item.Status == ReviewStatus.Pending)
        {
            var claim = await claims.ClaimAsync(draftId, AgentName, cancellationToken);
            HeldByOther = claim.Outcome == ClaimOutcome.HeldByOther ? claim : null;
            var (next, _) = await queue.PageAsync(QueueFilter.None, 1, 2, Settings.HighConfidence, Settings.MediumConfidence, cancellationToken);
            NextDraftId = next.Select(n => (Guid?)n.DraftId).FirstOrDefault(id => id != draftId);
        }

        Item = item;
        ViewData["Title"] = item.Subject;
        return true;
    }
}
