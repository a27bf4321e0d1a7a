using Dapper;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Review.Decisions;
using SupportCopilot.Review.Exports;
using Xunit;

namespace SupportCopilot.Review.Tests.Exports;

public sealed class ExportActionsAndFiltersTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Category_and_brand_filters_keep_only_their_tickets_and_the_manifest_names_the_policies(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        for (var i = 0; i < 6; i++)
        {
            var draft = ExportSeed.Draft(i);
            await ExportSeed.DecideAsync(db, draft with { Insights = new DraftInsights(i % 2 == 0 ? "billing" : "how-to", "en", "neutral", i % 2 == 0 ? "policy-a" : "policy-b") }, "approved");
        }

        await using (var connection = await db.Database.OpenAsync(Token))
        {
            await connection.ExecuteAsync("UPDATE review_items SET brand = 'quillstack' WHERE category = 'billing'");
        }

        var folder = ExportSeed.TempFolder();
        var billing = await ExportSeed.ExportAsync(db, new ExportRequest { Format = ExportFormat.Csv, Filter = new ExportFilter { Category = "billing" } }, Path.Combine(folder, "billing.csv"));
        var brand = await ExportSeed.ExportAsync(db, new ExportRequest { Format = ExportFormat.Csv, Filter = new ExportFilter { Brand = "quillstack" } }, Path.Combine(folder, "brand.csv"));
        var all = await ExportSeed.ExportAsync(db, new ExportRequest { Format = ExportFormat.Csv }, Path.Combine(folder, "all.csv"));

        Assert.Equal(3, billing.Counts.Written);
        Assert.Equal("billing", billing.Filters.Category);
        var billingCsv = File.ReadAllText(Path.Combine(folder, "billing.csv"));
        Assert.Equal(3, billingCsv.Split(",billing,").Length - 1);
        Assert.DoesNotContain(",how-to,", billingCsv, StringComparison.Ordinal);
        Assert.Equal(3, brand.Counts.Written);
        Assert.Equal(6, all.Counts.Written);
        Assert.Equal(["policy-a", "policy-b"], all.PolicyVersions);
        Assert.Equal(["policy-a"], billing.PolicyVersions);
    }

    [Fact]
    public async Task Questions_asked_back_and_escalations_are_kept_out_of_answer_data_sets_but_stay_in_the_csv()
    {
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var handler = new DecisionHandler(db.Database, db.Time);
        for (var i = 0; i < 12; i++)
        {
            await ExportSeed.DecideAsync(db, ExportSeed.Draft(i), "edited");
        }

        var clarified = ExportSeed.Draft(100);
        await db.EnqueueAsync(clarified);
        Assert.Equal(DecisionOutcome.Decided, (await handler.ClarifyAsync(clarified.DraftId, new ClarifyRequest("ana", "Which device do you sync from?"), Token)).Outcome);
        var escalated = ExportSeed.Draft(101);
        await db.EnqueueAsync(escalated);
        Assert.Equal(DecisionOutcome.Decided, (await handler.EscalateAsync(escalated.DraftId, new EscalateRequest("ana", "billing team"), Token)).Outcome);

        var folder = ExportSeed.TempFolder();
        foreach (var format in new[] { ExportFormat.Sft, ExportFormat.Dpo, ExportFormat.Eval })
        {
            var manifest = await ExportSeed.ExportAsync(db, new ExportRequest { Format = format }, Path.Combine(folder, format + ".jsonl"));

            Assert.Equal(12, manifest.Counts.Written);
            Assert.Equal(2, manifest.Counts.Skipped[SkipReasons.NotAnAnswer]);
            Assert.DoesNotContain("Which device do you sync from?", File.ReadAllText(Path.Combine(folder, format + ".jsonl")), StringComparison.Ordinal);
        }

        var csv = await ExportSeed.ExportAsync(db, new ExportRequest { Format = ExportFormat.Csv }, Path.Combine(folder, "all.csv"));
        var lines = File.ReadAllLines(Path.Combine(folder, "all.csv"));
        Assert.Equal(14, csv.Counts.Written);
        Assert.EndsWith(",action,brand,policy_version", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains(",clarifying_question,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",escalated,", StringComparison.Ordinal));
    }
}
