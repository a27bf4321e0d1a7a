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

    public static async Task MigrateAsync(
        ServiceDatabase database,
        IReadOnlyList<Migration> migrations,
        ILogger logger,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(migrations);
        var all = migrations.Prepend(Messaging).OrderBy(m => m.Version).ToList();

        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.IsPostgres)
        {
            await connection.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS \"{database.Schema}\"");
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (database.IsPostgres)
        {
            await connection.ExecuteAsync(
                "SELECT pg_advisory_xact_lock(hashtext(@Lock))",
                new { Lock = "supportcopilot-migrate-" + database.Schema },
                transaction);
        }

        await connection.ExecuteAsync(
            database.IsPostgres
                ? "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
            transaction: transaction);
        var applied = (await connection.QueryAsync<int>("SELECT version FROM schema_migrations", transaction: transaction)).ToHashSet();

        foreach (var migration in all.Where(m => !applied.Contains(m.Version)))
        {
            await connection.ExecuteAsync(database.IsPostgres ? migration.Postgres : migration.Sqlite, transaction: transaction);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow },
                transaction);
            logger.LogInformation("Applied migration {Version} ({Name}) to {Schema}", migration.Version, migration.Name, database.Schema);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
