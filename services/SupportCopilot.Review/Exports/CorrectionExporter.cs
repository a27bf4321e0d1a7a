using SupportCopilot.Contracts.Prompts;
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
/// and returns the manifest. Rows are redacted, built, counted and serialised by parallel workers
/// (<see cref="ExportPipeline"/>) and taken back in read order, so the output is that of a
/// sequential run; a bounded number of batches is in memory at a time. What grows with the export
/// is one 8-byte hash per written row for the duplicate check (about 40 MB for a million rows).
/// </summary>
internal sealed partial class CorrectionExporter(ReviewDatabase database, ILogger<CorrectionExporter> logger)
{
    /// <summary>Azure OpenAI and OpenAI refuse a fine-tuning training file with fewer examples.</summary>
    public const int MinimumTrainingExamples = 10;

    private const int ProgressEvery = 1000;
    internal const int PassageCacheLimit = 10_000;

    /// <summary>Workers that redact, build and count rows in parallel; the output does not depend on it.</summary>
    internal int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Rows per batch handed to a worker; the output does not depend on it.</summary>
    internal int BatchRows { get; init; } = ExportPipeline.BatchSize;

    public Task<long> CountAsync(ExportFilter filter, CancellationToken cancellationToken) =>
        new CorrectionSource(database).CountAsync(filter, cancellationToken);

