using SupportCopilot.Drafting.Evaluation;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class EvaluationScorerTests
{
    [Theory]
    [InlineData("api/errors.md#http-errors", "api/errors.md#http-errors", true)]
    [InlineData("api/errors.md#http-errors", "api/errors.md#error-shapes", false)]
    [InlineData("api/errors.md#anything", "api/errors.md", true)]
    [InlineData("api/errors.md", "api/errors.md#http-errors", false)]
    [InlineData("guide.pdf#page=4", "guide.pdf#page=5", true)]
    [InlineData("guide.pdf#page=6", "guide.pdf#page=5", true)]
    [InlineData("guide.pdf#page=7", "guide.pdf#page=5", false)]
    [InlineData("other.pdf#page=5", "guide.pdf#page=5", false)]
    public void A_cited_source_matches_a_gold_source_by_the_dataset_rules(string cited, string gold, bool matches) =>
        Assert.Equal(matches, EvaluationScorer.Matches(cited, gold));

    [Fact]
    public void The_report_scores_retrieval_auto_send_and_categories_as_the_dataset_readme_says()
    {
        EvalQuestion[] questions =
        [
            new("a", "q", true, ["kb/a.md#one"], null, "account"),
            new("b", "q", true, ["kb/b.md"], null, "account"),
            new("c", "q", true, ["kb/c.pdf#page=3"], null, null),
            new("d", "q", false, [], null, null),
        ];
        EvalOutcome[] outcomes =
        [
            new("a", ["kb/a.md#one", "kb/x.md"], "kb/a.md#one", true, 0.9, true, [], 1),
            new("b", ["kb/x.md", "kb/b.md#whatever"], "kb/x.md", true, 0.85, true, [], 2),
            new("c", ["kb/x.md", "kb/y.md", "kb/z.md", "kb/w.md", "kb/v.md", "kb/c.pdf#page=4"], "kb/x.md", false, 0.4, true, ["low_confidence"], 3),
            new("d", ["kb/a.md#one"], "kb/a.md#one", true, 0.95, true, [], 4),
        ];

        var report = EvaluationScorer.Score(questions, outcomes, 0.8, "test");

        Assert.Equal((4, 3, 1), (report.Questions, report.Answerable, report.Unanswerable));
        Assert.Equal(1 / 3.0, report.Retrieval.HitAt1, 3);
        Assert.Equal(2 / 3.0, report.Retrieval.HitAt5, 3);
        Assert.Equal((1 + 0.5 + 1 / 6.0) / 3, report.Retrieval.Mrr, 3);
        Assert.Equal(3, report.AutoSend.Count);
        Assert.Equal(2 / 3.0, report.AutoSend.Coverage, 3);
        Assert.Equal(1 / 3.0, report.AutoSend.Precision, 3);
        Assert.Equal(1, report.AutoSend.FalseSends);
        Assert.Equal(new CategoryScores(2, 2, 1), report.PerCategory["account"]);
        Assert.Equal(new CategoryScores(1, 0, 0), report.PerCategory["answerable"]);
        Assert.Equal(new CategoryScores(1, 1, 0), report.PerCategory["unanswerable"]);
        Assert.Equal(2.5, report.LatencyMs.P50, 3);
    }

    [Fact]
    public void Precision_is_one_when_nothing_was_sent()
    {
        var report = EvaluationScorer.Score(
            [new EvalQuestion("a", "q", true, ["a.md"], null, null)],
            [new EvalOutcome("a", ["a.md"], "a.md", false, 0.1, true, ["low_confidence"], 1)],
            0.8,
            "test");

        Assert.Equal(new AutoSendScores(0, 0, 1.0, 0), report.AutoSend);
        Assert.Equal(1, report.RetrievalDocument.HitAt1);
    }
}
