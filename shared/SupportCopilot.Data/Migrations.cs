using Dapper;
using Microsoft.Extensions.Logging;

namespace SupportCopilot.Data;

/// <summary>One schema change, written once per dialect because DDL differs.</summary>
public sealed record Migration(int Version, string Name, string Sqlite, string Postgres);

/// <summary>
/// Applies a service's migrations in order, once. On PostgreSQL an advisory lock makes it safe
/// for several instances to start at the same time.
/// </summary>
public static class Migrator
{
    /// <summary>Outbox and inbox tables every service has; version 0 so service migrations start at 1.</summary>
    public static readonly Migration Messaging = new(
        0,
        "outbox and inbox",
        Sqlite: """
            CREATE TABLE outbox_messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                message_id TEXT NOT NULL UNIQUE,
                message_type TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at TEXT NOT NULL,
                sent_at TEXT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT NULL
            );
            CREATE INDEX ix_outbox_unsent ON outbox_messages (id) WHERE sent_at IS NULL;
            CREATE TABLE inbox_messages (
                message_id TEXT NOT NULL,
                consumer TEXT NOT NULL,
                consumed_at TEXT NOT NULL,
                PRIMARY KEY (message_id, consumer)
            );
            """,
        Postgres: """
            CREATE TABLE outbox_messages (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                message_id uuid NOT NULL UNIQUE,
                message_type text NOT NULL,
                body text NOT NULL,
                created_at timestamptz NOT NULL,
                sent_at timestamptz NULL,
                attempts integer NOT NULL DEFAULT 0,
                last_error text NULL
            );
            CREATE INDEX ix_outbox_unsent ON outbox_messages (id) WHERE sent_at IS NULL;
            CREATE TABLE inbox_messages (
                message_id uuid NOT NULL,
                consumer text NOT NULL,
                consumed_at timestamptz NOT NULL,
                PRIMARY KEY (message_id, consumer)
            );
            """);

    /// <summary>
    /// Shared migrations after <see cref="Messaging"/> are numbered from this base up, so they can
    /// never clash with a service's own migrations (1 to <see cref="SharedVersionBase"/> - 1).
    /// They touch only tables of their own (outbox, inbox, known API keys), never a service's,
    /// so their order relative to a service's migrations does not matter. (Messaging keeps 0:
    /// databases already record it so.)
    /// </summary>
    public const int SharedVersionBase = 1_000_000;

    /// <summary>The trace context of the operation that wrote an outbox row, so the relay publishes within its trace.</summary>
    public static readonly Migration OutboxTraceParent = new(
        SharedVersionBase + 1,
        "outbox trace parent",
        Sqlite: "ALTER TABLE outbox_messages ADD COLUMN trace_parent TEXT NULL;",
        Postgres: "ALTER TABLE outbox_messages ADD COLUMN IF NOT EXISTS trace_parent text NULL;");

    /// <summary>
    /// API keys a service learned from <c>ApiKeyIssued</c> and <c>ApiKeyRevoked</c>, so it accepts
    /// keys issued elsewhere without reading another service's tables. A revocation that arrives
    /// first leaves a row with only <c>revoked_at</c> (a tombstone), hence the nullable columns.
    /// </summary>
    public static readonly Migration KnownApiKeys = new(
        SharedVersionBase + 2,
        "known api keys",
        Sqlite: """
            CREATE TABLE known_api_keys (
                key_id TEXT NOT NULL PRIMARY KEY,
                name TEXT NULL,
                key_hash TEXT NULL,
                role TEXT NULL,
                issued_at TEXT NULL,
                revoked_at TEXT NULL
            );
            CREATE INDEX ix_known_api_keys_hash ON known_api_keys (key_hash);
            """,
        Postgres: """
            CREATE TABLE IF NOT EXISTS known_api_keys (
                key_id uuid NOT NULL PRIMARY KEY,
                name text NULL,
                key_hash text NULL,
                role text NULL,
                issued_at timestamptz NULL,
                revoked_at timestamptz NULL
            );
            CREATE INDEX IF NOT EXISTS ix_known_api_keys_hash ON known_api_keys (key_hash);
            """);

    /// <summary>Every migration a service's schema gets: the shared ones and its own, in order.</summary>
    public static IReadOnlyList<Migration> AllFor(IReadOnlyList<Migration> serviceMigrations)
    {
        ArgumentNullException.ThrowIfNull(serviceMigrations);
        foreach (var migration in serviceMigrations)
        {
            if (migration.Version is < 1 or >= SharedVersionBase)
            {
                throw new ArgumentException(
                    $"Service migration {migration.Version} ({migration.Name}) is outside 1..{SharedVersionBase - 1}; versions from {SharedVersionBase} are reserved for shared migrations.",
                    nameof(serviceMigrations));
            }
        }

        return serviceMigrations.Prepend(KnownApiKeys).Prepend(OutboxTraceParent).Prepend(Messaging).OrderBy(m => m.Version).ToList();
    }

    /// <summary>Applies what is missing; returns how many migrations it applied (0: already current).</summary>
    public static async Task<int> MigrateAsync(
        ServiceDatabase database,
        IReadOnlyList<Migration> migrations,
        ILogger logger,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(logger);
        var all = AllFor(migrations);

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (database.IsPostgres)
        {
            // The lock comes first: concurrent CREATE SCHEMA IF NOT EXISTS can still fail on a
            // unique violation, and PostgreSQL DDL is transactional, so all of it goes under the lock.
            await connection.ExecuteAsync(
                "SELECT pg_advisory_xact_lock(hashtext(@Lock))",
                new { Lock = "supportcopilot-migrate-" + database.Schema },
                transaction);
            await connection.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS \"{database.Schema}\"", transaction: transaction);
        }

        await connection.ExecuteAsync(
            database.IsPostgres
                ? "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
            transaction: transaction);
        var applied = (await connection.QueryAsync<int>("SELECT version FROM schema_migrations", transaction: transaction)).ToHashSet();

        var count = 0;
        foreach (var migration in all.Where(m => !applied.Contains(m.Version)))
        {
            await connection.ExecuteAsync(database.IsPostgres ? migration.Postgres : migration.Sqlite, transaction: transaction);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow },
                transaction);
            logger.LogInformation("Applied migration {Version} ({Name}) to {Schema}", migration.Version, migration.Name, database.Schema);
            count++;
        }

        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    /// <summary>
    /// The migrations not yet applied to the database, without changing anything: what a service
    /// started with <c>Database:MigrateOnStart=false</c> waits for.
    /// </summary>
    public static async Task<IReadOnlyList<Migration>> PendingAsync(
        ServiceDatabase database,
        IReadOnlyList<Migration> migrations,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var all = AllFor(migrations);
        await using var connection = await database.OpenAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            database.IsPostgres
                ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = @Schema AND table_name = 'schema_migrations'"
                : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            new { database.Schema },
            cancellationToken: cancellationToken));
        if (exists == 0)
        {
            return all;
        }

        var applied = (await connection.QueryAsync<int>(new CommandDefinition(
            "SELECT version FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();
        return all.Where(m => !applied.Contains(m.Version)).ToList();
    }
}
