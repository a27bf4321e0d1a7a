using SupportCopilot.Contracts.Prompts;
using System.Text;
using System.Text.Json;
using SupportCopilot.Data;
using SupportCopilot.Review.Exports;
using Xunit;

namespace SupportCopilot.Review.Tests.Exports;

public sealed class CorrectionExporterTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Every_format_is_valid_row_by_row_and_the_manifest_hashes_are_of_the_files(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        await ExportSeed.SeedAsync(db, approved: 12, edited: 12, rejected: 4);
        var folder = ExportSeed.TempFolder();

        foreach (var (format, expectedRows) in new[] { (ExportFormat.Sft, 24), (ExportFormat.Dpo, 12), (ExportFormat.Eval, 24), (ExportFormat.Csv, 28) })
        {
            var output = Path.Combine(folder, ExportFormats.Name(format) + ExportFormats.Extension(format));
            var manifest = await ExportSeed.ExportAsync(db, new ExportRequest { Format = format }, output);

            Assert.True(manifest.Valid, string.Join("; ", manifest.Errors));
            Assert.Equal(28, manifest.Counts.Read);
            Assert.Equal(expectedRows, manifest.Counts.Written);
            Assert.Equal(28 - expectedRows, manifest.Counts.Skipped.Values.Sum());
            var file = Assert.Single(manifest.Files);
            Assert.Equal(ExportSeed.Sha256(output), file.Sha256);
            Assert.Equal(new FileInfo(output).Length, file.Bytes);
            var onDisk = ExportSeed.ReadManifest(output);
            Assert.Equal(file.Sha256, onDisk.GetProperty("files")[0].GetProperty("sha256").GetString());
            Assert.Equal(["offline-extractive"], manifest.Drafters);

            var text = await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
            Assert.DoesNotContain(ExportSeed.Email, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("7946 0958", text, StringComparison.Ordinal);
            Assert.DoesNotContain("555 2671", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Jane", text, StringComparison.Ordinal);
            if (format == ExportFormat.Csv)
            {
                var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.StartsWith("correction_id,draft_id,ticket_id,", lines[0], StringComparison.Ordinal);
                continue;
            }

            var rows = ExportSchemas.ReadJsonl(await File.ReadAllBytesAsync(output, TestContext.Current.CancellationToken), ExportFormats.Name(format));
            Assert.Equal(expectedRows, rows.Count);
            Assert.True(manifest.Tokens.Total > 0);
            var user = format == ExportFormat.Dpo ? rows[0].GetProperty("input").GetProperty("messages")[1] : rows[0].GetProperty("messages")[1];
            Assert.Contains("<source id=\"billing/refund-policy.md#duplicate-charges\"", user.GetProperty("content").GetString(), StringComparison.Ordinal);
            Assert.Contains("[EMAIL]", user.GetProperty("content").GetString(), StringComparison.Ordinal);
        }

        var sft = Path.Combine(folder, "sft.jsonl");
        var edited = ExportSchemas.ReadJsonl(await File.ReadAllBytesAsync(sft, TestContext.Current.CancellationToken), "sft")
            .Select(r => r.GetProperty("messages")[2].GetProperty("content").GetString()!)
            .Count(a => a.StartsWith("Hello [NAME],\n\nSorry [NAME]! Sync runs every 15 minutes, call us on [PHONE]", StringComparison.Ordinal));
        Assert.Equal(12, edited);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_split_is_by_ticket_and_the_same_on_every_run(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        await ExportSeed.SeedAsync(db, approved: 40, edited: 0, rejected: 0);
        var shared = Guid.NewGuid();
        await ExportSeed.DecideAsync(db, ExportSeed.Draft(100, ticketId: shared), "approved");
        await ExportSeed.DecideAsync(db, ExportSeed.Draft(101, ticketId: shared), "approved");
        var folder = ExportSeed.TempFolder();
        var request = new ExportRequest { Format = ExportFormat.Csv, Split = 0.7 };

        var first = await ExportSeed.ExportAsync(db, request, Path.Combine(folder, "a.csv"));
        var second = await ExportSeed.ExportAsync(db, request, Path.Combine(folder, "b.csv"));

        Assert.Equal(first.Files.Select(f => f.Sha256), second.Files.Select(f => f.Sha256));
        Assert.Equal(42, first.Counts.Train + first.Counts.Validation);
        var train = TicketsIn(Path.Combine(folder, "a.train.csv"));
        var validation = TicketsIn(Path.Combine(folder, "a.validation.csv"));
        Assert.Empty(train.Intersect(validation));
        Assert.Equal(train.Count + validation.Count, train.Concat(validation).Distinct().Count() + 1); // the shared ticket twice, on one side
        Assert.All(train, t => Assert.True(ExportText.IsTrain(t, 0.7)));
        Assert.All(validation, t => Assert.False(ExportText.IsTrain(t, 0.7)));
        Assert.Equal(first.Counts.Train, first.Files.Single(f => f.Part == "train").Rows);
        Assert.Equal(ExportSeed.Sha256(Path.Combine(folder, "a.validation.csv")), first.Files.Single(f => f.Part == "validation").Sha256);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Near_identical_tickets_count_once(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        await ExportSeed.SeedAsync(db, approved: 10, edited: 0, rejected: 0);
        await ExportSeed.DecideAsync(db, ExportSeed.Draft(50, subject: "I forgot my password", body: "Please help, I forgot my password. Mail: a@example.com"), "approved");
        await ExportSeed.DecideAsync(db, ExportSeed.Draft(51, subject: "i FORGOT my password!!", body: "Please help -- I forgot my   password.\nMail: b@example.org"), "approved");
        await ExportSeed.DecideAsync(db, ExportSeed.Draft(52, subject: "I forgot my password", body: "Please help, I forgot my password. Mail: c@example.net"), "approved");

        var manifest = await ExportSeed.ExportAsync(db, new ExportRequest { Format = ExportFormat.Sft }, Path.Combine(ExportSeed.TempFolder(), "sft.jsonl"));

        Assert.Equal(13, manifest.Counts.Read);
        Assert.Equal(11, manifest.Counts.Written);
        Assert.Equal(2, manifest.Counts.Skipped[SkipReasons.Duplicate]);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Filters_select_by_decision_connector_time_and_edit_distance(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        await ExportSeed.SeedAsync(db, approved: 3, edited: 2, rejected: 1);
        var middle = db.Time.GetUtcNow().AddSeconds(10);
        await ExportSeed.DecideAsync(db, ExportSeed.Draft(20, connector: "freshdesk"), "edited");
        var folder = ExportSeed.TempFolder();

        async Task<long> Count(ExportFilter filter) =>
            (await ExportSeed.ExportAsync(db, new ExportRequest { Format = ExportFormat.Csv, Filter = filter }, Path.Combine(folder, Guid.NewGuid() + ".csv"))).Counts.Written;

        Assert.Equal(3, await Count(new ExportFilter { Decision = "edited" }));
        Assert.Equal(1, await Count(new ExportFilter { Connector = "freshdesk" }));
        Assert.Equal(1, await Count(new ExportFilter { Since = middle }));
        Assert.Equal(6, await Count(new ExportFilter { Until = middle }));
        Assert.Equal(3, await Count(new ExportFilter { MinEditDistance = 20 }));
        Assert.Equal(0, await Count(new ExportFilter { MinEditDistance = 500 }));
    }

    [Fact]
    public async Task Fewer_than_ten_training_examples_is_an_invalid_export_that_leaves_only_the_manifest()
    {
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await ExportSeed.SeedAsync(db, approved: 9, edited: 0, rejected: 0);
        var output = Path.Combine(ExportSeed.TempFolder(), "sft.jsonl");

        var manifest = await ExportSeed.ExportAsync(db, new ExportRequest { Format = ExportFormat.Sft }, output);

        Assert.False(manifest.Valid);
        Assert.Contains(manifest.Errors, e => e.Contains("at least 10", StringComparison.Ordinal));
        Assert.False(File.Exists(output));
        Assert.False(ExportSeed.ReadManifest(output).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Rows_over_the_token_limit_are_counted_and_not_written()
    {
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await ExportSeed.SeedAsync(db, approved: 12, edited: 0, rejected: 0);

        var manifest = await ExportSeed.ExportAsync(db, new ExportRequest { Format = ExportFormat.Eval, MaxTokensPerRow = 50 }, Path.Combine(ExportSeed.TempFolder(), "eval.jsonl"));

        Assert.Equal(0, manifest.Counts.Written);
        Assert.Equal(12, manifest.Counts.Skipped[SkipReasons.TooManyTokens]);
    }

    [Fact]
    public async Task Without_redaction_the_data_stays_and_the_manifest_says_so()
    {
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await ExportSeed.SeedAsync(db, approved: 10, edited: 0, rejected: 0);
        var output = Path.Combine(ExportSeed.TempFolder(), "sft.jsonl");

        var manifest = await ExportSeed.ExportAsync(db, new ExportRequest { Format = ExportFormat.Sft, Redact = false }, output);

        Assert.False(manifest.Redaction.Enabled);
        Assert.Contains(manifest.Warnings, w => w.Contains("redaction was turned off", StringComparison.Ordinal));
        Assert.Contains(ExportSeed.Email, await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.All(manifest.Redaction.Replaced.Values, v => Assert.Equal(0, v));
    }

    [Fact]
    public async Task The_manifest_estimates_the_training_cost_from_the_training_tokens()
    {
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await ExportSeed.SeedAsync(db, approved: 10, edited: 0, rejected: 0);

        var manifest = await ExportSeed.ExportAsync(
            db, new ExportRequest { Format = ExportFormat.Sft, PricePerMillionTrainingTokens = 3m, Epochs = 2 }, Path.Combine(ExportSeed.TempFolder(), "sft.jsonl"));

        var cost = manifest.EstimatedTrainingCost!;
        Assert.Equal(manifest.Tokens.Train * 2, cost.BilledTokens);
        Assert.Equal(Math.Round(cost.BilledTokens / 1_000_000m * 3m, 2), cost.Estimate);
        Assert.Equal("o200k_base", manifest.Tokens.Encoding);
        var json = JsonDocument.Parse(manifest.ToJson()).RootElement;
        Assert.Equal("sft", json.GetProperty("format").GetString());
        Assert.Equal(DraftPrompt.Version, json.GetProperty("promptVersion").GetString());
    }

    private static List<Guid> TicketsIn(string csv)
    {
        var lines = File.ReadAllLines(csv, Encoding.UTF8).Skip(1);
        return [.. lines.Where(l => Guid.TryParse(l.Split(',')[0], out _)).Select(l => Guid.Parse(l.Split(',')[2]))];
    }
}
