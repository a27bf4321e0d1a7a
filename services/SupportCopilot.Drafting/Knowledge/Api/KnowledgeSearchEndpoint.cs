namespace SupportCopilot.Drafting.Knowledge;

/// <summary><c>GET /api/drafting/knowledge/search?q=...</c>: what retrieval finds for a text (for ops, and to debug a draft).</summary>
internal static class KnowledgeSearchEndpoint
{
    public static IEndpointRouteBuilder MapKnowledgeSearch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/drafting/knowledge/search", (string? q, int? top, KnowledgeIndex index) =>
        {
            if (string.IsNullOrWhiteSpace(q))
            {
                return Hosting.ValidationProblems.ForRequest("q", "Give the text to search for.");
            }

            var result = index.Search(string.Empty, q, Math.Clamp(top ?? 10, 1, 50));
            return Results.Ok(result.Hits.Select(h => new
            {
                h.Rank,
                h.Score,
                h.Chunk.Source,
                h.Chunk.Title,
                h.Chunk.HeadingPath,
                Passage = h.Chunk.Text,
            }));
        })
            .WithName("SearchKnowledge")
            .WithTags("Knowledge base")
            .WithSummary("What retrieval finds for a text (top 1-50 passages, default 10)")
            .ProducesValidationProblem();
        return app;
    }
}
