using System.CommandLine;
using Dapper;
using Npgsql;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Cli.Tests;

/// <summary><c>copilot db migrate</c>: the schema step a deployment runs before services with MigrateOnStart=false.</summary>
public sealed class DbMigrateTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrating_twice_applies_everything_once_and_the_second_run_is_a_no_op(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var first = new StringWriter();
        using var second = new StringWriter();
        using var errors = new StringWriter();

        var firstExit = await DatabaseCommands.MigrateAsync(database.Settings, DatabaseCommands.AllServices, first, errors, Token);
        var secondExit = await DatabaseCommands.MigrateAsync(database.Settings, DatabaseCommands.AllServices, second, errors, Token);

        Assert.Equal(0, firstExit);
        Assert.Equal(0, secondExit);
        Assert.Equal(3, first.ToString().Split('\n').Count(l => l.Contains("applied", StringComparison.Ordinal)));
        Assert.Equal(3, second.ToString().Split('\n').Count(l => l.Contains("schema is current", StringComparison.Ordinal)));
        Assert.Empty(errors.ToString());
    }

    [Fact]
    public async Task The_command_line_migrates_one_service_and_exits_zero()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var exit = await new RootCommand { DatabaseCommands.Create() }.Parse(
            ["db", "migrate", "--service", "review", "--database-provider", "sqlite", "--data-dir", database.Settings.DataDirectory]).InvokeAsync(cancellationToken: Token);

        Assert.Equal(0, exit);
        Assert.True(File.Exists(Path.Combine(database.Settings.DataDirectory, "review.db")));
        Assert.False(File.Exists(Path.Combine(database.Settings.DataDirectory, "intake.db")));
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_fails_with_the_key_named()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exit = await DatabaseCommands.MigrateAsync(
            new DatabaseSettings { Provider = DatabaseProvider.Postgres }, DatabaseCommands.AllServices, output, errors, Token);

        Assert.NotEqual(0, exit);
        Assert.Contains("Database:ConnectionString is required when Database:Provider is Postgres", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_fails_with_a_message_and_no_password()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var settings = new DatabaseSettings
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = "Host=127.0.0.1;Port=1;Username=postgres;Password=Hidden-Pa55;Timeout=2",
        };

        var exit = await DatabaseCommands.MigrateAsync(settings, ["intake"], output, errors, Token);

        Assert.Equal(DatabaseCommands.Failed, exit);
        Assert.Contains("intake: migration failed", errors.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Hidden-Pa55", errors.ToString() + output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_concurrent_runs_on_PostgreSQL_both_succeed_and_apply_each_migration_once()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);

        var exits = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(
            () => DatabaseCommands.MigrateAsync(database.Settings, DatabaseCommands.AllServices, TextWriter.Null, TextWriter.Null, Token), Token)));

        Assert.All(exits, exit => Assert.Equal(0, exit));
        await using var connection = new NpgsqlConnection(database.Settings.ConnectionString);
        foreach (var schema in DatabaseCommands.AllServices)
        {
            var versions = (await connection.QueryAsync<int>($"SELECT version FROM \"{schema}\".schema_migrations")).ToList();
            Assert.Equal(versions.Distinct().Count(), versions.Count);
            Assert.Contains(Migrator.OutboxTraceParent.Version, versions);
            Assert.Contains(Migrator.KnownApiKeys.Version, versions);
        }
    }
}
