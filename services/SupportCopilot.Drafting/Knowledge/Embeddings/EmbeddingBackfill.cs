using SupportCopilot.Contracts;
using SupportCopilot.Drafting.Database;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// Embeds the chunks that have no vector yet: those imported before an embedding deployment was
/// configured, whose files have not changed since and so are never re-imported. Runs at start,
/// before the index is built; every batch commits with a <see cref="KnowledgeChanged"/> so that
/// other instances load the new vectors too.
/// </summary>
internal static class EmbeddingBackfill
{
    private const string UpdateEmbedding = "UPDATE chunks SET embedding = @Embedding WHERE chunk_id = @ChunkId";

    /// <summary>How many chunks got a vector.</summary>
    public static async Task<int> RunAsync(DraftingDatabase database, ChunkEmbedder embedder, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(embedder);
        var (chunks, embeddings) = await KnowledgeChunks.LoadWithEmbeddingsAsync(database, cancellationToken);
        var missing = chunks.Where((_, i) => embeddings[i] is null).ToList();
        var done = 0;
        foreach (var batch in missing.Chunk(Math.Max(1, batchSize)))
        {
            var vectors = await embedder.EmbedAsync(batch, cancellationToken);
            await using var transaction = await database.BeginAsync(cancellationToken);
            await transaction.ExecuteAsync(
                UpdateEmbedding,
                batch.Select((chunk, i) => new { chunk.ChunkId, Embedding = VectorBytes.From(vectors[i]!) }).ToList(),
                cancellationToken);
            await transaction.PublishAsync(
                new KnowledgeChanged(batch.Select(c => c.DocumentId).Distinct(StringComparer.Ordinal).ToList(), KnowledgeChange.Embedded, DateTimeOffset.UtcNow),
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            done += batch.Length;
        }

        return done;
    }
}
