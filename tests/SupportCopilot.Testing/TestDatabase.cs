using Npgsql;
using SupportCopilot.Data;

namespace SupportCopilot.Testing;

/// <summary>
/// A database of the test's own: a fresh SQLite folder, or a fresh PostgreSQL database created
/// on the test server and dropped afterwards.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _postgresName;
    private readonly string? _directory;

    private TestDatabase(DatabaseSettings settings, string? postgresName, string? directory)
    {
        Settings = settings;
        _postgresName = postgresName;
        _directory = directory;
    }

    public DatabaseSettings Settings { get; }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "supportcopilot-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            return new TestDatabase(new DatabaseSettings { Provider = provider, DataDirectory = directory }, null, directory);
        }

        var admin = TestServers.Postgres;
        var name = "sc_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestDatabase(new DatabaseSettings { Provider = provider, ConnectionString = connectionString }, name, null);
    }

    /// <summary>
    /// PostgreSQL only: the database loses its open connections and refuses new ones, as during a
    /// server restart, until the returned handle is disposed.
    /// </summary>
    public async Task<IAsyncDisposable> TakeOfflineAsync()
    {
        var name = _postgresName ?? throw new InvalidOperationException("Only a PostgreSQL test database can be taken offline.");
        await AdministerAsync(
            $"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false; "
            + $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()");
        return new Offline(() => AdministerAsync($"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"));
    }

    private static async Task AdministerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServers.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Offline(Func<Task> bringBack) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await bringBack();
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(TestServers.Postgres);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a finishing background task; the temp folder is cleaned by the OS.
            }
        }
    }
}
