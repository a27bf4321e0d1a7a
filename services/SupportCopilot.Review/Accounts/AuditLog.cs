using System.Security.Claims;
using Dapper;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Review.Accounts;

/// <summary>One line of the audit log: who did what to which thing, when and from where.</summary>
internal sealed class AuditEntry
{
    public Guid AuditId { get; init; }

    public DateTimeOffset At { get; init; }

    public string Actor { get; init; } = string.Empty;

    public string Action { get; init; } = string.Empty;

    public string? Target { get; init; }

    public string? Detail { get; init; }

    public string? RemoteAddress { get; init; }
}

/// <summary>
/// Writes the audit log for the current request: the actor is the signed-in person or key (or
/// the email someone tried to sign in with), the address the connection's remote IP.
/// </summary>
internal sealed class AuditLog(ReviewDatabase database, TimeProvider time, IHttpContextAccessor http)
{
    public const int ListLimit = 500;

    private const string InsertEntry = """
        INSERT INTO audit_log (audit_id, at, actor, action, target, detail, remote_address)
        VALUES (@AuditId, @At, @Actor, @Action, @Target, @Detail, @RemoteAddress)
        """;

    private const string SelectRecent = """
        SELECT audit_id AS AuditId, at AS At, actor AS Actor, action AS Action, target AS Target,
               detail AS Detail, remote_address AS RemoteAddress
        FROM audit_log ORDER BY at DESC, audit_id DESC LIMIT @Limit
        """;

    public async Task RecordAsync(string action, string? target, string? detail, CancellationToken cancellationToken, string? actor = null)
    {
        var context = http.HttpContext;
        var now = time.GetUtcNow();
        var entry = new AuditEntry
        {
            AuditId = Guid.CreateVersion7(now),
            At = now,
            Actor = actor ?? ActorOf(context?.User),
            Action = action,
            Target = target,
            Detail = detail is { Length: > 2000 } ? detail[..2000] : detail,
            RemoteAddress = context?.Connection.RemoteIpAddress?.ToString(),
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertEntry, entry, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<AuditEntry>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<AuditEntry>(new CommandDefinition(SelectRecent, new { Limit = limit }, cancellationToken: cancellationToken))).AsList();
    }

    public static string ActorOf(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true ? user.Identity.Name ?? "unknown" : "anonymous";
}
