using Microsoft.Extensions.Logging;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Database;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// At start (after the migrations, which are registered before it): imports
/// <c>Drafting:KnowledgeBase:ImportFolder</c> when set, then builds the index from the chunks
/// table. Runs in the background so a large import does not hold up the host; the pipeline waits
/// for the index and the readiness check reports it.
/// </summary>
internal sealed partial class KnowledgeStartup(
    DraftingDatabase database,
    SchemaGate<DraftingDatabase> schema,
    KnowledgeImporter importer,
    KnowledgeIndex index,
    DraftingOptions options,
    ILogger<KnowledgeStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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

        await index.RebuildAsync(database, stoppingToken);
        LogIndexBuilt(index.PassageCount);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Importing the knowledge base from {Folder} failed; indexing what the database holds")]
    private partial void LogImportFailed(Exception exception, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge index built with {Passages} passages")]
    private partial void LogIndexBuilt(int passages);
}
