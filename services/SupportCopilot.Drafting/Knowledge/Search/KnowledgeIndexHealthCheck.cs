using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>Ready once the search index has been built (it may hold no passages yet); says whether retrieval is hybrid.</summary>
internal sealed class KnowledgeIndexHealthCheck(KnowledgeIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var mode = index.IsHybrid
            ? $"hybrid retrieval (BM25 + embeddings, {index.VectorCount} vectors)"
            : "BM25 only (no embedding deployment configured)";
        var data = new Dictionary<string, object> { ["passages"] = index.PassageCount, ["retrieval"] = index.IsHybrid ? "hybrid" : "bm25" };
        return Task.FromResult(index.IsReady
            ? HealthCheckResult.Healthy($"{index.PassageCount} passages indexed, {mode}", data)
            : HealthCheckResult.Unhealthy("The knowledge index is being built.", data: data));
    }
}
