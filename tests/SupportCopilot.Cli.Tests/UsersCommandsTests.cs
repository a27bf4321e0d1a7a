using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Data;
using SupportCopilot.Review.Accounts;
using SupportCopilot.Review.Database;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Cli.Tests;

/// <summary><c>copilot users add &lt;email&gt; --role agent</c>.</summary>
public sealed class UsersCommandsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Adding_a_user_prints_a_generated_password_that_signs_in_and_the_same_email_twice_fails()
    {
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var database = new ReviewDatabase(test.Settings);
        await Migrator.MigrateAsync(database, ReviewMigrations.All, NullLogger.Instance, Token);
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var first = await UsersCommands.AddUserAsync(database, "Ana@Example.com", "agent", null, output, errors, Token);
        var again = await UsersCommands.AddUserAsync(database, "ana@example.com", "ops", "another long password", output, errors, Token);
        var invalid = await UsersCommands.AddUserAsync(database, "bo@example.com", "agent", "short", output, errors, Token);

        Assert.Equal(UsersCommands.Succeeded, first);
        Assert.Equal(UsersCommands.Failed, again);
        Assert.Equal(UsersCommands.InvalidConfiguration, invalid);
        Assert.Contains("Created ana@example.com (agent).", output.ToString(), StringComparison.Ordinal);
        var password = output.ToString().Split('\n').Single(l => l.StartsWith("Password: ", StringComparison.Ordinal))["Password: ".Length..].Split(' ')[0];
        var accounts = new UserAccounts(database, TimeProvider.System);
        Assert.Equal("agent", (await accounts.VerifyAsync("ana@example.com", password, Token))?.Role);
        Assert.Null(await accounts.VerifyAsync("bo@example.com", "short", Token));
        Assert.Contains("has an account already", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("Password", errors.ToString(), StringComparison.Ordinal);
    }
}
