using SupportCopilot.Drafting.Drafts;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class ConfidenceTests
{
    private static readonly ConfidenceOptions Defaults = new();

    [Theory]
    [InlineData(0, 0, 0, 0, 1, false)]
    [InlineData(1, 1, 1, 1, 1, true)]
    [InlineData(0.5, 0.3, 0.1, 0.4, 5, true)]
    [InlineData(double.NaN, -3, 7, 2, 100, true)]
    public void Confidence_is_a_probability(double coverage, double draftCoverage, double margin, double agreement, int questions, bool cited)
    {
        var confidence = ConfidenceScorer.Score(new ConfidenceSignals(coverage, draftCoverage, margin, agreement, questions, cited), Defaults);

        Assert.InRange(confidence, 0, 1);
    }

    [Fact]
    public void More_coverage_never_lowers_the_confidence()
    {
        var previous = -1.0;
        for (var coverage = 0.0; coverage <= 1.0; coverage += 0.05)
        {
            var confidence = ConfidenceScorer.Score(new ConfidenceSignals(coverage, 0.4, 0.2, 0.6, 1, true), Defaults);
            Assert.True(confidence > previous, $"coverage {coverage} gave {confidence}, not above {previous}");
            previous = confidence;
        }
    }

    [Fact]
    public void Each_extra_question_lowers_the_confidence()
    {
        var one = ConfidenceScorer.Score(new ConfidenceSignals(0.7, 0.6, 0.3, 0.8, 1, true), Defaults);
        var three = ConfidenceScorer.Score(new ConfidenceSignals(0.7, 0.6, 0.3, 0.8, 3, true), Defaults);

        Assert.True(three < one);
    }

    [Fact]
    public void A_draft_whose_top_passage_holds_the_whole_question_and_wins_clearly_clears_the_default_threshold() =>
        Assert.True(ConfidenceScorer.Score(new ConfidenceSignals(0.95, 0.8, 0.5, 0.8, 1, true), Defaults) >= new DraftingOptions().AutoSendThreshold);
}
