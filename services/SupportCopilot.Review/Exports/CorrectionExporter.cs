using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SupportCopilot.Contracts;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Review.Exports;

/// <summary>What to export and how. Defaults are the safe ones: redaction on, no split.</summary>
internal sealed record ExportRequest
{
    public required ExportFormat Format { get; init; }

    public ExportFilter Filter { get; init; } = new();

    /// <summary>Share of tickets in the training file (0 &lt; split &lt; 1); null writes one file.</summary>
    public double? Split { get; init; }

    /// <summary>False only when the caller asked for it explicitly (<c>--no-redact</c>); logged as a warning.</summary>
    public bool Redact { get; init; } = true;

    /// <summary>Rows above this many tokens are skipped. 65,536 is the per-example limit of GPT-4o-family fine-tuning.</summary>
    public int MaxTokensPerRow { get; init; } = 65_536;

    /// <summary>Price per 1M training tokens for the cost estimate; check your model's current price.</summary>
    public decimal PricePerMillionTrainingTokens { get; init; } = 25m;

    /// <summary>Epochs the estimate assumes (training bills tokens × epochs).</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Who asked, for the log line of an unredacted export.</summary>
    public string RequestedBy { get; init; } = "unknown";
}

/// <summary>Progress of a running export.</summary>
internal readonly record struct ExportProgress(long Read, long Written);

/// <summary>
/// The dataset exporter: streams corrections from the database, redacts, builds and validates each
/// row in the format's rules, drops near-duplicate tickets, splits by ticket, writes and hashes,
/// and returns the manifest. One row is in memory at a time; what grows with the export is one
/// 8-byte hash per written row for the duplicate check (about 40 MB for a million rows).
/// </summary>
internal sealed partial class CorrectionExporter(ReviewDatabase database, ILogger<CorrectionExporter> logger)
{
    /// <summary>Azure OpenAI and OpenAI refuse a fine-tuning training file with fewer examples.</summary>
    public const int MinimumTrainingExamples = 10;

    private const int ProgressEvery = 1000;
    private const int PassageCacheLimit = 10_000;

    public Task<long> CountAsync(ExportFilter filter, CancellationToken cancellationToken) =>
        new CorrectionSource(database).CountAsync(filter, cancellationToken);

    /// <summary>
    /// Runs the export. <paramref name="open"/> gives the stream for each part (its name goes in the
    /// manifest); the caller owns and disposes the streams. The manifest says whether the result is
    /// valid: an sft/dpo export with fewer than <see cref="MinimumTrainingExamples"/> training rows is not.
    /// </summary>
    public async Task<ExportManifest> ExportAsync(
        ExportRequest request,
        Func<ExportPart, (string Name, Stream Stream)> open,
        Action<ExportProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(open);
        var started = Stopwatch.GetTimestamp();
        if (!request.Redact)
        {
            LogUnredacted(ExportFormats.Name(request.Format), request.RequestedBy);
        }

        var parts = request.Split is null ? [ExportPart.All] : new[] { ExportPart.Train, ExportPart.Validation };
        var writers = new Dictionary<ExportPart, ExportPartWriter>();
        try
        {
            foreach (var part in parts)
            {
                var (name, stream) = open(part);
                writers[part] = new ExportPartWriter(request.Format, part, name, stream);
            }

            var redactions = new RedactionCounts();
            var passages = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<ulong>();
            var skipped = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var drafters = new SortedSet<string>(StringComparer.Ordinal);
            long read = 0, written = 0, largestRow = 0;

            await foreach (var record in new CorrectionSource(database).ReadAsync(request.Filter, cancellationToken))
            {
                read++;
                if (progress is not null && read % ProgressEvery == 0)
                {
                    progress(new ExportProgress(read, written));
                }

                var skip = Process(request, record, redactions, passages, seen, out var row);
                if (skip is not null)
                {
                    skipped[skip] = skipped.GetValueOrDefault(skip) + 1;
                    continue;
                }

                var part = request.Split is { } share
                    ? ExportText.IsTrain(record.TicketId, share) ? ExportPart.Train : ExportPart.Validation
                    : ExportPart.All;
                await writers[part].WriteAsync(row!, cancellationToken);
                written++;
                largestRow = Math.Max(largestRow, row!.Tokens);
                drafters.Add(record.Drafter);
            }

            progress?.Invoke(new ExportProgress(read, written));
            var files = new List<ManifestFile>();
            foreach (var writer in writers.Values)
            {
                var sha = await writer.CompleteAsync(cancellationToken);
                files.Add(new ManifestFile(ExportPartName(writer.Part), writer.Name, writer.Rows, writer.Bytes, writer.Tokens, sha));
            }

            var manifest = BuildManifest(request, read, written, largestRow, skipped, drafters, redactions, files, Stopwatch.GetElapsedTime(started));
            LogExported(ExportFormats.Name(request.Format), read, written, manifest.Valid);
            return manifest;
        }
        finally
        {
            foreach (var writer in writers.Values)
            {
                writer.Dispose();
            }
        }
    }

