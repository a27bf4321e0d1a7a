using System.Text.Json;
using MassTransit;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Hosting;

namespace SupportCopilot.Drafting.Drafts;

/// <summary>
/// Drafts every ticket Intake accepted, once. One unit of work holds the inbox record, the draft
/// and the outgoing <see cref="DraftReady"/> (outbox): a redelivered message, or a second message
/// for a ticket that already has a draft, changes nothing and publishes nothing.
/// </summary>
internal sealed partial class TicketReceivedConsumer(
    DraftingDatabase database, DraftingPipeline pipeline, SupportCopilotMetrics? metrics = null, ILogger<TicketReceivedConsumer>? logger = null)
    : IConsumer<TicketReceived>
{
    private const string ConsumerName = "drafting-ticket-received";

    private const string InsertDraft = """
        INSERT INTO drafts (draft_id, ticket_id, text, citations, confidence, auto_send, reasons, drafter, drafted_at,
                            signals, policy_version, insights, shadow_version, shadow_confidence, shadow_auto_send)
        VALUES (@DraftId, @TicketId, @Text, @Citations, @Confidence, @AutoSend, @Reasons, @Drafter, @DraftedAt,
                @Signals, @PolicyVersion, @Insights, @ShadowVersion, @ShadowConfidence, @ShadowAutoSend)
        ON CONFLICT (ticket_id) DO NOTHING
        """;

    private const string StoredDraft = "SELECT 1 FROM drafts WHERE draft_id = @DraftId";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task Consume(ConsumeContext<TicketReceived> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await HandleAsync(context.Message, context.MessageId ?? NewId.NextGuid(), context.CancellationToken);
    }

    /// <summary>Drafts the ticket; returns what was published, or null when there was nothing to do.</summary>
    internal async Task<DraftReady?> HandleAsync(TicketReceived message, Guid messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var ticket = message.Ticket;

        // Draft before the transaction: retrieval needs no locks, and a SQLite write lock should be short.
        var result = await pipeline.RunAsync(ticket, cancellationToken);

        var draft = new DraftReady(
            NewId.NextGuid(),
            ticket,
            result.Draft.Text,
            result.Draft.Citations,
            result.Confidence,
            result.Decision.AutoSend,
            result.ReasonCodes,
            result.Drafter,
            DateTimeOffset.UtcNow,
            result.Insights);

        // The insert is the check: a ticket has one draft (unique ticket_id), so a redelivered message,
        // or a second one for a ticket already drafted, stores nothing and publishes nothing. With
        // nothing to read first, inbox record, draft and message are one round trip.
        var stored = await database.InsertAndPublishAsync(
            InsertDraft,
            StoredDraft,
            new
            {
                draft.DraftId,
                ticket.TicketId,
                draft.Text,
                Citations = JsonSerializer.Serialize(draft.Citations, Json),
                draft.Confidence,
                draft.AutoSend,
                Reasons = JsonSerializer.Serialize(result.Decision.Reasons, Json),
                draft.Drafter,
                draft.DraftedAt,

                // The signals are kept so that an agent's decision on this draft can recalibrate the confidence.
                Signals = JsonSerializer.Serialize(result.Features, Json),
                result.Insights.PolicyVersion,
                Insights = JsonSerializer.Serialize(result.Insights, Json),
                ShadowVersion = result.Insights.Shadow?.PolicyVersion,
                ShadowConfidence = result.Insights.Shadow?.Confidence,
                ShadowAutoSend = result.Insights.Shadow?.WouldAutoSend,
            },
            draft,
            new ConsumedMessage(messageId, ConsumerName),
            cancellationToken);
        if (!stored)
        {
            return null;
        }

        if (draft.AutoSend)
        {
            metrics?.DraftAutoSent();
        }

        if (logger is not null)
        {
            LogDrafted(logger, draft.DraftId, draft.Confidence, result.Insights.PolicyVersion, draft.AutoSend, string.Join(",", draft.Reasons));
        }

        return draft;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Drafted {DraftId}: confidence {Confidence:0.00} by policy {PolicyVersion}, auto-send {AutoSend} ({Reasons})")]
    private static partial void LogDrafted(ILogger logger, Guid draftId, double confidence, string policyVersion, bool autoSend, string reasons);
}
