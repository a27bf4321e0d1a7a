using System.Globalization;
using Npgsql;
using SupportCopilot.Cli.Bench;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Reliability.Tests;

/// <summary>
/// The distributed system on the tests' own servers: Intake, two competing Drafting instances and
/// Review as OS processes, a database and a virtual host of their own, and a helpdesk stand-in
/// taking the replies. <see cref="RunAsync"/> drives a load run with a fault script alongside and
/// ends by checking every ticket.
/// </summary>
internal sealed class Deployment : IAsyncDisposable
{
    public const string WebhookSecret = "reliability-webhook-secret";
    public const string ApiKey = "reliability-admin-key-0123456789";

    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(120);

    private readonly List<RunEvent> _events = [];

    private Deployment(OwnServers servers, string connectionString, string rabbitMqUri, HelpdeskSink helpdesk)
    {
        Servers = servers;
        ConnectionString = connectionString;
        RabbitMqUri = rabbitMqUri;
        Helpdesk = helpdesk;
    }

    public OwnServers Servers { get; }

    public string ConnectionString { get; }

    public string RabbitMqUri { get; }

    public HelpdeskSink Helpdesk { get; }

    public ServiceProcess Intake { get; private set; } = null!;

    public ServiceProcess Review { get; private set; } = null!;

    public IReadOnlyList<ServiceProcess> Drafting { get; private set; } = [];

    /// <summary>The load of a CI run; the documented long runs raise it with these variables.</summary>
    public static double Rate => Setting("SUPPORTCOPILOT_RELIABILITY_RATE", 50);

    public static double Seconds => Setting("SUPPORTCOPILOT_RELIABILITY_SECONDS", 6);

    public static async Task<Deployment> StartAsync(OwnServers servers, int draftingInstances = 2)
    {
        ArgumentNullException.ThrowIfNull(servers);
        await servers.EnsureStartedAsync();
        var (connectionString, rabbitMqUri) = await servers.CreateTenantAsync();
        var helpdesk = await HelpdeskSink.StartAsync();
        var deployment = new Deployment(servers, connectionString, rabbitMqUri, helpdesk);
        var settings = new Dictionary<string, string?>
        {
            ["Database__Provider"] = "Postgres",
            ["Database__ConnectionString"] = connectionString,
            ["Messaging__Transport"] = "RabbitMq",
            ["Messaging__RabbitMqUri"] = rabbitMqUri,
            ["Outbox__PollInterval"] = "00:00:00.250",
            ["Auth__AdminApiKey"] = ApiKey,
            ["Intake__Connectors__Generic__WebhookSecret"] = WebhookSecret,
            ["Intake__Connectors__Generic__CallbackUrl"] = helpdesk.CallbackUrl.ToString(),

            // A helpdesk that hangs must not hold a reply for the default 15 s.
            ["Intake__Connectors__Generic__AttemptTimeout"] = "00:00:02",
            ["Intake__Connectors__Generic__Timeout"] = "00:00:06",
            ["Intake__Connectors__Generic__BreakDuration"] = "00:00:02",
            ["Drafting__KnowledgeBase__ImportFolder"] = Path.Combine(
                ServiceProcess.RepositoryRoot, "services", "SupportCopilot.Standalone", "SampleData", "kb"),

            // Replies, not calibration, are under test: a good share of tickets must auto-send.
            ["Drafting__AutoSendThreshold"] = "0.3",
        };

        try
        {
            // Intake migrates first on its own, so the others do not queue behind its advisory lock on a busy machine.
            deployment.Intake = ServiceProcess.Start("SupportCopilot.Intake", settings, name: "intake");
            deployment.Drafting = Enumerable.Range(1, draftingInstances)
                .Select(i => ServiceProcess.Start("SupportCopilot.Drafting", settings, name: "drafting" + i)).ToList();
            deployment.Review = ServiceProcess.Start("SupportCopilot.Review", settings, name: "review");
            await Task.WhenAll(deployment.All.Select(s => s.WaitUntilReadyAsync(StartPatience)));
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }

        return deployment;
    }

    private IEnumerable<ServiceProcess> All => new[] { Intake, Review }.Concat(Drafting).Where(s => s is not null);

