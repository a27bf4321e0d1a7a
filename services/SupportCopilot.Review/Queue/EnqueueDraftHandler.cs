using Dapper;
using SupportCopilot.Contracts;
using SupportCopilot.Hosting;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Review.Queue;

/// <summary>Puts a draft the policy held back into the review queue, once.</summary>
internal sealed class EnqueueDraftHandler(ReviewDatabase database, TimeProvider time, SupportCopilotMetrics? metrics = null)
{
    public const string ConsumerName = "review-draft-ready";

    private const string InsertItem = """
        INSERT INTO review_items (
            draft_id, ticket_id, connector, external_id, subject, body, customer_email, customer_name,
            language, received_at, draft_text, citations, confidence, reasons, drafter, queued_at, status,
            category, priority, insights)
        VALUES (
            @DraftId, @TicketId, @Connector, @ExternalId, @Subject, @Body, @CustomerEmail, @CustomerName,
            @Language, @ReceivedAt, @DraftText, @Citations, @Confidence, @Reasons, @Drafter, @QueuedAt, 'pending',
            @Category, @Priority, @Insights)
        ON CONFLICT (draft_id) DO NOTHING
        """;

    private const string InsertAutoSent = """
        INSERT INTO auto_sent_drafts (draft_id, connector, category, confidence, drafted_at)
        VALUES (@DraftId, @Connector, @Category, @Confidence, @DraftedAt)
        ON CONFLICT (draft_id) DO NOTHING
        """;

    /// <summary>All of a draft's reason codes in one statement (one round trip, not one per code).</summary>
    private static (string Sql, DynamicParameters Parameters) InsertReasons(Guid draftId, IReadOnlyList<string> codes)
    {
        var parameters = new DynamicParameters();
        parameters.Add("DraftId", draftId);
        for (var i = 0; i < codes.Count; i++)
        {
            parameters.Add("Code" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), codes[i]);
        }

        var rows = string.Join(", ", Enumerable.Range(0, codes.Count).Select(i => $"(@DraftId, @Code{i})"));
        return ($"INSERT INTO review_item_reasons (draft_id, code) VALUES {rows} ON CONFLICT DO NOTHING", parameters);
    }

    /// <summary>
    /// Guarded topics (billing, legal, security, privacy, hostile or churning customers) and unhappy
    /// customers come first: they cost most when they wait.
    /// </summary>
    public static int PriorityOf(DraftReady draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var guarded = draft.Reasons.Any(r => r.StartsWith("guarded:", StringComparison.Ordinal));
        var unhappy = string.Equals(draft.Insights?.Sentiment, "negative", StringComparison.OrdinalIgnoreCase);
        return guarded || unhappy ? 1 : 0;
    }

    /// <summary>
    /// True when the draft was queued now; false when it is sent automatically, or when this
    /// message (inbox) or this draft (primary key) was handled before.
    /// </summary>
    public async Task<bool> HandleAsync(DraftReady draft, Guid messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.AutoSend)
        {
            // Not queued, only counted: the metrics page needs the auto-send rate.
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                InsertAutoSent,
                new { draft.DraftId, draft.Ticket.Connector, draft.Insights?.Category, draft.Confidence, draft.DraftedAt },
                cancellationToken: cancellationToken));
            return false;
        }

        await using var transaction = await database.BeginAsync(cancellationToken);
        if (!await transaction.TryConsumeAsync(messageId, ConsumerName, cancellationToken))
        {
            return false;
        }

        var queuedAt = time.GetUtcNow();
        var ticket = draft.Ticket;
        var inserted = await transaction.ExecuteAsync(
            InsertItem,
            new
            {
                draft.DraftId,
                ticket.TicketId,
                ticket.Connector,
                ticket.ExternalId,
                ticket.Subject,
                ticket.Body,
                CustomerEmail = ticket.Customer.Email,
                CustomerName = ticket.Customer.Name,
                // Drafting's detected language beats the helpdesk's label when it has one.
                Language = draft.Insights?.Language is { Length: > 0 } detected ? detected : ticket.Language,
                ticket.ReceivedAt,
                DraftText = draft.Text,
                Citations = ReviewJson.Write(draft.Citations),
                draft.Confidence,
                Reasons = ReviewJson.Write(draft.Reasons),
                draft.Drafter,
                QueuedAt = queuedAt,
                draft.Insights?.Category,
                Priority = PriorityOf(draft),
                Insights = draft.Insights is null ? null : ReviewJson.Write(draft.Insights),
            },
            cancellationToken) == 1;
        if (inserted)
        {
            var codes = draft.Reasons.Distinct(StringComparer.Ordinal).ToList();
            if (codes.Count > 0)
            {
                var (sql, parameters) = InsertReasons(draft.DraftId, codes);
                await transaction.ExecuteAsync(sql, parameters, cancellationToken);
            }

            await transaction.PublishAsync(new DraftQueuedForReview(draft.DraftId, ticket.TicketId, queuedAt), cancellationToken);
        }

        // The inbox row commits either way, so a redelivery of this message is a no-op.
        await transaction.CommitAsync(cancellationToken);
        if (inserted)
        {
            metrics?.DraftQueuedForReview();
        }

        return inserted;
    }
}
