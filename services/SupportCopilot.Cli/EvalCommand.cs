using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using SupportCopilot.Drafting;
using SupportCopilot.Drafting.Calibration;
using SupportCopilot.Drafting.Evaluation;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>copilot eval &lt;set&gt;... | --kb &lt;dir&gt; --questions &lt;file.jsonl&gt;</c>: scores evaluation sets
/// (datasets/README.md) with the very pipeline the Drafting service runs.
/// </summary>
internal static class EvalCommand
{
    private static readonly JsonSerializerOptions ReportJson = new() { WriteIndented = true };

    public static Command Create()
    {
        var sets = new Argument<DirectoryInfo[]>("set")
        {
            Description = "Evaluation set folders, each holding kb/ and questions.jsonl (or use --kb and --questions).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var kb = new Option<DirectoryInfo?>("--kb") { Description = "The set's knowledge-base folder." };
        var questionsFile = new Option<FileInfo?>("--questions") { Description = "The set's questions.jsonl." };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the JSON report (one set only)." };
        var chart = new Option<FileInfo?>("--chart") { Description = "Where to write an SVG chart of coverage and precision against the threshold (one set only)." };
        var threshold = new Option<double?>("--threshold") { Description = "Auto-send threshold (default: the policy's; the configured policy uses Drafting__AutoSendThreshold, else 0.8)." };
        var policy = new Option<FileInfo?>("--policy") { Description = "A policy JSON written by 'copilot calibrate --policy-out' (default: the configured Drafting__Confidence__* coefficients)." };
        threshold.Validators.Add(result =>
        {
            if (result.GetValue(threshold) is { } value && (value < 0 || value > 1))
            {
                result.AddError("--threshold must be between 0 and 1.");
            }
        });

        var command = new Command("eval", "Evaluate retrieval, drafting and the auto-send policy on evaluation sets.")
        {
            sets,
            kb,
            questionsFile,
            output,
            chart,
            threshold,
            policy,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folders = new List<(DirectoryInfo Kb, FileInfo Questions)>();
            foreach (var set in parse.GetValue(sets) ?? [])
            {
                folders.Add((new DirectoryInfo(Path.Combine(set.FullName, "kb")), new FileInfo(Path.Combine(set.FullName, "questions.jsonl"))));
            }

            if (parse.GetValue(kb) is { } kbOption && parse.GetValue(questionsFile) is { } questionsOption)
            {
                folders.Add((kbOption, questionsOption));
            }

            if (folders.Count == 0)
            {
                AnsiConsole.MarkupLine("[red]Name an evaluation set folder, or both --kb and --questions.[/]");
                return 2;
            }

            if (folders.Count > 1 && (parse.GetValue(output) is not null || parse.GetValue(chart) is not null))
            {
                AnsiConsole.MarkupLine("[red]--out and --chart take one set at a time.[/]");
                return 2;
            }

            var missing = folders.SelectMany(f => new FileSystemInfo[] { f.Kb, f.Questions }).FirstOrDefault(f => !f.Exists);
            if (missing is not null)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{missing.FullName} does not exist.[/]");
                return 2;
            }

            var options = CliConfiguration.Drafting();
            var policies = await LoadPolicyAsync(parse.GetValue(policy), options, cancellationToken);
            foreach (var (kbFolder, questionsPath) in folders)
            {
                var (report, import) = await RunSetAsync(kbFolder, questionsPath, options, parse.GetValue(threshold), policies, cancellationToken);
                Print(report, import, kbFolder.FullName, questionsPath.FullName);
                if (report.AutoSend.FalseSends > 0)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]{report.AutoSend.FalseSends} false send(s): {string.Join(", ", report.Details.Where(d => d.AutoSend && !d.Answerable).Select(d => d.Id))}[/]");
                }

                if (parse.GetValue(output) is { } file)
                {
                    file.Directory?.Create();
                    await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(report, ReportJson) + "\n", cancellationToken);
                    AnsiConsole.MarkupLineInterpolated($"Report written to [bold]{file.FullName}[/]");
                }

                if (parse.GetValue(chart) is { } svg)
                {
                    svg.Directory?.Create();
                    await File.WriteAllTextAsync(svg.FullName, ThresholdChart.Render(report, SetName(kbFolder)), cancellationToken);
                    AnsiConsole.MarkupLineInterpolated($"Chart written to [bold]{svg.FullName}[/]");
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>The policy from a file written by <c>copilot calibrate --policy-out</c>, else the configured one.</summary>
    internal static async Task<IPolicySource> LoadPolicyAsync(FileInfo? file, DraftingOptions options, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return new FixedPolicySource(ConfidencePolicy.FromOptions(options.Confidence, options.AutoSendThreshold));
        }

        await using var stream = file.OpenRead();
        var policy = await JsonSerializer.DeserializeAsync<ConfidencePolicy>(stream, cancellationToken: cancellationToken)
            ?? throw new InvalidDataException($"{file.FullName} holds no policy.");
        return new FixedPolicySource(policy);
    }

