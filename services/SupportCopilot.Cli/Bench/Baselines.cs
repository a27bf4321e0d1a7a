using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using RabbitMQ.Client;

namespace SupportCopilot.Cli.Bench;

/// <summary>
/// What the machine does without us, measured in the same run so our figures are ratios: PostgreSQL
/// inserting one row per transaction (pgbench), RabbitMQ taking persistent messages with confirms.
/// </summary>
internal static partial class Baselines
{
    private const string CreateTable = "CREATE TABLE IF NOT EXISTS bench_insert_baseline (id bigserial PRIMARY KEY, external_id text NOT NULL, body text NOT NULL, received_at timestamptz NOT NULL)";

    // Roughly one ticket row: the insert Intake's accept does, without its outbox row or its checks.
    private const string InsertScript = """
        INSERT INTO bench_insert_baseline (external_id, body, received_at) VALUES ('LOAD-' || random()::text, repeat('How do I reset my password? ', 12), now());
        """;

    /// <summary>Single-row insert transactions per second, at <paramref name="clients"/> concurrent clients.</summary>
    public static async Task<double> PgbenchInsertsPerSecondAsync(string connectionString, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand(CreateTable, connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, InsertScript, cancellationToken);
        try
        {
            var start = new ProcessStartInfo(PgbenchPath())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "-n", "-f", script, "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
                "-T", ((int)Math.Max(1, duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
                "-h", builder.Host ?? "127.0.0.1", "-p", builder.Port.ToString(CultureInfo.InvariantCulture),
                "-U", builder.Username ?? "postgres", builder.Database ?? "postgres",
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start.");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var match = Tps().Match(await output);
            return process.ExitCode == 0 && match.Success
                ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {await error}");
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>
    /// Persistent messages per second that RabbitMQ confirms, published by a bare client keeping
    /// <paramref name="outstanding"/> unconfirmed publishes in flight, as the outbox relay does.
    /// </summary>
    public static async Task<double> RabbitMqConfirmedPublishesPerSecondAsync(Uri broker, int outstanding, TimeSpan duration, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = broker };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var queue = "bench-publish-baseline-" + Guid.NewGuid().ToString("N")[..8];
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        try
        {
            var body = new byte[600];
            Random.Shared.NextBytes(body);
            var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
            var published = 0L;
            var clock = Stopwatch.StartNew();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stop.CancelAfter(duration);
            var publishers = Enumerable.Range(0, outstanding).Select(async _ =>
            {
                while (!stop.IsCancellationRequested)
                {
                    // Returns once the broker confirmed the message (tracking is on).
                    await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, body, CancellationToken.None);
                    Interlocked.Increment(ref published);
                }
            });
            await Task.WhenAll(publishers);
            return Interlocked.Read(ref published) / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await channel.QueueDeleteAsync(queue, cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>
    /// Waits (up to <paramref name="patience"/>) until the machine's CPUs are at least
    /// <paramref name="idleEnough"/> idle over a second, so that a baseline is not measured while
    /// the system under test is still working off the run (an outbox relay publishing its backlog
    /// measured as a pgbench baseline two-thirds of a quiet one). Returns the idle share of the
    /// last second sampled and how long it waited; null where /proc/stat is not there to read.
    /// </summary>
    public static async Task<(double Idle, TimeSpan Waited)?> WaitForQuietAsync(double idleEnough, TimeSpan patience, CancellationToken cancellationToken)
    {
        if (ReadCpuTimes() is not { } before)
        {
            return null;
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var after = ReadCpuTimes()!.Value;
            var total = after.Total - before.Total;
            var idle = total == 0 ? 1 : (double)(after.Idle - before.Idle) / total;
            if (idle >= idleEnough || clock.Elapsed >= patience)
            {
                return (idle, clock.Elapsed);
            }

            before = after;
        }
    }

    /// <summary>
    /// Runs one baseline and measures how busy the machine's CPUs were meanwhile (null where
    /// /proc/stat is not there to read): its CPU time per operation is that share over its rate.
    /// </summary>
    public static async Task<BaselineRate> MeasureAsync(Func<Task<double>> baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var before = ReadCpuTimes();
        var perSecond = await baseline();
        var after = ReadCpuTimes();
        if (before is not { } b || after is not { } a || a.Total == b.Total)
        {
            return new BaselineRate(perSecond, null);
        }

        return new BaselineRate(perSecond, 1 - ((double)(a.Idle - b.Idle) / (a.Total - b.Total)));
    }

    /// <summary>
    /// The most tickets per second these CPUs could accept if a ticket cost no more than one
    /// baseline insert and one baseline publish, the least an accepted ticket needs (its row and
    /// its message): the two baselines' CPU time per operation, added. Null when either baseline's
    /// CPU share is unknown.
    /// </summary>
    public static double? SharedCeiling(BaselineRate insert, BaselineRate publish) =>
        insert.CpuBusy is { } insertBusy && publish.CpuBusy is { } publishBusy && insert.PerSecond > 0 && publish.PerSecond > 0
            ? 1 / ((insertBusy / insert.PerSecond) + (publishBusy / publish.PerSecond))
            : null;

    /// <summary>All CPUs' jiffies since boot from /proc/stat's first line: total, and idle plus I/O wait.</summary>
    private static (long Total, long Idle)? ReadCpuTimes()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields.Take(8).Sum(), fields[3] + fields[4]);
    }

    private static string PgbenchPath()
    {
        foreach (var candidate in new[] { "/usr/lib/postgresql/15/bin/pgbench" }
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pgbench")) : []))
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return "pgbench";
    }

    [GeneratedRegex(@"tps = ([0-9.]+)")]
    private static partial Regex Tps();
}

/// <summary>A baseline's operations per second, and the share of the machine's CPUs busy while it ran.</summary>
internal readonly record struct BaselineRate(double PerSecond, double? CpuBusy);
