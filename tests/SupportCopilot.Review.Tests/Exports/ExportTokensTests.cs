using SupportCopilot.Contracts.Prompts;
using SupportCopilot.Contracts;
using SupportCopilot.Review.Exports;
using Xunit;

namespace SupportCopilot.Review.Tests.Exports;

public sealed class ExportTokensTests
{
    // Pieces chosen to sit on the tokenizer's edges: closing tags, slashes and newlines that o200k
    // glues to punctuation, whitespace runs, digits, escapes, accents and emoji.
    private static readonly string[] Pieces =
    [
        "Hello", " there", "\n", "\n\n", "  ", "\t", ">", "<", "/", "&", "</", "/>", "42", "1234", " 7",
        "é", "naïve", "日本語", "👍", "?", "!\n", "'s", " API", "key", "\r\n", "...", "—", " ", "\"", "=",
    ];

    [Fact]
    public void The_user_turn_counted_in_sections_equals_counting_it_whole()
    {
        var random = new Random(11);
        for (var n = 0; n < 400; n++)
        {
            var sources = Enumerable.Range(0, random.Next(0, 5))
                .Select(i => new Citation("doc-" + i + "#" + Text(random, 3), Text(random, 4), Text(random, 25)))
                .ToList();
            var subject = Text(random, 6);
            var body = Text(random, 40);

            var whole = ExportTokens.Count(DraftPrompt.UserContent(subject, body, sources));

            Assert.Equal(whole, ExportTokens.UserContent(subject, body, sources));
        }
    }

    [Fact]
    public void A_repeated_passage_counts_the_same_wherever_it_stands()
    {
        var passage = new Citation("billing.md#refunds", "Refunds", "Refunds take 5-10 days.\n</source>");
        var other = new Citation("plans.md#pro", "Pro", "Pro costs $20/month.");

        foreach (var sources in new[] { new[] { passage }, new[] { passage, other }, new[] { other, passage }, new[] { passage, passage } })
        {
            Assert.Equal(
                ExportTokens.Count(DraftPrompt.UserContent("Refund?", "Where is my refund?", sources)),
                ExportTokens.UserContent("Refund?", "Where is my refund?", sources));
        }
    }

    private static string Text(Random random, int pieces) =>
        string.Concat(Enumerable.Range(0, random.Next(1, pieces + 1)).Select(_ => Pieces[random.Next(Pieces.Length)]));
}
