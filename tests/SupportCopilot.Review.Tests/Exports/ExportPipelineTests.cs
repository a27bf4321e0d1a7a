using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Data;
using SupportCopilot.Review.Exports;
using Xunit;

namespace SupportCopilot.Review.Tests.Exports;

/// <summary>
/// The throughput work (docs/benchmarks.md) must not change a byte: the redactor's prechecks are
/// necessary conditions of their patterns, and the parallel pipeline writes what one worker writes.
/// </summary>
public sealed class ExportPipelineTests
{
    [Fact]
    public void Prechecks_change_nothing_on_the_labelled_corpus()
    {
        foreach (var entry in PiiRedactorTests.Corpus.Load())
        {
            AssertSameRedaction(entry.Input, entry.Customer);
        }
    }

    [Fact]
    public void Prechecks_change_nothing_on_random_look_alikes()
    {
        // Fragments that put each pattern near its edge: digit runs of every length with every
        // separator, non-ASCII digits (\d is Unicode), keys, emails, "at" spellings, IPs, IBANs.
        string[] fragments =
        [
            "0", "1", "4", "7", "9", "٣", "०", " ", "  ", "-", ".", "(", ")", "+", "00", ":", "::", "@", "_", "/", "\n", "\t", "\u00a0",
            "at", "AT", " at ", "[at]", "(at)", "{dot}", " dot ", "com", "example", "jane", "Jane", "Doe", "DOE",
            "sk-", "sk_live_", "ghp_", "xoxb-", "AKIA", "AIza", "eyJ", "api key", "ApiKey", "PASSWORD", "pwd", "Bearer ", "secret=", "token",
            "GB82", "WEST", "1234", "5678", "DE89", "3704", "0044", "0532", "0130", "00", "4111", "1111", "ffff", "fe80", "abcd",
            "192.168", "255", "10", "x", "Q", "é", "’", "'", "=", "ABCDEFGHIJ", "abcdefghij", "0123456789",
        ];
        var random = new Random(7);
        var text = new StringBuilder();
        for (var n = 0; n < 20_000; n++)
        {
            text.Clear();
            var parts = random.Next(1, 16);
            for (var p = 0; p < parts; p++)
            {
                text.Append(fragments[random.Next(fragments.Length)]);
            }

            AssertSameRedaction(text.ToString(), n % 2 == 0 ? "Jane Doe" : null);
        }
    }

    [Fact]
    public void The_one_pass_scan_flags_exactly_what_each_check_says()
    {
        string[] fragments =
        [
            "0", "1", "9", "٣", "०", "a", "A", "t", "T", "at", "AT", " at ", "x", "Q", "é", "_", "-", " ", ".", "(", ")", ":", "::", "@",
            "[IP]", "[IP", "[", "]", "f", "G", "/", "\n", "\t", "\u00a0", "ABCDEFGHIJ", "abcdefghij", "0123456789", "GB82", "1234",
        ];
        var random = new Random(13);
        var text = new StringBuilder();
        for (var n = 0; n < 50_000; n++)
        {
            text.Clear();
            for (var p = random.Next(0, 20); p > 0; p--)
            {
                text.Append(fragments[random.Next(fragments.Length)]);
            }

            var s = text.ToString();
            var expected = Detectors.None;
            expected |= RedactorPrechecks.HasWordRun(s, 20) ? Detectors.GenericSecret : Detectors.None;
            expected |= s.Contains('@', StringComparison.Ordinal) ? Detectors.Email : Detectors.None;
            expected |= RedactorPrechecks.MayHoldObfuscatedAt(s) ? Detectors.ObfuscatedEmail : Detectors.None;
            expected |= RedactorPrechecks.HasLettersThenDigits(s) ? Detectors.Iban : Detectors.None;
            expected |= RedactorPrechecks.HasDigitRun(s, 13, "- ") ? Detectors.Card : Detectors.None;
            expected |= RedactorPrechecks.HasDigitDotDigit(s) ? Detectors.Ipv4 : Detectors.None;
            expected |= RedactorPrechecks.MayHoldIpv6(s) ? Detectors.Ipv6 : Detectors.None;
            expected |= s.Contains("[IP]", StringComparison.Ordinal) ? Detectors.MappedIpv6 : Detectors.None;
            expected |= RedactorPrechecks.HasDigitRun(s, 6, " .-()") ? Detectors.Phone : Detectors.None;

            Assert.True(expected == RedactorPrechecks.Scan(s), $"\"{s}\": expected {expected}, scanned {RedactorPrechecks.Scan(s)}");
        }
    }

