using System.CommandLine;
using System.Text.Json;
using SupportCopilot.Data;
using Dapper;
using Microsoft.Data.Sqlite;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Cli.Tests;

/// <summary><c>copilot eval</c> over set folders, <c>copilot calibrate</c> and <c>copilot shadow</c> from the command line.</summary>
public sealed class CalibrateAndEvalCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SupportCopilot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("SupportCopilot.sln not found above " + AppContext.BaseDirectory);
    }

    private static string GuardrailSet => Path.Combine(Repository(), "tests", "datasets", "guardrails");

    private static string SampleSet => Path.Combine(Repository(), "services", "SupportCopilot.Standalone", "SampleData");

    private static Task<int> RunAsync(params string[] args) =>
        new RootCommand { EvalCommand.Create(), CalibrateCommand.Create(), ShadowCommand.Create() }.Parse(args).InvokeAsync(cancellationToken: Token);

    [Fact]
    public async Task Eval_takes_a_set_folder_and_reports_no_auto_send_on_the_guardrail_tickets()
    {
        var report = Path.Combine(Directory.CreateTempSubdirectory("eval").FullName, "guardrails.json");

        var exit = await RunAsync("eval", GuardrailSet, "--out", report);

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report, Token));
        Assert.Equal(110, json.RootElement.GetProperty("questions").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("auto_send").GetProperty("count").GetInt32());
        Assert.Equal("configured", json.RootElement.GetProperty("policy_version").GetString());
    }

    [Fact]
    public async Task Eval_without_a_set_or_with_a_folder_missing_its_questions_exits_two()
    {
        var empty = Directory.CreateTempSubdirectory("no-set").FullName;

        Assert.Equal(2, await RunAsync("eval"));
        Assert.Equal(2, await RunAsync("eval", empty));
    }

    [Fact]
    public async Task Calibrating_on_labels_of_one_outcome_only_fails_and_stores_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await DatabaseCommands.MigrateAsync(database.Settings, ["drafting"], TextWriter.Null, TextWriter.Null, Token);

        // Every guardrail ticket is unanswerable: no positive label to learn from.
        var exit = await RunAsync("calibrate", "--set", GuardrailSet, "--out", Directory.CreateTempSubdirectory("cal").FullName,
            "--store", "--database-provider", "sqlite", "--data-dir", database.Settings.DataDirectory);

        Assert.Equal(1, exit);
        Assert.Empty(await RolesAsync(database));
    }

    [Fact]
    public async Task Calibrating_on_a_set_writes_the_charts_and_the_policy_and_stores_it_as_shadow_then_promote_makes_it_live()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await DatabaseCommands.MigrateAsync(database.Settings, ["drafting"], TextWriter.Null, TextWriter.Null, Token);
        var output = Directory.CreateTempSubdirectory("cal").FullName;

        // The sample set alone leaves 9 sendable drafts (the rest guarded); the guardrail tickets add the negatives a fit needs.
        var exit = await RunAsync("calibrate", "--set", SampleSet, GuardrailSet, "--target-precision", "0.9", "--out", output,
            "--store", "--shadow", "--database-provider", "sqlite", "--data-dir", database.Settings.DataDirectory);
        using var policy = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "policy.json"), Token));
        var version = policy.RootElement.GetProperty("version").GetString()!;
        var stored = await RolesAsync(database);
        var compare = await RunAsync("shadow", "compare", "--database-provider", "sqlite", "--data-dir", database.Settings.DataDirectory);
        var promote = await RunAsync("shadow", "promote", version, "--database-provider", "sqlite", "--data-dir", database.Settings.DataDirectory);
        var unknown = await RunAsync("shadow", "promote", "no-such-policy", "--database-provider", "sqlite", "--data-dir", database.Settings.DataDirectory);

        Assert.Equal(0, exit);
        Assert.True(File.Exists(Path.Combine(output, "reliability.png")));
        Assert.True(File.Exists(Path.Combine(output, "curve.png")));
        Assert.Contains("<svg", await File.ReadAllTextAsync(Path.Combine(output, "curve.svg"), Token), StringComparison.Ordinal);
        Assert.Equal(0.9, policy.RootElement.GetProperty("target_precision").GetDouble());
        Assert.InRange(policy.RootElement.GetProperty("threshold").GetDouble(), 0, 1);
        Assert.Equal([(version, "shadow")], stored);
        Assert.Equal(1, compare);
        Assert.Equal(0, promote);
        Assert.Equal(1, unknown);
        Assert.Equal([(version, "live")], await RolesAsync(database));
    }

    [Fact]
    public async Task Calibrating_on_named_signals_with_the_ranker_cross_validated_writes_a_policy_of_those_signals_only()
    {
        var output = Directory.CreateTempSubdirectory("cal").FullName;

        var exit = await RunAsync("calibrate", "--set", SampleSet, GuardrailSet, "--target-precision", "0.9", "--out", output,
            "--features", "section_share,section_probability", "--refit-ranker");
        using var policy = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "policy.json"), Token));

        Assert.Equal(0, exit);
        Assert.Equal(["section_probability", "section_share"], policy.RootElement.GetProperty("weights").EnumerateObject().Select(p => p.Name).Order().ToArray());
    }

    [Fact]
    public async Task Calibrating_on_an_unknown_signal_exits_two_naming_it()
    {
        Assert.Equal(2, await RunAsync("calibrate", "--set", SampleSet, "--features", "section_share,no_such_signal"));
        Assert.Equal(2, await RunAsync("calibrate", "ranker", "--set", SampleSet, "--features", "bm25,no_such_feature"));
    }

    [Fact]
    public async Task Fitting_the_ranker_writes_the_model_and_the_labelled_candidates_and_refuses_a_depth_below_two()
    {
        var folder = Directory.CreateTempSubdirectory("ranker").FullName;
        var model = Path.Combine(folder, "ranker.json");
        var candidates = Path.Combine(folder, "candidates.json");

        var exit = await RunAsync("calibrate", "ranker", "--set", SampleSet, "--features", "bm25,coverage", "--out", model, "--candidates-out", candidates);
        using var written = JsonDocument.Parse(await File.ReadAllTextAsync(model, Token));
        using var rows = JsonDocument.Parse(await File.ReadAllTextAsync(candidates, Token));

        Assert.Equal(0, exit);
        Assert.Equal(["bm25", "coverage"], written.RootElement.GetProperty("Weights").EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(24, rows.RootElement.GetArrayLength());
        Assert.Contains(rows.RootElement.EnumerateArray().SelectMany(q => q.GetProperty("Candidates").EnumerateArray()), c => c.GetProperty("Gold").GetBoolean());

        // A depth below two is a parse error: nothing to re-order.
        Assert.Equal(1, await RunAsync("calibrate", "ranker", "--set", SampleSet, "--depth", "1"));
    }

    private static async Task<List<(string Version, string Role)>> RolesAsync(TestDatabase database)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(database.Settings.DataDirectory!, "drafting.db")}");
        var rows = await connection.QueryAsync<(string, string)>("SELECT version, role FROM confidence_policies");
        return rows.ToList();
    }
}
