using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using SupportCopilot.Drafting.Calibration;
using SupportCopilot.Drafting.Evaluation;
using SupportCopilot.Drafting.Knowledge;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>copilot calibrate ranker --set &lt;folder&gt;...</c>: fits the section re-ranker on evaluation
/// sets (gold sources are the labels), prints source hit@1/hit@5/MRR for BM25 alone, the fit
/// in-sample and the fit cross-validated by question, and writes the weights as JSON.
/// </summary>
internal static class CalibrateRankerCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Command Create()
    {
        var sets = new Option<DirectoryInfo[]>("--set")
        {
            Description = "Evaluation set folder (kb/ + questions.jsonl); repeatable.",
            AllowMultipleArgumentsPerToken = true,
            Required = true,
        };
        var depth = new Option<int>("--depth") { Description = "Candidates per question (BM25's top).", DefaultValueFactory = _ => 10 };
        depth.Validators.Add(r =>
        {
            if (r.GetValue(depth) is < 2 or > 100)
            {
                r.AddError("--depth must be between 2 and 100.");
            }
        });
        var features = new Option<string?>("--features") { Description = "Comma-separated feature names to fit on (default: all)." };
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the fitted model as JSON here." };
        var candidatesFile = new Option<FileInfo?>("--candidates-out") { Description = "Write every question's candidates with their features and labels as JSON here (for analysis)." };

        var command = new Command("ranker", "Fit the section re-ranker on evaluation sets and report its cross-validated source hit@1.")
        {
            sets, depth, features, outFile, candidatesFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (NamedChoices.Parse(parse.GetValue(features), SectionFeatures.Names, "feature") is not { } names)
            {
                return 2;
            }

            var options = CliConfiguration.Drafting();
            var questions = new List<RankerQuestion>();
            foreach (var set in parse.GetValue(sets) ?? [])
            {
                var kb = Path.Combine(set.FullName, "kb");
                var file = Path.Combine(set.FullName, "questions.jsonl");
                if (!Directory.Exists(kb) || !File.Exists(file))
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]{set.FullName} needs kb/ and questions.jsonl.[/]");
                    return 2;
                }

                var rows = await EvalQuestion.ReadAsync(file, cancellationToken);
                var candidates = await new EvaluationRunner(options).CandidatesAsync(kb, rows, parse.GetValue(depth), cancellationToken);
                questions.AddRange(candidates.Select(q => q with { Id = set.Name + "/" + q.Id }));
            }

            if (parse.GetValue(candidatesFile) is { } dump)
            {
                dump.Directory?.Create();
                await File.WriteAllTextAsync(dump.FullName, JsonSerializer.Serialize(questions, Json) + "\n", cancellationToken);
            }

            RankerFit fit;
            try
            {
                fit = RankerFitter.Fit(questions, "rank-" + DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture), names);
            }
            catch (InvalidOperationException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
                return 1;
            }

            var table = new Table().Title($"Source ranking of {fit.Bm25.Questions} questions with a gold source among the top {parse.GetValue(depth)}")
                .AddColumn("ranking").AddColumn("hit@1").AddColumn("hit@5").AddColumn("MRR");
            foreach (var (name, score) in new[] { ("BM25", fit.Bm25), ("re-ranked, in-sample", fit.InSample), ("re-ranked, 5-fold cross-validated", fit.CrossValidated) })
            {
                table.AddRow(name, F(score.HitAt1), F(score.HitAt5), F(score.Mrr));
            }

            AnsiConsole.Write(table);
            var weights = new Table().Title("Weights").AddColumn("feature").AddColumn("weight");
            weights.AddRow("bias", F(fit.Model.Bias));
            foreach (var (name, weight) in fit.Model.Weights)
            {
                weights.AddRow(name, F(weight));
            }

            AnsiConsole.Write(weights);
            if (parse.GetValue(outFile) is { } output)
            {
                output.Directory?.Create();
                await File.WriteAllTextAsync(output.FullName, JsonSerializer.Serialize(fit.Model, Json) + "\n", cancellationToken);
                AnsiConsole.MarkupLineInterpolated($"Model written to [bold]{output.FullName}[/]");
            }

            return 0;
        });
        return command;
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
