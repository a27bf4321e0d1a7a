using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using SupportCopilot.Contracts;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Review.Exports;

/// <summary>
/// What a worker made of one correction: a row, serialised into its batch's bytes, or why not,
/// and what the caller must do in read order.
/// </summary>
internal struct RowResult
{
    private static readonly PassageRedaction[] NoPassages = [];

    /// <summary>Why the row is not written (before the duplicate check, which needs the rows before it).</summary>
    public string? Skip;

    /// <summary>The passages the row's sources were redacted from, in order (their counts are the caller's).</summary>
    public PassageRedaction[] Passages;

    public ulong TicketHash;

    public ExportPart Part;

    public int Tokens;

    /// <summary>Where the row's line (serialised, with its <c>\n</c>) is in <see cref="RowBatch.Bytes"/>.</summary>
    public int Start;

    public int Length;

    public static RowResult Skipped(string reason, PassageRedaction[]? passages = null) =>
        new() { Skip = reason, Passages = passages ?? NoPassages };
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
    private readonly Dictionary<Citation, SourceSection> _sections = [];

    public WorkerCaches() => Section = source => Get(_sections, source, SourceSection.Of);

    /// <summary>The user turn's section of a (redacted) source, built and counted once per distinct source.</summary>
    public Func<Citation, SourceSection> Section { get; }

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

    private static T Get<TKey, T>(Dictionary<TKey, T> cache, TKey key, Func<TKey, T> create)
        where TKey : notnull
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

/// <summary>
/// A run of consecutive corrections, processed by one worker and taken back in read order. Batches
/// are reused once written, so their arrays and byte buffer are allocated a few times per export,
/// not once per row.
/// </summary>
internal sealed class RowBatch(int capacity)
{
    // A batch that once held huge rows gives its buffer back rather than keep it for the export.
    private const int KeepBufferUpTo = 4 * 1024 * 1024;

    public CorrectionRecord[] Records { get; } = new CorrectionRecord[capacity];

    public RowResult[] Results { get; } = new RowResult[capacity];

    public int Count { get; set; }

    /// <summary>The rows' lines, serialised by the worker; <see cref="RowResult.Start"/> and <see cref="RowResult.Length"/> point into it.</summary>
    public ArrayBufferWriter<byte> Bytes { get; private set; } = new(capacity * 2048);

    /// <summary>Replacements in the batch's own texts (not the passages'): a sum, so order does not matter.</summary>
    public RedactionCounts Counts { get; } = new();

    public TaskCompletionSource Done { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReadOnlySpan<byte> Line(int index) => Bytes.WrittenSpan.Slice(Results[index].Start, Results[index].Length);

    /// <summary>Empties the batch for the next run of rows, dropping what it held.</summary>
    public void Reset()
    {
        Array.Clear(Records, 0, Count);
        Array.Clear(Results, 0, Count);
        Count = 0;
        Counts.Clear();
        if (Bytes.Capacity > KeepBufferUpTo)
        {
            Bytes = new ArrayBufferWriter<byte>(Records.Length * 2048);
        }
        else
        {
            Bytes.ResetWrittenCount();
        }

        Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>
/// The export's parallel stages: one reader streams corrections in query order into batches; the
/// batches go, in order, into a bounded queue for the caller and, in any order, to
/// <c>workers</c> that redact, build, validate, count tokens and serialise each row to its bytes.
/// <see cref="ReadInOrderAsync"/> hands the batches back in read order, each once its worker is
/// done, so everything after it (dedup, counts, which bytes are written) is the same as a
/// sequential run's. The bounded queue keeps at most <c>2 × workers</c> batches of
/// <see cref="BatchSize"/> rows in memory; written batches come back to the reader for reuse.
/// The window is small on purpose: rows still in flight at a gen0 collection survive it, and with
/// 8 batches of 128 nearly every collection was a gen1 one (docs/benchmarks.md).
/// </summary>
internal sealed class ExportPipeline : IAsyncDisposable
{
    internal const int BatchSize = 64;

    private readonly CancellationTokenSource _cancel;
    private readonly Channel<RowBatch> _ordered;
    private readonly Channel<RowBatch> _work;
    private readonly Task _reader;
    private readonly Task[] _workers;
    private readonly ConcurrentQueue<RowBatch> _free = new();

    private readonly int _batchRows;

    public ExportPipeline(ReviewDatabase database, ExportRequest request, int workers, int batchRows, CancellationToken cancellationToken)
    {
        workers = Math.Max(1, workers);
        _batchRows = Math.Max(1, batchRows);
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ordered = Channel.CreateBounded<RowBatch>(new BoundedChannelOptions(2 * workers) { SingleReader = true, SingleWriter = true });
        _work = Channel.CreateUnbounded<RowBatch>(new UnboundedChannelOptions { SingleWriter = true });
        var token = _cancel.Token;
        _reader = Task.Run(() => ReadAsync(new CorrectionSource(database), request.Filter, token), token);
        _workers = new Task[workers];
        for (var i = 0; i < workers; i++)
        {
            _workers[i] = Task.Run(() => WorkAsync(request, token), token);
        }
    }

    /// <summary>The batches in read order, each processed. Hand each back with <see cref="Release"/> once done with it.</summary>
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

    /// <summary>Gives a batch the caller is done with back to the reader; the caller must not touch it again.</summary>
    public void Release(RowBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.Reset();
        _free.Enqueue(batch);
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
            var batch = NextBatch();
            await foreach (var record in source.ReadAsync(filter, token))
            {
                batch.Records[batch.Count++] = record;
                if (batch.Count == batch.Records.Length)
                {
                    await SendAsync(batch, token);
                    batch = NextBatch();
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

    private RowBatch NextBatch() => _free.TryDequeue(out var batch) ? batch : new RowBatch(_batchRows);

    private async ValueTask SendAsync(RowBatch batch, CancellationToken token)
    {
        // The ordered queue first: it is bounded, and so bounds the work queue behind it.
        await _ordered.Writer.WriteAsync(batch, token);
        await _work.Writer.WriteAsync(batch, token);
    }

    private async Task WorkAsync(ExportRequest request, CancellationToken token)
    {
        var caches = new WorkerCaches();
        ExportTokens.UsePieceCache();
        using var serializer = new ExportRowSerializer(request.Format);
        await foreach (var batch in _work.Reader.ReadAllAsync(token))
        {
            try
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var result = CorrectionExporter.Process(request, batch.Records[i], batch.Counts, caches, out var row);
                    if (row is not null)
                    {
                        result.Start = batch.Bytes.WrittenCount;
                        serializer.Write(row, result.Part, batch.Bytes);
                        result.Length = batch.Bytes.WrittenCount - result.Start;
                    }

                    batch.Results[i] = result;
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
