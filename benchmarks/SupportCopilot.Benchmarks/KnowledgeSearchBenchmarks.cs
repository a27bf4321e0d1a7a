using BenchmarkDotNet.Attributes;
using SupportCopilot.Drafting;
using SupportCopilot.Drafting.Knowledge;

namespace SupportCopilot.Benchmarks;

/// <summary>
/// The query path: our ticket search against a bare Lucene query (same analyzer, same three
/// fields, same index) over the same synthetic tickets, at 1k, 10k and 100k chunks. The ratio
/// column is our overhead (docs/benchmarks.md).
/// </summary>
[MemoryDiagnoser]
public class KnowledgeSearchBenchmarks
{
    private const int Tickets = 64;

    private KnowledgeIndex _index = null!;
    private (string Subject, string Body)[] _tickets = [];
    private string[] _flat = [];

    [Params(1_000, 10_000, 100_000)]
    public int Chunks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var corpus = new SyntheticCorpus();
        var pages = Math.Max(1, Chunks / SyntheticCorpus.SectionsPerPage);
        var chunks = Enumerable.Range(0, pages)
            .Select(corpus.Page)
            .SelectMany(page => DocumentChunker.ChunkMarkdown(page.DocumentId, page.Markdown, 1500).Chunks)
            .ToList();
        _index = new KnowledgeIndex(new DraftingOptions());
        _index.Build(chunks);
        _tickets = Enumerable.Range(0, Tickets).Select(i => corpus.Ticket(i, pages)).ToArray();
        _flat = _tickets.Select(t => t.Subject + "\n" + t.Body).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Tickets)]
    public int BareLucene()
    {
        var found = 0;
        foreach (var text in _flat)
        {
            found += _index.BareLuceneSearch(text, 10).Count;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Tickets)]
    public int TicketSearch()
    {
        var found = 0;
        foreach (var (subject, body) in _tickets)
        {
            found += _index.Search(subject, body).Hits.Count;
        }

        return found;
    }
}
