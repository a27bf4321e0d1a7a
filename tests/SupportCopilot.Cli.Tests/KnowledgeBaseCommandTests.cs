using System.CommandLine;
using System.Text.Json;
using SupportCopilot.Data;
using Dapper;
using Microsoft.Data.Sqlite;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Cli.Tests;

/// <summary><c>copilot kb</c> and <c>copilot bench kb</c> as an operator types them.</summary>
public sealed class KnowledgeBaseCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Import_list_remove_and_prune_work_on_the_database_and_a_bad_file_makes_the_exit_code_one()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var folder = Directory.CreateTempSubdirectory("kb-cli-").FullName;
        File.WriteAllText(Path.Combine(folder, "good.md"), "# Good\n\nA fine article about exports.");
        File.WriteAllText(Path.Combine(folder, "other.md"), "# Other\n\nAnother article.");
        File.WriteAllBytes(Path.Combine(folder, "bad.md"), [0xC3, 0x28, 0x00]);
        string[] db = ["--database-provider", "sqlite", "--data-dir", database.Settings.DataDirectory];

        var import = await RunAsync(["kb", "import", folder, .. db]);
        var list = await RunAsync(["kb", "list", .. db]);
        var remove = await RunAsync(["kb", "remove", "other.md", .. db]);
        var removeUnknown = await RunAsync(["kb", "remove", "nope.md", .. db]);
        File.Delete(Path.Combine(folder, "bad.md"));
        File.Delete(Path.Combine(folder, "good.md"));
        File.WriteAllText(Path.Combine(folder, "new.md"), "# New\n\nNew article.");
        var prune = await RunAsync(["kb", "import", folder, "--prune", .. db]);

        Assert.Equal([1, 0, 0, 1, 0], [import, list, remove, removeUnknown, prune]);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(database.Settings.DataDirectory!, "drafting.db")}");
        var sources = await connection.QueryAsync<string>("SELECT document_id || '#' || anchor FROM chunks ORDER BY document_id");
        // good.md was pruned; other.md, removed by hand, is still in the folder and so came back.
        Assert.Equal(["new.md#new", "other.md#other"], sources);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Bench_kb_measures_ingest_and_both_query_paths_on_a_small_corpus()
    {
        var output = Path.Combine(Path.GetTempPath(), "bench-kb-" + Guid.NewGuid().ToString("N") + ".json");

        var exit = await RunAsync(["bench", "kb", "--chunks", "100", "--queries", "20", "--out", output]);

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(output, Token));
        var result = json.RootElement.GetProperty("results")[0];
        Assert.Equal(20, result.GetProperty("pages").GetInt32());
        Assert.Equal(100, result.GetProperty("chunks").GetInt32());
        Assert.True(result.GetProperty("ingestPagesPerSecond").GetDouble() > 0);
        Assert.True(result.GetProperty("oursP99Ms").GetDouble() >= result.GetProperty("oursP50Ms").GetDouble());
        Assert.True(result.GetProperty("bareP50Ms").GetDouble() > 0);
        Assert.Contains("cores", json.RootElement.GetProperty("machine").GetString(), StringComparison.Ordinal);
        File.Delete(output);
    }

    private static Task<int> RunAsync(string[] args) =>
        new RootCommand { KnowledgeBaseCommands.Create(), new Command("bench") { KnowledgeBenchCommand.Create() } }.Parse(args).InvokeAsync(cancellationToken: Token);
}