    /// <summary>Runs one set through the production pipeline with a progress display.</summary>
    internal static async Task<(EvalReport Report, Drafting.Knowledge.ImportResult Import)> RunSetAsync(
        DirectoryInfo kbFolder, FileInfo questionsPath, DraftingOptions options, double? threshold, IPolicySource policies, CancellationToken cancellationToken)
    {
        var questions = await EvalQuestion.ReadAsync(questionsPath.FullName, cancellationToken);
        var current = await policies.CurrentAsync(cancellationToken);
        var autoSendThreshold = threshold ?? current.Live.Threshold;
        EvalReport? report = null;
        Drafting.Knowledge.ImportResult? import = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var importing = progress.AddTask("Importing knowledge base", maxValue: 1);
                var drafting = progress.AddTask("Drafting questions", autoStart: false, maxValue: questions.Count);
                (report, import) = await new EvaluationRunner(options).RunAsync(
                    kbFolder.FullName,
                    questions,
                    autoSendThreshold,
                    onPhase: phase =>
                    {
                        if (phase == "questions")
                        {
                            importing.Value = 1;
                            importing.StopTask();
                            drafting.StartTask();
                        }
                    },
                    onQuestion: _ => drafting.Increment(1),
                    policies: policies,
                    cancellationToken: cancellationToken);
                drafting.StopTask();
            });
        return (report!, import!);
    }

    private static void Print(EvalReport report, Drafting.Knowledge.ImportResult import, string kb, string questions)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{questions}[/]: {report.Questions} questions ({report.Answerable} answerable, {report.Unanswerable} unanswerable) against {kb} ({import.DocumentsSeen} documents, {import.ChunksWritten} passages), drafter {report.Drafter}, policy {report.PolicyVersion}");

        var retrieval = new Table().Title("Retrieval (answerable questions)").AddColumn("level").AddColumn("hit@1").AddColumn("hit@5").AddColumn("MRR");
        retrieval.AddRow("source", F(report.Retrieval.HitAt1), F(report.Retrieval.HitAt5), F(report.Retrieval.Mrr));
        retrieval.AddRow("document", F(report.RetrievalDocument.HitAt1), F(report.RetrievalDocument.HitAt5), F(report.RetrievalDocument.Mrr));
        AnsiConsole.Write(retrieval);

        var autoSend = new Table().Title("Auto-send").AddColumn("threshold").AddColumn("sent").AddColumn("coverage").AddColumn("precision").AddColumn("false sends");
        // The sweep applies the same policy at other thresholds (0.5 to 0.9 here, all of them in the
        // report and the chart); the run's own threshold is in bold.
        var rows = report.ThresholdSweep
            .Where(t => Math.Abs(t.Threshold - report.Threshold) > 1e-9)
            .Where(t => t.Threshold >= 0.5 - 1e-9 && Math.Abs(t.Threshold * 10 - Math.Round(t.Threshold * 10)) < 1e-9)
            .Append(new ThresholdScores(report.Threshold, report.AutoSend.Count, report.AutoSend.Coverage, report.AutoSend.Precision, report.AutoSend.FalseSends))
            .OrderBy(t => t.Threshold);
        foreach (var row in rows)
        {
            var style = Math.Abs(row.Threshold - report.Threshold) < 1e-9 ? "bold" : "default";
            autoSend.AddRow(
                $"[{style}]{F(row.Threshold)}[/]", $"[{style}]{I(row.Count)}[/]", $"[{style}]{F(row.Coverage)}[/]", $"[{style}]{F(row.Precision)}[/]", $"[{style}]{I(row.FalseSends)}[/]");
        }

        AnsiConsole.Write(autoSend);

        var categories = new Table().Title("Per category").AddColumn("category").AddColumn("questions").AddColumn("auto-sent").AddColumn("correct");
        foreach (var (name, scores) in report.PerCategory)
        {
            categories.AddRow(Markup.Escape(name), I(scores.Questions), I(scores.AutoSent), I(scores.Correct));
        }

        AnsiConsole.Write(categories);
        AnsiConsole.MarkupLineInterpolated($"Latency per question: p50 {report.LatencyMs.P50:0.00} ms, p99 {report.LatencyMs.P99:0.00} ms");
    }

    /// <summary>A set is a folder holding kb/ and questions.jsonl, so name it after that folder.</summary>
    private static string SetName(DirectoryInfo kb) => kb.Name == "kb" && kb.Parent is { } set ? set.Name : kb.Name;

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
