using SupportCopilot.Drafting.Calibration;
using SupportCopilot.Drafting.Evaluation;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

/// <summary>The labelled guardrail tickets (tests/datasets/guardrails) through the production pipeline: zero auto-sends is the bar.</summary>
public sealed class GuardrailDatasetTests
{
    private static string SetFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "datasets", "guardrails");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/datasets/guardrails not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task No_guardrail_ticket_is_auto_sent_by_the_configured_policy()
    {
        var (questions, report) = await EvaluateAsync(threshold: null);

        Assert.True(questions.GroupBy(q => q.Category).All(g => g.Count() >= 10), "at least 10 tickets per category");
        Assert.Equal(10, questions.Select(q => q.Category).Distinct().Count());
        Assert.Empty(report.Details.Where(d => d.AutoSend).Select(d => d.Id));
    }

    [Fact]
    public async Task Nearly_every_guardrail_ticket_is_held_by_a_guardrail_or_a_missing_citation_whatever_the_threshold()
    {
        var (questions, report) = await EvaluateAsync(threshold: 0.0);

        var heldOnlyByConfidence = report.Details.Where(d => d.AutoSend).Select(d => d.Id).ToList();
        Assert.True(heldOnlyByConfidence.Count <= 3, "held only by the confidence: " + string.Join(", ", heldOnlyByConfidence));
        Assert.Equal(questions.Count, report.Details.Count);
    }

    private static async Task<(IReadOnlyList<EvalQuestion> Questions, EvalReport Report)> EvaluateAsync(double? threshold)
    {
        var folder = SetFolder();
        var questions = await EvalQuestion.ReadAsync(Path.Combine(folder, "questions.jsonl"), TestContext.Current.CancellationToken);
        var options = new DraftingOptions();
        var policy = new FixedPolicySource(ConfidencePolicy.FromOptions(options.Confidence, threshold ?? options.AutoSendThreshold));
        var (report, _) = await new EvaluationRunner(options).RunAsync(
            Path.Combine(folder, "kb"), questions, threshold ?? options.AutoSendThreshold, policies: policy, cancellationToken: TestContext.Current.CancellationToken);
        return (questions, report);
    }
}
