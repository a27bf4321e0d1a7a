using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SupportCopilot.Data;

/// <summary>
/// The database one service owns: a PostgreSQL schema named after the service, or a SQLite file
/// of its own. Services subclass it so that, when all three share one process, each resolves
/// its own and never reads another's tables.
/// </summary>
public abstract class ServiceDatabase
{
    private readonly string _connectionString;

    static ServiceDatabase() => DapperTypeHandlers.Register();

    protected ServiceDatabase(string schema, DatabaseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Schema = schema;
        Provider = settings.Provider;
        _connectionString = settings.Provider switch
        {
            DatabaseProvider.Postgres => PostgresConnectionString(
                schema,
                settings.ConnectionString ?? throw new InvalidOperationException(
                    "Database:ConnectionString is required when Database:Provider is Postgres.")),
            _ => new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(EnsureDirectory(settings.DataDirectory), schema + ".db"),
                Pooling = true,
                DefaultTimeout = 30,
            }.ConnectionString,
        };
    }

    public string Schema { get; }

    /// <summary>
    /// The configured connection string in the service's schema. Unless it says otherwise, a
    /// connection keeps the service's statements prepared (each service runs a few dozen
    /// statements thousands of times; parsing and planning each anew was a third of PostgreSQL's
    /// CPU per ticket) and skips the reset round trip when it goes back to the pool (no code
    /// leaves session state behind: the one advisory lock is transaction-scoped). See ADR 26.
    /// </summary>
    internal static string PostgresConnectionString(string schema, string configured)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = configured };
        var builder = new NpgsqlConnectionStringBuilder(configured) { SearchPath = schema };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    public DatabaseProvider Provider { get; }

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        DbConnection connection = IsPostgres
            ? new NpgsqlConnection(_connectionString)
            : new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (!IsPostgres)
            {
                // WAL lets readers (the review UI) run while the relay or a consumer writes.
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens a connection and a transaction with the outbox and inbox at hand.</summary>
    public async Task<ServiceTransaction> BeginAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return new ServiceTransaction(connection, transaction, OutboxSignal);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Wakes this service's outbox relay when a transaction with messages commits.</summary>
    public OutboxSignal OutboxSignal { get; } = new();

    private static string EnsureDirectory(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(full);
        return full;
    }
}
