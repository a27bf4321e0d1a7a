using MassTransit;
using Microsoft.Extensions.Logging;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Database;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// At start (after the migrations, which are registered before it): imports
/// <c>Drafting:KnowledgeBase:ImportFolder</c> when set, then builds the index from the chunks
/// table. Runs in the background so a large import does not hold up the host; the pipeline waits
/// for the index and the readiness check reports it. Then rebuilds the index from the database
/// whenever <see cref="KnowledgeChangedConsumer"/> asks.
/// </summary>
internal sealed partial class KnowledgeStartup(
    DraftingDatabase database,
    SchemaGate<DraftingDatabase> schema,
    KnowledgeImporter importer,
    KnowledgeIndex index,
    KnowledgeIndexRefresher refresher,
    DraftingOptions options,
    ILogger<KnowledgeStartup> logger,
    ChunkEmbedder? embedder = null,
    IBusControl? bus = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (embedder is null)
        {
            LogBm25Only();
        }
        else
        {
            LogHybrid(embedder.Description);
        }

        // With Database:MigrateOnStart=false the tables may not exist yet.
        await schema.WaitAsync(stoppingToken);
        var folder = options.KnowledgeBase.ImportFolder;
        if (!string.IsNullOrWhiteSpace(folder))
        {
            try
            {
                await importer.ImportFolderAsync(folder, cancellationToken: stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Serve what the database already holds rather than nothing.
                LogImportFailed(ex, folder);
            }
        }

        if (embedder is not null)
        {
            try
            {
                var embedded = await EmbeddingBackfill.RunAsync(database, embedder, options.Embeddings.BatchSize * 4, stoppingToken);
                if (embedded > 0)
                {
                    LogBackfilled(embedded);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Those passages stay BM25-only until the next start.
                LogBackfillFailed(ex);
            }
        }

        // The first build must not read the database before this instance's KnowledgeChanged queue
        // exists: a change committed in between would reach neither the build nor the queue, and
        // the index would miss it until the next change.
        await WaitForBusAsync(stoppingToken);
        await index.RebuildAsync(database, stoppingToken);
        LogIndexBuilt(index.PassageCount, index.VectorCount);

        await foreach (var _ in refresher.Requests.ReadAllAsync(stoppingToken))
        {
            try
            {
                await index.RebuildAsync(database, stoppingToken);
                LogIndexRefreshed(index.PassageCount);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The previous index keeps serving; the next change tries again.
                LogRefreshFailed(ex);
            }
        }
    }

    private async Task WaitForBusAsync(CancellationToken stoppingToken)
    {
        if (bus is null)
        {
            return;
        }

        // Bounded: with the broker down the index is still built, and the next change rebuilds it.
        var deadline = DateTime.UtcNow + BusWait;
        while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
        {
            if (DateTime.UtcNow >= deadline)
            {
                LogBusNotReady(BusWait.TotalSeconds);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), stoppingToken);
        }
    }

    private static readonly TimeSpan BusWait = TimeSpan.FromSeconds(30);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bus was not ready after {Seconds} s; building the knowledge index anyway (a change made meanwhile shows after the next one)")]
    private partial void LogBusNotReady(double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Importing the knowledge base from {Folder} failed; indexing what the database holds")]
    private partial void LogImportFailed(Exception exception, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge index built with {Passages} passages ({Vectors} with vectors)")]
    private partial void LogIndexBuilt(int passages, int vectors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge index refreshed after a knowledge-base change: {Passages} passages")]
    private partial void LogIndexRefreshed(int passages);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing the knowledge index failed; the previous index keeps serving")]
    private partial void LogRefreshFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded {Chunks} passages that had no vector yet")]
    private partial void LogBackfilled(int chunks);

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedding passages that had no vector failed; they are found by BM25 only until the next start")]
    private partial void LogBackfillFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrieval is BM25 only: no embedding deployment is configured (Drafting:Embeddings:Endpoint)")]
    private partial void LogBm25Only();

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrieval is hybrid: BM25 fused with embeddings from {Embeddings}")]
    private partial void LogHybrid(string embeddings);
}
