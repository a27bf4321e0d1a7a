using Dapper;
using Npgsql;
using SupportCopilot.Data;

namespace SupportCopilot.Cli;

/// <summary>
/// A throwaway database for a benchmark: a temp folder for SQLite, or a database created on the
/// PostgreSQL server of an admin connection string. Disposing drops it, whatever happened.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string? _admin;
    private readonly string? _databaseName;

    private BenchDatabase(DatabaseSettings settings, string folder, string? admin, string? databaseName)
    {
        Settings = settings;
        _folder = folder;
        _admin = admin;
        _databaseName = databaseName;
    }

    public DatabaseSettings Settings { get; }

    /// <summary>A folder that goes away with the database, for files the benchmark writes.</summary>
    public string Folder => _folder;

    /// <param name="postgres">PostgreSQL instead of SQLite.</param>
    /// <param name="adminConnectionString">The server's admin connection string (default: Database__ConnectionString).</param>
    /// <param name="prefix">Names the temp folder and the database, e.g. <c>review_bench</c>.</param>
    public static async Task<BenchDatabase> CreateAsync(bool postgres, string? adminConnectionString, string prefix, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "copilot-" + prefix.Replace('_', '-') + "-" + Guid.NewGuid().ToString("N"));
        if (!postgres)
        {
            return new BenchDatabase(new DatabaseSettings { Provider = DatabaseProvider.Sqlite, DataDirectory = folder }, folder, null, null);
        }

        var admin = adminConnectionString ?? CliConfiguration.Database(null, null, null).ConnectionString
            ?? throw new InvalidOperationException("--connection-string is required for postgres.");
        var databaseName = "sc_" + prefix + "_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await connection.ExecuteAsync($"CREATE DATABASE {databaseName}");
        }

        var settings = new DatabaseSettings
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = databaseName }.ConnectionString,
        };
        return new BenchDatabase(settings, folder, admin, databaseName);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_databaseName is not null)
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync(CancellationToken.None);
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)");
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