    /// <summary>Everything between reading a correction and writing its row; returns why it is skipped, or null.</summary>
    private static string? Process(
        ExportRequest request,
        CorrectionRecord record,
        RedactionCounts redactions,
        Dictionary<string, string> passages,
        HashSet<ulong> seen,
        out ExportRow? row)
    {
        row = null;
        if (request.Filter.MinEditDistance is { } minimum && minimum > 0)
        {
            if (record.FinalText is null
                || ExportText.EditDistance(ExportRowBuilder.Normalize(record.DraftText), ExportRowBuilder.Normalize(record.FinalText), minimum) < minimum)
            {
                return SkipReasons.BelowMinEditDistance;
            }
        }

        PreparedCorrection prepared;
        try
        {
            prepared = Prepare(record, request.Redact, redactions, passages);
        }
        catch (JsonException)
        {
            return SkipReasons.UnreadableSources;
        }

        (row, var skip) = ExportRowBuilder.Build(request.Format, prepared);
        if (skip is not null)
        {
            return skip;
        }

        var invalid = ExportRowValidator.Validate(request.Format, row!, request.MaxTokensPerRow);
        if (invalid is not null)
        {
            return invalid;
        }

        // Near-duplicates are dropped among rows that would be written, after redaction, so two copies
        // differing only in an email address or in spacing count as one; the oldest decision stays.
        return seen.Add(ExportText.NormalizedHash(prepared.Subject, prepared.Body)) ? null : SkipReasons.Duplicate;
    }

    private static PreparedCorrection Prepare(CorrectionRecord record, bool redact, RedactionCounts counts, Dictionary<string, string> passages)
    {
        var citations = ReviewJson.ReadCitations(record.CitationsJson);
        var name = record.CustomerName;
        string R(string text) => redact ? PiiRedactor.Redact(text, name, counts) : text;

        IReadOnlyList<Citation> sources = citations;
        if (redact && citations.Count > 0)
        {
            // Knowledge-base passages repeat across thousands of rows; redact each distinct one once.
            // The cache is bounded (cleared when full) so memory stays flat.
            var redacted = new Citation[citations.Count];
            for (var i = 0; i < citations.Count; i++)
            {
                var c = citations[i];
                if (!passages.TryGetValue(c.Passage, out var passage))
                {
                    if (passages.Count >= PassageCacheLimit)
                    {
                        passages.Clear();
                    }

                    passage = PiiRedactor.Redact(c.Passage, null, counts);
                    passages[c.Passage] = passage;
                }

                redacted[i] = c with { Passage = NameFree(passage, name, counts) };
            }

            sources = redacted;
        }

        return new PreparedCorrection
        {
            Record = record,
            Subject = R(record.Subject),
            Body = R(record.Body),
            DraftText = R(record.DraftText),
            FinalText = record.FinalText is null ? null : R(record.FinalText),
            Comment = record.Comment is null ? null : R(record.Comment),
            Sources = sources,
            Category = Category(ReviewJson.ReadReasons(record.ReasonsJson)),
        };
    }

