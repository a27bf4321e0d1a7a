using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Data;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Accounts;
using SupportCopilot.Review.Database;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Cli.Tests;

/// <summary><c>copilot keys announce</c>.</summary>
public sealed class KeysAnnounceCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Announcing_queues_every_key_in_reviews_outbox_says_how_many_and_is_audited()
    {
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var database = new ReviewDatabase(test.Settings);
        await Migrator.MigrateAsync(database, ReviewMigrations.All, NullLogger.Instance, Token);
        var keys = new IssuedApiKeys(database, TimeProvider.System);
        await keys.IssueAsync("kb sync", SupportCopilotRoles.Ops, "cli", Token);
        var (revoked, _) = await keys.IssueAsync("old bot", SupportCopilotRoles.Agent, "cli", Token);
        await keys.RevokeAsync(revoked.KeyId, "cli", Token);
        using var output = new StringWriter();

        var exit = await UsersCommands.AnnounceKeysAsync(database, output, Token);

        Assert.Equal(UsersCommands.Succeeded, exit);
        Assert.Contains("Announced 1 active and 1 revoked keys", output.ToString(), StringComparison.Ordinal);
        await using var connection = await database.OpenAsync(Token);
        var pending = (await connection.QueryAsync<string>("SELECT message_type FROM outbox_messages WHERE sent_at IS NULL ORDER BY id")).AsList();
        Assert.Equal(
            ["SupportCopilot.Contracts.ApiKeyIssued", "SupportCopilot.Contracts.ApiKeyIssued", "SupportCopilot.Contracts.ApiKeyRevoked",
             "SupportCopilot.Contracts.ApiKeyIssued", "SupportCopilot.Contracts.ApiKeyRevoked"],
            pending);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'api_key.announced' AND actor = 'cli'"));
    }
}
