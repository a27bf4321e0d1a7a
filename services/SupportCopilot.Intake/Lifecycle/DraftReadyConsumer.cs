using System.Text.Json;
using MassTransit;
using SupportCopilot.Contracts;
using SupportCopilot.Intake.Tickets;

namespace SupportCopilot.Intake.Lifecycle;

/// <summary>
/// Records the draft on the ticket. An auto-send draft goes straight to reply delivery; one
/// for review waits for Review's <see cref="DraftQueuedForReview"/>.
/// </summary>
internal sealed class DraftReadyConsumer(IntakeDatabase database, TimeProvider clock) : IConsumer<DraftReady>
{
    // The draft and the move to drafted in one statement: one row version and one round trip per
    // ticket instead of two. A ticket Review's "queued" already moved on keeps its status.
    private static readonly string RecordDraft = $"""
        UPDATE tickets SET draft_id = @DraftId, draft_text = @Text, draft_citations = @Citations,
               draft_confidence = @Confidence, draft_auto_send = @AutoSend, draft_reasons = @Reasons,
               drafted_at = @DraftedAt, updated_at = @Now,
               status = CASE WHEN status = '{TicketStatus.Received}' THEN '{TicketStatus.Drafted}' ELSE status END
        WHERE ticket_id = @TicketId AND draft_id IS NULL
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task Consume(ConsumeContext<DraftReady> context)
    {
        var draft = context.Message;
        var now = clock.GetUtcNow();
        await using var transaction = await database.BeginAsync(context.CancellationToken);
        if (!await transaction.TryConsumeAsync(context.MessageId!.Value, nameof(DraftReadyConsumer), context.CancellationToken))
        {
            return;
        }

        var recorded = await transaction.ExecuteAsync(
            RecordDraft,
            new
            {
                draft.DraftId,
                draft.Ticket.TicketId,
                draft.Text,
                Citations = JsonSerializer.Serialize(draft.Citations.Select(c => new { c.Source, c.Title }), Json),
                draft.Confidence,
                draft.AutoSend,
                Reasons = JsonSerializer.Serialize(draft.Reasons, Json),
                draft.DraftedAt,
                Now = now,
            },
            context.CancellationToken);

        // A ticket keeps its first draft; a second draft for it would be a second answer.
        if (recorded == 1 && draft.AutoSend)
        {
            await transaction.PublishAsync(
                new SendReply(draft.DraftId, draft.Ticket.TicketId, draft.Text, ReplyOrigin.Automatic),
                context.CancellationToken);
        }

        await transaction.CommitAsync(context.CancellationToken);
    }
}
