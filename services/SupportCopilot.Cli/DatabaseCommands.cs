using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Intake;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>copilot db migrate [--service intake|drafting|review]</c>: applies the services' schema
/// migrations as a deployment step of its own (for services run with
/// <c>Database__MigrateOnStart=false</c>). Idempotent, and safe from several pods at once: on
/// PostgreSQL each schema is migrated under an advisory lock.
/// </summary>
internal static class DatabaseCommands
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int InvalidConfiguration = 2;

    /// <summary>The services whose schemas the command knows, in the order it migrates them.</summary>
    public static readonly IReadOnlyList<string> AllServices = ["intake", "drafting", "review"];

    public static Command Create()
    {
        var service = new Option<string[]>("--service")
        {
            Description = "Service whose schema to migrate (intake, drafting or review; repeatable). Default: all three.",
            AllowMultipleArgumentsPerToken = true,
        };
        service.AcceptOnlyFromAmong([.. AllServices]);
        var provider = new Option<string?>("--database-provider") { Description = "sqlite or postgres (default: Database__Provider, else sqlite)." };
        provider.AcceptOnlyFromAmong("sqlite", "postgres", "Sqlite", "Postgres");
        var connectionString = new Option<string?>("--connection-string") { Description = "PostgreSQL connection string (default: Database__ConnectionString)." };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Folder of the SQLite files (default: Database__DataDirectory, else ./data)." };

        var migrate = new Command("migrate", "Apply missing schema migrations (a no-op when the schemas are current).")
        {
            service,
            provider,
            connectionString,
            dataDirectory,
        };
        migrate.SetAction((parse, cancellationToken) =>
        {
            DatabaseSettings settings;
            try
            {
                settings = CliConfiguration.Database(parse.GetValue(provider), parse.GetValue(connectionString), parse.GetValue(dataDirectory));
            }
            catch (InvalidOperationException ex)
            {
                // A configuration value that does not bind (e.g. Database__Provider=Oracle); the binder names the key.
                Console.Error.WriteLine(ex.Message);
                return Task.FromResult(InvalidConfiguration);
            }

            var services = parse.GetValue(service) is { Length: > 0 } chosen ? chosen : [.. AllServices];
            return MigrateAsync(settings, services, Console.Out, Console.Error, cancellationToken);
        });

        return new Command("db", "Databases.") { migrate };
    }

    /// <summary>Migrates each service's schema in turn; the exit code says whether all of them are current.</summary>
    public static async Task<int> MigrateAsync(
        DatabaseSettings settings, IReadOnlyList<string> services, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var validation = new DatabaseSettingsValidator().Validate(null, settings);
        if (validation.Failed)
        {
            foreach (var failure in validation.Failures)
            {
                await error.WriteLineAsync(failure);
            }

            return InvalidConfiguration;
        }

        foreach (var name in services)
        {
            var (database, migrations) = Schema(name, settings);
            try
            {
                var applied = await Migrator.MigrateAsync(database, migrations, NullLogger.Instance, cancellationToken);
                await output.WriteLineAsync(applied == 0
                    ? $"{name}: schema is current ({settings.Provider})"
                    : $"{name}: applied {applied} migration(s) ({settings.Provider})");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The message of the driver's exception, never the settings: the connection string holds a password.
                await error.WriteLineAsync($"{name}: migration failed: {ex.GetType().Name}: {ex.Message}");
                return Failed;
            }
        }

        return Succeeded;
    }

    private static (ServiceDatabase Database, IReadOnlyList<Migration> Migrations) Schema(string service, DatabaseSettings settings) => service switch
    {
        "intake" => (new IntakeDatabase(settings), IntakeMigrations.All),
        "drafting" => (new DraftingDatabase(settings), DraftingMigrations.All),
        "review" => (new ReviewDatabase(settings), ReviewMigrations.All),
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Unknown service: use intake, drafting or review."),
    };
}
