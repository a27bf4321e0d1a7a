using System.CommandLine;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SupportCopilot.Data;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Exports;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>copilot export bench --rows 1000000 [--database-provider postgres --connection-string ...]</c>:
/// generates corrections in a throwaway database, then streams them twice in one run — a bare
/// <c>SELECT</c> reading every column, and a full <c>sft</c> export — and prints rows/s and peak
/// working set of each, so the exporter's overhead is a ratio (docs/benchmarks.md).
/// </summary>
internal static class ExportBenchCommand
{
    private const string BareSelect = """
        SELECT c.correction_id, c.draft_id, c.ticket_id, r.connector, r.subject, r.body, r.customer_name, r.language,
               r.citations, r.confidence, r.reasons, r.drafter, c.draft_text, c.final_text, c.decision, c.reason,
               c.comment, c.agent, c.decided_at, c.review_seconds
        FROM corrections c JOIN review_items r ON r.draft_id = c.draft_id
        ORDER BY c.decided_at, c.correction_id
        """;

    private const string InsertItem = """
        INSERT INTO review_items (draft_id, ticket_id, connector, external_id, subject, body, customer_email, customer_name,
            language, received_at, draft_text, citations, confidence, reasons, drafter, queued_at, status, decided_at, decided_by)
        VALUES (@DraftId, @TicketId, 'zendesk', @ExternalId, @Subject, @Body, @Email, @Name, 'en', @At, @Draft, @Citations, 0.5,
            '["low_confidence"]', 'offline-extractive', @At, @Decision, @At, 'ana')
        """;

    private const string InsertCorrection = """
        INSERT INTO corrections (correction_id, draft_id, ticket_id, draft_text, final_text, decision, reason, comment, agent, decided_at, review_seconds)
        VALUES (@CorrectionId, @DraftId, @TicketId, @Draft, @Final, @Decision, @Reason, NULL, 'ana', @At, 42)
        """;

