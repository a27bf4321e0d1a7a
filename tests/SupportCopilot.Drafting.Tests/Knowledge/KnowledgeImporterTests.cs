using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class KnowledgeImporterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "supportcopilot-tests", "kb-" + Guid.NewGuid().ToString("N"));

    public KnowledgeImporterTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "account"));
        File.WriteAllText(Path.Combine(_folder, "account", "reset.md"), "# Reset\n\n## From the sign-in page\n\nSelect Forgot password.\n\n## Expired links\n\nRequest a new one.");
        File.WriteAllText(Path.Combine(_folder, "notes.txt"), "Our office is open on weekdays.");
        File.WriteAllText(Path.Combine(_folder, "logo.png"), "not text");
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Importing_a_folder_stores_documents_and_chunks_with_ids_relative_to_the_folder(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);

        var result = await new KnowledgeImporter(database, new DraftingOptions()).ImportFolderAsync(_folder, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new ImportResult(2, 0, 0, 3, 1), result);
        var chunks = await KnowledgeChunks.LoadAllAsync(database, TestContext.Current.CancellationToken);
        Assert.Equal(["account/reset.md#from-the-sign-in-page", "account/reset.md#expired-links", "notes.txt"], chunks.Select(c => c.Source));
        Assert.Equal("Reset > Expired links", chunks[1].HeadingPath);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Re_importing_unchanged_files_is_a_no_op(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);
        var importer = new KnowledgeImporter(database, new DraftingOptions());
        await importer.ImportFolderAsync(_folder, cancellationToken: TestContext.Current.CancellationToken);
        var importedAt = await ImportedAtAsync(database);

        var again = await importer.ImportFolderAsync(_folder, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new ImportResult(0, 0, 2, 0, 1), again);
        Assert.False(again.Changed);
        Assert.Equal(importedAt, await ImportedAtAsync(database));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_changed_file_replaces_its_chunks(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);
        var importer = new KnowledgeImporter(database, new DraftingOptions());
        await importer.ImportFolderAsync(_folder, cancellationToken: TestContext.Current.CancellationToken);
        File.WriteAllText(Path.Combine(_folder, "account", "reset.md"), "# Reset\n\n## Only section\n\nEverything changed.");

        var result = await importer.ImportFolderAsync(_folder, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new ImportResult(0, 1, 1, 1, 1), result);
        var chunks = await KnowledgeChunks.LoadAllAsync(database, TestContext.Current.CancellationToken);
        Assert.Equal(["account/reset.md#only-section", "notes.txt"], chunks.Select(c => c.Source));
        Assert.Equal("Everything changed.", chunks[0].Text);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Temp folder; the OS cleans it.
        }
    }

    internal static async Task<DraftingDatabase> MigratedAsync(TestDatabase test)
    {
        var database = new DraftingDatabase(test.Settings);
        await Migrator.MigrateAsync(database, DraftingMigrations.All, NullLogger.Instance, TestContext.Current.CancellationToken);
        return database;
    }

    private static async Task<string> ImportedAtAsync(DraftingDatabase database)
    {
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var rows = await connection.QueryAsync<DateTimeOffset>("SELECT imported_at FROM documents ORDER BY document_id");
        return string.Join(",", rows.Select(r => r.ToUnixTimeMilliseconds()));
    }
}
