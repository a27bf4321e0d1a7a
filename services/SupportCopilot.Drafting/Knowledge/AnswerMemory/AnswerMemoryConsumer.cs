using System.Security.Cryptography;
using System.Text;
using Dapper;
using MassTransit;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Database;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// Answer memory: a reply an agent approved (as drafted or edited) becomes a knowledge entry, so
/// that the next similar ticket is grounded in it. The entry is the document <c>answers/&lt;draft id&gt;</c>,
/// titled with the article the draft cited (its words are what a similar ticket will share), with
/// its provenance (ticket, agent, date, edited) in <c>answer_memory</c>, written in the same
/// transaction as its chunks and the <see cref="KnowledgeChanged"/> event. Idempotent: a
/// redelivered approval has the same content hash and changes nothing.
/// </summary>
internal sealed class AnswerMemoryConsumer(DraftingDatabase database, KnowledgeImporter importer, DraftingOptions options) : IConsumer<ReplyApproved>
{
    public const string DocumentPrefix = "answers/";

    private const string SelectDraftCitations = "SELECT citations FROM drafts WHERE draft_id = @DraftId";

    private const string UpsertProvenance = """
        INSERT INTO answer_memory (draft_id, ticket_id, document_id, agent, edited, approved_at)
        VALUES (@DraftId, @TicketId, @DocumentId, @Agent, @Edited, @ApprovedAt)
        ON CONFLICT (draft_id) DO UPDATE
        SET agent = excluded.agent, edited = excluded.edited, approved_at = excluded.approved_at
        """;

    public static string DocumentIdOf(Guid draftId) => DocumentPrefix + draftId.ToString("D");

    public async Task Consume(ConsumeContext<ReplyApproved> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await RememberAsync(context.Message, context.CancellationToken);
    }

    /// <summary>Stores the approved answer; false when answer memory is off or there is nothing to remember.</summary>
    public async Task<bool> RememberAsync(ReplyApproved approved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approved);
        // A question asked back to the customer answers nothing; remembering it would ground the
        // next similar ticket in a question.
        if (!options.KnowledgeBase.RememberApprovedAnswers || string.IsNullOrWhiteSpace(approved.FinalText) || approved.Kind != ReplyKind.Answer)
        {
            return false;
        }

        var documentId = DocumentIdOf(approved.DraftId);
        var citedTitle = await CitedTitleAsync(approved.DraftId, cancellationToken);
        var title = citedTitle is null ? "Approved answer" : "Approved answer: " + citedTitle;
        var text = approved.FinalText.Trim();
        var chunks = DocumentChunker.SplitLong(text, options.KnowledgeBase.MaxChunkChars)
            .Select((piece, i) => new KnowledgeChunk(KnowledgeChunk.IdOf(documentId, i), documentId, null, title, title, piece, i))
            .ToList();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(title + "\n" + text)));
        await importer.ReplaceAsync(
            new ChunkedDocument(documentId, title, chunks),
            hash,
            DocumentKinds.Answer,
            KnowledgeChange.AnswerRemembered,
            await importer.EmbedAsync(chunks, cancellationToken),
            cancellationToken,
            transaction => transaction.ExecuteAsync(
                UpsertProvenance,
                new { approved.DraftId, approved.TicketId, DocumentId = documentId, approved.Agent, approved.Edited, approved.ApprovedAt },
                cancellationToken));
        return true;
    }

    private async Task<string?> CitedTitleAsync(Guid draftId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var citations = await connection.QuerySingleOrDefaultAsync<string>(
            new CommandDefinition(SelectDraftCitations, new { DraftId = draftId }, cancellationToken: cancellationToken));
        if (string.IsNullOrEmpty(citations))
        {
            return null;
        }

        using var json = System.Text.Json.JsonDocument.Parse(citations);
        return json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array
            && json.RootElement.GetArrayLength() > 0
            && json.RootElement[0].TryGetProperty("title", out var title)
            ? title.GetString()
            : null;
    }
}