    /// <summary>
    /// Runs the export. <paramref name="open"/> gives the stream for each part (its name goes in the
    /// manifest); the caller owns and disposes the streams. The manifest says whether the result is
    /// valid: an sft/dpo export with fewer than <see cref="MinimumTrainingExamples"/> training rows is not.
    /// </summary>
    /// <param name="blockBytes">Bytes handed to a stream at a time (<see cref="ExportPartWriter.HttpBlockBytes"/> or <see cref="ExportPartWriter.FileBlockBytes"/>).</param>
    public async Task<ExportManifest> ExportAsync(
        ExportRequest request,
        Func<ExportPart, (string Name, Stream Stream)> open,
        Action<ExportProgress>? progress,
        CancellationToken cancellationToken,
        int blockBytes = ExportPartWriter.HttpBlockBytes)
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
                writers[part] = new ExportPartWriter(request.Format, part, name, stream, blockBytes);
            }

            var redactions = new RedactionCounts();
            var passagesCounted = new HashSet<string>(StringComparer.Ordinal);
            var seen = new HashSet<ulong>();
            var skipped = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var drafters = new SortedSet<string>(StringComparer.Ordinal);
            var policies = new SortedSet<string>(StringComparer.Ordinal);
            long read = 0, written = 0, largestRow = 0;

            // reader -> workers (redaction, row building, validation, token counts; any order) ->
            // this loop, which takes the batches in read order and does everything that depends on
            // order (dedup, counts, writing), so the bytes are those of a sequential run.
            await using var pipeline = new ExportPipeline(database, request, Workers, BatchRows, cancellationToken);
            await foreach (var batch in pipeline.ReadInOrderAsync())
            {
                redactions.Add(batch.Counts);
                for (var i = 0; i < batch.Count; i++)
                {
                    read++;
                    if (progress is not null && read % ProgressEvery == 0)
                    {
                        progress(new ExportProgress(read, written));
                    }

                    var result = batch.Results[i];

                    // Passages are redacted once per distinct text; their replacements count on the
                    // first row that uses them (and again after the bounded cache is cleared), as a
                    // sequential run with one cache counts them.
                    foreach (var passage in result.Passages)
                    {
                        if (!passagesCounted.Contains(passage.Text))
                        {
                            if (passagesCounted.Count >= PassageCacheLimit)
                            {
                                passagesCounted.Clear();
                            }

                            redactions.Add(passage.Counts);
                            passagesCounted.Add(passage.Text);
                        }
                    }

                    var skip = result.Skip;
                    if (skip is null && !seen.Add(result.TicketHash))
                    {
                        // Near-duplicates are dropped among rows that would be written, after redaction, so two copies
                        // differing only in an email address or in spacing count as one; the oldest decision stays.
                        skip = SkipReasons.Duplicate;
                    }

                    if (skip is not null)
                    {
                        skipped[skip] = skipped.GetValueOrDefault(skip) + 1;
                        continue;
                    }

                    // The worker serialised the row; here it is only copied, hashed and written, in order.
                    var writer = writers[result.Part];
                    if (writer.Append(batch.Line(i), result.Tokens))
                    {
                        await writer.FlushAsync(cancellationToken);
                    }

                    written++;
                    largestRow = Math.Max(largestRow, result.Tokens);
                    var record = batch.Records[i];
                    drafters.Add(record.Drafter);
                    if (record.PolicyVersion is { Length: > 0 } policy)
                    {
                        policies.Add(policy);
                    }
                }

                pipeline.Release(batch);
            }

            progress?.Invoke(new ExportProgress(read, written));
            var files = new List<ManifestFile>();
            foreach (var writer in writers.Values)
            {
                var sha = await writer.CompleteAsync(cancellationToken);
                files.Add(new ManifestFile(ExportPartName(writer.Part), writer.Name, writer.Rows, writer.Bytes, writer.Tokens, sha));
            }

            var manifest = BuildManifest(request, read, written, largestRow, skipped, drafters, policies, redactions, files, Stopwatch.GetElapsedTime(started));
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

    /// <summary>
    /// Everything between reading a correction and writing its row that does not depend on the
    /// rows before it (dedup and the passage counts do; the caller does those in read order).
    /// </summary>
    internal static RowResult Process(ExportRequest request, CorrectionRecord record, RedactionCounts redactions, WorkerCaches caches, out ExportRow? row)
    {
        row = null;
        if (request.Filter.MinEditDistance is { } minimum && minimum > 0)
        {
            if (record.FinalText is null
                || ExportText.EditDistance(ExportRowBuilder.Normalize(record.DraftText), ExportRowBuilder.Normalize(record.FinalText), minimum) < minimum)
            {
                return RowResult.Skipped(SkipReasons.BelowMinEditDistance);
            }
        }

        PreparedCorrection prepared;
        PassageRedaction[] passages = [];
        try
        {
            prepared = Prepare(record, request.Redact, redactions, caches, out passages);
        }
        catch (JsonException)
        {
            // Unreadable reasons are found after the passages were redacted (and counted).
            return RowResult.Skipped(SkipReasons.UnreadableSources, passages);
        }

        (row, var skip) = ExportRowBuilder.Build(request.Format, prepared);
        skip ??= ExportRowValidator.Validate(request.Format, row!, request.MaxTokensPerRow);
        if (skip is not null)
        {
            row = null;
            return RowResult.Skipped(skip, passages);
        }

        return new RowResult
        {
            Passages = passages,
            Tokens = row!.Tokens,
            TicketHash = ExportText.NormalizedHash(prepared.Subject, prepared.Body),
            Part = request.Split is { } share
                ? ExportText.IsTrain(record.TicketId, share) ? ExportPart.Train : ExportPart.Validation
                : ExportPart.All,
        };
    }

    private static PreparedCorrection Prepare(
        CorrectionRecord record, bool redact, RedactionCounts counts, WorkerCaches caches, out PassageRedaction[] passages)
    {
        passages = [];
        var citations = caches.Citations(record.CitationsJson);
        var name = record.CustomerName;
        string R(string text) => redact ? PiiRedactor.Redact(text, name, counts) : text;

        IReadOnlyList<Citation> sources = citations;
        if (redact && citations.Count > 0)
        {
            // Knowledge-base passages repeat across thousands of rows; redact each distinct one once
            // (the caller counts its replacements once, in read order).
            var redacted = new Citation[citations.Count];
            passages = new PassageRedaction[citations.Count];
            for (var i = 0; i < citations.Count; i++)
            {
                var c = citations[i];
                var passage = caches.Passage(c.Passage);
                passages[i] = passage;
                redacted[i] = c with { Passage = NameFree(passage.Redacted, name, counts) };
            }

            sources = redacted;
        }

        var subject = R(record.Subject);
        var body = R(record.Body);
        string draft;
        string? final;
        if (redact && record.FinalText is not null && string.Equals(record.FinalText, record.DraftText, StringComparison.Ordinal))
        {
            // An approved draft is its own final text: redact it once, count its replacements twice.
            var once = new RedactionCounts();
            draft = final = PiiRedactor.Redact(record.DraftText, name, once);
            counts.Add(once);
            counts.Add(once);
        }
        else
        {
            draft = R(record.DraftText);
            final = record.FinalText is null ? null : R(record.FinalText);
        }

        return new PreparedCorrection
        {
            Record = record,
            Subject = subject,
            Body = body,
            DraftText = draft,
            FinalText = final,
            Comment = record.Comment is null ? null : R(record.Comment),
            Sources = sources,
            Category = string.IsNullOrWhiteSpace(record.ItemCategory) ? caches.Category(record.ReasonsJson) : record.ItemCategory,
            Sections = caches.Section,
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
        SortedSet<string> policies,
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
                request.Filter.Since, request.Filter.Until, request.Filter.Connector, request.Filter.Decision, request.Filter.MinEditDistance,
                request.Filter.Category, request.Filter.Brand),
            new ManifestRedaction(request.Redact, redactions.ToDictionary()),
            request.Split is { } share ? new ManifestSplit(share, "sha256(ticket id) first 8 bytes as a fraction of 2^64 < share -> train") : null,
            new ManifestCounts(read, written, train, validation, skipped),
            new ManifestTokens(ExportTokens.Encoding, request.MaxTokensPerRow, trainTokens + validationTokens, trainTokens, validationTokens, largestRow),
            cost,
            files,
            [.. drafters],
            [.. policies],
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
