namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// Reciprocal rank fusion (Cormack et al. 2009): a passage scores the sum over the ranked lists of
/// <c>weight / (k + rank)</c>. It needs no score calibration between lists, which is why BM25 and
/// cosine similarity (different scales) can be fused by it.
/// </summary>
internal static class ReciprocalRankFusion
{
    /// <summary>
    /// The fused top <paramref name="top"/>. Scores are the fused ones scaled so that the first hit
    /// keeps the first list's top score: confidence signals read score ratios and keep their range.
    /// </summary>
    public static IReadOnlyList<SearchHit> Fuse(IReadOnlyList<(IReadOnlyList<SearchHit> Hits, double Weight)> lists, int top, int k)
    {
        ArgumentNullException.ThrowIfNull(lists);
        var fused = new Dictionary<string, (KnowledgeChunk Chunk, double Score)>(StringComparer.Ordinal);
        foreach (var (hits, weight) in lists)
        {
            foreach (var hit in hits)
            {
                var score = weight / (k + hit.Rank);
                fused[hit.Chunk.ChunkId] = fused.TryGetValue(hit.Chunk.ChunkId, out var existing)
                    ? (existing.Chunk, existing.Score + score)
                    : (hit.Chunk, score);
            }
        }

        var ranked = fused.Values
            .OrderByDescending(f => f.Score)
            .ThenBy(f => f.Chunk.ChunkId, StringComparer.Ordinal)
            .Take(top)
            .ToList();
        if (ranked.Count == 0)
        {
            return [];
        }

        var reference = lists.Select(l => l.Hits).FirstOrDefault(h => h.Count > 0)?[0].Score ?? 1.0;
        var scale = reference > 0 ? reference / ranked[0].Score : 1.0;
        return ranked.Select((f, i) => new SearchHit(f.Chunk, f.Score * scale, i + 1)).ToList();
    }
}
