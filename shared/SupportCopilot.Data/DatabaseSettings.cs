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

    /// <summary>PostgreSQL connection string (the service's schema is set as its search path).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for the SQLite files.</summary>
    public string DataDirectory { get; set; } = "data";
}
