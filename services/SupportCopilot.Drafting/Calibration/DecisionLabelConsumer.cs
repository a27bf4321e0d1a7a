using MassTransit;
using SupportCopilot.Contracts;
using SupportCopilot.Drafting.Database;

namespace SupportCopilot.Drafting.Calibration;

/// <summary>
/// Keeps each agent decision as the label of the draft it judged (approved unchanged, edited,
/// rejected), beside the draft's stored signals, for <c>copilot calibrate --decisions</c>. The first
/// decision for a draft wins; a redelivery or a later message for the same draft changes nothing.
/// </summary>
internal sealed class DecisionLabelConsumer(DraftingDatabase database) : IConsumer<ReplyApproved>, IConsumer<DraftRejected>
{
    public const string Approved = "approved";
    public const string Edited = "edited";
    public const string Rejected = "rejected";

    private const string InsertLabel = """
        INSERT INTO draft_labels (draft_id, outcome, agent, decided_at)
        SELECT @DraftId, @Outcome, @Agent, @DecidedAt
        WHERE NOT EXISTS (SELECT 1 FROM draft_labels WHERE draft_id = @DraftId)
        """;

    public Task Consume(ConsumeContext<ReplyApproved> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        return LabelAsync(m.DraftId, m.Edited ? Edited : Approved, m.Agent, m.ApprovedAt, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<DraftRejected> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = context.Message;
        return LabelAsync(m.DraftId, Rejected, m.Agent, m.RejectedAt, context.CancellationToken);
    }

    /// <summary>Records the label; false when the draft already had one.</summary>
    internal async Task<bool> LabelAsync(Guid draftId, string outcome, string agent, DateTimeOffset decidedAt, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginAsync(cancellationToken);
        var written = await transaction.ExecuteAsync(
            InsertLabel, new { DraftId = draftId, Outcome = outcome, Agent = agent, DecidedAt = decidedAt }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written > 0;
    }
}
