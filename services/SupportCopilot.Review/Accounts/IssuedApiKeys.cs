using Dapper;
using SupportCopilot.Contracts;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Review.Accounts;

/// <summary>An issued key as listed: never the key itself, which is shown once when it is created.</summary>
internal sealed class IssuedApiKey
{
    public Guid KeyId { get; init; }

    public string Name { get; init; } = string.Empty;

    public string Role { get; init; } = SupportCopilotRoles.Agent;

    public DateTimeOffset CreatedAt { get; init; }

    public string CreatedBy { get; init; } = string.Empty;

    public DateTimeOffset? RevokedAt { get; init; }

    public string? RevokedBy { get; init; }
}

/// <summary>
/// API keys admins issue, each scoped to a role, kept as SHA-256 hashes only. Issuing and revoking
/// publish <see cref="ApiKeyIssued"/> and <see cref="ApiKeyRevoked"/> in the same transaction, so
/// services in other processes can learn the hashes without reading this table.
/// </summary>
internal sealed class IssuedApiKeys(ReviewDatabase database, TimeProvider time) : IApiKeyIssuer
{
    private const string Columns = """
        key_id AS KeyId, name AS Name, role AS Role, created_at AS CreatedAt, created_by AS CreatedBy,
        revoked_at AS RevokedAt, revoked_by AS RevokedBy
        """;

    private const string SelectByHash = "SELECT " + Columns + " FROM api_keys WHERE key_hash = @KeyHash AND revoked_at IS NULL";

    private const string SelectAll = "SELECT " + Columns + " FROM api_keys ORDER BY created_at DESC";

    private const string InsertKey = """
        INSERT INTO api_keys (key_id, name, key_hash, role, created_at, created_by)
        VALUES (@KeyId, @Name, @KeyHash, @Role, @CreatedAt, @CreatedBy)
        """;

    private const string RevokeKey = """
        UPDATE api_keys SET revoked_at = @RevokedAt, revoked_by = @RevokedBy
        WHERE key_id = @KeyId AND revoked_at IS NULL
        """;

    private const string SelectForAnnouncement = """
        SELECT key_id AS KeyId, name AS Name, key_hash AS KeyHash, role AS Role, created_at AS CreatedAt, revoked_at AS RevokedAt
        FROM api_keys ORDER BY created_at
        """;

    public async ValueTask<ApiKeyOwner?> FindAsync(string keyHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var key = await connection.QuerySingleOrDefaultAsync<IssuedApiKey>(
            new CommandDefinition(SelectByHash, new { KeyHash = keyHash }, cancellationToken: cancellationToken));
        return key is null ? null : new ApiKeyOwner(key.KeyId.ToString(), key.Name, key.Role);
    }

    /// <summary>Creates a key and returns it in clear, the only time it exists outside the caller's hands.</summary>
    public async Task<(IssuedApiKey Key, string Secret)> IssueAsync(string name, string role, string createdBy, CancellationToken cancellationToken)
    {
        var secret = ApiKeys.Generate();
        var now = time.GetUtcNow();
        var key = new IssuedApiKey { KeyId = Guid.CreateVersion7(now), Name = name.Trim(), Role = role, CreatedAt = now, CreatedBy = createdBy };
        var hash = ApiKeys.Hash(secret);
        await using var transaction = await database.BeginAsync(cancellationToken);
        await transaction.ExecuteAsync(InsertKey, new { key.KeyId, key.Name, KeyHash = hash, key.Role, key.CreatedAt, key.CreatedBy }, cancellationToken);
        await transaction.PublishAsync(new ApiKeyIssued(key.KeyId, key.Name, hash, key.Role, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (key, secret);
    }

    /// <summary>True when the key was active and is revoked now.</summary>
    public async Task<bool> RevokeAsync(Guid keyId, string revokedBy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await database.BeginAsync(cancellationToken);
        var changed = await transaction.ExecuteAsync(RevokeKey, new { KeyId = keyId, RevokedAt = now, RevokedBy = revokedBy }, cancellationToken);
        if (changed == 1)
        {
            await transaction.PublishAsync(new ApiKeyRevoked(keyId, now), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return changed == 1;
    }

    /// <summary>
    /// Publishes every key again: <see cref="ApiKeyIssued"/> for an active one, <see cref="ApiKeyRevoked"/>
    /// for a revoked one. A service that started after a key was issued never heard of it; its
    /// consumer takes the repeat as harmlessly as a redelivery.
    /// </summary>
    public async Task<(int Active, int Revoked)> AnnounceAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginAsync(cancellationToken);
        var keys = (await transaction.Connection.QueryAsync<AnnouncedKey>(
            new CommandDefinition(SelectForAnnouncement, transaction: transaction.Transaction, cancellationToken: cancellationToken))).AsList();
        foreach (var key in keys)
        {
            if (key.RevokedAt is { } revokedAt)
            {
                await transaction.PublishAsync(new ApiKeyRevoked(key.KeyId, revokedAt), cancellationToken);
            }
            else
            {
                await transaction.PublishAsync(new ApiKeyIssued(key.KeyId, key.Name, key.KeyHash, key.Role, key.CreatedAt), cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        var revoked = keys.Count(k => k.RevokedAt is not null);
        return (keys.Count - revoked, revoked);
    }

    public async Task<IReadOnlyList<IssuedApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<IssuedApiKey>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken))).AsList();
    }
}

/// <summary>What <see cref="IssuedApiKeys.AnnounceAsync"/> republishes of a key.</summary>
internal sealed class AnnouncedKey
{
    public Guid KeyId { get; init; }

    public string Name { get; init; } = string.Empty;

    public string KeyHash { get; init; } = string.Empty;

    public string Role { get; init; } = string.Empty;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }
}
