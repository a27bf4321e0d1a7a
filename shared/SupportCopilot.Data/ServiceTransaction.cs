using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;

namespace SupportCopilot.Data;

/// <summary>
/// One unit of work: a state change, the messages it causes (outbox) and the record that a
/// message was consumed (inbox) commit together or not at all.
/// </summary>
public sealed class ServiceTransaction : IAsyncDisposable
{
    // The outbox and inbox rows' parameters are named apart from the columns of a row stored in the
    // same batch (ServiceDatabase.InsertAndPublishAsync), which may well have a Body of its own.
    internal const string InsertOutboxColumns = "INSERT INTO outbox_messages (message_id, message_type, body, created_at, trace_parent)";

    internal const string OutboxValues = "@OutboxMessageId, @OutboxMessageType, @OutboxBody, @OutboxCreatedAt, @OutboxTraceParent";

    internal const string InsertInbox = """
        INSERT INTO inbox_messages (message_id, consumer, consumed_at)
        VALUES (@InboxMessageId, @InboxConsumer, @InboxConsumedAt)
        ON CONFLICT (message_id, consumer) DO NOTHING
        """;

    private const string InsertOutbox = $"{InsertOutboxColumns} VALUES ({OutboxValues})";

    private readonly OutboxSignal _signal;
    private bool _hasOutgoing;

    internal ServiceTransaction(DbConnection connection, DbTransaction transaction, OutboxSignal signal)
    {
        Connection = connection;
        Transaction = transaction;
        _signal = signal;
    }

    public DbConnection Connection { get; }

    public DbTransaction Transaction { get; }

    public Task<int> ExecuteAsync(string sql, object? parameters = null, CancellationToken cancellationToken = default) =>
        Connection.ExecuteAsync(new CommandDefinition(sql, parameters, Transaction, cancellationToken: cancellationToken));

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters = null, CancellationToken cancellationToken = default) =>
        Connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, parameters, Transaction, cancellationToken: cancellationToken));

    public Task<T?> ExecuteScalarAsync<T>(string sql, object? parameters = null, CancellationToken cancellationToken = default) =>
        Connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, parameters, Transaction, cancellationToken: cancellationToken));

    /// <summary>Queues a message to be published once this transaction commits.</summary>
    public async Task PublishAsync<T>(T message, CancellationToken cancellationToken = default)
        where T : class
    {
        await ExecuteAsync(InsertOutbox, OutboxRow(message), cancellationToken);
        _hasOutgoing = true;
    }

    /// <summary>The parameters of the outbox row that carries <paramref name="message"/>.</summary>
    internal static OutboxRowParameters OutboxRow<T>(T message)
        where T : class =>
        new(
            NewId.NextGuid(),
            OutboxMessageTypes.NameOf(typeof(T)),
            JsonSerializer.Serialize(message, OutboxMessageTypes.JsonOptions),
            DateTimeOffset.UtcNow,

            // The relay publishes later from its own loop; this lets it continue this trace.
            Activity.Current?.IdFormat == ActivityIdFormat.W3C ? Activity.Current.Id : null);

    /// <summary>The parameters of the inbox record that <paramref name="consumer"/> handled <paramref name="messageId"/>.</summary>
    internal static object InboxRow(Guid messageId, string consumer) =>
        new { InboxMessageId = messageId, InboxConsumer = consumer, InboxConsumedAt = DateTimeOffset.UtcNow };

    /// <summary>
    /// Records that <paramref name="consumer"/> handled message <paramref name="messageId"/>.
    /// False when it already had: the caller then does nothing, which makes redelivery harmless.
    /// </summary>
    public async Task<bool> TryConsumeAsync(Guid messageId, string consumer, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            InsertInbox,
            InboxRow(messageId, consumer),
            cancellationToken) == 1;

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await Transaction.CommitAsync(cancellationToken);
        if (_hasOutgoing)
        {
            _signal.Notify();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}

/// <summary>The parameters of an outbox row, as <see cref="ServiceTransaction.OutboxValues"/> names them.</summary>
internal sealed record OutboxRowParameters(Guid OutboxMessageId, string OutboxMessageType, string OutboxBody, DateTimeOffset OutboxCreatedAt, string? OutboxTraceParent);
