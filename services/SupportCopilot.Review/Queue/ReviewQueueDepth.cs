using Dapper;
using Microsoft.Extensions.Options;
using SupportCopilot.Data;
using SupportCopilot.Hosting;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Review.Queue;

/// <summary>
/// The gauge <c>supportcopilot.review.queue_depth</c>: drafts waiting for an agent. Counted in the
/// background every <see cref="ReviewSettings.QueueDepthInterval"/> rather than in the gauge's
/// callback, which runs on the exporter's thread and must not wait on the database.
/// </summary>
internal sealed partial class ReviewQueueDepth(
    ReviewDatabase database,
    SchemaGate<ReviewDatabase> schema,
    SupportCopilotMetrics metrics,
    IOptions<ReviewSettings> settings,
    ILogger<ReviewQueueDepth> logger) : BackgroundService
{
    private const string CountPending = "SELECT COUNT(*) FROM review_items WHERE status = 'pending'";

    private long _pending;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.ObserveGauge(
            "supportcopilot.review.queue_depth", "{draft}", "Drafts waiting in the review queue.", () => Interlocked.Read(ref _pending));
        await schema.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(settings.Value.QueueDepthInterval);
        do
        {
            try
            {
                await using var connection = await database.OpenAsync(stoppingToken);
                Interlocked.Exchange(ref _pending, await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountPending, cancellationToken: stoppingToken)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The readiness check reports the database; the gauge keeps its last value.
                LogCountFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the review queue failed")]
    private partial void LogCountFailed(Exception exception);
}
