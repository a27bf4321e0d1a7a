using Dapper;
using Microsoft.Extensions.Options;
using SupportCopilot.Review.Accounts;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Review.Claims;

internal enum ClaimOutcome
{
    /// <summary>The caller holds the lease now (new, renewed, or taken over after it expired).</summary>
    Held,

    /// <summary>Another agent's lease is live; <see cref="ClaimResult.Holder"/> names them.</summary>
    HeldByOther,
    NotPending,
    NotFound,
}

internal sealed record ClaimResult(ClaimOutcome Outcome, Guid DraftId, string? Holder, DateTimeOffset? ExpiresAt);

/// <summary>
/// Claim leases: opening an item claims it for <see cref="ReviewSettings.ClaimLease"/>, the page
/// renews it while open, and an expired lease is free for anyone. The conditional update is the
/// arbiter: of two agents claiming at once, the database lets exactly one row change.
/// </summary>
internal sealed class ClaimHandler(ReviewDatabase database, TimeProvider time, IOptions<ReviewSettings> settings, AuditLog? audit = null)
{
    private const string TakeLease = """
        UPDATE review_items SET claimed_by = @Agent, claim_expires_at = @ExpiresAt
        WHERE draft_id = @DraftId AND status = 'pending'
          AND (claimed_by IS NULL OR claimed_by = @Agent OR claim_expires_at <= @Now)
        """;

    private const string ReleaseLease = """
        UPDATE review_items SET claimed_by = NULL, claim_expires_at = NULL
        WHERE draft_id = @DraftId AND status = 'pending' AND claimed_by = @Agent
        """;

    private const string SelectLease = """
        SELECT status AS Status, claimed_by AS ClaimedBy, claim_expires_at AS ClaimExpiresAt
        FROM review_items WHERE draft_id = @DraftId
        """;

    public async Task<ClaimResult> ClaimAsync(Guid draftId, string agent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        var now = time.GetUtcNow();
        var expiresAt = now + settings.Value.ClaimLease;
        await using var connection = await database.OpenAsync(cancellationToken);
        var taken = await connection.ExecuteAsync(new CommandDefinition(
            TakeLease, new { DraftId = draftId, Agent = agent, ExpiresAt = expiresAt, Now = now }, cancellationToken: cancellationToken));
        if (taken == 1)
        {
            if (audit is not null)
            {
                await audit.RecordAsync("draft.claimed", draftId.ToString(), null, cancellationToken);
            }

            return new ClaimResult(ClaimOutcome.Held, draftId, agent, expiresAt);
        }

        var lease = await connection.QuerySingleOrDefaultAsync<Lease>(
            new CommandDefinition(SelectLease, new { DraftId = draftId }, cancellationToken: cancellationToken));
        return lease switch
        {
            null => new ClaimResult(ClaimOutcome.NotFound, draftId, null, null),
            { Status: not "pending" } => new ClaimResult(ClaimOutcome.NotPending, draftId, null, null),
            _ => new ClaimResult(ClaimOutcome.HeldByOther, draftId, lease.ClaimedBy, lease.ClaimExpiresAt),
        };
    }

    /// <summary>Gives the item back before the lease runs out; only the holder can.</summary>
    public async Task<bool> ReleaseAsync(Guid draftId, string agent, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            ReleaseLease, new { DraftId = draftId, Agent = agent }, cancellationToken: cancellationToken)) == 1;
    }

    private sealed class Lease
    {
        public string Status { get; init; } = string.Empty;

        public string? ClaimedBy { get; init; }

        public DateTimeOffset? ClaimExpiresAt { get; init; }
    }
}
