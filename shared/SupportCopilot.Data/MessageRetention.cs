using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SupportCopilot.Data;

public sealed class MessageRetentionSettings
{
    public const string SectionName = "Retention";

    /// <summary>The shortest inbox retention accepted: a record must outlive every redelivery of its message.</summary>
    public static readonly TimeSpan ShortestInboxRetention = TimeSpan.FromDays(1);

    /// <summary>How long a published outbox row is kept (to see what was sent, and when) before it is deleted.</summary>
    public TimeSpan SentOutboxMessages { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a consumer remembers a message it handled, so that a redelivery of it is a no-op.</summary>
    public TimeSpan InboxRecords { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often the old rows are deleted.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Outbox rows one DELETE removes, so that a large backlog never holds locks or grows the WAL in one go.</summary>
    public int BatchSize { get; set; } = 5_000;
}

public sealed class MessageRetentionSettingsValidator : IValidateOptions<MessageRetentionSettings>
{
    public ValidateOptionsResult Validate(string? name, MessageRetentionSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.SentOutboxMessages < TimeSpan.Zero)
        {
            failures.Add("Retention:SentOutboxMessages must not be negative (e.g. 1.00:00:00).");
        }

        if (options.InboxRecords < MessageRetentionSettings.ShortestInboxRetention)
        {
            failures.Add("Retention:InboxRecords must be at least one day (e.g. 14.00:00:00): a shorter memory would let a late redelivery be handled twice.");
        }

        if (options.Interval <= TimeSpan.Zero)
        {
            failures.Add("Retention:Interval must be positive (e.g. 00:10:00).");
        }

        if (options.BatchSize is < 1 or > 100_000)
        {
            failures.Add("Retention:BatchSize must be between 1 and 100000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>What one purge deleted.</summary>
public sealed record PurgedMessages(long SentOutboxMessages, long InboxRecords);

/// <summary>
/// Keeps the outbox and inbox tables from growing without end: published outbox rows and old
/// inbox records are deleted once they are past their retention. Unsent outbox rows are never
/// deleted, however old: they are work still to do (or a failure an operator must see).
/// </summary>
public sealed partial class MessageRetention<TDatabase>(
    TDatabase database,
    SchemaGate<TDatabase> schema,
    IOptions<MessageRetentionSettings> settings,
    TimeProvider clock,
    ILogger<MessageRetention<TDatabase>> logger) : BackgroundService
    where TDatabase : ServiceDatabase
{
    // Oldest first by primary key, each batch starting after the last one's highest id: a batch
    // reads only the rows it deletes, never the ones the batches before it just deleted.
    private const string PurgeSentOutbox = """
        DELETE FROM outbox_messages WHERE id IN (
            SELECT id FROM outbox_messages WHERE id > @After AND sent_at < @Cutoff ORDER BY id LIMIT @Limit)
        RETURNING id
        """;

    // One statement: inbox records have no index by age (one would cost every consumed message),
    // and batches would each scan the table again past the rows the earlier ones deleted, which
    // on PostgreSQL stay in the table until vacuumed: quadratic for a large backlog.
    private const string PurgeInbox = "DELETE FROM inbox_messages WHERE consumed_at < @Cutoff";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var purged = await PurgeAsync(clock.GetUtcNow(), stoppingToken);
                if (purged.SentOutboxMessages + purged.InboxRecords > 0)
                {
                    LogPurged(database.Schema, purged.SentOutboxMessages, purged.InboxRecords);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPurgeFailed(ex, database.Schema);
            }

            await Task.Delay(settings.Value.Interval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Deletes every row past its retention as of <paramref name="now"/>.</summary>
    public async Task<PurgedMessages> PurgeAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outbox = await PurgeSentOutboxAsync(now - settings.Value.SentOutboxMessages, cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        var inbox = await connection.ExecuteAsync(new CommandDefinition(
            PurgeInbox, new { Cutoff = now - settings.Value.InboxRecords }, cancellationToken: cancellationToken));
        return new PurgedMessages(outbox, inbox);
    }

    private async Task<long> PurgeSentOutboxAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var limit = settings.Value.BatchSize;
        long total = 0;
        long after = 0;
        List<long> deleted;
        do
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            deleted = (await connection.QueryAsync<long>(new CommandDefinition(
                PurgeSentOutbox, new { After = after, Cutoff = cutoff, Limit = limit }, cancellationToken: cancellationToken))).AsList();
            total += deleted.Count;
            after = deleted.Count > 0 ? deleted.Max() : after;
        }
        while (deleted.Count >= limit);

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention for {Schema}: deleted {Outbox} published outbox row(s) and {Inbox} inbox record(s)")]
    private partial void LogPurged(string schema, long outbox, long inbox);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention for {Schema} failed; trying again at the next interval")]
    private partial void LogPurgeFailed(Exception exception, string schema);
}