    [Fact]
    public void The_name_precheck_finds_every_spelling_the_name_scan_would_redact()
    {
        // Names whose letters have awkward case pairs (ß, dotted and dotless i, final sigma, Kelvin
        // sign, ligatures), written in every case into random text around them.
        string[] names = ["Jane Doe", "Straße Öz", "İlkay Işık", "Σοφία Ἀλεξίου", "Kai Ŀlobet", "Ǆenan Ǉubić", "José-María O'Neil"];
        var random = new Random(5);
        var text = new StringBuilder();
        foreach (var name in names)
        {
            string[] spellings = [name, name.ToUpperInvariant(), name.ToLowerInvariant(), .. name.Split(' ', '-'), name.Replace('K', '\u212A')];
            for (var n = 0; n < 500; n++)
            {
                text.Clear();
                for (var p = random.Next(1, 6); p > 0; p--)
                {
                    text.Append(random.Next(3) switch { 0 => spellings[random.Next(spellings.Length)], 1 => " ", _ => "x." });
                }

                AssertSameRedaction(text.ToString(), name);
            }
        }
    }

    [Fact]
    public void The_case_insensitive_prechecks_see_every_character_the_patterns_fold_to_their_letters()
    {
        // MayHoldSecretKeyword compares with OrdinalIgnoreCase and MayHoldObfuscatedAt with an ASCII
        // fold; the patterns ignore case with .NET's invariant case equivalences. Any character
        // the regex folds onto one of these letters must be one those comparisons accept.
        foreach (var letter in "apiaccessauthsecretpasswpwdbearer".Distinct())
        {
            var pattern = new Regex("^" + letter + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            for (var c = 0; c <= char.MaxValue; c++)
            {
                var s = ((char)c).ToString();
                if (pattern.IsMatch(s))
                {
                    Assert.True(string.Equals(s, letter.ToString(), StringComparison.OrdinalIgnoreCase), $"U+{c:X4} matches '{letter}' in the pattern but not in the precheck");
                }
            }
        }

        foreach (var letter in "at")
        {
            var pattern = new Regex("^" + letter + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            for (var c = 0; c <= char.MaxValue; c++)
            {
                if (pattern.IsMatch(((char)c).ToString()))
                {
                    Assert.Equal(letter, (char)(c | 0x20));
                }
            }
        }
    }

    [Theory]
    [InlineData("sft")]
    [InlineData("dpo")]
    [InlineData("eval")]
    [InlineData("csv")]
    public async Task Parallel_workers_write_the_bytes_and_manifest_of_one_worker(string formatName)
    {
        Assert.True(ExportFormats.TryParse(formatName, out var format));
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        // More rows than a batch, duplicates among them, and every decision.
        var rows = ExportPipeline.BatchSize * 2 + 37;
        for (var i = 0; i < rows; i++)
        {
            var decision = (i % 10) switch { < 6 => "approved", < 9 => "edited", _ => "rejected" };
            var draft = i % 17 == 5 ? ExportSeed.Draft(i, subject: "Same ticket", body: "Same body, jane@example.com") : ExportSeed.Draft(i);
            await ExportSeed.DecideAsync(db, draft, decision);
        }

        var request = new ExportRequest { Format = format, Split = 0.7 };
        var folder = ExportSeed.TempFolder();
        var one = await ExportWithAsync(db, request, Path.Combine(folder, "one" + ExportFormats.Extension(format)), workers: 1);
        var four = await ExportWithAsync(db, request, Path.Combine(folder, "four" + ExportFormats.Extension(format)), workers: 4);

        Assert.Equal(one.Counts.Read, rows);
        Assert.Equal(one.Files.Select(f => (f.Part, f.Rows, f.Bytes, f.Tokens, f.Sha256)), four.Files.Select(f => (f.Part, f.Rows, f.Bytes, f.Tokens, f.Sha256)));
        Assert.Equal(one.Counts.Skipped, four.Counts.Skipped);
        Assert.Equal(one.Redaction.Replaced, four.Redaction.Replaced);
        Assert.Equal(one.Tokens, four.Tokens);
        Assert.True(one.Redaction.Replaced["email"] > 0);
    }

    private static async Task<ExportManifest> ExportWithAsync(ReviewTestDatabase db, ExportRequest request, string output, int workers)
    {
        var exporter = new CorrectionExporter(db.Database, NullLogger<CorrectionExporter>.Instance) { Workers = workers };
        return await ExportFiles.ExportAsync(exporter, request, output, progress: null, TestContext.Current.CancellationToken);
    }

    private static void AssertSameRedaction(string input, string? customer)
    {
        var fast = new RedactionCounts();
        var reference = new RedactionCounts();
        Assert.Equal(PiiRedactor.RedactWithoutPrechecks(input, customer, reference), PiiRedactor.Redact(input, customer, fast));
        Assert.Equal(reference.ToDictionary(), fast.ToDictionary());
    }
}
