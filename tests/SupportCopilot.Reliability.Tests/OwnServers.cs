using System.Diagnostics;
using Npgsql;
using SupportCopilot.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(SupportCopilot.Reliability.Tests.OwnServers))]

// The faults are played on servers these tests own; two at once would stop each other's broker.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace SupportCopilot.Reliability.Tests;

/// <summary>
/// A RabbitMQ node and a PostgreSQL cluster of these tests' own (ports 56432 / 56672, node
/// <c>supportcopilot-reliability</c>), started with .ci/servers.sh, so stopping, restarting and killing
/// them never touches the servers the other test projects use at the same time. Started on first
/// use, stopped after the last test, also when one failed.
/// </summary>
public sealed class OwnServers : IAsyncDisposable
{
    public const int PostgresPort = 56432;
    public const int RabbitMqPort = 56672;

    private readonly SemaphoreSlim _started = new(1, 1);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "supportcopilot-reliability-" + Environment.ProcessId);
    private bool _running;

    public string PostgresAdmin => $"Host=127.0.0.1;Port={PostgresPort};Username=postgres;Database=postgres;Pooling=false";

    public string RabbitMqUri(string virtualHost) => $"amqp://guest:guest@127.0.0.1:{RabbitMqPort}/{Uri.EscapeDataString(virtualHost)}";

    /// <summary>
    /// Starts the servers once. The tests run where the real-server tests run (the same variables
    /// say the binaries are installed): skipped outside CI without them, failed under CI.
    /// </summary>
    public async Task EnsureStartedAsync()
    {
        _ = TestServers.Postgres;
        _ = TestServers.RabbitMq;
        await _started.WaitAsync();
        try
        {
            if (!_running)
            {
                await ServersAsync("servers_start");
                _running = true;
            }
        }
        finally
        {
            _started.Release();
        }
    }

    public Task StopRabbitMqAsync() => ServersAsync("rabbitmq_stop");

    public Task StartRabbitMqAsync() => ServersAsync("rabbitmq_run");

    public Task RestartPostgresAsync() => ServersAsync("postgres_restart");

    /// <summary>When the PostgreSQL server last started: a restart changes it.</summary>
    public async Task<DateTime> PostgresStartedAtAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresAdmin);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT pg_postmaster_start_time()", connection);
        return (DateTime)(await query.ExecuteScalarAsync())!;
    }

    /// <summary>A database and a virtual host of the test's own on these servers.</summary>
    public async Task<(string ConnectionString, string RabbitMqUri)> CreateTenantAsync()
    {
        var name = "sc_rel_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(PostgresAdmin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        await ServersAsync($"rabbit_env; rabbitmqctl -n \"$RABBITMQ_NODENAME\" add_vhost {name} >/dev/null && rabbitmqctl -n \"$RABBITMQ_NODENAME\" set_permissions -p {name} guest '.*' '.*' '.*' >/dev/null");
        return (new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name, Pooling = true }.ConnectionString, RabbitMqUri(name));
    }

    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            await ServersAsync("servers_stop");
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up with the rest of /tmp.
        }
        catch (UnauthorizedAccessException)
        {
            // Owned by the postgres user; the same.
        }

        _started.Dispose();
    }

    private async Task ServersAsync(string commands)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"source '{Path.Combine(ServiceProcess.RepositoryRoot, ".ci", "servers.sh")}'; {commands}");
        start.Environment["SC_SERVERS_DIR"] = _directory;
        start.Environment["SC_PG_PORT"] = PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SC_RABBIT_PORT"] = RabbitMqPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SC_RABBIT_DIST_PORT"] = (RabbitMqPort + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SC_RABBIT_NODE"] = "supportcopilot-reliability@localhost";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");

        // rabbitmq-server stays behind in the background with its output in its own log; do not wait for our pipes' EOF.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{commands}' failed ({process.ExitCode}):\n{await Completed(output)}\n{await Completed(error)}");
        }
    }

    private static async Task<string> Completed(Task<string> read) =>
        await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(1))) == read ? await read : "(output still open)";
}
