namespace SupportCopilot.Drafting.Calibration;

/// <summary>The policy that decides (live) and the one that only watches (shadow), if any.</summary>
internal sealed record PolicyPair(ConfidencePolicy Live, ConfidencePolicy? Shadow);

internal interface IPolicySource
{
    Task<PolicyPair> CurrentAsync(CancellationToken cancellationToken);
}

/// <summary>Policies given up front: the configured one, or one read from a file by <c>copilot eval --policy</c>.</summary>
internal sealed class FixedPolicySource(ConfidencePolicy live, ConfidencePolicy? shadow = null) : IPolicySource
{
    public Task<PolicyPair> CurrentAsync(CancellationToken cancellationToken) => Task.FromResult(new PolicyPair(live, shadow));
}
