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

    /// <summary>
    /// How long the relay, woken by a commit, waits for the commits right behind it before it reads,
    /// so that under load one pass (one SELECT, the publishes, one UPDATE, one commit) carries many
    /// rows instead of one or two. Adds at most this much to each hop. 5 ms cut the CPU per ticket of
    /// the whole pipeline by about a tenth on a 2-core machine (ADR 33); zero reads at once.
    /// </summary>
    public TimeSpan BatchLinger { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How long a batch already taken from the outbox may go on publishing after shutdown began.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long one batch may wait for the broker to take its messages. A publish caught by a broker
    /// restart can wait for a confirm that never comes; past this the batch's unconfirmed rows count
    /// as failed and are published again on the next pass (same message ids, so consumers ignore repeats).
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

public sealed class OutboxRelaySettingsValidator : Microsoft.Extensions.Options.IValidateOptions<OutboxRelaySettings>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, OutboxRelaySettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PollInterval <= TimeSpan.Zero)
        {
            failures.Add("Outbox:PollInterval must be positive (e.g. 00:00:01).");
        }

        if (options.BatchSize is < 1 or > 10_000)
        {
            failures.Add("Outbox:BatchSize must be between 1 and 10000.");
        }

        if (options.BatchLinger < TimeSpan.Zero || options.BatchLinger > TimeSpan.FromSeconds(1))
        {
            failures.Add("Outbox:BatchLinger must be between zero and one second (e.g. 00:00:00.010).");
        }

        if (options.ShutdownGrace < TimeSpan.Zero)
        {
            failures.Add("Outbox:ShutdownGrace must not be negative.");
        }

        if (options.PublishTimeout <= TimeSpan.Zero)
        {
            failures.Add("Outbox:PublishTimeout must be positive (e.g. 00:00:15).");
        }

        return failures.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Publishes what a service's transactions wrote to its outbox, then marks the rows sent.
/// A crash between publish and mark publishes a row again with the same message id, which the
/// consumers' inbox turns into a no-op: at-least-once on the wire, exactly-once in effect.
/// </summary>
public sealed partial class OutboxRelay<TDatabase>(
    TDatabase database,
    SchemaGate<TDatabase> schema,
    IBus bus,
    IHostApplicationLifetime lifetime,
    IOptions<OutboxRelaySettings> settings,
    ILogger<OutboxRelay<TDatabase>> logger) : BackgroundService
    where TDatabase : ServiceDatabase
{
    private const string SelectUnsentPostgres = """
        SELECT id AS Id, message_id AS MessageId, message_type AS MessageType, body AS Body, trace_parent AS TraceParent
        FROM outbox_messages WHERE sent_at IS NULL ORDER BY id LIMIT @Limit
        FOR UPDATE SKIP LOCKED
        """;

    private const string SelectUnsentSqlite = """
        SELECT id AS Id, message_id AS MessageId, message_type AS MessageType, body AS Body, trace_parent AS TraceParent
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
        await schema.WaitAsync(stoppingToken);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var relayed = await RelayBatchWithGraceAsync(stoppingToken);
                failures = 0;
                if (relayed >= settings.Value.BatchSize)
                {
                    continue;
                }

                if (await database.OutboxSignal.WaitAsync(settings.Value.PollInterval, stoppingToken)
                    && settings.Value.BatchLinger > TimeSpan.Zero)
                {
                    // Without this pause nearly every pass relayed a single row under load.
                    await Task.Delay(settings.Value.BatchLinger, stoppingToken);
                }
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

    /// <summary>
    /// A batch in flight when shutdown begins gets <see cref="OutboxRelaySettings.ShutdownGrace"/>
    /// to publish and mark its rows rather than being cut off between the two (which is safe, as
    /// the rows would be published again, but wasteful).
    /// </summary>
    private async Task<int> RelayBatchWithGraceAsync(CancellationToken stoppingToken)
    {
        using var batch = new CancellationTokenSource();
        await using var stopping = stoppingToken.Register(() => batch.CancelAfter(settings.Value.ShutdownGrace));
        return await RelayBatchAsync(batch.Token);
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

        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        publishing.CancelAfter(settings.Value.PublishTimeout);
        var results = await Task.WhenAll(rows.Select(row => PublishAsync(row, publishing.Token, cancellationToken)));
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

    private async Task<Exception?> PublishAsync(OutboxRow row, CancellationToken cancellationToken, CancellationToken stopping)
    {
        try
        {
            var type = OutboxMessageTypes.Resolve(row.MessageType);
            var message = System.Text.Json.JsonSerializer.Deserialize(row.Body, type, OutboxMessageTypes.JsonOptions)
                ?? throw new UnreachableException($"Outbox row {row.Id} holds null.");
            using var activity = StartPublishActivity(row);
            await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = row.MessageId), cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // A publish cut off by PublishTimeout is a failure like any other: the row stays unsent.
            return ex;
        }
    }

    /// <summary>
    /// Makes the span of the operation that wrote the row the parent of MassTransit's publish span,
    /// so one trace runs from the webhook through every hop although the relay publishes later.
    /// </summary>
    private static Activity? StartPublishActivity(OutboxRow row)
    {
        if (row.TraceParent is null || !ActivityContext.TryParse(row.TraceParent, null, out var parent))
        {
            return null;
        }

        var name = "outbox relay " + row.MessageType[(row.MessageType.LastIndexOf('.') + 1)..];

        // Without a listener on our source, a plain activity still carries the trace to MassTransit.
        return OutboxTelemetry.Source.StartActivity(name, ActivityKind.Producer, parent)
            ?? new Activity(name).SetParentId(row.TraceParent).Start();
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

        public string? TraceParent { get; init; }
    }
}
