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
    public Task<bool> InsertAndPublishAsync<T>(
        string insert, string storedCheck, object parameters, T message, ConsumedMessage? consumed, CancellationToken cancellationToken = default)
        where T : class =>
        InsertAndPublishAsync(insert, storedCheck, parameters, ServiceTransaction.OutboxRow(message), consumed, cancellationToken);

    /// <summary>
    /// As the overload with a message, for a message made earlier (on the request it belongs to)
    /// and keyed for <see cref="InsertManyAndPublishAsync"/>: a batch of one takes this path.
    /// </summary>
    public Task<bool> InsertAndPublishAsync(
        string insert, string storedCheck, object parameters, KeyedMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return InsertAndPublishAsync(insert, storedCheck, parameters, message.Row, consumed: null, cancellationToken);
    }

    private async Task<bool> InsertAndPublishAsync(
        string insert, string storedCheck, object parameters, OutboxRowParameters outboxRow, ConsumedMessage? consumed, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(insert);
        ArgumentException.ThrowIfNullOrWhiteSpace(storedCheck);
        var all = new DynamicParameters(parameters);
        all.AddDynamicParams(outboxRow);
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

    /// <summary>
    /// Stores many rows and queues the message of each row it stored, all in one statement: one
    /// round trip and one commit for rows that arrived together (group commit), where
    /// <see cref="InsertAndPublishAsync{T}(string, string, object, T, CancellationToken)"/> costs
    /// one each. <paramref name="insertReturningKeys"/> is an <c>INSERT … RETURNING</c> whose one
    /// column, named <c>key</c>, is the key of each row it stored; a row it skips (a conflict it
    /// ignores) gets no message. PostgreSQL only: SQLite has no data-modifying <c>WITH</c>. See ADR 32.
    /// </summary>
    /// <returns>The keys of the rows stored.</returns>
    public async Task<IReadOnlySet<Guid>> InsertManyAndPublishAsync(
        string insertReturningKeys, object parameters, IReadOnlyList<KeyedMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(insertReturningKeys);
        ArgumentNullException.ThrowIfNull(messages);
        if (!IsPostgres)
        {
            throw new NotSupportedException("Storing many rows in one statement needs PostgreSQL; with SQLite store them one by one.");
        }

        var all = new DynamicParameters(parameters);
        all.Add("OutboxKeys", messages.Select(m => m.Key).ToArray());
        all.Add("OutboxMessageIds", messages.Select(m => m.Row.OutboxMessageId).ToArray());
        all.Add("OutboxMessageTypes", messages.Select(m => m.Row.OutboxMessageType).ToArray());
        all.Add("OutboxBodies", messages.Select(m => m.Row.OutboxBody).ToArray());
        all.Add("OutboxCreatedAts", messages.Select(m => m.Row.OutboxCreatedAt.ToUniversalTime()).ToArray());
        all.Add("OutboxTraceParents", messages.Select(m => m.Row.OutboxTraceParent).ToArray());
        var sql = $"""
            WITH stored AS ({insertReturningKeys}),
            queued AS (
                {ServiceTransaction.InsertOutboxColumns}
                SELECT o.message_id, o.message_type, o.body, o.created_at, o.trace_parent
                FROM unnest(@OutboxKeys, @OutboxMessageIds, @OutboxMessageTypes, @OutboxBodies, @OutboxCreatedAts, @OutboxTraceParents)
                     WITH ORDINALITY AS o (key, message_id, message_type, body, created_at, trace_parent, n)
                WHERE o.key IN (SELECT key FROM stored)
                ORDER BY o.n)
            SELECT key FROM stored
            """;

        await using var connection = await OpenAsync(cancellationToken);
        var stored = (await connection.QueryAsync<Guid>(new CommandDefinition(sql, all, cancellationToken: cancellationToken))).ToHashSet();
        if (stored.Count > 0)
        {
            OutboxSignal.Notify();
        }

        return stored;
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

/// <summary>
/// A message for <see cref="ServiceDatabase.InsertManyAndPublishAsync"/>, queued only if the row
/// with <see cref="Key"/> is stored. Make it where the row is made: it carries that caller's trace.
/// </summary>
public sealed class KeyedMessage
{
    private KeyedMessage(Guid key, OutboxRowParameters row)
    {
        Key = key;
        Row = row;
    }

    public Guid Key { get; }

    internal OutboxRowParameters Row { get; }

    public static KeyedMessage For<T>(Guid key, T message)
        where T : class => new(key, ServiceTransaction.OutboxRow(message));
}

/// <summary>The message a unit of work handles, recorded in the inbox so that a redelivery is recognised.</summary>
public sealed record ConsumedMessage(Guid MessageId, string Consumer);
