using SupportCopilot.Contracts.Prompts;
using SupportCopilot.Contracts;
using SupportCopilot.Review.Exports;
using Xunit;

namespace SupportCopilot.Review.Tests.Exports;

/// <summary>
/// Each test first takes a cache of piece counts, as every export worker does: without one the
/// counts are the tokenizer's whole-text ones, and the piece-by-piece path would go untested.
/// </summary>
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
        ExportTokens.UsePieceCache();
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
        ExportTokens.UsePieceCache();
        var passage = new Citation("billing.md#refunds", "Refunds", "Refunds take 5-10 days.\n</source>");
        var other = new Citation("plans.md#pro", "Pro", "Pro costs $20/month.");

        foreach (var sources in new[] { new[] { passage }, new[] { passage, other }, new[] { other, passage }, new[] { passage, passage } })
        {
            Assert.Equal(
                ExportTokens.Count(DraftPrompt.UserContent("Refund?", "Where is my refund?", sources)),
                ExportTokens.UserContent("Refund?", "Where is my refund?", sources));
        }
    }

    // Where the o200k pre-tokenizer's pattern decides: case runs and contractions, combining marks,
    // title-case and modifier letters, digits of other scripts, whitespace before newlines and at
    // the end, lone and paired surrogates, no-break and line separators, and the special tokens.
    private static readonly string[] AwkwardPieces =
    [
        "'S", "'ll", "'LL", "'Re", "don't", "O'Brien", "ǅungla", "ʰello", "e\u0301", "\u0301", "Ünïcödé", "ΣΊΣΥΦΟΣ", "straße",
        "İstanbul", "ﬁle", "١٢٣٤", "१२३", "12345678", "3.14", "1,000", "  \n", " \r\n ", "\n \n", " \t ", "   ", "\u00A0", "\u2028",
        "\u3000", "😀", "👍🏽", "\uD83D", "\uDE00", "<|endoftext|>", "<|endofprompt|>", "<|", "|>", "<|end", "//", "/\n", "?!\r\n",
        "x/y", "[EMAIL]", "https://example.com/a?b=1", "ABCdef", "abcDEF", "_", "__init__", "日本語のテキスト", "한국어", "שלום", "مرحبا",
    ];

    [Fact]
    public void Counting_the_pieces_gives_the_tokenizers_own_count()
    {
        ExportTokens.UsePieceCache();
        var random = new Random(23);
        var all = Pieces.Concat(AwkwardPieces).ToArray();
        for (var n = 0; n < 3_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => random.Next(4) == 0 ? RandomChars(random) : all[random.Next(all.Length)]));

            Assert.Equal(ExportTokens.CountByTokenizer(text), ExportTokens.Count(text));
        }
    }

    [Fact]
    public void Counts_stay_exact_once_the_cache_of_pieces_has_been_emptied_and_for_pieces_too_long_to_cache()
    {
        ExportTokens.UsePieceCache();
        // More distinct pieces than a thread caches, and words longer than it caches.
        var random = new Random(5);
        for (var n = 0; n < 600; n++)
        {
            var text = string.Join(' ', Enumerable.Range(0, 60).Select(_ => new string([.. Enumerable.Range(0, random.Next(1, 45)).Select(_ => (char)random.Next('a', 'z' + 1))])));

            Assert.Equal(ExportTokens.CountByTokenizer(text), ExportTokens.Count(text));
        }
    }

    [Fact]
    public void Plain_ascii_texts_are_cut_where_the_pattern_cuts_them()
    {
        ExportTokens.UsePieceCache();
        // Weighted towards the characters the pattern's alternatives turn on.
        const string alphabet = "aAbZsStTmMdDrReEvVlL''''      \t\t\r\n\n\n0123456789!?./////-_\"<>#";
        var random = new Random(31);
        for (var n = 0; n < 20_000; n++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(1, 24)).Select(_ => alphabet[random.Next(alphabet.Length)])]);

            var ends = new List<int>();
            for (var start = 0; start < text.Length; start = ends[^1])
            {
                ends.Add(ExportTokens.PlainAsciiPieceEnd(text, start));
            }

            Assert.True(ExportTokens.PieceEndsByPattern(text).SequenceEqual(ends), $"pieces of \"{text.ReplaceLineEndings("\\n")}\": [{string.Join(",", ends)}]");
        }
    }

    [Fact]
    public void Every_printable_ascii_character_and_pair_is_counted_as_the_tokenizer_counts_it()
    {
        ExportTokens.UsePieceCache();
        var plain = Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).Concat(['\t', '\r', '\n']).ToArray();
        foreach (var a in plain)
        {
            foreach (var b in plain)
            {
                foreach (var text in new[] { $"{a}{b}", $"{a}{b}{b}x", $" {a}'{b}" })
                {
                    Assert.Equal(ExportTokens.CountByTokenizer(text), ExportTokens.Count(text));
                }
            }
        }
    }

    [Fact]
    public void Nothing_counts_as_no_tokens()
    {
        ExportTokens.UsePieceCache();
        Assert.Equal(0, ExportTokens.Count(string.Empty));
        Assert.Equal(0, ExportTokens.Count(ReadOnlySpan<char>.Empty));
    }

    private static string RandomChars(Random random)
    {
        // Mostly the Basic Multilingual Plane, so letters, marks, digits and separators of many scripts turn up.
        var length = random.Next(1, 6);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = random.Next(3) switch
            {
                0 => (char)random.Next(0x20, 0x7F),
                1 => (char)random.Next(0x80, 0x800),
                _ => (char)random.Next(0x800, 0x10000),
            };
        }

        return new string(chars);
    }

    private static string Text(Random random, int pieces) =>
        string.Concat(Enumerable.Range(0, random.Next(1, pieces + 1)).Select(_ => Pieces[random.Next(Pieces.Length)]));
}
