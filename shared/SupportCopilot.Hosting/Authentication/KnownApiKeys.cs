using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SupportCopilot.Contracts;
using SupportCopilot.Data;

namespace SupportCopilot.Hosting.Authentication;

/// <summary>A row of <c>known_api_keys</c> as the store reads it.</summary>
internal sealed class KnownApiKey
{
    public Guid KeyId { get; init; }

    public string Name { get; init; } = string.Empty;

    public string Role { get; init; } = string.Empty;
}

/// <summary>
/// The API keys a service learned from <see cref="ApiKeyIssued"/> and <see cref="ApiKeyRevoked"/>,
/// kept in its own <c>known_api_keys</c> table. A revoked key never matches.
/// </summary>
public sealed class KnownApiKeyStore<TDatabase>(TDatabase database) : ILearnedApiKeyStore
    where TDatabase : ServiceDatabase
{
    private const string SelectActiveByHash = """
        SELECT key_id AS KeyId, name AS Name, role AS Role
        FROM known_api_keys
        WHERE key_hash = @KeyHash AND revoked_at IS NULL
        """;

    public async ValueTask<ApiKeyOwner?> FindAsync(string keyHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        await using var connection = await database.OpenAsync(cancellationToken);
        var keys = (await connection.QueryAsync<KnownApiKey>(
            new CommandDefinition(SelectActiveByHash, new { KeyHash = keyHash }, cancellationToken: cancellationToken))).AsList();

        // One hash, one key: two rows would mean a reissued secret, and then neither is trusted.
        return keys.Count == 1 ? new ApiKeyOwner(keys[0].KeyId.ToString(), keys[0].Name, keys[0].Role) : null;
    }
}

/// <summary>
/// Keeps <c>known_api_keys</c> in step with Review's issued keys. Both writes are upserts that
/// never undo a revocation, so redelivery changes nothing and a revocation that overtakes its
/// issue still wins: it leaves a tombstone the later issue fills in but cannot reopen.
/// </summary>
public sealed class ApiKeyEventsConsumer<TDatabase>(TDatabase database) : IConsumer<ApiKeyIssued>, IConsumer<ApiKeyRevoked>
    where TDatabase : ServiceDatabase
{
    private const string UpsertIssued = """
        INSERT INTO known_api_keys (key_id, name, key_hash, role, issued_at)
        VALUES (@KeyId, @Name, @KeyHash, @Role, @IssuedAt)
        ON CONFLICT (key_id) DO UPDATE SET
            name = excluded.name, key_hash = excluded.key_hash, role = excluded.role, issued_at = excluded.issued_at
        """;

    private const string UpsertRevoked = """
        INSERT INTO known_api_keys (key_id, revoked_at)
        VALUES (@KeyId, @RevokedAt)
        ON CONFLICT (key_id) DO UPDATE SET revoked_at = COALESCE(known_api_keys.revoked_at, excluded.revoked_at)
        """;

    public async Task Consume(ConsumeContext<ApiKeyIssued> context)
    {
        var issued = context.Message;
        await using var connection = await database.OpenAsync(context.CancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            UpsertIssued,
            new { issued.KeyId, issued.Name, issued.KeyHash, issued.Role, issued.IssuedAt },
            cancellationToken: context.CancellationToken));
    }

    public async Task Consume(ConsumeContext<ApiKeyRevoked> context)
    {
        var revoked = context.Message;
        await using var connection = await database.OpenAsync(context.CancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            UpsertRevoked,
            new { revoked.KeyId, revoked.RevokedAt },
            cancellationToken: context.CancellationToken));
    }
}

public static class KnownApiKeysRegistration
{
    /// <summary>
    /// Lets a service accept API keys issued in Review: a store over its own <c>known_api_keys</c>
    /// table. Pair it with <see cref="AddApiKeyEventsConsumer{TDatabase}"/> in the service's consumers.
    /// </summary>
    public static IServiceCollection AddKnownApiKeys<TDatabase>(this IServiceCollection services)
        where TDatabase : ServiceDatabase
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApiKeyStore, KnownApiKeyStore<TDatabase>>());
        return services;
    }

    /// <summary>
    /// Consumes <see cref="ApiKeyIssued"/> and <see cref="ApiKeyRevoked"/> on <c>&lt;service&gt;-api-key-events</c>:
    /// a queue per service, so every service hears every key.
    /// </summary>
    public static void AddApiKeyEventsConsumer<TDatabase>(this IBusRegistrationConfigurator bus, string service)
        where TDatabase : ServiceDatabase
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentException.ThrowIfNullOrEmpty(service);
        bus.AddConsumer<ApiKeyEventsConsumer<TDatabase>>().Endpoint(endpoint => endpoint.Name = service + "-api-key-events");
    }
}
