using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Hosting;
using SupportCopilot.Review.Accounts;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Review.Decisions;

internal enum DecisionOutcome
{
    Decided,
    NotFound,
    AlreadyDecided,

    /// <summary>Another agent holds the item's claim lease; <see cref="DecisionResult.DecidedBy"/> names them.</summary>
    HeldByOther,
}

/// <summary>What became of a decision; for <see cref="DecisionOutcome.AlreadyDecided"/> the earlier decision.</summary>
internal sealed record DecisionResult(DecisionOutcome Outcome, Guid DraftId, string? Decision, DateTimeOffset? DecidedAt, string? DecidedBy);

/// <summary>
/// Records an agent's decision on a draft, for the JSON API and the pages alike. The conditional
/// update is the arbiter: of two agents deciding at once exactly one changes the row from
/// pending, and only that one writes a correction and a message.
/// </summary>
internal sealed partial class DecisionHandler(
    ReviewDatabase database,
    TimeProvider time,
    SupportCopilotMetrics? metrics = null,
    ILogger<DecisionHandler>? logger = null,
    AuditLog? audit = null)
{
    private const string SelectItem = """
        SELECT ticket_id AS TicketId, draft_text AS DraftText, queued_at AS QueuedAt, status AS Status,
               decided_at AS DecidedAt, decided_by AS DecidedBy, claimed_by AS ClaimedBy, claim_expires_at AS ClaimExpiresAt
        FROM review_items WHERE draft_id = @DraftId
        """;

    // A live lease held by someone else blocks the decision; an expired one does not.
    private const string MarkDecided = """
        UPDATE review_items SET status = @Status, decided_at = @DecidedAt, decided_by = @Agent, claimed_by = NULL, claim_expires_at = NULL
        WHERE draft_id = @DraftId AND status = 'pending'
          AND (claimed_by IS NULL OR claimed_by = @Agent OR claim_expires_at <= @DecidedAt)
        """;

    private const string InsertCorrection = """
        INSERT INTO corrections (
            correction_id, draft_id, ticket_id, draft_text, final_text, decision, reason, comment, agent, decided_at, review_seconds, action)
        VALUES (
            @CorrectionId, @DraftId, @TicketId, @DraftText, @FinalText, @Decision, @Reason, @Comment, @Agent, @DecidedAt, @ReviewSeconds, @Action)
        """;

    /// <summary>Approves as is, or sends <see cref="ApproveRequest.Text"/> when it differs from the draft. Validate first.</summary>
    public Task<DecisionResult> ApproveAsync(Guid draftId, ApproveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agent = request.Agent!.Trim();
        return DecideAsync(
            draftId,
            agent,
            item =>
            {
                var text = request.Text is null ? null : Normalize(request.Text);
                var edited = text is not null && text != Normalize(item.DraftText);
                return edited
                    ? new Pending(ReviewStatus.Edited, text, null, null)
                    : new Pending(ReviewStatus.Approved, item.DraftText, null, null);
            },
            async (transaction, item, pending, decidedAt) => await transaction.PublishAsync(
                new ReplyApproved(draftId, item.TicketId, pending.FinalText!, pending.Status == ReviewStatus.Edited, agent, decidedAt),
                cancellationToken),
            cancellationToken);
    }

    /// <summary>Rejects the draft; nothing goes to the customer. Validate first.</summary>
    public Task<DecisionResult> RejectAsync(Guid draftId, RejectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agent = request.Agent!.Trim();
        var comment = string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim();
        return DecideAsync(
            draftId,
            agent,
            _ => new Pending(ReviewStatus.Rejected, Rewrite(request.Text), request.Reason, comment),
            async (transaction, item, pending, decidedAt) => await transaction.PublishAsync(
                new DraftRejected(draftId, item.TicketId, pending.Reason!, pending.Comment, agent, decidedAt),
                cancellationToken),
            cancellationToken);
    }

    /// <summary>
    /// Hands the ticket to a person outside the queue: nothing is sent, the correction is a reject
    /// for <c>needs_escalation</c> marked <see cref="DecisionActions.Escalated"/>. Validate first.
    /// </summary>
    public Task<DecisionResult> EscalateAsync(Guid draftId, EscalateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agent = request.Agent!.Trim();
        var comment = string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim();
        return DecideAsync(
            draftId,
            agent,
            _ => new Pending(ReviewStatus.Rejected, null, RejectReasons.NeedsEscalation, comment, DecisionActions.Escalated),
            async (transaction, item, pending, decidedAt) => await transaction.PublishAsync(
                new DraftRejected(draftId, item.TicketId, RejectReasons.NeedsEscalation, pending.Comment, agent, decidedAt),
                cancellationToken),
            cancellationToken);
    }

    /// <summary>
    /// Sends the customer a question instead of the draft. The correction keeps the question as the
    /// final text, marked <see cref="DecisionActions.ClarifyingQuestion"/> so data sets can tell it
    /// from an answer. Validate first.
    /// </summary>
    public Task<DecisionResult> ClarifyAsync(Guid draftId, ClarifyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agent = request.Agent!.Trim();
        var question = Normalize(request.Question!);
        return DecideAsync(
            draftId,
            agent,
            _ => new Pending(ReviewStatus.Edited, question, null, null, DecisionActions.ClarifyingQuestion),
            async (transaction, item, pending, decidedAt) => await transaction.PublishAsync(
                new ReplyApproved(draftId, item.TicketId, question, true, agent, decidedAt, ReplyKind.ClarifyingQuestion),
                cancellationToken),
            cancellationToken);
    }

    private async Task<DecisionResult> DecideAsync(
        Guid draftId,
        string agent,
        Func<ItemState, Pending> decide,
        Func<ServiceTransaction, ItemState, Pending, DateTimeOffset, Task> publish,
        CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginAsync(cancellationToken);
        var item = await transaction.QuerySingleOrDefaultAsync<ItemState>(SelectItem, new { DraftId = draftId }, cancellationToken);
        if (item is null)
        {
            return new DecisionResult(DecisionOutcome.NotFound, draftId, null, null, null);
        }

        if (item.Status != ReviewStatus.Pending)
        {
            return new DecisionResult(DecisionOutcome.AlreadyDecided, draftId, item.Status, item.DecidedAt, item.DecidedBy);
        }

        var decidedAt = time.GetUtcNow();
        if (item.IsHeldByOther(agent, decidedAt))
        {
            return new DecisionResult(DecisionOutcome.HeldByOther, draftId, null, item.ClaimExpiresAt, item.ClaimedBy);
        }

        var pending = decide(item);
        var changed = await transaction.ExecuteAsync(
            MarkDecided, new { DraftId = draftId, pending.Status, DecidedAt = decidedAt, Agent = agent }, cancellationToken);
        if (changed == 0)
        {
            // Another agent decided or claimed it between our read and our update; read what they did.
            var winner = await transaction.QuerySingleOrDefaultAsync<ItemState>(SelectItem, new { DraftId = draftId }, cancellationToken);
            return winner is { Status: ReviewStatus.Pending }
                ? new DecisionResult(DecisionOutcome.HeldByOther, draftId, null, winner.ClaimExpiresAt, winner.ClaimedBy)
                : new DecisionResult(DecisionOutcome.AlreadyDecided, draftId, winner?.Status, winner?.DecidedAt, winner?.DecidedBy);
        }

        await transaction.ExecuteAsync(
            InsertCorrection,
            new
            {
                CorrectionId = Guid.CreateVersion7(decidedAt),
                DraftId = draftId,
                item.TicketId,
                item.DraftText,
                pending.FinalText,
                Decision = pending.Status,
                pending.Reason,
                pending.Comment,
                Agent = agent,
                DecidedAt = decidedAt,
                ReviewSeconds = Math.Max(0, (decidedAt - item.QueuedAt).TotalSeconds),
                pending.Action,
            },
            cancellationToken);
        await publish(transaction, item, pending, decidedAt);
        await transaction.CommitAsync(cancellationToken);
        metrics?.ReviewDecided(pending.Status, decidedAt - item.QueuedAt);
        if (audit is not null)
        {
            await audit.RecordAsync(
                "draft." + (pending.Action ?? pending.Status), draftId.ToString(), pending.Reason is null ? null : "reason=" + pending.Reason, cancellationToken);
        }

        if (logger is not null)
        {
            using (logger.BeginScope("TicketId:{TicketId} DraftId:{DraftId}", item.TicketId, draftId))
            {
                LogDecided(logger, pending.Status, agent);
            }
        }

        return new DecisionResult(DecisionOutcome.Decided, draftId, pending.Status, decidedAt, agent);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Draft {Decision} by {Agent}")]
    private static partial void LogDecided(ILogger logger, string decision, string agent);

    // Browsers post textareas with CRLF line ends; a draft the agent did not touch is not an edit.
    private static string Normalize(string text) => text.ReplaceLineEndings("\n").Trim();

    private static string? Rewrite(string? text) => string.IsNullOrWhiteSpace(text) ? null : Normalize(text);

    private sealed record Pending(string Status, string? FinalText, string? Reason, string? Comment, string? Action = null);

    private sealed class ItemState
    {
        public Guid TicketId { get; init; }

        public string DraftText { get; init; } = string.Empty;

        public DateTimeOffset QueuedAt { get; init; }

        public string Status { get; init; } = string.Empty;

        public DateTimeOffset? DecidedAt { get; init; }

        public string? DecidedBy { get; init; }

        public string? ClaimedBy { get; init; }

        public DateTimeOffset? ClaimExpiresAt { get; init; }

        public bool IsHeldByOther(string agent, DateTimeOffset now) =>
            ClaimedBy is not null && ClaimedBy != agent && ClaimExpiresAt > now;
    }
}