    // The passage cache holds passages redacted without a customer's name; the name is per row.
    private static string NameFree(string passage, string name, RedactionCounts counts) =>
        string.IsNullOrWhiteSpace(name) ? passage : PiiRedactor.RedactNameOnly(passage, name, counts);

    /// <summary>The guarded topic the policy named (<c>guarded:billing</c> → <c>billing</c>), else <c>general</c>.</summary>
    internal static string Category(IReadOnlyList<string> reasons)
    {
        foreach (var reason in reasons)
        {
            if (reason.StartsWith("guarded:", StringComparison.Ordinal))
            {
                return reason["guarded:".Length..];
            }
        }

        return "general";
    }

    private static string ExportPartName(ExportPart part) => part switch
    {
        ExportPart.Train => "train",
        ExportPart.Validation => "validation",
        _ => "all",
    };

    private static ExportManifest BuildManifest(
        ExportRequest request,
        long read,
        long written,
        long largestRow,
        SortedDictionary<string, long> skipped,
        SortedSet<string> drafters,
        RedactionCounts redactions,
        List<ManifestFile> files,
        TimeSpan elapsed)
    {
        var train = files.Where(f => f.Part is "train" or "all").Sum(f => f.Rows);
        var validation = files.Where(f => f.Part == "validation").Sum(f => f.Rows);
        var trainTokens = files.Where(f => f.Part is "train" or "all").Sum(f => f.Tokens);
        var validationTokens = files.Where(f => f.Part == "validation").Sum(f => f.Tokens);
        var errors = new List<string>();
        var warnings = new List<string>();
        var training = request.Format is ExportFormat.Sft or ExportFormat.Dpo;
        if (training && train < MinimumTrainingExamples)
        {
            errors.Add($"{ExportFormats.Name(request.Format)} needs at least {MinimumTrainingExamples} training examples; this export has {train}.");
        }

        if (request.Split is not null && validation == 0 && written > 0)
        {
            warnings.Add("The validation file is empty: too few distinct tickets for this split.");
        }

        if (!request.Redact)
        {
            warnings.Add("PII redaction was turned off (--no-redact): this data set may hold personal data.");
        }

        ManifestCost? cost = null;
        if (training)
        {
            var billed = trainTokens * request.Epochs;
            cost = new ManifestCost(
                request.PricePerMillionTrainingTokens,
                request.Epochs,
                billed,
                Math.Round(billed / 1_000_000m * request.PricePerMillionTrainingTokens, 2),
                "USD",
                "Training tokens of the training file × epochs × the price per 1M training tokens given (--price-per-million). Validation tokens are not billed as training.");
        }

        return new ExportManifest(
            ExportFormats.Name(request.Format),
            DateTimeOffset.UtcNow,
            DraftPrompt.Version,
            new ManifestFilters(
                request.Filter.Since, request.Filter.Until, request.Filter.Connector, request.Filter.Decision, request.Filter.MinEditDistance),
            new ManifestRedaction(request.Redact, redactions.ToDictionary()),
            request.Split is { } share ? new ManifestSplit(share, "sha256(ticket id) first 8 bytes as a fraction of 2^64 < share -> train") : null,
            new ManifestCounts(read, written, train, validation, skipped),
            new ManifestTokens(ExportTokens.Encoding, request.MaxTokensPerRow, trainTokens + validationTokens, trainTokens, validationTokens, largestRow),
            cost,
            files,
            [.. drafters],
            Math.Round(elapsed.TotalSeconds, 3),
            errors.Count == 0,
            errors,
            warnings);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PII REDACTION IS OFF for this {Format} export (requested by {RequestedBy}): the data set may hold customers' personal data. Do not upload it to a third party.")]
    private partial void LogUnredacted(string format, string requestedBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported {Format}: {Read} corrections read, {Written} rows written, valid: {Valid}")]
    private partial void LogExported(string format, long read, long written, bool valid);
}
