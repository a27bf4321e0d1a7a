using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SupportCopilot.Data;

public static partial class ServiceDatabaseRegistration
{
    /// <summary>
    /// Registers a service's database: settings (validated at start), migrations applied at
    /// start unless <c>Database:MigrateOnStart</c> is false (before the bus consumes), the schema
    /// gate, the outbox relay, the retention of sent outbox rows and inbox records, and a readiness check.
    /// </summary>
    public static IServiceCollection AddServiceDatabase<TDatabase>(
        this IServiceCollection services,
        IConfiguration configuration,
        IReadOnlyList<Migration> migrations)
        where TDatabase : ServiceDatabase
    {
        services.AddOptions<DatabaseSettings>().Bind(configuration.GetSection(DatabaseSettings.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DatabaseSettings>, DatabaseSettingsValidator>());
        services.AddOptions<OutboxRelaySettings>().Bind(configuration.GetSection(OutboxRelaySettings.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxRelaySettings>, OutboxRelaySettingsValidator>());
        services.AddOptions<MessageRetentionSettings>().Bind(configuration.GetSection(MessageRetentionSettings.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MessageRetentionSettings>, MessageRetentionSettingsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<TDatabase>(sp, sp.GetRequiredService<IOptions<DatabaseSettings>>().Value));
        services.AddSingleton(sp => new SchemaGate<TDatabase>(sp.GetRequiredService<TDatabase>(), migrations));
        services.AddSingleton<ISchemaGate>(sp => sp.GetRequiredService<SchemaGate<TDatabase>>());
        services.AddHostedService(sp => new DatabaseMigrationService<TDatabase>(
            sp.GetRequiredService<TDatabase>(),
            migrations,
            sp.GetRequiredService<SchemaGate<TDatabase>>(),
            sp.GetRequiredService<IOptions<DatabaseSettings>>().Value,
            sp.GetRequiredService<ILogger<DatabaseMigrationService<TDatabase>>>()));
        services.AddHostedService<OutboxRelay<TDatabase>>();
        services.AddHostedService<MessageRetention<TDatabase>>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            typeof(TDatabase).Name,
            sp => new DatabaseHealthCheck(sp.GetRequiredService<TDatabase>(), sp.GetRequiredService<SchemaGate<TDatabase>>()),
            HealthStatus.Unhealthy,
            ["ready"]));
        return services;
    }

    private sealed partial class DatabaseMigrationService<TDatabase>(
        TDatabase database,
        IReadOnlyList<Migration> migrations,
        SchemaGate<TDatabase> gate,
        DatabaseSettings settings,
        ILogger logger) : BackgroundService
        where TDatabase : ServiceDatabase
    {
        public override async Task StartAsync(CancellationToken cancellationToken)
        {
            if (settings.MigrateOnStart)
            {
                // Before the bus and the relay start (they are registered after this service).
                await Migrator.MigrateAsync(database, migrations, logger, cancellationToken);
                gate.Open();
                return;
            }

            await base.StartAsync(cancellationToken);
        }

        /// <summary>Only with MigrateOnStart=false: waits for someone else to migrate.</summary>
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            LogWaiting(database.Schema);
            while (!await gate.CheckAsync(stoppingToken))
            {
                await Task.Delay(settings.SchemaPollInterval, stoppingToken);
            }

            LogCurrent(database.Schema);
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Database:MigrateOnStart is false: the {Schema} service waits (unready) until its schema is current; run `copilot db migrate`")]
        private partial void LogWaiting(string schema);

        [LoggerMessage(Level = LogLevel.Information, Message = "The {Schema} schema is current; the service starts work")]
        private partial void LogCurrent(string schema);
    }

    private sealed class DatabaseHealthCheck(ServiceDatabase database, ISchemaGate gate) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1";
                await command.ExecuteScalarAsync(cancellationToken);
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy($"{database.Schema} database is unreachable ({ex.GetType().Name})", ex);
            }

            return await gate.CheckAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy(gate.Waiting);
        }
    }
}
