using Dapper;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Intake.Tests;

/// <summary>
/// On PostgreSQL a service's connections keep its statements prepared, unless the configured
/// connection string decides otherwise; the statements survive the connection's trip back to the pool.
/// </summary>
public sealed class PreparedStatementsTests
{
    private const string CountPrepared = "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM tickets%'";

    [Fact]
    public async Task A_statement_run_a_few_times_stays_prepared_across_pooled_connections()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var intake = await MigratedAsync(database.Settings);

        Assert.True(await PreparedAfterRepeatedUseAsync(intake) > 0, "The repeated statement was not prepared.");
    }

    [Fact]
    public async Task A_connection_string_that_turns_preparing_off_is_obeyed()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var settings = new DatabaseSettings
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = database.Settings.ConnectionString + ";Max Auto Prepare=0",
        };
        var intake = await MigratedAsync(settings);

        Assert.Equal(0, await PreparedAfterRepeatedUseAsync(intake));
    }

    private static async Task<IntakeDatabase> MigratedAsync(DatabaseSettings settings)
    {
        var intake = new IntakeDatabase(settings);
        await Migrator.MigrateAsync(intake, IntakeMigrations.All, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        return intake;
    }

    /// <summary>Runs one query ten times, each on a connection taken from the pool and given back, then counts prepared ones.</summary>
    private static async Task<long> PreparedAfterRepeatedUseAsync(IntakeDatabase intake)
    {
        for (var i = 0; i < 10; i++)
        {
            await using var connection = await intake.OpenAsync();
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tickets WHERE status = @Status", new { Status = "received" });
        }

        await using var last = await intake.OpenAsync();
        return await last.ExecuteScalarAsync<long>(CountPrepared);
    }
}
