using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

/// <summary>Scaled-out Drafting instances over real RabbitMQ and PostgreSQL keep their indexes in step.</summary>
public sealed class KnowledgeFanOutTests
{
    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_change_imported_straight_into_the_database_reaches_every_instance()
    {
        var rabbit = TestServers.RabbitMq;
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:Transport"] = "RabbitMq",
            ["Messaging:RabbitMqUri"] = rabbit,
        };

        // Only the fan-out consumer: these instances must not compete for other suites' service queues.
        await using var first = await DraftingApp.StartAsync(database, settings, KnowledgeChangedConsumer.Register);
        await using var second = await DraftingApp.StartAsync(database, settings, KnowledgeChangedConsumer.Register);

        // As `copilot kb import` does: no Drafting process involved, only the database and its outbox.
        var importer = new KnowledgeImporter(new Database.DraftingDatabase(database.Settings), new DraftingOptions());
        var imported = await importer.ImportDocumentAsync("guides/kiosk.md", "# Kiosk mode\n\nLock the tablet to one notebook with kiosk mode."u8.ToArray(), CancellationToken);
        Assert.Equal(ImportOutcome.Added, imported.Outcome);

        await Eventually.MatchesAsync(() => Task.FromResult(first.Index.Search(string.Empty, "kiosk tablet").Hits.Count), c => c == 1, TimeSpan.FromSeconds(30), "the first instance indexes the new document");
        await Eventually.MatchesAsync(() => Task.FromResult(second.Index.Search(string.Empty, "kiosk tablet").Hits.Count), c => c == 1, TimeSpan.FromSeconds(30), "the second instance indexes the new document");

        await first.Services.GetRequiredService<KnowledgeImporter>().RemoveAsync(["guides/kiosk.md"], CancellationToken);

        await Eventually.MatchesAsync(() => Task.FromResult(first.Index.Search(string.Empty, "kiosk tablet").Hits.Count), c => c == 0, TimeSpan.FromSeconds(30), "the first instance drops it");
        await Eventually.MatchesAsync(() => Task.FromResult(second.Index.Search(string.Empty, "kiosk tablet").Hits.Count), c => c == 0, TimeSpan.FromSeconds(30), "the second instance drops it");
    }
}
