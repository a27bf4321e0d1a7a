using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace SupportCopilot.Cli.Bench;

/// <summary>
/// <c>copilot bench load --rate 200 --duration 60 [--target http://127.0.0.1:5081]</c>: drives signed
/// webhooks at a steady rate into a running Intake, with a helpdesk stand-in on
/// <c>--helpdesk-port</c> taking the replies (point <c>Intake__Connectors__Generic__CallbackUrl</c>
/// at it), then checks every ticket. With <c>--postgres</c> / <c>--rabbitmq</c> it measures the
/// baselines in the same run. Exit code 0 only when nothing was lost or answered twice.
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var rate = new Option<double>("--rate") { Description = "Webhooks per second (sent on schedule whatever the answers).", Required = true };
        var duration = new Option<double>("--duration") { Description = "Seconds of sending.", Required = true };
        var target = new Option<string>("--target") { Description = "Intake's base URL.", DefaultValueFactory = _ => "http://127.0.0.1:5081" };
        var secret = new Option<string?>("--secret") { Description = "The generic webhook secret (default: Intake__Connectors__Generic__WebhookSecret; none sends unsigned, as standalone takes from loopback)." };
        var apiKey = new Option<string?>("--api-key") { Description = "API key for Intake's API (default: SUPPORTCOPILOT_API_KEY, else Auth__AdminApiKey)." };
        var helpdeskPort = new Option<int>("--helpdesk-port") { Description = "Port of the helpdesk stand-in (replies to http://127.0.0.1:<port>/replies).", DefaultValueFactory = _ => 5099 };
        var connections = new Option<int>("--connections") { Description = "HTTP connections to Intake at most; also pgbench's client count and the publisher's outstanding confirms.", DefaultValueFactory = _ => 64 };
        var patience = new Option<double>("--patience") { Description = "Seconds to wait after sending for every ticket to reach its final state.", DefaultValueFactory = _ => 120 };
        var postgres = new Option<string?>("--postgres") { Description = "Measure pgbench's one-insert baseline on this PostgreSQL (connection string)." };
        var rabbitmq = new Option<string?>("--rabbitmq") { Description = "Measure RabbitMQ's confirmed persistent publish baseline on this broker (amqp:// URI)." };
        var output = new Option<string?>("--out") { Description = "Folder for report.json and latency.png." };
        var warmup = new Option<double>("--warmup")
        {
            Description = "Seconds of webhooks at the same rate before the measured run, checked like it but not counted (just-started services spend their first minute compiling their own code).",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("load", "Drive webhooks at a steady rate and check every ticket reached one final state with one reply.")
        {
            rate, duration, target, secret, apiKey, helpdeskPort, connections, patience, postgres, rabbitmq, output, warmup,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new LoadOptions(
                new Uri(parse.GetValue(target)!),
                parse.GetValue(rate),
                TimeSpan.FromSeconds(parse.GetValue(duration)),
                parse.GetValue(secret) ?? Environment.GetEnvironmentVariable("Intake__Connectors__Generic__WebhookSecret"),
                parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("SUPPORTCOPILOT_API_KEY") ?? Environment.GetEnvironmentVariable("Auth__AdminApiKey"),
                parse.GetValue(connections));
            if (options.Tickets < 1)
            {
                await Console.Error.WriteLineAsync("--rate times --duration must be at least one webhook.");
                return 2;
            }

            var warmupSeconds = parse.GetValue(warmup);
            if (warmupSeconds < 0 || double.IsNaN(warmupSeconds))
            {
                await Console.Error.WriteLineAsync("--warmup must be zero or more seconds.");
                return 2;
            }

            var patienceTime = TimeSpan.FromSeconds(parse.GetValue(patience));
            if (warmupSeconds > 0 && !await WarmUpAsync(WarmUpOptions(options, warmupSeconds), parse.GetValue(helpdeskPort), patienceTime, Console.Out, cancellationToken))
            {
                return 1;
            }

            return await RunAsync(
                options, parse.GetValue(helpdeskPort), patienceTime,
                parse.GetValue(postgres), parse.GetValue(rabbitmq) is { } broker ? new Uri(broker) : null, parse.GetValue(output), Console.Out, cancellationToken);
        });
        return command;
    }

    /// <summary>The measured run's settings for <paramref name="seconds"/>, under ticket ids of its own.</summary>
    public static LoadOptions WarmUpOptions(LoadOptions measured, double seconds) =>
        measured with { Duration = TimeSpan.FromSeconds(seconds), RunId = "warm" + LoadOptions.NewRunId() };

    /// <summary>
    /// Sends and checks a run that is not reported: a service just started runs its code unoptimised
    /// and recompiles it for the first minute or so, which measured as half the CPU of a 20 s run.
    /// Its tickets get their own prefix and helpdesk stand-in, so the measured run checks only its own.
    /// </summary>
    public static async Task<bool> WarmUpAsync(LoadOptions options, int helpdeskPort, TimeSpan patience, TextWriter output, CancellationToken cancellationToken)
    {
        await using var helpdesk = await HelpdeskSink.StartAsync(helpdeskPort);
        using var run = new LoadRun(options);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Warming up: {options.Tickets} webhooks at {options.Rate}/s, not counted"));
        await run.SendAsync(cancellationToken);
        await run.FollowAsync(helpdesk, patience, cancellationToken);
        var report = run.Report(helpdesk);
        await output.WriteLineAsync(report.Passed
            ? "warm-up: PASS"
            : "warm-up: FAIL, no measured run\n" + report.Describe());
        return report.Passed;
    }

    public static async Task<int> RunAsync(
        LoadOptions options, int helpdeskPort, TimeSpan patience, string? postgres, Uri? rabbitmq, string? outputFolder, TextWriter output, CancellationToken cancellationToken)
    {
        var c = CultureInfo.InvariantCulture;
        await using var helpdesk = await HelpdeskSink.StartAsync(helpdeskPort);
        using var run = new LoadRun(options);
        await output.WriteLineAsync(string.Create(c, $"Sending {options.Tickets} webhooks at {options.Rate}/s to {options.Target} ({Environment.ProcessorCount} cores); replies to {helpdesk.CallbackUrl}"));
        await run.SendAsync(cancellationToken);
        await run.FollowAsync(helpdesk, patience, cancellationToken);
        var report = run.Report(helpdesk);
        await output.WriteLineAsync(report.Describe());

        var baselines = new Dictionary<string, double>();
        if ((postgres is not null || rabbitmq is not null)
            && await Baselines.WaitForQuietAsync(idleEnough: 0.8, patience: TimeSpan.FromSeconds(60), cancellationToken) is var (idle, waited))
        {
            baselines["cpu_idle_before_baselines"] = idle;
            await output.WriteLineAsync(string.Create(c, $"baselines: CPUs {idle:P0} idle after waiting {waited.TotalSeconds:0} s for the run's work to settle"));
        }

        BaselineRate? insert = null, publish = null;
        if (postgres is not null)
        {
            var tps = await Baselines.MeasureAsync(() => Baselines.PgbenchInsertsPerSecondAsync(postgres, options.Connections, TimeSpan.FromSeconds(10), cancellationToken));
            insert = tps;
            baselines["pgbench_inserts_per_second"] = tps.PerSecond;
            Record(baselines, "pgbench_cpu_busy", tps.CpuBusy);
            await output.WriteLineAsync(string.Create(c, $"baseline: pgbench one-insert {tps.PerSecond:0} tx/s at {options.Connections} clients{Busy(tps)}; accepted/pgbench = {report.AcceptedPerSecond / tps.PerSecond:0.00}"));
        }

        if (rabbitmq is not null)
        {
            var rate = await Baselines.MeasureAsync(() => Baselines.RabbitMqConfirmedPublishesPerSecondAsync(rabbitmq, options.Connections, TimeSpan.FromSeconds(10), cancellationToken));
            publish = rate;
            baselines["rabbitmq_confirmed_publishes_per_second"] = rate.PerSecond;
            Record(baselines, "rabbitmq_cpu_busy", rate.CpuBusy);
            await output.WriteLineAsync(string.Create(c, $"baseline: RabbitMQ persistent publish with confirms {rate.PerSecond:0} msg/s{Busy(rate)}; accepted/publishes = {report.AcceptedPerSecond / rate.PerSecond:0.00}"));
        }

        if (insert is { } i && publish is { } p && Baselines.SharedCeiling(i, p) is { } ceiling)
        {
            // A ticket needs at least its row and its message; on one machine both take from the same CPUs.
            baselines["ceiling_tickets_per_second"] = ceiling;
            await output.WriteLineAsync(string.Create(c, $"ceiling: one such insert and one such publish per ticket on these CPUs allow at most {ceiling:0} tickets/s ({ceiling / i.PerSecond:0.00} of pgbench); accepted/ceiling = {report.AcceptedPerSecond / ceiling:0.00}"));
        }

        if (outputFolder is not null)
        {
            Directory.CreateDirectory(outputFolder);
            LatencyPlot.Save(Path.Combine(outputFolder, "latency.png"), $"{options.Rate}/s for {options.Duration.TotalSeconds} s", report, []);
            await File.WriteAllTextAsync(
                Path.Combine(outputFolder, "report.json"),
                ReportJson(options, report, baselines),
                cancellationToken);
            await File.WriteAllLinesAsync(
                Path.Combine(outputFolder, "timeline.csv"),
                report.Timeline.Select(p => string.Create(c, $"{p.At:0.000},{p.AcceptMs:0.00},{p.EndToEndMs:0.0}")).Prepend("due_s,accept_ms,end_to_end_ms"),
                cancellationToken);
            await output.WriteLineAsync($"Wrote {outputFolder}/report.json, latency.png and timeline.csv (one line per webhook)");
        }

        return report.Passed ? 0 : 1;
    }

    private static string Busy(BaselineRate rate) =>
        rate.CpuBusy is { } busy ? string.Create(CultureInfo.InvariantCulture, $" (CPUs {busy:P0} busy)") : string.Empty;

    private static void Record(Dictionary<string, double> baselines, string key, double? value)
    {
        if (value is { } v)
        {
            baselines[key] = v;
        }
    }

    /// <summary>report.json: the figures and verdict of a run, without its per-webhook timeline (that is timeline.csv).</summary>
    internal static string ReportJson(LoadOptions options, LoadReport report, IReadOnlyDictionary<string, double> baselines) =>
        JsonSerializer.Serialize(
            new { options.Rate, Seconds = options.Duration.TotalSeconds, options.Connections, Report = report with { Timeline = [] }, Baselines = baselines },
            new JsonSerializerOptions { WriteIndented = true });
}
