using Microsoft.Extensions.Options;
using Npgsql;

namespace SupportCopilot.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where the services keep their tables. One setting for all services of a process: with
/// PostgreSQL each service gets its own schema in the same database, with SQLite its own file
/// under <see cref="DataDirectory"/>.
/// </summary>
public sealed class DatabaseSettings
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>PostgreSQL connection string (the service's schema is set as its search path). A secret: never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for the SQLite files.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Apply missing migrations at start. False leaves that to <c>copilot db migrate</c> (a
    /// deployment step of its own); the service then stays unready until the schema is current.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>How often a service started with <see cref="MigrateOnStart"/> false looks whether the schema is current yet.</summary>
    public TimeSpan SchemaPollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Checks <see cref="DatabaseSettings"/> at start; messages name the key and never echo the connection string.</summary>
public sealed class DatabaseSettingsValidator : IValidateOptions<DatabaseSettings>
{
    public ValidateOptionsResult Validate(string? name, DatabaseSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                failures.Add("Database:ConnectionString is required when Database:Provider is Postgres.");
            }
            else
            {
                try
                {
                    _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                }
                catch (ArgumentException ex)
                {
                    // Npgsql names the bad keyword, not its value, so the message carries no secret.
                    failures.Add($"Database:ConnectionString is not a valid PostgreSQL connection string ({ex.GetType().Name}: {ex.Message}).");
                }
            }
        }
        else if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Database:DataDirectory must name a folder when Database:Provider is Sqlite.");
        }

        if (options.SchemaPollInterval <= TimeSpan.Zero)
        {
            failures.Add("Database:SchemaPollInterval must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
