using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using SupportCopilot.Review.Exports;
using Xunit;

namespace SupportCopilot.Review.Tests.Exports;

public sealed partial class PiiRedactorTests
{
    [Fact]
    public void The_labelled_corpus_leaks_nothing_and_few_clean_strings_change()
    {
        var corpus = Corpus.Load();
        Assert.True(corpus.Count >= 200, $"The corpus has {corpus.Count} strings.");

        var leaks = new List<string>();
        var changedClean = new List<string>();
        var overRedacted = new List<string>();
        foreach (var entry in corpus)
        {
            var output = PiiRedactor.Redact(entry.Input, entry.Customer);
            foreach (var (kind, value) in entry.Marks)
            {
                if (value.Length > 0 && output.Contains(value, StringComparison.OrdinalIgnoreCase))
                {
                    leaks.Add($"{kind} '{value}' survived in: {output}");
                }
            }

            foreach (var group in entry.Marks.GroupBy(m => m.Kind))
            {
                var placeholders = Regex.Matches(output, Regex.Escape("[" + group.Key + "]")).Count;
                if (placeholders < group.Count())
                {
                    leaks.Add($"expected {group.Count()} [{group.Key}] in: {output}");
                }
            }

            if (entry.Marks.Count == 0 && output != entry.Input)
            {
                changedClean.Add($"{entry.Input} -> {output}");
            }
            else if (entry.Marks.Count > 0 && output != entry.Expected)
            {
                overRedacted.Add($"{entry.Expected} <> {output}");
            }
        }

        var clean = corpus.Count(e => e.Marks.Count == 0);
        TestContext.Current.SendDiagnosticMessage(
            $"PII corpus: {corpus.Count} strings ({corpus.Count - clean} with PII, {clean} clean); leaks {leaks.Count}; " +
            $"clean strings changed {changedClean.Count}/{clean} = {changedClean.Count / (double)clean:P1}; " +
            $"PII strings with extra redaction {overRedacted.Count}/{corpus.Count - clean}\n" +
            string.Join('\n', changedClean.Concat(overRedacted)));
        Assert.True(leaks.Count == 0, "Leaks:\n" + string.Join('\n', leaks));
        Assert.True(changedClean.Count / (double)clean <= 0.05, "Too many false positives:\n" + string.Join('\n', changedClean));
    }

    [Theory]
    [InlineData("Card 4111 1111 1111 1112 declined", "Card 4111 1111 1111 1112 declined")] // fails Luhn: an order number, not a card
    [InlineData("IBAN DE89 3704 0044 0532 0130 01", "IBAN DE89 3704 0044 0532 0130 01")] // fails mod 97
    [InlineData("Server 999.1.1.1 is not an address", "Server 999.1.1.1 is not an address")]
    [InlineData("<jane@example.com>", "<[EMAIL]>")]
    public void Checksums_decide_what_is_personal_data(string input, string expected) =>
        Assert.Equal(expected, PiiRedactor.Redact(input));

    [Fact]
    public void Names_in_lower_case_that_are_words_stay_but_the_name_goes()
    {
        var output = PiiRedactor.Redact("I will try. Thanks, Will", "Will Turner");

        Assert.Equal("I will try. Thanks, [NAME]", output);
    }

    [Theory]
    [InlineData("jane doe wrote", "[NAME] wrote")]
    [InlineData("JANE DOE wrote", "[NAME] wrote")]
    [InlineData("jAnE dOE wrote", "[NAME] wrote")]
    [InlineData("from jane  doe.", "from [NAME].")]
    [InlineData("Doe, Jane", "[NAME], [NAME]")]
    [InlineData("jane and doe in lower case, Janet and Doel", "jane and doe in lower case, Janet and Doel")]
    [InlineData("ǆenan ǉubić", "[NAME]")]
    [InlineData("ǄENAN Ǉubić", "[NAME]")]
    public void The_whole_name_goes_in_any_case_its_parts_only_capitalised(string input, string expected)
    {
        var customer = input.StartsWith('ǆ') || input.StartsWith('Ǆ') ? "Ǆenan Ǉubić" : "Jane Doe";

        Assert.Equal(expected, PiiRedactor.Redact(input, customer));
    }

    [Fact]
    public void Counts_are_kept_per_kind()
    {
        var counts = new RedactionCounts();

        PiiRedactor.Redact("jane@example.com, +44 20 7946 0958, Jane", "Jane Doe", counts);

        Assert.Equal(1, counts[PiiKind.Email]);
        Assert.Equal(1, counts[PiiKind.Phone]);
        Assert.Equal(1, counts[PiiKind.Name]);
    }

    internal sealed record Entry(string Customer, string Input, string Expected, IReadOnlyList<(string Kind, string Value)> Marks);

    internal static partial class Corpus
    {
        public static IReadOnlyList<Entry> Load([CallerFilePath] string source = "")
        {
            var path = Path.Combine(Path.GetDirectoryName(source)!, "pii-corpus.tsv");
            var entries = new List<Entry>();
            foreach (var line in File.ReadAllLines(path))
            {
                if (line.Length == 0 || line.StartsWith('#'))
                {
                    continue;
                }

                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                var customer = line[..tab];
                var text = line[(tab + 1)..];
                var marks = Mark().Matches(text).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
                var input = Mark().Replace(text, m => m.Groups[2].Value);
                var expected = Mark().Replace(text, m => "[" + m.Groups[1].Value + "]");
                entries.Add(new Entry(customer, input, expected, marks));
            }

            return entries;
        }

        [GeneratedRegex(@"\{\{([A-Z]+):(.*?)\}\}")]
        private static partial Regex Mark();
    }
}
