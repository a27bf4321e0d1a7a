using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Calibration;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Drafting.Drafts;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class PolicyAndLabelTests
{
    private static readonly ConfidencePolicy Fitted = new(
        "cal-20260101-000000", -1, new Dictionary<string, double> { [ConfidenceFeatures.TopCoverage] = 4 }, 0.7, "mlnet-lbfgs-logistic", 0.95, "test", 50);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    internal static async Task<DraftingDatabase> MigratedAsync(TestDatabase test)
    {
        var database = new DraftingDatabase(test.Settings);
        await Migrator.MigrateAsync(database, DraftingMigrations.All, NullLogger.Instance, Token);
        return database;
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Until_a_policy_is_stored_the_configured_one_decides_then_the_newest_stored_one(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);
        var store = new PolicyStore(database, new DraftingOptions());

        var before = await store.CurrentAsync(Token);
        await store.SaveAsync(Fitted, shadow: false, Token);
        var after = await store.CurrentAsync(Token);

        Assert.Equal(ConfidencePolicy.ConfiguredVersion, before.Live.Version);
        Assert.Null(before.Shadow);
        Assert.Equal(Fitted.Version, after.Live.Version);
        Assert.Equal(4, after.Live.Weights[ConfidenceFeatures.TopCoverage]);
        Assert.Equal(0.7, after.Live.Threshold);
    }

    [Fact]
    public async Task A_shadow_policy_watches_beside_the_live_one_and_can_be_promoted()
    {
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var database = await MigratedAsync(test);
        var store = new PolicyStore(database, new DraftingOptions());
        var shadow = Fitted with { Version = "cal-shadow" };

        await store.SaveAsync(shadow, shadow: true, Token);
        var watching = await store.CurrentAsync(Token);
        Assert.True(await store.PromoteAsync("cal-shadow", Token));
        Assert.False(await store.PromoteAsync("no-such-version", Token));
        var promoted = await store.CurrentAsync(Token);

        Assert.Equal(ConfidencePolicy.ConfiguredVersion, watching.Live.Version);
        Assert.Equal("cal-shadow", watching.Shadow?.Version);
        Assert.Equal("cal-shadow", promoted.Live.Version);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Each_draft_records_its_policy_version_signals_and_shadow_verdict_and_agent_decisions_become_labels(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);
        var store = new PolicyStore(database, new DraftingOptions());
        await store.SaveAsync(Fitted, shadow: false, Token);
        await store.SaveAsync(Fitted with { Version = "cal-shadow", Threshold = 0.01 }, shadow: true, Token);
        using var index = SampleKnowledgeBase.Index();
        var consumer = new TicketReceivedConsumer(database, new DraftingPipeline(index, new DraftingOptions(), store));
        var labels = new DecisionLabelConsumer(database);

        var approved = await consumer.HandleAsync(new TicketReceived(SampleKnowledgeBase.Ticket("What is the API rate limit? Our script gets 429 errors.")), Guid.NewGuid(), Token);
        var edited = await consumer.HandleAsync(new TicketReceived(SampleKnowledgeBase.Ticket("How do I export my whole workspace as Markdown?")), Guid.NewGuid(), Token);
        var rejected = await consumer.HandleAsync(new TicketReceived(SampleKnowledgeBase.Ticket("I was charged twice this month. How do I get a refund?")), Guid.NewGuid(), Token);
        Assert.True(await labels.LabelAsync(approved!.DraftId, DecisionLabelConsumer.Approved, "ana", DateTimeOffset.UtcNow, Token));
        Assert.True(await labels.LabelAsync(edited!.DraftId, DecisionLabelConsumer.Edited, "bo", DateTimeOffset.UtcNow, Token));
        Assert.True(await labels.LabelAsync(rejected!.DraftId, DecisionLabelConsumer.Rejected, "bo", DateTimeOffset.UtcNow, Token));
        Assert.False(await labels.LabelAsync(approved.DraftId, DecisionLabelConsumer.Rejected, "cy", DateTimeOffset.UtcNow, Token));

        Assert.Contains("guarded:billing", rejected.Reasons);
        Assert.Equal(Fitted.Version, approved.Insights?.PolicyVersion);
        Assert.Equal("cal-shadow", approved.Insights?.Shadow?.PolicyVersion);
        Assert.Equal("en", approved.Insights?.Language);
        await using var connection = await database.OpenAsync(Token);
        Assert.Equal(3L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM drafts WHERE policy_version = @Version AND shadow_version = 'cal-shadow'", new { Fitted.Version }));
        var examples = await DecisionExamples.ReadAsync(database, Token);
        var byDraft = examples.ToDictionary(e => e.Id);
        Assert.Empty(await DecisionExamples.ReadAsync(database, Token, drafter: "llm:other"));
        Assert.Equal(examples.Count, (await DecisionExamples.ReadAsync(database, Token, drafter: ExtractiveDrafter.Name)).Count);
        Assert.True(byDraft[approved.DraftId.ToString()].Approved);
        Assert.True(byDraft[approved.DraftId.ToString()].Features[ConfidenceFeatures.TopCoverage] > 0);

        // Only drafts the rest of the policy would have sent teach the threshold anything.
        foreach (var draft in new[] { edited, rejected })
        {
            var sendable = draft.Reasons.All(r => r == "low_confidence");
            Assert.Equal(sendable, byDraft.ContainsKey(draft.DraftId.ToString()));
            Assert.False(sendable && byDraft[draft.DraftId.ToString()].Approved);
        }

        Assert.Equal(1 + new[] { edited, rejected }.Count(d => d.Reasons.All(r => r == "low_confidence")), examples.Count);

        // The shadow (threshold 0.01) would have sent every sendable draft; agents approved one unchanged.
        var shadow = await ShadowComparison.CompareAsync(database, null, Token);
        Assert.NotNull(shadow);
        Assert.Equal(3, shadow.Drafts);
        Assert.Equal("cal-shadow", shadow.Shadow.Version);
        Assert.Equal(Fitted.Version, shadow.Live.Version);
        Assert.Equal(examples.Count, shadow.Shadow.Sent);
        Assert.Equal(1, shadow.Shadow.ApprovedUnchanged);
        Assert.Equal(examples.Count, shadow.Shadow.Labelled);
        Assert.Equal(3 - (shadow.OnlyShadow.Values.Sum() + shadow.OnlyLive.Values.Sum()), shadow.Agree);
        Assert.Equal(0, (await ShadowComparison.CompareAsync(database, "never-stored", Token))!.Drafts);
    }
}
