using Dapper;
using Microsoft.Extensions.Options;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Review.Accounts;

/// <summary>
/// Refuses password sign-ins for an email, or from an address, that failed too often lately. It
/// counts the audit log's <c>signin.failed</c> lines rather than an in-memory counter, so every Review
/// instance sees the same count and a restart does not reset it; a successful sign-in starts the
/// email's count afresh. A refused attempt checks no password, so guessing stops while it lasts.
/// </summary>
internal sealed class SignInThrottle(ReviewDatabase database, IOptions<ReviewSettings> settings, TimeProvider time)
{
    // The address count covers one address spraying many accounts; behind a proxy every person shares
    // the proxy's address, which is why its limit is separate and higher.
    private const string RecentFailures = """
        SELECT
          (SELECT COUNT(*) FROM audit_log
           WHERE action = 'signin.failed' AND actor = @Actor AND at > @Since
             AND at > COALESCE((SELECT MAX(at) FROM audit_log WHERE action = 'signin.succeeded' AND actor = @Actor), @Since)) AS ByEmail,
          (SELECT MIN(at) FROM audit_log
           WHERE action = 'signin.failed' AND actor = @Actor AND at > @Since
             AND at > COALESCE((SELECT MAX(at) FROM audit_log WHERE action = 'signin.succeeded' AND actor = @Actor), @Since)) AS OldestByEmail,
          (SELECT COUNT(*) FROM audit_log
           WHERE action = 'signin.failed' AND remote_address = @Address AND at > @Since) AS ByAddress,
          (SELECT MIN(at) FROM audit_log
           WHERE action = 'signin.failed' AND remote_address = @Address AND at > @Since) AS OldestByAddress
        """;

    /// <summary>How long until <paramref name="email"/> may try again from <paramref name="address"/>; null when it may now.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(string email, string? address, CancellationToken cancellationToken)
    {
        var limits = settings.Value.SignIn;
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        var counts = await connection.QuerySingleAsync<FailureCounts>(new CommandDefinition(
            RecentFailures,
            new { Actor = UserAccounts.NormalizeEmail(email), Address = address ?? string.Empty, Since = now - limits.FailureWindow },
            cancellationToken: cancellationToken));

        DateTimeOffset? until = null;
        if (counts.ByEmail >= limits.MaxFailuresPerEmail && counts.OldestByEmail is { } oldestForEmail)
        {
            until = oldestForEmail + limits.FailureWindow;
        }

        if (address is not null && counts.ByAddress >= limits.MaxFailuresPerAddress && counts.OldestByAddress is { } oldestForAddress)
        {
            var addressUntil = oldestForAddress + limits.FailureWindow;
            until = until is null || addressUntil > until ? addressUntil : until;
        }

        return until is { } at && at > now ? at - now : null;
    }

    private sealed class FailureCounts
    {
        public long ByEmail { get; init; }

        public DateTimeOffset? OldestByEmail { get; init; }

        public long ByAddress { get; init; }

        public DateTimeOffset? OldestByAddress { get; init; }
    }
}
