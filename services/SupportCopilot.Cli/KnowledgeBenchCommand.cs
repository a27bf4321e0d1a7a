using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using SupportCopilot.Data;
using SupportCopilot.Drafting;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Drafting.Knowledge;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>copilot bench kb [--chunks 1000,10000,100000] [--queries 2000] [--out file.json]</c>: for each size,
/// generates a synthetic help centre, imports it into a throwaway SQLite database through the
/// importer (pages/s), builds the index, then runs the same tickets through our search and through
/// a bare Lucene query on the same index, alternately, so that our overhead is a ratio measured
/// in one run on one machine (docs/benchmarks.md).
/// </summary>
internal static class KnowledgeBenchCommand
{
    public static Command Create()
    {
        var chunks = new Option<string>("--chunks") { Description = "Comma-separated corpus sizes in chunks.", DefaultValueFactory = _ => "1000,10000,100000" };
        var queries = new Option<int>("--queries") { Description = "Tickets searched per size (after 200 warm-up searches).", DefaultValueFactory = _ => 2000 };
        var output = new Option<FileInfo?>("--out") { Description = "Also write the results as JSON." };
        var kb = new Command("kb", "Benchmark knowledge-base ingest and query latency against bare Lucene.") { chunks, queries, output };
        kb.SetAction(async (parse, cancellationToken) =>
        {
            var sizes = parse.GetRequiredValue(chunks).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
            var results = new List<BenchResult>();
            AnsiConsole.MarkupLineInterpolated($"[grey]{Machine()}[/]");
            foreach (var size in sizes)
            {
                var result = await RunAsync(size, parse.GetValue(queries), cancellationToken);
                results.Add(result);
                AnsiConsole.MarkupLineInterpolated($"[grey]{size} chunks done[/]");
            }

            Print(results);
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(new { machine = Machine(), results }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }), cancellationToken);
            }

            return 0;
        });
        return kb;
    }

    private static async Task<BenchResult> RunAsync(int chunks, int queryCount, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "copilot-bench-kb-" + Guid.NewGuid().ToString("N"));
        try
        {
            var database = new DraftingDatabase(new DatabaseSettings { Provider = DatabaseProvider.Sqlite, DataDirectory = folder });
            await Migrator.MigrateAsync(database, DraftingMigrations.All, NullLogger.Instance, cancellationToken);
            // The retrieval options the services would use (Drafting__Retrieval__… from the environment).
            var options = CliConfiguration.Drafting();
            var importer = new KnowledgeImporter(database, options);
            var corpus = new SyntheticCorpus();
            var pages = Math.Max(1, chunks / SyntheticCorpus.SectionsPerPage);

            var ingest = Stopwatch.StartNew();
            var stored = 0;
            for (var i = 0; i < pages; i++)
            {
                var (documentId, markdown) = corpus.Page(i);
                stored += (await importer.ImportDocumentAsync(documentId, Encoding.UTF8.GetBytes(markdown), cancellationToken)).Chunks;
            }

            ingest.Stop();
            using var index = new KnowledgeIndex(options);
            var build = Stopwatch.StartNew();
            await index.RebuildAsync(database, cancellationToken);
            build.Stop();

            var tickets = Enumerable.Range(0, queryCount + 200).Select(i => corpus.Ticket(i, pages)).ToList();
            var ours = new List<double>(queryCount);
            var bare = new List<double>(queryCount);
            for (var i = 0; i < tickets.Count; i++)
            {
                var (subject, body) = tickets[i];

                // Alternate which runs first, so that neither always gets the warmer cache.
                double oursMs, bareMs;
                if (i % 2 == 0)
                {
                    oursMs = Time(() => index.Search(subject, body));
                    bareMs = Time(() => index.BareLuceneSearch(subject + "\n" + body, options.Retrieval.TopPassages));
                }
                else
                {
                    bareMs = Time(() => index.BareLuceneSearch(subject + "\n" + body, options.Retrieval.TopPassages));
                    oursMs = Time(() => index.Search(subject, body));
                }

                if (i >= 200)
                {
                    ours.Add(oursMs);
                    bare.Add(bareMs);
                }
            }

            return new BenchResult(
                stored,
                pages,
                pages / ingest.Elapsed.TotalSeconds,
                build.Elapsed.TotalSeconds,
                Percentile(ours, 0.50),
                Percentile(ours, 0.99),
                ours.Average(),
                Percentile(bare, 0.50),
                Percentile(bare, 0.99),
                bare.Average());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder; the OS cleans it.
            }
        }
    }

    private static double Time(Action action)
    {
        var started = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static void Print(IReadOnlyList<BenchResult> results)
    {
        var table = new Table()
            .AddColumn("chunks").AddColumn("pages").AddColumn("ingest pages/s").AddColumn("index build s")
            .AddColumn("ours p50 ms").AddColumn("ours p99 ms").AddColumn("bare p50 ms").AddColumn("bare p99 ms").AddColumn("ratio p50").AddColumn("ratio p99").AddColumn("ratio mean");
        foreach (var r in results)
        {
            table.AddRow(
                F(r.Chunks, "0"), F(r.Pages, "0"), F(r.IngestPagesPerSecond, "0"), F(r.IndexBuildSeconds, "0.00"),
                F(r.OursP50Ms, "0.000"), F(r.OursP99Ms, "0.000"), F(r.BareP50Ms, "0.000"), F(r.BareP99Ms, "0.000"),
                F(r.OursP50Ms / r.BareP50Ms, "0.00"), F(r.OursP99Ms / r.BareP99Ms, "0.00"), F(r.OursMeanMs / r.BareMeanMs, "0.00"));
        }

        AnsiConsole.Write(table);
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }

    private sealed record BenchResult(
        int Chunks,
        int Pages,
        double IngestPagesPerSecond,
        double IndexBuildSeconds,
        double OursP50Ms,
        double OursP99Ms,
        double OursMeanMs,
        double BareP50Ms,
        double BareP99Ms,
        double BareMeanMs);
}
