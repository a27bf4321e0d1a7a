using SupportCopilot.Review.Exports;
using Xunit;

namespace SupportCopilot.Review.Tests.Exports;

public sealed class ExportRowBuilderTests
{
    [Theory]
    [InlineData("approved", true, false, true)]
    [InlineData("edited", true, true, true)]
    [InlineData("rejected", false, true, true)]
    [InlineData("escalated", false, false, false)]
    [InlineData("clarified", false, false, false)]
    public void Each_format_takes_only_the_decisions_that_mean_what_it_trains(string decision, bool sft, bool dpo, bool eval)
    {
        var correction = Prepared(decision, finalText: "Open Settings > Billing and press Refund.");

        Assert.Equal(sft, ExportRowBuilder.Build(ExportFormat.Sft, correction).Row is not null);
        Assert.Equal(dpo, ExportRowBuilder.Build(ExportFormat.Dpo, correction).Row is not null);
        Assert.Equal(eval, ExportRowBuilder.Build(ExportFormat.Eval, correction).Row is not null);
    }

    [Fact]
    public void A_rejection_without_the_agents_own_answer_gives_no_preference_pair()
    {
        var (row, skip) = ExportRowBuilder.Build(ExportFormat.Dpo, Prepared("rejected", finalText: null));

        Assert.Null(row);
        Assert.Equal(SkipReasons.NoFinalText, skip);
    }

    [Fact]
    public void A_rejection_with_the_agents_own_answer_prefers_it_over_the_draft()
    {
        var (row, _) = ExportRowBuilder.Build(ExportFormat.Dpo, Prepared("rejected", finalText: "Refunds go back to the card in 5 days."));

        Assert.NotNull(row);
        Assert.Equal("Refunds go back to the card in 5 days.", row.Preferred);
        Assert.Equal("The draft.", row.NonPreferred);
    }

    private static PreparedCorrection Prepared(string decision, string? finalText) => new()
    {
        Record = new CorrectionRecord { Decision = decision, DraftText = "The draft.", FinalText = finalText },
        Subject = "Refund",
        Body = "How do I get a refund?",
        DraftText = "The draft.",
        FinalText = finalText,
        Comment = null,
        Sources = [],
        Category = string.Empty,
    };
}
