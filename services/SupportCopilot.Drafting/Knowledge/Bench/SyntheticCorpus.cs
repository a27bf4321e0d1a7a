using System.Text;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// A deterministic help centre of any size for benchmarks: Markdown pages of
/// <see cref="SectionsPerPage"/> sections whose words follow a Zipf-like spread over a fixed
/// vocabulary (a few words everywhere, most words rare, as in real documentation), and tickets
/// written against them the way customers write (greeting, chatter, one or two questions, sign-off).
/// </summary>
internal sealed class SyntheticCorpus
{
    public const int SectionsPerPage = 5;

    private static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "ne", "ra", "su", "ti", "vo", "ze", "ba", "co", "du", "fe", "gi", "ho", "ju", "pa", "qui", "sen", "tor",
    ];

    private static readonly string[] Chatter =
    [
        "Hi there,", "Hello team,", "I hope you are well.", "We have been using the app for a while and mostly love it.",
        "This is a bit urgent for us.", "Thanks in advance for any help.", "Sorry if this was asked before.",
    ];

    private readonly string[] _vocabulary;
    private readonly double[] _cumulative;

    public SyntheticCorpus(int vocabularySize = 6000, int seed = 17)
    {
        var random = new Random(seed);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < vocabularySize)
        {
            var length = 2 + random.Next(3);
            var word = new StringBuilder();
            for (var i = 0; i < length; i++)
            {
                word.Append(Syllables[random.Next(Syllables.Length)]);
            }

            words.Add(word.ToString());
        }

        _vocabulary = [.. words];
        _cumulative = new double[_vocabulary.Length];
        var total = 0.0;
        for (var i = 0; i < _vocabulary.Length; i++)
        {
            total += 1.0 / Math.Pow(i + 1, 1.05);
            _cumulative[i] = total;
        }

        for (var i = 0; i < _cumulative.Length; i++)
        {
            _cumulative[i] /= total;
        }
    }

    /// <summary>Page <paramref name="number"/> (the same every time): a title and <see cref="SectionsPerPage"/> sections of 60-160 words.</summary>
    public (string DocumentId, string Markdown) Page(int number)
    {
        var random = new Random(number * 7919 + 1);
        var builder = new StringBuilder();
        builder.Append("# ").Append(Words(random, 3)).Append("\n\n");
        for (var section = 0; section < SectionsPerPage; section++)
        {
            builder.Append("## ").Append(Words(random, 2 + random.Next(3))).Append("\n\n");
            var sentences = 6 + random.Next(10);
            for (var s = 0; s < sentences; s++)
            {
                var sentence = Words(random, 6 + random.Next(10));
                builder.Append(char.ToUpperInvariant(sentence[0])).Append(sentence.AsSpan(1)).Append(". ");
            }

            builder.Append("\n\n");
        }

        return ($"generated/{number / 1000:D3}/page-{number:D6}.md", builder.ToString());
    }

    /// <summary>A ticket about a random page: its words, buried in chatter; every third one asks two questions.</summary>
    public (string Subject, string Body) Ticket(int number, int pages)
    {
        var random = new Random(number * 104729 + 3);
        var page = Page(random.Next(pages)).Markdown;
        var words = page.Split([' ', '\n', '.', '#'], StringSplitOptions.RemoveEmptyEntries);
        string Question() => "How do I " + string.Join(' ', Enumerable.Range(0, 5).Select(_ => words[random.Next(words.Length)])) + "?";
        var body = new StringBuilder();
        body.Append(Chatter[random.Next(2)]).Append("\n\n");
        body.Append(Chatter[2 + random.Next(Chatter.Length - 2)]).Append(' ').Append(Question());
        if (number % 3 == 0)
        {
            body.Append(" Also, ").Append(Question());
        }

        body.Append("\n\nThanks,\nSam");
        return (string.Join(' ', Enumerable.Range(0, 3).Select(_ => words[random.Next(words.Length)])), body.ToString());
    }

    private string Words(Random random, int count)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(' ');
            }

            var index = Array.BinarySearch(_cumulative, random.NextDouble());
            builder.Append(_vocabulary[Math.Min(index < 0 ? ~index : index, _vocabulary.Length - 1)]);
        }

        return builder.ToString();
    }
}