    private static readonly string[] Names = ["Jane Doe", "Ana Lima", "Li Wei", "Seán O'Brien", "Priya Patel", "Will Turner"];

    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "Corrections to generate.", DefaultValueFactory = _ => 100_000 };
        var provider = new Option<string?>("--database-provider") { Description = "sqlite (a temp folder) or postgres (a throwaway database on the server of --connection-string)." };
        provider.AcceptOnlyFromAmong("sqlite", "postgres");
        var connectionString = new Option<string?>("--connection-string") { Description = "PostgreSQL admin connection string (default: Database__ConnectionString)." };
        var command = new Command("bench", "Benchmark the exporter against a bare streamed SELECT on generated corrections.") { rows, provider, connectionString };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(rows);
            if (count < 1)
            {
                await Console.Error.WriteLineAsync("--rows must be at least 1.");
                return 2;
            }

            await RunAsync(
                count, string.Equals(parse.GetValue(provider), "postgres", StringComparison.OrdinalIgnoreCase), parse.GetValue(connectionString), Console.Out, cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>Generates <paramref name="count"/> corrections in a throwaway database, measures both phases and prints them to <paramref name="output"/>.</summary>
    internal static async Task RunAsync(int count, bool postgres, string? adminConnectionString, TextWriter output, CancellationToken cancellationToken)
    {
        await using var throwaway = await BenchDatabase.CreateAsync(postgres, adminConnectionString, "bench", cancellationToken);
        var settings = throwaway.Settings;
        var folder = throwaway.Folder;
        var database = new ReviewDatabase(settings);
        await Migrator.MigrateAsync(database, ReviewMigrations.All, NullLogger.Instance, cancellationToken);
        var generate = Stopwatch.StartNew();
        await GenerateAsync(database, count, cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{settings.Provider}: generated {count} corrections in {generate.Elapsed.TotalSeconds:0.0} s"));

        var bare = await MeasureAsync(async () =>
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = BareSelect;
            command.CommandTimeout = 0;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            long n = 0;
            var values = new object[reader.FieldCount];
            while (await reader.ReadAsync(cancellationToken))
            {
                reader.GetValues(values);
                n++;
            }

            return n;
        });
        Print(output, "bare SELECT", bare);

        var file = Path.Combine(folder, "bench-sft.jsonl");
        Directory.CreateDirectory(folder);
        ExportManifest? manifest = null;
        var export = await MeasureAsync(async () =>
        {
            manifest = await ExportFiles.ExportAsync(
                new CorrectionExporter(database, NullLogger<CorrectionExporter>.Instance),
                new ExportRequest { Format = ExportFormat.Sft, Split = 0.9 },
                file,
                progress: null,
                cancellationToken);
            return manifest.Counts.Read;
        });
        Print(output, "export sft", export);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  written {manifest!.Counts.Written}, tokens {manifest.Tokens.Total}, {manifest.Files.Sum(f => f.Bytes) / 1048576.0:0} MiB; exporter time / bare SELECT time = {export.Seconds / bare.Seconds:0.0}, exporter cpu / bare SELECT cpu = {export.CpuSeconds / bare.CpuSeconds:0.0}"));
        output.WriteLine("  redactions " + string.Join(", ", manifest.Redaction.Replaced.Select(r => r.Key + "=" + r.Value.ToString(CultureInfo.InvariantCulture))) + "; skipped " + string.Join(", ", manifest.Counts.Skipped.Select(r => r.Key + "=" + r.Value.ToString(CultureInfo.InvariantCulture))));
    }

    private sealed record GeneratedCorrection(
        Guid DraftId, Guid TicketId, string ExternalId, string Subject, string Body, string Email, string Name, DateTimeOffset At,
        string Draft, string Citations, string Decision, Guid CorrectionId, string? Final, string? Reason);

    private static async Task GenerateAsync(ReviewDatabase database, int count, CancellationToken cancellationToken)
    {
        const int batch = 5_000;
        for (var offset = 0; offset < count; offset += batch)
        {
            var rows = Generate(offset, Math.Min(count, offset + batch));
            await using var connection = await database.OpenAsync(cancellationToken);
            if (connection is NpgsqlConnection postgres)
            {
                // Binary COPY: a million single-row INSERTs take minutes on PostgreSQL.
                await CopyAsync(postgres, rows, cancellationToken);
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(InsertItem, rows, transaction);
            await connection.ExecuteAsync(InsertCorrection, rows.Select(r => new { r.CorrectionId, r.DraftId, r.TicketId, r.Draft, r.Final, r.Decision, r.Reason, r.At }), transaction);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static List<GeneratedCorrection> Generate(int from, int to)
    {
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = new List<GeneratedCorrection>(to - from);
        for (var i = from; i < to; i++)
        {
            var name = Names[i % Names.Length];
            var decision = (i % 10) switch { < 6 => "approved", < 9 => "edited", _ => "rejected" };
            var draft = $"Hello {name.Split(' ')[0]},\n\nTo fix this, open Settings > Sync and choose Sync now (case {i}). If notes still do not appear after a few minutes, sign out and sign in again.\n\nBest regards,\nThe support team";
            var final = decision switch
            {
                "approved" => draft,
                "edited" => draft.Replace("To fix this", "Sorry for the trouble! To fix this", StringComparison.Ordinal),
                _ => null,
            };
            rows.Add(new GeneratedCorrection(
                Guid.NewGuid(), Guid.NewGuid(), "ZD-" + i.ToString(CultureInfo.InvariantCulture),
                $"Notes not syncing on device {i}",
                $"Hi, since yesterday my notes do not sync between my phone and laptop (ticket {i}). I tried restarting. My email is user{i}@example.com and phone +44 20 7946 {i % 10000:0000}. Thanks, {name}",
                $"user{i}@example.com", name, start.AddSeconds(i), draft, Passages[i % Passages.Length], decision, Guid.NewGuid(), final,
                decision == "rejected" ? "wrong_answer" : null));
        }

        return rows;
    }

    private static readonly string[] Passages = [.. Enumerable.Range(0, 50)
        .Select(p => ReviewJson.Write(new[] { new Contracts.Citation($"kb/article-{p}.md#section-{p}", $"Article {p}", $"To fix problem {p}, open Settings > Sync and choose Sync now. If notes still do not appear after a few minutes, sign out and sign in again; your notes are stored safely on our servers and nothing is lost. Contact support if problem {p} persists.") }))];

    private static async Task CopyAsync(NpgsqlConnection connection, List<GeneratedCorrection> rows, CancellationToken cancellationToken)
    {
        await using (var items = await connection.BeginBinaryImportAsync(
            "COPY review_items (draft_id, ticket_id, connector, external_id, subject, body, customer_email, customer_name, language, received_at, " +
            "draft_text, citations, confidence, reasons, drafter, queued_at, status, decided_at, decided_by) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var r in rows)
            {
                await items.StartRowAsync(cancellationToken);
                await items.WriteAsync(r.DraftId, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
                await items.WriteAsync(r.TicketId, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
                await items.WriteAsync("zendesk", NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync(r.ExternalId, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync(r.Subject, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync(r.Body, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync(r.Email, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync(r.Name, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync("en", NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync(r.At, NpgsqlTypes.NpgsqlDbType.TimestampTz, cancellationToken);
                await items.WriteAsync(r.Draft, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync(r.Citations, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync(0.5, NpgsqlTypes.NpgsqlDbType.Double, cancellationToken);
                await items.WriteAsync("[\"low_confidence\"]", NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync("offline-extractive", NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync(r.At, NpgsqlTypes.NpgsqlDbType.TimestampTz, cancellationToken);
                await items.WriteAsync(r.Decision, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await items.WriteAsync(r.At, NpgsqlTypes.NpgsqlDbType.TimestampTz, cancellationToken);
                await items.WriteAsync("ana", NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
            }

            await items.CompleteAsync(cancellationToken);
        }

        await using var corrections = await connection.BeginBinaryImportAsync(
            "COPY corrections (correction_id, draft_id, ticket_id, draft_text, final_text, decision, reason, comment, agent, decided_at, review_seconds) " +
            "FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var r in rows)
        {
            await corrections.StartRowAsync(cancellationToken);
            await corrections.WriteAsync(r.CorrectionId, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
            await corrections.WriteAsync(r.DraftId, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
            await corrections.WriteAsync(r.TicketId, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
            await corrections.WriteAsync(r.Draft, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(corrections, r.Final, cancellationToken);
            await corrections.WriteAsync(r.Decision, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(corrections, r.Reason, cancellationToken);
            await corrections.WriteNullAsync(cancellationToken);
            await corrections.WriteAsync("ana", NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
            await corrections.WriteAsync(r.At, NpgsqlTypes.NpgsqlDbType.TimestampTz, cancellationToken);
            await corrections.WriteAsync(42.0, NpgsqlTypes.NpgsqlDbType.Double, cancellationToken);
        }

        await corrections.CompleteAsync(cancellationToken);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await importer.WriteNullAsync(cancellationToken);
        }
        else
        {
            await importer.WriteAsync(value, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
        }
    }

    /// <summary>What one phase cost: wall time, rows, peak working set, and the process's CPU time and GC work in it.</summary>
    private sealed record PhaseCost(double Seconds, long Rows, long PeakBytes, double CpuSeconds, int Gen0, int Gen1, int Gen2, double PauseMs, long AllocatedBytes);

    /// <summary>
    /// Runs <paramref name="phase"/> after a full GC, sampling the working set every 20 ms. CPU
    /// time is the process's own (user + kernel), so on a machine shared with other work it says
    /// what the phase cost where wall time only says how long it waited.
    /// </summary>
    private static async Task<PhaseCost> MeasureAsync(Func<Task<long>> phase)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(20, CancellationToken.None);
            }
        });
        var cpu = process.TotalProcessorTime;
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var pause = GC.GetTotalPauseDuration();
        var allocated = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        var rows = await phase();
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cost = new PhaseCost(
            seconds, rows, 0, (process.TotalProcessorTime - cpu).TotalSeconds,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2,
            (GC.GetTotalPauseDuration() - pause).TotalMilliseconds, GC.GetTotalAllocatedBytes() - allocated);
        await stop.CancelAsync();
        await sampler;
        return cost with { PeakBytes = peak };
    }

    private static void Print(TextWriter output, string phase, PhaseCost cost) =>
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{phase,-12} {cost.Rows,9} rows in {cost.Seconds,7:0.00} s = {cost.Rows / cost.Seconds,9:0} rows/s, peak working set {cost.PeakBytes / 1048576.0,6:0} MiB; " +
            $"cpu {cost.CpuSeconds:0.00} s = {cost.CpuSeconds * 1e6 / Math.Max(1, cost.Rows):0.0} us/row; gc {cost.Gen0}/{cost.Gen1}/{cost.Gen2} (gen0/1/2), pause {cost.PauseMs:0} ms, allocated {cost.AllocatedBytes / 1048576.0:0} MiB"));
}