    public LoadRun NewRun(double? rate = null, double? seconds = null) => new(new LoadOptions(
        Intake.BaseAddress, rate ?? Rate, TimeSpan.FromSeconds(seconds ?? Seconds), WebhookSecret, ApiKey, Connections: 32));

    /// <summary>Marks a moment of the fault script on the run's plot.</summary>
    public void Mark(LoadRun run, string what) => _events.Add(new RunEvent(run.Elapsed.TotalSeconds, what));

    /// <summary>Waits until the run is <paramref name="fraction"/> of the way through its sending.</summary>
    public static Task AtAsync(LoadRun run, double fraction) =>
        Eventually.MatchesAsync(
            () => Task.FromResult(run.Elapsed.TotalSeconds),
            elapsed => elapsed >= fraction * run.Duration.TotalSeconds,
            run.Duration * 2 + TimeSpan.FromSeconds(30),
            $"The run reaching {fraction:P0} of its schedule");

    /// <summary>
    /// Sends the run with <paramref name="faults"/> played alongside, follows every ticket to its final
    /// state, has an operator retry the replies that failed for good (as after a helpdesk outage), and
    /// draws the latency plot.
    /// </summary>
    public async Task<LoadReport> RunAsync(LoadRun run, string name, Func<Task>? faults = null, TimeSpan? patience = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var sending = run.SendAsync(cancellation.Token);
        if (faults is not null)
        {
            await faults();
        }

        await sending;
        await run.FollowAsync(Helpdesk, patience ?? TimeSpan.FromSeconds(90), cancellation.Token);
        if (await run.RetryFailedRepliesAsync(cancellation.Token) > 0)
        {
            Mark(run, "failed replies retried");
            await run.FollowAsync(Helpdesk, patience ?? TimeSpan.FromSeconds(90), cancellation.Token);
        }

        var report = run.Report(Helpdesk);
        var folder = Environment.GetEnvironmentVariable("SUPPORTCOPILOT_RELIABILITY_PLOTS") ?? Path.Combine(AppContext.BaseDirectory, "plots");
        LatencyPlot.Save(Path.Combine(folder, name + ".png"), $"{name}: {run.Tickets.Count} tickets in {run.Duration.TotalSeconds:0} s", report, _events);
        await File.WriteAllTextAsync(
            Path.Combine(folder, name + ".txt"),
            report.Describe() + "\n" + string.Join("\n", _events.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.At:0.0} s: {e.What}"))) + "\n",
            cancellation.Token);
        TestContext.Current.SendDiagnosticMessage($"{name}:\n{report.Describe()}");
        return report;
    }

    /// <summary>Zero lost, zero answered twice, none stuck, and every service's outbox drained.</summary>
    public async Task AssertEveryTicketAccountedForAsync(LoadRun run, LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(report);
        Assert.True(report.Passed, report.Describe() + "\n" + string.Join("\n", All.Select(s => $"--- {s.Name}\n{s.Tail(15)}")));
        Assert.Equal(run.Tickets.Count, report.Accepted);
        Assert.Equal(0, report.FailedReplies);
        Assert.Equal(run.Tickets.Count, report.FinalStates.Values.Sum());
        Assert.True(report.FinalStates.GetValueOrDefault("auto_sent") > 0, "No ticket was answered on its own, so reply delivery was not exercised: " + report.Describe());
        await Eventually.MatchesAsync(OutboxBacklogAsync, backlog => backlog == 0, TimeSpan.FromSeconds(30), "Every outbox drained");
    }

    /// <summary>Messages written to any service's outbox and not yet published.</summary>
    public async Task<long> OutboxBacklogAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            """
            SELECT (SELECT COUNT(*) FROM intake.outbox_messages WHERE sent_at IS NULL)
                 + (SELECT COUNT(*) FROM drafting.outbox_messages WHERE sent_at IS NULL)
                 + (SELECT COUNT(*) FROM review.outbox_messages WHERE sent_at IS NULL)
            """, connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in All)
        {
            await service.DisposeAsync();
        }

        await Helpdesk.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }

    private static double Setting(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
