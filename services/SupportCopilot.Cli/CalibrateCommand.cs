using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using SupportCopilot.Drafting.Calibration;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Drafting;
using SupportCopilot.Drafting.Evaluation;
using SupportCopilot.Drafting.Knowledge;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>copilot calibrate [--set &lt;folder&gt;]... [--decisions] --target-precision 0.98</c>: fits the
/// confidence on labelled drafts (evaluation sets: first citation correct = positive; agent
/// decisions: approved unchanged = positive), picks the lowest threshold meeting the target
/// precision, prints the curve, draws the reliability diagram and the curve, and stores the policy.
/// </summary>
internal static class CalibrateCommand
{
    private static readonly JsonSerializerOptions PolicyJson = new() { WriteIndented = true };

    public static Command Create()
    {
        var sets = new Option<DirectoryInfo[]>("--set")
        {
            Description = "Evaluation set folder (kb/ + questions.jsonl) to label drafts with; repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        var decisions = new Option<bool>("--decisions") { Description = "Use agents' decisions stored in the Drafting database (approved unchanged = positive)." };
        var drafter = new Option<string?>("--drafter") { Description = "With --decisions: only drafts by this drafter (e.g. offline-extractive, llm:<deployment>)." };
        var target = new Option<double>("--target-precision") { Description = "Precision the threshold must reach.", DefaultValueFactory = _ => 0.98 };
        target.Validators.Add(r =>
        {
            if (r.GetValue(target) is <= 0 or > 1)
            {
                r.AddError("--target-precision must be above 0 and at most 1.");
            }
        });
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for reliability.png, curve.png, curve.svg and policy.json.", DefaultValueFactory = _ => new DirectoryInfo("calibration") };
        var store = new Option<bool>("--store") { Description = "Store the policy in the Drafting database (live: it decides from the next refresh)." };
        var shadow = new Option<bool>("--shadow") { Description = "With --store: store it as the shadow policy (it only watches)." };
        var provider = new Option<string?>("--database-provider") { Description = "sqlite or postgres (default: Database__Provider, else sqlite)." };
        provider.AcceptOnlyFromAmong("sqlite", "postgres", "Sqlite", "Postgres");
        var connectionString = new Option<string?>("--connection-string") { Description = "PostgreSQL connection string (default: Database__ConnectionString)." };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Folder of the SQLite files (default: Database__DataDirectory, else ./data)." };
        var features = new Option<string?>("--features") { Description = "Comma-separated signal names to fit on (default: every signal)." };
        var refitRanker = new Option<bool>("--refit-ranker")
        {
            Description = "With --set: cross-validate the section re-ranker too (refitted without each fold, the set re-run with it), so that no fitted part saw the held-out questions.",
        };

        var command = new Command("calibrate", "Fit the confidence on labelled drafts and choose the auto-send threshold for a target precision.")
        {
            sets, decisions, drafter, target, outDir, store, shadow, provider, connectionString, dataDirectory, features, refitRanker,
            CalibrateRankerCommand.Create(),
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folders = parse.GetValue(sets) ?? [];
            var useDecisions = parse.GetValue(decisions);
            if (folders.Length == 0 && !useDecisions)
            {
                AnsiConsole.MarkupLine("[red]Name at least one --set, or --decisions.[/]");
                return 2;
            }

            if (NamedChoices.Parse(parse.GetValue(features), ConfidenceFeatures.Names, "signal") is not { } names)
            {
                return 2;
            }

            var options = CliConfiguration.Drafting();
            var examples = new List<CalibrationExample>();
            var denominator = 0;
            var origins = new List<string>();
            var configured = new FixedPolicySource(ConfidencePolicy.FromOptions(options.Confidence, options.AutoSendThreshold));
            foreach (var set in folders)
            {
                if (!IsSet(set))
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]{set.FullName} needs kb/ and questions.jsonl.[/]");
                    return 2;
                }

                var (labelled, answerable) = await LabelSetAsync(set, options, configured, cancellationToken);
                examples.AddRange(labelled);
                denominator += answerable;
                origins.Add(set.Name);
            }

            CurvePoint? nested = null;
            if (parse.GetValue(refitRanker) && folders.Length > 0)
            {
                nested = await CrossValidateWithRankerAsync(folders, options, configured, parse.GetValue(target), denominator, names, cancellationToken);
            }

            DraftingDatabase? database = null;
            if (useDecisions || parse.GetValue(store))
            {
                database = new DraftingDatabase(CliConfiguration.Database(parse.GetValue(provider), parse.GetValue(connectionString), parse.GetValue(dataDirectory)));
            }

            if (useDecisions)
            {
                var labelled = await DecisionExamples.ReadAsync(database!, cancellationToken, parse.GetValue(drafter));
                examples.AddRange(labelled);
                denominator += labelled.Count;
                origins.Add($"agent decisions ({labelled.Count})");
            }

            var targetPrecision = parse.GetValue(target);
            CalibrationResult result;
            try
            {
                result = CalibrationFitter.Fit(examples, targetPrecision, ConfidencePolicy.NewVersion(DateTimeOffset.UtcNow), string.Join(" + ", origins), coverageDenominator: denominator, features: names);
            }
            catch (InvalidOperationException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
                return 1;
            }

            Print(result, examples.Count, denominator, targetPrecision);
            if (nested is not null)
            {
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"5-fold cross-validated with the section re-ranker refitted without the fold too: {nested.Sent} sent, {nested.Correct} correct, precision {nested.Precision:0.000}, coverage {nested.Coverage:0.000}."));
            }

            var dir = parse.GetValue(outDir)!;
            dir.Create();
            var title = string.Join(" + ", origins);
            CalibrationCharts.SaveReliabilityPng(result.Reliability, Path.Combine(dir.FullName, "reliability.png"), $"Reliability: {title}");
            CalibrationCharts.SaveCurve(result.Curve, result.Policy.Threshold, targetPrecision, Path.Combine(dir.FullName, "curve.png"), $"Precision / coverage: {title}");
            CalibrationCharts.SaveCurve(result.Curve, result.Policy.Threshold, targetPrecision, Path.Combine(dir.FullName, "curve.svg"), $"Precision / coverage: {title}");
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "policy.json"), JsonSerializer.Serialize(result.Policy, PolicyJson) + "\n", cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"Charts and policy.json written to [bold]{dir.FullName}[/]");

            if (parse.GetValue(store))
            {
                await new PolicyStore(database!, options).SaveAsync(result.Policy, parse.GetValue(shadow), cancellationToken);
                AnsiConsole.MarkupLineInterpolated($"Stored policy [bold]{result.Policy.Version}[/] as {(parse.GetValue(shadow) ? "shadow" : "live")}.");
            }

            return result.TargetMet ? 0 : 3;
        });
        return command;
    }

    private static bool IsSet(DirectoryInfo set) =>
        Directory.Exists(Path.Combine(set.FullName, "kb")) && File.Exists(Path.Combine(set.FullName, "questions.jsonl"));

    /// <summary>Runs a set through the pipeline and labels every draft the policy could send: first citation on a gold source = positive.</summary>
    private static async Task<(List<CalibrationExample> Examples, int Answerable)> LabelSetAsync(
        DirectoryInfo set, DraftingOptions options, IPolicySource configured, CancellationToken cancellationToken)
    {
        var kb = new DirectoryInfo(Path.Combine(set.FullName, "kb"));
        var questions = new FileInfo(Path.Combine(set.FullName, "questions.jsonl"));
        var rows = await EvalQuestion.ReadAsync(questions.FullName, cancellationToken);
        var (report, _) = await EvalCommand.RunSetAsync(kb, questions, options, null, configured, cancellationToken);
        var byId = rows.ToDictionary(q => q.Id, StringComparer.Ordinal);
        var examples = new List<CalibrationExample>();
        foreach (var detail in report.Details.Where(d => d.Reasons.All(r => r == Drafting.Policy.AutoSendPolicy.LowConfidence) && d.Signals is not null))
        {
            var question = byId[detail.Id];
            var correct = question.Answerable && detail.FirstCitation is { } first && EvaluationScorer.MatchesAny(first, question.Gold);
            examples.Add(new CalibrationExample(set.Name + "/" + detail.Id, detail.Signals!, correct, set.Name));
        }

        return (examples, report.Answerable);
    }

    /// <summary>
    /// For each fold: fit the section re-ranker without the fold's questions, re-run every set with
    /// it, then fit the confidence and choose the threshold without the fold and apply both to it.
    /// </summary>
    private static async Task<CurvePoint> CrossValidateWithRankerAsync(
        DirectoryInfo[] sets, DraftingOptions options, IPolicySource configured, double target, int denominator, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        const int folds = 5;
        var ranker = FittedReranker.Load(options.Retrieval.RerankerFile);
        var candidates = new List<RankerQuestion>();
        foreach (var set in sets)
        {
            var rows = await EvalQuestion.ReadAsync(Path.Combine(set.FullName, "questions.jsonl"), cancellationToken);
            var found = await new EvaluationRunner(options).CandidatesAsync(Path.Combine(set.FullName, "kb"), rows, Math.Max(2, options.Retrieval.RerankDepth), cancellationToken);
            candidates.AddRange(found.Select(q => q with { Id = set.Name + "/" + q.Id }));
        }

        var perFold = new List<IReadOnlyList<CalibrationExample>>();
        var original = options.Retrieval.RerankerFile;
        var file = Path.Combine(Path.GetTempPath(), $"copilot-ranker-{Guid.NewGuid():N}.json");
        try
        {
            for (var fold = 0; fold < folds; fold++)
            {
                var model = RankerFitter.FitWithout(candidates, fold, folds, [.. ranker.Weights.Keys]);
                await File.WriteAllTextAsync(file, JsonSerializer.Serialize(model), cancellationToken);
                options.Retrieval.RerankerFile = file;
                var examples = new List<CalibrationExample>();
                foreach (var set in sets)
                {
                    examples.AddRange((await LabelSetAsync(set, options, configured, cancellationToken)).Examples);
                }

                perFold.Add(examples);
            }
        }
        finally
        {
            options.Retrieval.RerankerFile = original;
            File.Delete(file);
        }

        return CalibrationFitter.CrossValidate(fold => perFold[fold], target, folds, denominator, names);
    }

    private static void Print(CalibrationResult result, int examples, int denominator, double target)
    {
        var policy = result.Policy;
        AnsiConsole.MarkupLineInterpolated($"Fitted [bold]{policy.Version}[/] ({policy.Method}) on {examples} sendable drafts, {result.Curve.LastOrDefault()?.Correct ?? 0} positive; coverage out of {denominator}.");
        var weights = new Table().Title("Weights").AddColumn("feature").AddColumn("weight");
        weights.AddRow("bias", F(policy.Bias));
        foreach (var (name, weight) in policy.Weights)
        {
            weights.AddRow(name, F(weight));
        }

        AnsiConsole.Write(weights);
        var curve = new Table().Title("Precision / coverage (send everything at or above the threshold)").AddColumn("threshold").AddColumn("sent").AddColumn("correct").AddColumn("coverage").AddColumn("precision");
        var step = Math.Max(1, result.Curve.Count / 20);
        foreach (var point in result.Curve.Where((p, i) => i % step == 0 || p == result.AtThreshold))
        {
            var style = point == result.AtThreshold ? "bold" : "default";
            curve.AddRow($"[{style}]{F(point.Threshold)}[/]", $"[{style}]{point.Sent}[/]", $"[{style}]{point.Correct}[/]", $"[{style}]{F(point.Coverage)}[/]", $"[{style}]{F(point.Precision)}[/]");
        }

        AnsiConsole.Write(curve);
        var met = result.TargetMet ? "[green]met[/]" : "[red]not met: nothing reaches it; the threshold sends only the single most confident draft or nothing[/]";
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Threshold [bold]{policy.Threshold:0.000}[/]: {result.AtThreshold.Sent} sent, precision {result.AtThreshold.Precision:0.000}, coverage {result.AtThreshold.Coverage:0.000} (target {target:0.00} {met})."));
        if (result.CrossValidated is { } cv)
        {
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"5-fold cross-validated (fit and threshold chosen without the fold): {cv.Sent} sent, precision {cv.Precision:0.000}, coverage {cv.Coverage:0.000}."));
        }
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
