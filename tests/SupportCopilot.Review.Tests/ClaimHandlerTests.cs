using Microsoft.Extensions.Options;
using SupportCopilot.Data;
using SupportCopilot.Review.Claims;
using SupportCopilot.Review.Decisions;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class ClaimHandlerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly IOptions<ReviewSettings> TenMinutes = Options.Create(new ReviewSettings { ClaimLease = TimeSpan.FromMinutes(10) });

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Of_two_agents_racing_for_one_item_exactly_one_holds_it(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var drafts = new List<Contracts.DraftReady>();
        for (var i = 0; i < 20; i++)
        {
            drafts.Add(await db.EnqueueAsync());
        }

        var results = await Task.WhenAll(drafts.SelectMany(draft => new[]
        {
            Task.Run(() => new ClaimHandler(db.Database, db.Time, TenMinutes).ClaimAsync(draft.DraftId, "ana", Token), Token),
            Task.Run(() => new ClaimHandler(db.Database, db.Time, TenMinutes).ClaimAsync(draft.DraftId, "bo", Token), Token),
        }));

        foreach (var perDraft in results.GroupBy(r => r.DraftId))
        {
            var winner = Assert.Single(perDraft, r => r.Outcome == ClaimOutcome.Held);
            var loser = Assert.Single(perDraft, r => r.Outcome == ClaimOutcome.HeldByOther);
            Assert.Equal(winner.Holder, loser.Holder);
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_held_item_cannot_be_decided_by_another_agent_until_the_lease_expires(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var draft = await db.EnqueueAsync();
        var claims = new ClaimHandler(db.Database, db.Time, TenMinutes);
        var decisions = new DecisionHandler(db.Database, db.Time);
        await claims.ClaimAsync(draft.DraftId, "ana", Token);

        var blocked = await decisions.ApproveAsync(draft.DraftId, new ApproveRequest("bo", null), Token);
        var blockedClaim = await claims.ClaimAsync(draft.DraftId, "bo", Token);
        db.Time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var afterExpiry = await decisions.ApproveAsync(draft.DraftId, new ApproveRequest("bo", null), Token);

        Assert.Equal(DecisionOutcome.HeldByOther, blocked.Outcome);
        Assert.Equal("ana", blocked.DecidedBy);
        Assert.Equal(ClaimOutcome.HeldByOther, blockedClaim.Outcome);
        Assert.Equal(DecisionOutcome.Decided, afterExpiry.Outcome);
        Assert.Equal("bo", Assert.Single(await db.CorrectionsAsync()).Agent);
    }

    [Fact]
    public async Task The_holder_renews_the_lease_and_decides_and_a_decided_item_cannot_be_claimed()
    {
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var draft = await db.EnqueueAsync();
        var claims = new ClaimHandler(db.Database, db.Time, TenMinutes);
        var first = await claims.ClaimAsync(draft.DraftId, "ana", Token);
        db.Time.Advance(TimeSpan.FromMinutes(4));

        var renewed = await claims.ClaimAsync(draft.DraftId, "ana", Token);
        var decided = await new DecisionHandler(db.Database, db.Time).ApproveAsync(draft.DraftId, new ApproveRequest("ana", null), Token);
        var late = await claims.ClaimAsync(draft.DraftId, "bo", Token);
        var unknown = await claims.ClaimAsync(Guid.NewGuid(), "bo", Token);

        Assert.Equal(ClaimOutcome.Held, renewed.Outcome);
        Assert.Equal(first.ExpiresAt!.Value + TimeSpan.FromMinutes(4), renewed.ExpiresAt);
        Assert.Equal(DecisionOutcome.Decided, decided.Outcome);
        Assert.Equal(ClaimOutcome.NotPending, late.Outcome);
        Assert.Equal(ClaimOutcome.NotFound, unknown.Outcome);
    }

    [Fact]
    public async Task Only_the_holder_can_release_a_claim_and_then_anyone_can_take_it()
    {
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var draft = await db.EnqueueAsync();
        var claims = new ClaimHandler(db.Database, db.Time, TenMinutes);
        await claims.ClaimAsync(draft.DraftId, "ana", Token);

        var byOther = await claims.ReleaseAsync(draft.DraftId, "bo", Token);
        var byHolder = await claims.ReleaseAsync(draft.DraftId, "ana", Token);
        var taken = await claims.ClaimAsync(draft.DraftId, "bo", Token);

        Assert.False(byOther);
        Assert.True(byHolder);
        Assert.Equal(ClaimOutcome.Held, taken.Outcome);
        Assert.Equal("bo", taken.Holder);
    }
}
