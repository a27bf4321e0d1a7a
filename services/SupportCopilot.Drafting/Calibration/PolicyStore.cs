using System.Text.Json;
using Dapper;
using SupportCopilot.Drafting.Database;

namespace SupportCopilot.Drafting.Calibration;

/// <summary>
/// Stored confidence policies: the newest <c>live</c> one decides, the newest <c>shadow</c> one
/// watches. Read at most every <see cref="Refresh"/> so that a policy stored by
/// <c>copilot calibrate</c> reaches every running instance without a restart; until one is stored
/// the configured coefficients decide.
/// </summary>
internal sealed class PolicyStore(DraftingDatabase database, DraftingOptions options, TimeProvider? time = null) : IPolicySource
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);

    private const string Latest = """
        SELECT policy FROM confidence_policies WHERE role = @Role ORDER BY created_at DESC, version DESC LIMIT 1
        """;

    private const string Insert = """
        INSERT INTO confidence_policies (version, role, policy, threshold, created_at)
        VALUES (@Version, @Role, @Policy, @Threshold, @CreatedAt)
        """;

    private const string Promote = "UPDATE confidence_policies SET role = 'live', created_at = @Now WHERE version = @Version";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);
    // A reference, swapped whole: readers on other threads never see half of an update.
    private volatile CachedPair? _cached;

    public ConfidencePolicy Configured => ConfidencePolicy.FromOptions(options.Confidence, options.AutoSendThreshold);

    public async Task<PolicyPair> CurrentAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_cached is { } cached && now - cached.ReadAt < Refresh)
        {
            return cached.Pair;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && now - again.ReadAt < Refresh)
            {
                return again.Pair;
            }

            await using var connection = await database.OpenAsync(cancellationToken);
            var live = await ReadAsync(connection, "live", cancellationToken);
            var shadow = await ReadAsync(connection, "shadow", cancellationToken);
            var pair = new PolicyPair(live ?? Configured, shadow);
            _cached = new CachedPair(pair, now);
            return pair;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stores a policy as <c>live</c> (decides from the next refresh on) or <c>shadow</c> (only watches).</summary>
    public async Task SaveAsync(ConfidencePolicy policy, bool shadow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            Insert,
            new
            {
                policy.Version,
                Role = shadow ? "shadow" : "live",
                Policy = JsonSerializer.Serialize(policy, Json),
                policy.Threshold,
                CreatedAt = _time.GetUtcNow(),
            },
            cancellationToken: cancellationToken));
        _cached = null;
    }

    /// <summary>Makes a stored (shadow) policy the live one; false when no such version is stored.</summary>
    public async Task<bool> PromoteAsync(string version, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(Promote, new { Version = version, Now = _time.GetUtcNow() }, cancellationToken: cancellationToken));
        _cached = null;
        return changed > 0;
    }

    private static async Task<ConfidencePolicy?> ReadAsync(System.Data.Common.DbConnection connection, string role, CancellationToken cancellationToken)
    {
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(Latest, new { Role = role }, cancellationToken: cancellationToken));
        return json is null ? null : JsonSerializer.Deserialize<ConfidencePolicy>(json, Json);
    }

    private sealed record CachedPair(PolicyPair Pair, DateTimeOffset ReadAt);
}
