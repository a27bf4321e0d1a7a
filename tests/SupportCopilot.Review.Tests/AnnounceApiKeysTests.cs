using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Accounts;
using Xunit;

namespace SupportCopilot.Review.Tests;

/// <summary>Announcing keys again, for services that started after they were issued.</summary>
public sealed class AnnounceApiKeysTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Announcing_republishes_active_keys_as_issued_and_revoked_ones_as_revoked(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var keys = new IssuedApiKeys(db.Database, db.Time);
        var (active, activeSecret) = await keys.IssueAsync("kb sync", SupportCopilotRoles.Ops, "admin@example.com", Token);
        db.Time.Advance(TimeSpan.FromMinutes(1));
        var (gone, _) = await keys.IssueAsync("old bot", SupportCopilotRoles.Agent, "admin@example.com", Token);
        db.Time.Advance(TimeSpan.FromMinutes(1));
        await keys.RevokeAsync(gone.KeyId, "admin@example.com", Token);
        var issuedBefore = await db.OutboxAsync<ApiKeyIssued>();
        var revokedBefore = await db.OutboxAsync<ApiKeyRevoked>();

        var (announcedActive, announcedRevoked) = await keys.AnnounceAsync(Token);

        Assert.Equal((1, 1), (announcedActive, announcedRevoked));
        var issued = await db.OutboxAsync<ApiKeyIssued>();
        var revoked = await db.OutboxAsync<ApiKeyRevoked>();
        Assert.Equal(3, issued.Count);
        Assert.Equal(2, revoked.Count);
        Assert.Equal(issuedBefore.Single(i => i.KeyId == active.KeyId), issued[^1]);
        Assert.Equal(ApiKeys.Hash(activeSecret), issued[^1].KeyHash);
        Assert.Equal(Assert.Single(revokedBefore), revoked[^1]);
    }

    [Fact]
    public async Task Announcing_without_keys_publishes_nothing()
    {
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var counts = await new IssuedApiKeys(db.Database, db.Time).AnnounceAsync(Token);

        Assert.Equal((0, 0), counts);
        Assert.Equal(0L, await db.OutboxCountAsync());
    }
}
