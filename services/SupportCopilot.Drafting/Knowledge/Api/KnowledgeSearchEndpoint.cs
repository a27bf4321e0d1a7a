using SupportCopilot.Hosting.Authentication;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary><c>GET /api/drafting/knowledge/search?q=...</c>: what retrieval finds for a text (for agents and ops, and to debug a draft).</summary>
internal static class KnowledgeSearchEndpoint
{
    public static IEndpointRouteBuilder MapKnowledgeSearch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/drafting/knowledge/search", async (string? q, string? subject, int? top, KnowledgeIndex index, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(q))
            {
                return Hosting.ValidationProblems.ForRequest("q", "Give the text to search for.");
            }

            if (top is < 1 or > 50)
            {
                return Hosting.ValidationProblems.ForRequest("top", "top must be between 1 and 50.");
            }

            var result = await index.SearchAsync(subject ?? string.Empty, q, top ?? 10, cancellationToken);
            return Results.Ok(result.Hits.Select(h => new
            {
                h.Rank,
                h.Score,
                h.Chunk.Source,
                h.Chunk.DocumentId,
                h.Chunk.Title,
                h.Chunk.HeadingPath,
                h.Chunk.Page,
                Passage = h.Chunk.Text,
            }));
        })
            .RequireAuthorization(AuthPolicies.Agent)
            .WithName("SearchKnowledge")
            .WithTags("Knowledge base")
            .WithSummary("What retrieval finds for a text (top 1-50 passages, default 10)")
            .ProducesValidationProblem();
        return app;
    }
}
