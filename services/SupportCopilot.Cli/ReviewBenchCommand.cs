using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Queue;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>copilot review bench --items 10000 [--database-provider postgres --connection-string ...]</c>:
/// fills a throwaway Review database with pending items through the real enqueue path, then times
/// what the queue page runs (first page, a deep page, a filtered page, the filter counts, the live
/// fingerprint) and prints the median and p95 of each over repeated runs (docs/benchmarks.md).
/// </summary>
internal static class ReviewBenchCommand
{
    private const int Runs = 30;

    public static Command Create()
    {
        var items = new Option<int>("--items") { Description = "Pending items to generate.", DefaultValueFactory = _ => 10_000 };
        var provider = new Option<string?>("--database-provider") { Description = "sqlite (a temp folder) or postgres (a throwaway database on the server of --connection-string)." };
        provider.AcceptOnlyFromAmong("sqlite", "postgres");
        var connectionString = new Option<string?>("--connection-string") { Description = "PostgreSQL admin connection string (default: Database__ConnectionString)." };
        var bench = new Command("bench", "Time the review queue's queries on generated pending items.") { items, provider, connectionString };
        bench.SetAction(async (parse, cancellationToken) =>
        {
            await using var throwaway = await BenchDatabase.CreateAsync(
                string.Equals(parse.GetValue(provider), "postgres", StringComparison.OrdinalIgnoreCase), parse.GetValue(connectionString), "review_bench", cancellationToken);
            var settings = throwaway.Settings;
            var database = new ReviewDatabase(settings);
            await Migrator.MigrateAsync(database, ReviewMigrations.All, NullLogger.Instance, cancellationToken);
            var count = parse.GetValue(items);
            var generate = Stopwatch.StartNew();
            await GenerateAsync(database, count, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{settings.Provider}: queued {count} pending items in {generate.Elapsed.TotalSeconds:0.0} s"));
            await using (var connection = await database.OpenAsync(cancellationToken))
            {
                // What autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would have done on a live database.
                await connection.ExecuteAsync(new CommandDefinition(database.IsPostgres ? $"ANALYZE {database.Schema}.review_items" : "ANALYZE main", cancellationToken: cancellationToken));
            }

            var queue = new QueueQueries(database);
            const int pageSize = 50;
            await TimeAsync("first page (50)", () => queue.PageAsync(QueueFilter.None, 1, pageSize, 0.8, 0.5, cancellationToken));
            await TimeAsync("page 100 (items 4,951-5,000)", () => queue.PageAsync(QueueFilter.None, 100, pageSize, 0.8, 0.5, cancellationToken));
            await TimeAsync("filtered: connector + band", () => queue.PageAsync(new QueueFilter("freshdesk", null, null, "low", null), 1, pageSize, 0.8, 0.5, cancellationToken));
            await TimeAsync("filtered: reason", () => queue.PageAsync(new QueueFilter(null, null, "guarded:billing", null, null), 1, pageSize, 0.8, 0.5, cancellationToken));
            await TimeAsync("filter counts", () => queue.FacetsAsync(0.8, 0.5, cancellationToken));
            await TimeAsync("live fingerprint", () => queue.VersionAsync(cancellationToken));
            return 0;
        });
        return new Command("review", "The review queue.") { bench };
    }

    private static async Task TimeAsync<T>(string name, Func<Task<T>> run)
    {
        await run(); // warm-up: connection pool, statement cache
        var times = new List<double>(Runs);
        for (var i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await run();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {name,-32} median {times[Runs / 2],7:0.00} ms   p95 {times[(int)(Runs * 0.95) - 1],7:0.00} ms"));
    }

    private static async Task GenerateAsync(ReviewDatabase database, int count, CancellationToken cancellationToken)
    {
        string[] connectors = ["zendesk", "freshdesk", "intercom", "helpscout", "chatwoot", "generic"];
        string[] categories = ["how-to", "billing", "account", "bug", "privacy"];
        string[][] reasons = [["low_confidence"], ["guarded:billing"], ["no_citation", "low_confidence"], ["unsupported_language:de"]];
        var random = new Random(7);
        var time = new FixedTime(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var handler = new EnqueueDraftHandler(database, time);
        for (var i = 0; i < count; i++)
        {
            time.Now = time.Now.AddSeconds(random.Next(1, 30));
            var ticket = new TicketContent(
                Guid.NewGuid(), connectors[i % connectors.Length], "T-" + i, "Question number " + i,
                "A customer question of a few sentences about the product, long enough to be realistic in size. " + i,
                new Customer($"customer{i}@example.com", "Customer " + i), i % 7 == 0 ? "de" : "en", time.Now);
            var draft = new DraftReady(
                Guid.NewGuid(), ticket, "A drafted answer of a few sentences that cites the knowledge base.",
                [new Citation("kb/doc.md#anchor", "Document", "A cited passage of the knowledge base.")],
                random.NextDouble(), false, reasons[i % reasons.Length], "offline", time.Now,
                new DraftInsights(categories[i % categories.Length], null, i % 5 == 0 ? "negative" : "neutral", "bench"));
            await handler.HandleAsync(draft, Guid.NewGuid(), cancellationToken);
        }
    }

    private sealed class FixedTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
