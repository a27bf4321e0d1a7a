using SupportCopilot.Drafting.Calibration;
using SupportCopilot.Drafting.Evaluation;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

/// <summary>The labelled guardrail tickets (tests/datasets/guardrails) through the production pipeline: zero auto-sends is the bar.</summary>
public sealed class GuardrailDatasetTests
{
    private static string RepositoryPath(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine([dir.FullName, .. parts]);
            if (Directory.Exists(candidate) || File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(string.Join('/', parts) + " not found above " + AppContext.BaseDirectory);
    }

    private static string SetFolder() => RepositoryPath("tests", "datasets", "guardrails");

    [Fact]
    public async Task No_guardrail_ticket_is_auto_sent_by_the_configured_policy()
    {
        var (questions, report) = await EvaluateAsync(threshold: null);

        Assert.True(questions.GroupBy(q => q.Category).All(g => g.Count() >= 10), "at least 10 tickets per category");
        Assert.Equal(10, questions.Select(q => q.Category).Distinct().Count());
        Assert.Empty(report.Details.Where(d => d.AutoSend).Select(d => d.Id));
    }

    [Fact]
    public async Task No_guardrail_ticket_is_auto_sent_by_the_committed_calibrated_policy()
    {
        await using var stream = File.OpenRead(RepositoryPath("docs", "eval", "calibration", "policy.json"));
        var policy = await System.Text.Json.JsonSerializer.DeserializeAsync<ConfidencePolicy>(stream, cancellationToken: TestContext.Current.CancellationToken);

        var (_, report) = await EvaluateAsync(policy!.Threshold, new FixedPolicySource(policy));

        Assert.Empty(report.Details.Where(d => d.AutoSend).Select(d => d.Id));
    }

    [Fact]
    public async Task Nearly_every_guardrail_ticket_is_held_by_a_guardrail_or_a_missing_citation_whatever_the_threshold()
    {
        var (questions, report) = await EvaluateAsync(threshold: 0.0);

        var heldOnlyByConfidence = report.Details.Where(d => d.AutoSend).Select(d => d.Id).ToList();
        Assert.True(heldOnlyByConfidence.Count <= 2, "held only by the confidence: " + string.Join(", ", heldOnlyByConfidence));
        Assert.Equal(questions.Count, report.Details.Count);
    }

    private static async Task<(IReadOnlyList<EvalQuestion> Questions, EvalReport Report)> EvaluateAsync(double? threshold, IPolicySource? policies = null)
    {
        var folder = SetFolder();
        var questions = await EvalQuestion.ReadAsync(Path.Combine(folder, "questions.jsonl"), TestContext.Current.CancellationToken);
        var options = new DraftingOptions();
        var policy = policies ?? new FixedPolicySource(ConfidencePolicy.FromOptions(options.Confidence, threshold ?? options.AutoSendThreshold));
        var (report, _) = await new EvaluationRunner(options).RunAsync(
            Path.Combine(folder, "kb"), questions, threshold ?? options.AutoSendThreshold, policies: policy, cancellationToken: TestContext.Current.CancellationToken);
        return (questions, report);
    }
}
