using System.Data.Common;
using Dapper;
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

    /// <summary>
    /// Runs <paramref name="insert"/> and, only if it stored a row (<paramref name="storedCheck"/>
    /// then finds one), queues <paramref name="message"/>: both or neither. On PostgreSQL the
    /// statements go in one batch, which the server runs as one implicit transaction, so the unit
    /// of work is a single round trip instead of one per statement plus the commit. Under load
    /// every round trip is another wait for a core, on the caller's side and on the server's. For
    /// units of work that need nothing read first and whose insert is its own duplicate check (a
    /// conflict it ignores); the others use <see cref="BeginAsync"/>. See ADR 29.
    /// </summary>
    /// <returns>False when the insert stored nothing (a conflict it was told to ignore).</returns>
    public Task<bool> InsertAndPublishAsync<T>(
        string insert, string storedCheck, object parameters, T message, CancellationToken cancellationToken = default)
        where T : class =>
        InsertAndPublishAsync(insert, storedCheck, parameters, message, consumed: null, cancellationToken);

    /// <summary>
    /// As the overload without <paramref name="consumed"/>, with the inbox record of the message
    /// being handled in the same batch: a redelivery then stores and queues nothing.
    /// </summary>
    public async Task<bool> InsertAndPublishAsync<T>(
        string insert, string storedCheck, object parameters, T message, ConsumedMessage? consumed, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(insert);
        ArgumentException.ThrowIfNullOrWhiteSpace(storedCheck);
        var all = new DynamicParameters(parameters);
        all.AddDynamicParams(ServiceTransaction.OutboxRow(message));
        var inbox = string.Empty;
        if (consumed is not null)
        {
            all.AddDynamicParams(ServiceTransaction.InboxRow(consumed.MessageId, consumed.Consumer));
            inbox = ServiceTransaction.InsertInbox + ";\n";
        }

        var sql = $"""
            {inbox}{insert};
            {ServiceTransaction.InsertOutboxColumns}
            SELECT {ServiceTransaction.OutboxValues} WHERE EXISTS ({storedCheck})
            """;

        await using var connection = await OpenAsync(cancellationToken);
        int affected;
        if (IsPostgres)
        {
            affected = await connection.ExecuteAsync(new CommandDefinition(sql, all, cancellationToken: cancellationToken));
        }
        else
        {
            // SQLite commits each statement of a command on its own; it is in-process, so the
            // transaction costs no round trip.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            affected = await connection.ExecuteAsync(new CommandDefinition(sql, all, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }

        // The row and its message are stored together (two rows) or not at all; the inbox record
        // adds one or none. So two or more rows affected means the row and its message were stored.
        if (affected < 2)
        {
            return false;
        }

        OutboxSignal.Notify();
        return true;
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

/// <summary>The message a unit of work handles, recorded in the inbox so that a redelivery is recognised.</summary>
public sealed record ConsumedMessage(Guid MessageId, string Consumer);
