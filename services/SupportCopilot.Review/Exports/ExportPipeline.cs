using System.Threading.Channels;
using SupportCopilot.Contracts;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Review.Exports;

/// <summary>What a worker made of one correction: a row to write, or why not, and what the caller must do in order.</summary>
internal sealed class RowResult
{
    private static readonly Dictionary<string, RowResult> SkippedRows = new(StringComparer.Ordinal)
    {
        [SkipReasons.BelowMinEditDistance] = new() { Skip = SkipReasons.BelowMinEditDistance },
        [SkipReasons.UnreadableSources] = new() { Skip = SkipReasons.UnreadableSources },
    };

    public ExportRow? Row { get; init; }

    /// <summary>Why the row is not written (before the duplicate check, which needs the rows before it).</summary>
    public string? Skip { get; init; }

    /// <summary>The passages the row's sources were redacted from, in order (their counts are the caller's).</summary>
    public IReadOnlyList<PassageRedaction> Passages { get; init; } = [];

    public ulong TicketHash { get; init; }

    public ExportPart Part { get; init; }

    public static RowResult Skipped(string reason) => SkippedRows[reason];
}

/// <summary>A knowledge-base passage redacted without a customer name, with the replacements that took.</summary>
internal sealed class PassageRedaction(string text, string redacted, RedactionCounts counts)
{
    public string Text { get; } = text;

    public string Redacted { get; } = redacted;

    public RedactionCounts Counts { get; } = counts;
}

/// <summary>
/// One worker's caches of what repeats across rows: parsed citation and reason JSON, redacted
/// passages. Each is bounded (cleared when full) so memory stays flat; none changes a result.
/// </summary>
internal sealed class WorkerCaches
{
    private const int Limit = CorrectionExporter.PassageCacheLimit;

    private readonly Dictionary<string, IReadOnlyList<Citation>> _citations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _categories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PassageRedaction> _passages = new(StringComparer.Ordinal);

    /// <summary>The citations of <paramref name="json"/>; throws <see cref="System.Text.Json.JsonException"/> as <see cref="ReviewJson.ReadCitations"/> does.</summary>
    public IReadOnlyList<Citation> Citations(string json) =>
        Get(_citations, json, ReviewJson.ReadCitations);

    public string Category(string reasonsJson) =>
        Get(_categories, reasonsJson, json => CorrectionExporter.Category(ReviewJson.ReadReasons(json)));

    public PassageRedaction Passage(string passage) =>
        Get(_passages, passage, text =>
        {
            var counts = new RedactionCounts();
            return new PassageRedaction(text, PiiRedactor.Redact(text, null, counts), counts);
        });

    private static T Get<T>(Dictionary<string, T> cache, string key, Func<string, T> create)
    {
        if (cache.TryGetValue(key, out var value))
        {
            return value;
        }

        value = create(key);
        if (cache.Count >= Limit)
        {
            cache.Clear();
        }

        cache[key] = value;
        return value;
    }
}

/// <summary>A run of consecutive corrections, processed by one worker and taken back in read order.</summary>
internal sealed class RowBatch(int capacity)
{
    public CorrectionRecord[] Records { get; } = new CorrectionRecord[capacity];

    public RowResult[] Results { get; } = new RowResult[capacity];

    public int Count { get; set; }

    /// <summary>Replacements in the batch's own texts (not the passages'): a sum, so order does not matter.</summary>
    public RedactionCounts Counts { get; } = new();

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Drops the rows once written, so a batch held by the channel does not keep them alive.</summary>
    public void Release()
    {
        Array.Clear(Records, 0, Count);
        Array.Clear(Results, 0, Count);
    }
}

/// <summary>
/// The export's parallel stages: one reader streams corrections in query order into batches; the
/// batches go, in order, into a bounded queue for the caller and, in any order, to
/// <c>workers</c> that redact, build, validate and count tokens. <see cref="ReadInOrderAsync"/>
/// hands the batches back in read order, each once its worker is done, so everything after it
/// (dedup, counts, bytes) is the same as a sequential run's. The bounded queue keeps at most
/// <c>4 × workers</c> batches of <see cref="BatchSize"/> rows in memory.
/// </summary>
internal sealed class ExportPipeline : IAsyncDisposable
{
    internal const int BatchSize = 128;

    private readonly CancellationTokenSource _cancel;
    private readonly Channel<RowBatch> _ordered;
    private readonly Channel<RowBatch> _work;
    private readonly Task _reader;
    private readonly Task[] _workers;

    public ExportPipeline(ReviewDatabase database, ExportRequest request, int workers, CancellationToken cancellationToken)
    {
        workers = Math.Max(1, workers);
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ordered = Channel.CreateBounded<RowBatch>(new BoundedChannelOptions(4 * workers) { SingleReader = true, SingleWriter = true });
        _work = Channel.CreateUnbounded<RowBatch>(new UnboundedChannelOptions { SingleWriter = true });
        var token = _cancel.Token;
        _reader = Task.Run(() => ReadAsync(new CorrectionSource(database), request.Filter, token), token);
        _workers = new Task[workers];
        for (var i = 0; i < workers; i++)
        {
            _workers[i] = Task.Run(() => WorkAsync(request, token), token);
        }
    }

    /// <summary>The batches in read order, each processed. Call <see cref="RowBatch.Release"/> when done with one.</summary>
    public async IAsyncEnumerable<RowBatch> ReadInOrderAsync()
    {
        var token = _cancel.Token;
        await foreach (var batch in _ordered.Reader.ReadAllAsync(token))
        {
            await batch.Done.Task.WaitAsync(token);
            yield return batch;
        }

        // Surfaces a reader failure that ended the stream.
        await _reader;
    }

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync();
        try
        {
            await Task.WhenAll([_reader, .. _workers]);
        }
        catch (Exception)
        {
            // Stopped early (an error, already thrown to the caller, or a cancellation): nothing left to report.
        }

        _cancel.Dispose();
    }

    private async Task ReadAsync(CorrectionSource source, ExportFilter filter, CancellationToken token)
    {
        try
        {
            var batch = new RowBatch(BatchSize);
            await foreach (var record in source.ReadAsync(filter, token))
            {
                batch.Records[batch.Count++] = record;
                if (batch.Count == BatchSize)
                {
                    await SendAsync(batch, token);
                    batch = new RowBatch(BatchSize);
                }
            }

            if (batch.Count > 0)
            {
                await SendAsync(batch, token);
            }

            _ordered.Writer.TryComplete();
            _work.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _ordered.Writer.TryComplete(e);
            _work.Writer.TryComplete(e);
            throw;
        }
    }

    private async ValueTask SendAsync(RowBatch batch, CancellationToken token)
    {
        // The ordered queue first: it is bounded, and so bounds the work queue behind it.
        await _ordered.Writer.WriteAsync(batch, token);
        await _work.Writer.WriteAsync(batch, token);
    }

    private async Task WorkAsync(ExportRequest request, CancellationToken token)
    {
        var caches = new WorkerCaches();
        await foreach (var batch in _work.Reader.ReadAllAsync(token))
        {
            try
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    batch.Results[i] = CorrectionExporter.Process(request, batch.Records[i], batch.Counts, caches);
                }

                batch.Done.TrySetResult();
            }
            catch (Exception e)
            {
                batch.Done.TrySetException(e);
                throw;
            }
        }
    }
}
