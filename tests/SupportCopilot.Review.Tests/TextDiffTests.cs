using SupportCopilot.Review.Decisions;
using SupportCopilot.Review.Items;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class TextDiffTests
{
    [Fact]
    public void A_changed_word_shows_as_removed_then_added_between_unchanged_text()
    {
        var diff = TextDiff.Words("Refunds take 5 business days.", "Refunds take 3 business days.");

        Assert.Equal(
            [
                new DiffPart(DiffKind.Same, "Refunds take "),
                new DiffPart(DiffKind.Removed, "5"),
                new DiffPart(DiffKind.Added, "3"),
                new DiffPart(DiffKind.Same, " business days."),
            ],
            diff);
    }

    [Fact]
    public void A_rewritten_phrase_reads_as_the_old_phrase_then_the_new_one()
    {
        var diff = TextDiff.Words("Hi Bo, we refund within 5 days. Thanks", "Hi Bo, refunds are prorated and quick. Thanks");

        Assert.Equal(
            [
                new DiffPart(DiffKind.Same, "Hi Bo, "),
                new DiffPart(DiffKind.Removed, "we refund within 5 days."),
                new DiffPart(DiffKind.Added, "refunds are prorated and quick."),
                new DiffPart(DiffKind.Same, " Thanks"),
            ],
            diff);
    }

    [Fact]
    public void Identical_texts_are_one_unchanged_part_and_empty_ones_are_nothing()
    {
        Assert.Equal([new DiffPart(DiffKind.Same, "Same text.")], TextDiff.Words("Same text.", "Same text."));
        Assert.Empty(TextDiff.Words(string.Empty, string.Empty));
    }

    [Fact]
    public void Texts_too_long_to_compare_word_by_word_show_as_replaced_whole()
    {
        var before = string.Join(' ', Enumerable.Repeat("alpha", 3000));
        var after = string.Join(' ', Enumerable.Repeat("beta", 3000));

        var diff = TextDiff.Words(before, after);

        Assert.Equal([new DiffPart(DiffKind.Removed, before), new DiffPart(DiffKind.Added, after)], diff);
    }

    [Fact]
    public void Supporting_words_are_the_meaningful_words_the_draft_shares_with_the_passage()
    {
        var parts = SupportingWords.Mark("Open Settings, then Security, and choose Reset.", "Go to Settings and choose Reset password.");

        Assert.Equal(
            [
                new PassagePart("Open ", false),
                new PassagePart("Settings", true),
                new PassagePart(", then Security, and ", false),
                new PassagePart("choose Reset", true),
                new PassagePart(".", false),
            ],
            parts);
    }
}
