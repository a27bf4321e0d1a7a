using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Contracts;
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

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Importing_a_folder_stores_documents_and_chunks_with_ids_relative_to_the_folder(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);

        var result = await new KnowledgeImporter(database, new DraftingOptions()).ImportFolderAsync(_folder, cancellationToken: CancellationToken);

        Assert.Equal((2, 0, 0, 3, 1, 0), Counts(result));
        var chunks = await KnowledgeChunks.LoadAllAsync(database, CancellationToken);
        Assert.Equal(["account/reset.md#from-the-sign-in-page", "account/reset.md#expired-links", "notes.txt"], chunks.Select(c => c.Source));
        Assert.Equal("Reset > Expired links", chunks[1].HeadingPath);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Every_changed_document_queues_a_knowledge_changed_event_in_its_own_transaction(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);

        await new KnowledgeImporter(database, new DraftingOptions()).ImportFolderAsync(_folder, cancellationToken: CancellationToken);

        var events = await OutboxAsync(database);
        Assert.Equal(["account/reset.md", "notes.txt"], events.Select(e => e.DocumentIds.Single()));
        Assert.All(events, e => Assert.Equal(KnowledgeChange.Imported, e.Change));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Re_importing_unchanged_files_is_a_no_op(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);
        var importer = new KnowledgeImporter(database, new DraftingOptions());
        await importer.ImportFolderAsync(_folder, cancellationToken: CancellationToken);
        var importedAt = await ImportedAtAsync(database);

        var again = await importer.ImportFolderAsync(_folder, cancellationToken: CancellationToken);

        Assert.Equal((0, 0, 2, 0, 1, 0), Counts(again));
        Assert.False(again.Changed);
        Assert.Equal(importedAt, await ImportedAtAsync(database));
        Assert.Equal(2, (await OutboxAsync(database)).Count);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_changed_file_replaces_its_chunks(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);
        var importer = new KnowledgeImporter(database, new DraftingOptions());
        await importer.ImportFolderAsync(_folder, cancellationToken: CancellationToken);
        File.WriteAllText(Path.Combine(_folder, "account", "reset.md"), "# Reset\n\n## Only section\n\nEverything changed.");

        var result = await importer.ImportFolderAsync(_folder, cancellationToken: CancellationToken);

        Assert.Equal((0, 1, 1, 1, 1, 0), Counts(result));
        var chunks = await KnowledgeChunks.LoadAllAsync(database, CancellationToken);
        Assert.Equal(["account/reset.md#only-section", "notes.txt"], chunks.Select(c => c.Source));
        Assert.Equal("Everything changed.", chunks[0].Text);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Bad_files_are_reported_one_by_one_while_the_rest_imports_and_earlier_versions_stay(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);
        var options = new DraftingOptions { KnowledgeBase = { MaxFileBytes = 100_000 } };
        var importer = new KnowledgeImporter(database, options);
        await importer.ImportFolderAsync(_folder, cancellationToken: CancellationToken);

        // The good version of reset.md is imported; now it is overwritten with junk.
        var junk = new byte[2048];
        new Random(3).NextBytes(junk);
        File.WriteAllBytes(Path.Combine(_folder, "account", "reset.md"), junk);
        File.WriteAllBytes(Path.Combine(_folder, "empty.txt"), []);
        File.WriteAllBytes(Path.Combine(_folder, "encrypted.pdf"), TestPdfs.Encrypted());
        File.WriteAllBytes(Path.Combine(_folder, "corrupt.pdf"), TestPdfs.Truncated());
        using (var huge = File.Create(Path.Combine(_folder, "huge.md")))
        {
            huge.SetLength(200L * 1024 * 1024);
        }

        File.WriteAllText(Path.Combine(_folder, "new.md"), "# New\n\nA new article about exports.");

        var result = await importer.ImportFolderAsync(_folder, cancellationToken: CancellationToken);

        Assert.Equal(1, result.DocumentsAdded);
        Assert.Equal(5, result.Failed);
        var errors = result.Errors.ToDictionary(e => e.DocumentId, e => e.Error!);
        Assert.Contains("not UTF-8 text", errors["account/reset.md"], StringComparison.Ordinal);
        Assert.Contains("empty", errors["empty.txt"], StringComparison.Ordinal);
        Assert.Contains("encrypted", errors["encrypted.pdf"], StringComparison.Ordinal);
        Assert.Contains("damaged", errors["corrupt.pdf"], StringComparison.Ordinal);
        Assert.Contains("200 MB, over the limit", errors["huge.md"], StringComparison.Ordinal);
        var chunks = await KnowledgeChunks.LoadAllAsync(database, CancellationToken);
        Assert.Equal(
            ["account/reset.md#from-the-sign-in-page", "account/reset.md#expired-links", "new.md#new", "notes.txt"],
            chunks.Select(c => c.Source));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Prune_removes_documents_whose_file_is_gone_and_only_with_prune(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);
        var importer = new KnowledgeImporter(database, new DraftingOptions());
        await importer.ImportFolderAsync(_folder, cancellationToken: CancellationToken);
        File.Delete(Path.Combine(_folder, "notes.txt"));

        var withoutPrune = await importer.ImportFolderAsync(_folder, cancellationToken: CancellationToken);
        Assert.Equal(0, withoutPrune.DocumentsRemoved);
        Assert.Contains("notes.txt", (await KnowledgeChunks.LoadAllAsync(database, CancellationToken)).Select(c => c.Source));

        var pruned = await importer.ImportFolderAsync(_folder, prune: true, cancellationToken: CancellationToken);

        Assert.Equal(["notes.txt"], pruned.Files.Where(f => f.Outcome == ImportOutcome.Removed).Select(f => f.DocumentId));
        Assert.DoesNotContain("notes.txt", (await KnowledgeChunks.LoadAllAsync(database, CancellationToken)).Select(c => c.Source));
        var last = (await OutboxAsync(database))[^1];
        Assert.Equal(["notes.txt"], last.DocumentIds);
        Assert.Equal(KnowledgeChange.Removed, last.Change);
    }

    [Fact]
    public async Task Prune_keeps_a_document_whose_file_failed_to_read()
    {
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var database = await MigratedAsync(test);
        var importer = new KnowledgeImporter(database, new DraftingOptions());
        await importer.ImportFolderAsync(_folder, cancellationToken: CancellationToken);
        File.WriteAllBytes(Path.Combine(_folder, "notes.txt"), []);

        var result = await importer.ImportFolderAsync(_folder, prune: true, cancellationToken: CancellationToken);

        Assert.Equal(0, result.DocumentsRemoved);
        Assert.Contains("notes.txt", (await KnowledgeChunks.LoadAllAsync(database, CancellationToken)).Select(c => c.Source));
    }

    [Fact]
    public async Task Removing_an_unknown_document_changes_nothing_and_queues_nothing()
    {
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var database = await MigratedAsync(test);

        var removed = await new KnowledgeImporter(database, new DraftingOptions()).RemoveAsync(["nope.md"], CancellationToken);

        Assert.Empty(removed);
        Assert.Empty(await OutboxAsync(database));
    }

    [Fact]
    public async Task A_pdf_page_number_survives_the_database()
    {
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var database = await MigratedAsync(test);
        var importer = new KnowledgeImporter(database, new DraftingOptions());

        var result = await importer.ImportDocumentAsync("manual.pdf", TestPdfs.WithPages(["Page one text."], ["Page two text."]), CancellationToken);

        Assert.Equal(ImportOutcome.Added, result.Outcome);
        var chunks = await KnowledgeChunks.LoadAllAsync(database, CancellationToken);
        Assert.Equal([(int?)1, 2], chunks.Select(c => c.Page));
        Assert.Equal("manual.pdf#page=2", chunks[1].Source);
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

    internal static async Task<IReadOnlyList<KnowledgeChanged>> OutboxAsync(DraftingDatabase database)
    {
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var bodies = await connection.QueryAsync<string>(
            "SELECT body FROM outbox_messages WHERE message_type = @Type ORDER BY created_at, message_id", new { Type = typeof(KnowledgeChanged).FullName });
        return bodies.Select(b => JsonSerializer.Deserialize<KnowledgeChanged>(b, JsonSerializerOptions.Web)!).ToList();
    }

    private static (int Added, int Updated, int Unchanged, int Chunks, int Skipped, int Failed) Counts(ImportResult result) =>
        (result.DocumentsAdded, result.DocumentsUpdated, result.DocumentsUnchanged, result.ChunksWritten, result.Skipped, result.Failed);

    private static async Task<string> ImportedAtAsync(DraftingDatabase database)
    {
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var rows = await connection.QueryAsync<DateTimeOffset>("SELECT imported_at FROM documents ORDER BY document_id");
        return string.Join(",", rows.Select(r => r.ToUnixTimeMilliseconds()));
    }
}
