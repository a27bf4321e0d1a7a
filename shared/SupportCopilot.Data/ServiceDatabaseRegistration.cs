using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SupportCopilot.Data;

public static class ServiceDatabaseRegistration
{
    /// <summary>
    /// Registers a service's database: settings, migrations applied at start (before the bus
    /// consumes), the outbox relay and a readiness check.
    /// </summary>
    public static IServiceCollection AddServiceDatabase<TDatabase>(
        this IServiceCollection services,
        IConfiguration configuration,
        IReadOnlyList<Migration> migrations)
        where TDatabase : ServiceDatabase
    {
        services.AddOptions<DatabaseSettings>().Bind(configuration.GetSection(DatabaseSettings.SectionName));
        services.AddOptions<OutboxRelaySettings>().Bind(configuration.GetSection(OutboxRelaySettings.SectionName));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<TDatabase>(sp, sp.GetRequiredService<IOptions<DatabaseSettings>>().Value));
        services.AddHostedService(sp => new DatabaseMigrationService<TDatabase>(
            sp.GetRequiredService<TDatabase>(), migrations, sp.GetRequiredService<ILogger<DatabaseMigrationService<TDatabase>>>()));
        services.AddHostedService<OutboxRelay<TDatabase>>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            typeof(TDatabase).Name,
            sp => new DatabaseHealthCheck(sp.GetRequiredService<TDatabase>()),
            HealthStatus.Unhealthy,
            ["ready"]));
        return services;
    }

    private sealed class DatabaseMigrationService<TDatabase>(
        TDatabase database, IReadOnlyList<Migration> migrations, ILogger logger) : IHostedService
        where TDatabase : ServiceDatabase
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            Migrator.MigrateAsync(database, migrations, logger, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class DatabaseHealthCheck(ServiceDatabase database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1";
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy($"{database.Schema} database is unreachable", ex);
            }
        }
    }
}
