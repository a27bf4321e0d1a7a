using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>Ready once the search index has been built (it may hold no passages yet).</summary>
internal sealed class KnowledgeIndexHealthCheck(KnowledgeIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(index.IsReady
            ? HealthCheckResult.Healthy($"{index.PassageCount} passages indexed")
            : HealthCheckResult.Unhealthy("The knowledge index is being built."));
}
