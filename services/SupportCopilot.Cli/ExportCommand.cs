using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Exports;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>copilot export &lt;sft|dpo|eval|csv&gt; --out &lt;file&gt;</c>: correction data sets from the
/// Review database, redacted, validated, deduplicated, optionally split, with a manifest beside
/// them (docs/exports.md). Exit code 0 when the export is valid, 1 when it is not (the manifest
/// says why), 2 for bad arguments.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var format = new Argument<string>("format") { Description = "sft, dpo, eval or csv." };
        format.AcceptOnlyFromAmong("sft", "dpo", "eval", "csv");
        var output = new Option<FileInfo>("--out") { Description = "The data file to write; with --split, <name>.train and <name>.validation beside it. A <name>.manifest.json is always written.", Required = true };
        var since = new Option<string?>("--since") { Description = "Only corrections decided at or after this date or instant (ISO 8601, UTC unless an offset is given)." };
        var until = new Option<string?>("--until") { Description = "Only corrections decided before this date or instant." };
        var connector = new Option<string?>("--connector") { Description = "Only tickets from this helpdesk connector (zendesk, generic, ...)." };
        var category = new Option<string?>("--category") { Description = "Only tickets Drafting put in this category (how-to, billing, ...)." };
        var brand = new Option<string?>("--brand") { Description = "Only tickets of this brand." };
        var decision = new Option<string?>("--decision") { Description = "Only approved, edited or rejected drafts." };
        decision.AcceptOnlyFromAmong("approved", "edited", "rejected");
        var minEditDistance = new Option<int?>("--min-edit-distance") { Description = "Only corrections whose final text is at least this many character edits from the draft." };
        var split = new Option<double?>("--split") { Description = "Share of tickets in the training file, e.g. 0.9 (by a hash of the ticket id: deterministic, no ticket on both sides)." };
        var noRedact = new Option<bool>("--no-redact") { Description = "Do NOT replace personal data with placeholders. Logged as a warning and recorded in the manifest." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Skip rows above this many o200k tokens (default 65536)." };
        var price = new Option<decimal?>("--price-per-million") { Description = "Price per 1M training tokens for the manifest's cost estimate (default 25, USD; check your model's price)." };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs the cost estimate assumes (default 3)." };
        var provider = new Option<string?>("--database-provider") { Description = "sqlite or postgres (default: Database__Provider, else sqlite)." };
        provider.AcceptOnlyFromAmong("sqlite", "postgres", "Sqlite", "Postgres");
        var connectionString = new Option<string?>("--connection-string") { Description = "PostgreSQL connection string (default: Database__ConnectionString)." };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Folder of the SQLite files (default: Database__DataDirectory, else ./data)." };
        split.Validators.Add(result =>
        {
            if (result.GetValue(split) is { } value && (value <= 0 || value >= 1))
            {
                result.AddError("--split must be between 0 and 1 (exclusive), e.g. 0.9.");
            }
        });
        foreach (var positive in new[] { maxTokens, epochs, minEditDistance })
        {
            positive.Validators.Add(result =>
            {
                if (result.GetValue(positive) is < 0)
                {
                    result.AddError($"{positive.Name} cannot be negative.");
                }
            });
        }

        var command = new Command("export", "Export agent corrections as fine-tuning or evaluation data sets.")
        {
            format, output, since, until, connector, category, brand, decision, minEditDistance, split, noRedact, maxTokens, price, epochs,
            provider, connectionString, dataDirectory,
        };
        command.Subcommands.Add(ExportBenchCommand.Create());
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryDate(parse.GetValue(since), out var sinceDate) || !TryDate(parse.GetValue(until), out var untilDate))
            {
                Console.Error.WriteLine("--since and --until take an ISO 8601 date or instant, e.g. 2025-03-01 or 2025-03-01T12:00:00Z.");
                return 2;
            }

            ExportFormats.TryParse(parse.GetRequiredValue(format), out var exportFormat);
            var defaults = new ExportRequest { Format = exportFormat };
            var request = defaults with
            {
                Filter = new ExportFilter
                {
                    Since = sinceDate,
                    Until = untilDate,
                    Connector = parse.GetValue(connector),
                    Category = parse.GetValue(category),
                    Brand = parse.GetValue(brand),
                    Decision = parse.GetValue(decision),
                    MinEditDistance = parse.GetValue(minEditDistance),
                },
                Split = parse.GetValue(split),
                Redact = !parse.GetValue(noRedact),
                MaxTokensPerRow = parse.GetValue(maxTokens) ?? defaults.MaxTokensPerRow,
                PricePerMillionTrainingTokens = parse.GetValue(price) ?? defaults.PricePerMillionTrainingTokens,
                Epochs = parse.GetValue(epochs) ?? defaults.Epochs,
                RequestedBy = "copilot export (" + Environment.UserName + ")",
            };

            if (!request.Redact)
            {
                // Loud on purpose: on stderr, in red, before anything is read.
                AnsiConsole.Console.Profile.Out = new AnsiConsoleOutput(Console.Error);
                AnsiConsole.MarkupLine("[bold red]WARNING: --no-redact: PII redaction is OFF. The data set will hold customers' names, emails, phone numbers and payment details as written. Do not upload it to a third party.[/]");
                AnsiConsole.Console.Profile.Out = new AnsiConsoleOutput(Console.Out);
            }

            var settings = CliConfiguration.Database(parse.GetValue(provider), parse.GetValue(connectionString), parse.GetValue(dataDirectory));
            using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            var exporter = new CorrectionExporter(new ReviewDatabase(settings), loggers.CreateLogger<CorrectionExporter>());
            var file = parse.GetRequiredValue(output).FullName;
            var manifest = await RunAsync(exporter, request, file, cancellationToken);
            Print(manifest, file);
            return manifest.Valid ? 0 : 1;
        });
        return command;
    }

    private static async Task<ExportManifest> RunAsync(CorrectionExporter exporter, ExportRequest request, string file, CancellationToken cancellationToken)
    {
        var total = await exporter.CountAsync(request.Filter, cancellationToken);
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            ExportManifest? manifest = null;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"Exporting {ExportFormats.Name(request.Format)}", maxValue: Math.Max(1, total));
                    var clock = Stopwatch.StartNew();
                    manifest = await ExportFiles.ExportAsync(
                        exporter,
                        request,
                        file,
                        p =>
                        {
                            task.Value = p.Read;
                            task.Description = $"Exporting {ExportFormats.Name(request.Format)}: {p.Read:N0}/{total:N0} read, {p.Written:N0} written, {Rate(p.Read, clock.Elapsed)} rows/s";
                        },
                        cancellationToken);
                    task.Value = task.MaxValue;
                });
            return manifest!;
        }

        // Not a terminal (CI, a pipe, a log file): one plain line every few seconds.
        var watch = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"export {ExportFormats.Name(request.Format)}: {total} corrections to read"));
        return await ExportFiles.ExportAsync(
            exporter,
            request,
            file,
            p =>
            {
                if (watch.Elapsed - last < TimeSpan.FromSeconds(5) && p.Read < total)
                {
                    return;
                }

                last = watch.Elapsed;
                var rate = p.Read / Math.Max(0.001, watch.Elapsed.TotalSeconds);
                var eta = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, total - p.Read) / rate) : TimeSpan.Zero;
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"export: {p.Read}/{total} read ({(total == 0 ? 100 : 100.0 * p.Read / total):0}%), {p.Written} written, {rate:0} rows/s, eta {eta:hh\\:mm\\:ss}"));
            },
            cancellationToken);
    }

    private static void Print(ExportManifest manifest, string file)
    {
        var table = new Table().Title($"{manifest.Format} export{(manifest.Valid ? string.Empty : " [red](invalid)[/]")}").AddColumn("file").AddColumn("rows").AddColumn("tokens").AddColumn("sha-256");
        foreach (var f in manifest.Files)
        {
            table.AddRow(Markup.Escape(f.Name), I(f.Rows), I(f.Tokens), f.Sha256[..16] + "…");
        }

        AnsiConsole.Write(table);
        var skipped = manifest.Counts.Skipped.Count == 0 ? "none" : string.Join(", ", manifest.Counts.Skipped.Select(s => $"{s.Key} {I(s.Value)}"));
        AnsiConsole.MarkupLineInterpolated($"Read {I(manifest.Counts.Read)}, wrote {I(manifest.Counts.Written)} (train {I(manifest.Counts.Train)}, validation {I(manifest.Counts.Validation)}); skipped: {skipped}");
        AnsiConsole.MarkupLineInterpolated($"Redaction {(manifest.Redaction.Enabled ? "on" : "OFF")}: {string.Join(", ", manifest.Redaction.Replaced.Where(r => r.Value > 0).Select(r => $"{r.Key} {I(r.Value)}"))}");
        if (manifest.EstimatedTrainingCost is { } cost)
        {
            AnsiConsole.MarkupLineInterpolated($"Estimated training cost: {cost.Estimate.ToString("0.00", CultureInfo.InvariantCulture)} {cost.Currency} ({I(cost.BilledTokens)} tokens at {cost.PricePerMillionTrainingTokens.ToString(CultureInfo.InvariantCulture)}/1M)");
        }

        foreach (var warning in manifest.Warnings)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{warning}[/]");
        }

        foreach (var error in manifest.Errors)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{error}[/]");
        }

        AnsiConsole.MarkupLineInterpolated($"Manifest: [bold]{ExportFiles.ManifestPath(file)}[/]");
    }

    private static bool TryDate(string? value, out DateTimeOffset? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            date = parsed;
            return true;
        }

        return false;
    }

    private static string Rate(long rows, TimeSpan elapsed) => (rows / Math.Max(0.001, elapsed.TotalSeconds)).ToString("N0", CultureInfo.InvariantCulture);

    private static string I(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
