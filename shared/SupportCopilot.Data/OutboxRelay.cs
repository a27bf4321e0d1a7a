using System.Diagnostics;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SupportCopilot.Data;

public sealed class OutboxRelaySettings
{
    public const string SectionName = "Outbox";

    /// <summary>How often the relay looks for rows nobody signalled (crash recovery, other instances).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 100;
}

/// <summary>
/// Publishes what a service's transactions wrote to its outbox, then marks the rows sent.
/// A crash between publish and mark publishes a row again with the same message id, which the
/// consumers' inbox turns into a no-op: at-least-once on the wire, exactly-once in effect.
/// </summary>
public sealed partial class OutboxRelay<TDatabase>(
    TDatabase database,
    IBus bus,
    IHostApplicationLifetime lifetime,
    IOptions<OutboxRelaySettings> settings,
    ILogger<OutboxRelay<TDatabase>> logger) : BackgroundService
    where TDatabase : ServiceDatabase
{
    private const string SelectUnsentPostgres = """
        SELECT id AS Id, message_id AS MessageId, message_type AS MessageType, body AS Body
        FROM outbox_messages WHERE sent_at IS NULL ORDER BY id LIMIT @Limit
        FOR UPDATE SKIP LOCKED
        """;

    private const string SelectUnsentSqlite = """
        SELECT id AS Id, message_id AS MessageId, message_type AS MessageType, body AS Body
        FROM outbox_messages WHERE sent_at IS NULL ORDER BY id LIMIT @Limit
        """;

    // Dapper expands "IN @Ids" into a parameter list for SQLite but hands Npgsql an array.
    private const string MarkSentPostgres = "UPDATE outbox_messages SET sent_at = @SentAt WHERE id = ANY(@Ids)";

    private const string MarkSentSqlite = "UPDATE outbox_messages SET sent_at = @SentAt WHERE id IN @Ids";

    private const string RecordFailure = """
        UPDATE outbox_messages SET attempts = attempts + 1, last_error = @Error WHERE id = @Id
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The bus starts with the host; publishing before it is up would only fail and retry.
        await WaitForStartAsync(stoppingToken);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var relayed = await RelayBatchAsync(stoppingToken);
                failures = 0;
                if (relayed >= settings.Value.BatchSize)
                {
                    continue;
                }

                await database.OutboxSignal.WaitAsync(settings.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(failures, 8))));
                LogRelayFailed(ex, database.Schema, delay.TotalMilliseconds);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Publishes one batch; returns how many rows it published.</summary>
    public async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = database.IsPostgres ? await connection.BeginTransactionAsync(cancellationToken) : null;
        var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            database.IsPostgres ? SelectUnsentPostgres : SelectUnsentSqlite,
            new { Limit = settings.Value.BatchSize },
            transaction,
            cancellationToken: cancellationToken))).ToList();
        if (rows.Count == 0)
        {
            return 0;
        }

        var results = await Task.WhenAll(rows.Select(row => PublishAsync(row, cancellationToken)));
        var published = rows.Where((_, i) => results[i] is null).Select(r => r.Id).ToList();
        if (published.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                database.IsPostgres ? MarkSentPostgres : MarkSentSqlite,
                new { SentAt = DateTimeOffset.UtcNow, Ids = published.ToArray() }, transaction, cancellationToken: cancellationToken));
        }

        for (var i = 0; i < rows.Count; i++)
        {
            if (results[i] is { } error)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    RecordFailure, new { rows[i].Id, Error = error.Message }, transaction, cancellationToken: cancellationToken));
            }
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        var firstError = results.FirstOrDefault(e => e is not null);
        if (firstError is not null)
        {
            throw new InvalidOperationException($"{rows.Count - published.Count} outbox message(s) could not be published.", firstError);
        }

        return published.Count;
    }

    private async Task<Exception?> PublishAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        try
        {
            var type = OutboxMessageTypes.Resolve(row.MessageType);
            var message = System.Text.Json.JsonSerializer.Deserialize(row.Body, type, OutboxMessageTypes.JsonOptions)
                ?? throw new UnreachableException($"Outbox row {row.Id} holds null.");
            await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = row.MessageId), cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ex;
        }
    }

    private Task WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        return started.Task;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay for {Schema} failed; retrying in {DelayMs} ms")]
    private partial void LogRelayFailed(Exception exception, string schema, double delayMs);

    private sealed class OutboxRow
    {
        public long Id { get; init; }

        public Guid MessageId { get; init; }

        public required string MessageType { get; init; }

        public required string Body { get; init; }
    }
}
