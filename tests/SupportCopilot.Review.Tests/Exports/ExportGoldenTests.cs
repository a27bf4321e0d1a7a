using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Review.Exports;
using SupportCopilot.Review.Items;
using Xunit;

namespace SupportCopilot.Review.Tests.Exports;

/// <summary>
/// Pins the exporter's output byte for byte: a fixed, awkward set of corrections (every decision
/// and action, PII of every kind, markup, quotes, control characters, emoji, CRLF, empty and
/// unreadable fields, repeated tickets and passages, ties in the decision time) exported in every
/// format and option, each file and manifest hashed, against the hashes in
/// <c>export-golden.txt</c>. Any change to what the exporter writes, however it is made faster,
/// shows up here as a changed line. A deliberate change of format rewrites the file with
/// <c>SUPPORTCOPILOT_WRITE_GOLDEN=1</c>, and the diff of it goes in the same commit.
/// </summary>
public sealed class ExportGoldenTests
{
    private static readonly (string Name, ExportRequest Request)[] Requests =
    [
        ("sft-split", new ExportRequest { Format = ExportFormat.Sft, Split = 0.8 }),
        ("sft-whole", new ExportRequest { Format = ExportFormat.Sft }),
        ("sft-unredacted", new ExportRequest { Format = ExportFormat.Sft, Redact = false, Split = 0.5 }),
        ("sft-token-limit", new ExportRequest { Format = ExportFormat.Sft, MaxTokensPerRow = 400 }),
        ("dpo", new ExportRequest { Format = ExportFormat.Dpo }),
        ("dpo-edit-distance", new ExportRequest { Format = ExportFormat.Dpo, Filter = new ExportFilter { MinEditDistance = 12 }, Split = 0.7 }),
        ("eval-split", new ExportRequest { Format = ExportFormat.Eval, Split = 0.5 }),
        ("eval-connector", new ExportRequest { Format = ExportFormat.Eval, Filter = new ExportFilter { Connector = "freshdesk" } }),
        ("csv", new ExportRequest { Format = ExportFormat.Csv }),
        ("csv-split-unredacted", new ExportRequest { Format = ExportFormat.Csv, Split = 0.8, Redact = false }),
    ];

    // Small batches on few workers: every batch is written and reused many times over, which
    // a batch of 128 never is on 300 rows, so a row left behind by a reused batch would show.
    [Theory]
    [InlineData(DatabaseProvider.Sqlite, 3, 128)]
    [InlineData(DatabaseProvider.Sqlite, 2, 7)]
    [InlineData(DatabaseProvider.Sqlite, 1, 1)]
    [InlineData(DatabaseProvider.Postgres, 3, 128)]
    [InlineData(DatabaseProvider.Postgres, 2, 7)]
    public async Task Every_format_writes_the_same_bytes_and_manifest_as_the_pinned_ones(DatabaseProvider provider, int workers, int batchRows)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        await GoldenCorrections.InsertAsync(db);
        var folder = ExportSeed.TempFolder();

        var actual = new StringBuilder();
        foreach (var (name, request) in Requests)
        {
            var output = Path.Combine(folder, name + ExportFormats.Extension(request.Format));
            var exporter = new CorrectionExporter(db.Database, NullLogger<CorrectionExporter>.Instance) { Workers = workers, BatchRows = batchRows };
            var manifest = await ExportFiles.ExportAsync(exporter, request, output, progress: null, TestContext.Current.CancellationToken);
            foreach (var file in manifest.Files)
            {
                var path = Path.Combine(folder, file.Name);
                var bytes = File.Exists(path) ? await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken) : [];
                actual.Append(name).Append(' ').Append(file.Part).Append(' ').Append(file.Rows).Append(' ')
                    .Append(Convert.ToHexStringLower(SHA256.HashData(bytes))).Append('\n');
            }

            actual.Append(name).Append(" manifest ").Append(ManifestHash(ExportFiles.ManifestPath(output))).Append('\n');
        }

        var golden = GoldenPath();
        if (Environment.GetEnvironmentVariable("SUPPORTCOPILOT_WRITE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(golden, actual.ToString(), TestContext.Current.CancellationToken);
        }

        var expected = (await File.ReadAllTextAsync(golden, TestContext.Current.CancellationToken)).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual.ToString());
    }

    [Fact]
    public async Task The_pinned_data_reaches_every_branch_the_hashes_are_meant_to_guard()
    {
        // A golden file over data that never redacts a card or never skips a row would pin little.
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await GoldenCorrections.InsertAsync(db);
        var folder = ExportSeed.TempFolder();
        var exporter = new CorrectionExporter(db.Database, NullLogger<CorrectionExporter>.Instance);

        var sft = await ExportFiles.ExportAsync(exporter, new ExportRequest { Format = ExportFormat.Sft, MaxTokensPerRow = 400 }, Path.Combine(folder, "sft.jsonl"), null, TestContext.Current.CancellationToken);
        var dpo = await ExportFiles.ExportAsync(exporter, new ExportRequest { Format = ExportFormat.Dpo }, Path.Combine(folder, "dpo.jsonl"), null, TestContext.Current.CancellationToken);
        var eval = await ExportFiles.ExportAsync(exporter, new ExportRequest { Format = ExportFormat.Eval }, Path.Combine(folder, "eval.jsonl"), null, TestContext.Current.CancellationToken);

        Assert.Equal(GoldenCorrections.Count, sft.Counts.Read);
        Assert.True(sft.Counts.Read > ExportPipeline.BatchSize * 2);
        foreach (var kind in new[] { "secret", "email", "iban", "card", "ip", "phone", "name" })
        {
            Assert.True(sft.Redaction.Replaced[kind] > 0, kind);
        }

        foreach (var reason in new[] { SkipReasons.Duplicate, SkipReasons.NotThisFormat, SkipReasons.NotAnAnswer, SkipReasons.EmptyContent, SkipReasons.TooManyTokens, SkipReasons.UnreadableSources })
        {
            Assert.True(sft.Counts.Skipped.ContainsKey(reason), reason);
        }

        Assert.True(dpo.Counts.Skipped.ContainsKey(SkipReasons.IdenticalOutputs));
        Assert.True(dpo.Counts.Written > 10);
        Assert.True(eval.Counts.Written > sft.Counts.Written);
        Assert.True(sft.PolicyVersions.Count > 0);
    }

    private static string GoldenPath([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "export-golden.txt");

    /// <summary>The manifest without what differs on every run (when it was made, how long it took).</summary>
    private static string ManifestHash(string path)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        manifest.Remove("createdAt");
        manifest.Remove("elapsedSeconds");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest.ToJsonString())));
    }
}

/// <summary>
/// The golden data: generated from a fixed seed, written with the same Dapper parameters the
/// Review service writes with, so the stored shapes (a Guid, a timestamp) are the real ones.
/// </summary>
internal static class GoldenCorrections
{
    public const int Count = 300;

    private const string InsertItem = """
        INSERT INTO review_items (draft_id, ticket_id, connector, external_id, subject, body, customer_email, customer_name,
            language, received_at, draft_text, citations, confidence, reasons, drafter, queued_at, status, decided_at, decided_by,
            category, brand, insights)
        VALUES (@DraftId, @TicketId, @Connector, @ExternalId, @Subject, @Body, 'someone@example.com', @Name, @Language, @At, @Draft,
            @Citations, @Confidence, @Reasons, @Drafter, @At, @Decision, @At, @Agent, @Category, @Brand, @Insights)
        """;

    private const string InsertCorrection = """
        INSERT INTO corrections (correction_id, draft_id, ticket_id, draft_text, final_text, decision, reason, comment, agent, decided_at, review_seconds, action)
        VALUES (@CorrectionId, @DraftId, @TicketId, @Draft, @Final, @Decision, @Reason, @Comment, @Agent, @At, @ReviewSeconds, @Action)
        """;

    private static readonly string[] Names = ["Jane Doe", "Ana Lima", "Seán O'Brien", "Zoë Ångström-Ødegård", "李 小龙", "Will May", "", "Rose Park"];

    private static readonly string[] Connectors = ["zendesk", "freshdesk", "generic"];

    private static readonly Citation[] Passages =
    [
        new("sync/troubleshooting.md#force-a-sync", "Force a sync", "Open Settings > Sync and choose Sync now. Notes & attachments follow within 15 minutes."),
        new("billing/refund-policy.md#duplicate-charges", "Duplicate \"charges\" & refunds", "Refunds for duplicate charges take 5-10 days. Write to billing@example.com or call +1 415 555 2671."),
        new("security/keys.md#rotate", "Rotate <keys>", "Never paste keys like sk-proj-abcdefghijklmnop1234 into a ticket; rotate them at once."),
        new("accounts/2fa.md#reset", "Reset 2FA", "If you lost your phone, an admin can reset two-factor sign-in from 10.0.0.1 only.\r\nThen sign in again."),
        new("intl/languages.md#supported", "Langues prises en charge", "Nous répondons en français, en español y en 日本語 — 😀 toujours."),
        new("exports/csv.md#formulas", "=Formulas", "=SUM(A1:A2) is kept as text; \"quotes\" are doubled, commas, too."),
        new("empty.md#nothing", "Nothing", ""),
        new("long/guide.md#all", "The whole guide", string.Concat(Enumerable.Repeat("Step by step, open the menu, choose the option and confirm it. ", 40))),
    ];

    private static readonly string[] Bodies =
    [
        "Hi, I'm {name} ({email}). Since the update my notes stop syncing. Call me on +44 20 7946 0958.",
        "My card 4111 1111 1111 1111 was charged twice for order 123456789. IBAN for the refund: GB82 WEST 1234 5698 7654 32.",
        "Our server 192.168.1.20 and fe80::1ff:fe23:4567:890a cannot reach you. api_key=abcd1234efgh5678 is what we use.",
        "<script>alert('x')</script> & \"quoted\" \\ backslash\ttab\u0001control — also jane [at] example [dot] com",
        "Line one\r\nLine two\r\n\r\nRegards,\r\n{name}",
        "Emoji 😀👍🏽 and 中文 and العربية and a lone surrogate-free text. Ticket from {email} on 2025-03-01 at 10:30.",
        "=HYPERLINK(\"http://evil\") +1 -1 @cmd, commas, \"quotes\"",
        "   ",
        "Token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop and ghp_abcdefghijklmnopqrstuvwxyz0123 leaked.",
        "Please delete all my data. {name}, {email}, 00 49 30 1234 5678.",
    ];

    public static async Task InsertAsync(ReviewTestDatabase db)
    {
        var random = new Random(20261124);
        var start = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var tickets = new List<Guid>();
        var rows = new List<object>();
        for (var i = 0; i < Count; i++)
        {
            var ticket = i > 10 && random.Next(5) == 0 ? tickets[random.Next(tickets.Count)] : NewGuid(random);
            tickets.Add(ticket);
            var name = Names[random.Next(Names.Length)];
            var email = $"user{i}@example.com";
            var body = Bodies[random.Next(Bodies.Length)].Replace("{name}", name, StringComparison.Ordinal).Replace("{email}", email, StringComparison.Ordinal);
            if (random.Next(4) != 0)
            {
                // Most tickets differ; the rest repeat a body, some only in case and spacing (near-duplicates).
                body += $" (case {i})";
            }
            else if (random.Next(2) == 0)
            {
                body = "  " + body.ToUpperInvariant().Replace(" ", "   ", StringComparison.Ordinal);
            }

            var subject = random.Next(6) switch
            {
                0 => string.Empty,
                1 => $"Re: <b>Billing</b> & refunds for {name}",
                _ => $"Notes do not sync on device {i % 7}",
            };

            var citations = random.Next(8) switch
            {
                0 => "[]",
                1 => "not json",
                _ => ReviewJson.Write(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Passages[random.Next(Passages.Length)]).ToArray()),
            };
            var first = name.Split(' ')[0];
            var draft = random.Next(12) == 0
                ? string.Empty
                : $"Hello {first},\n\nOpen Settings > Sync & choose \"Sync now\" (case {i}).\n\nBest regards,\nThe support team";
            var decision = (i % 10) switch { < 5 => "approved", < 8 => "edited", _ => "rejected" };
            string? final = decision switch
            {
                "approved" => draft,
                "edited" => random.Next(5) switch
                {
                    0 => draft.Replace("\n", "\r\n", StringComparison.Ordinal) + "  ",
                    1 => draft + " Call me on +1 415 555 2671, " + first + ".",
                    _ => draft.Replace("Open Settings", "Sorry for the trouble, " + first + "! Open Settings", StringComparison.Ordinal),
                },
                _ => random.Next(3) == 0 ? "We have refunded you, " + name + ". Card 5500-0000-0000-0004 is no longer on file." : null,
            };
            var action = random.Next(10) switch { 0 => "escalated", 1 => "clarifying_question", _ => null };

            // Every seventh row shares its decision time with the one before: the order falls to the correction id.
            var at = start.AddMilliseconds(i % 7 == 0 && i > 0 ? (i - 1) * 61_000L : i * 61_000L);
            rows.Add(new
            {
                DraftId = NewGuid(random),
                TicketId = ticket,
                Connector = Connectors[random.Next(Connectors.Length)],
                ExternalId = "EXT-" + i,
                Subject = subject,
                Body = body,
                Name = name,
                Language = random.Next(4) == 0 ? "fr" : "en",
                At = at,
                Draft = draft,
                Citations = citations,
                Confidence = Math.Round(random.NextDouble(), 6),
                Reasons = random.Next(3) == 0 ? "[\"guarded:billing\",\"low_confidence\"]" : "[\"low_confidence\"]",
                Drafter = random.Next(5) == 0 ? "llm:gpt-4o" : "offline-extractive",
                Decision = decision,
                Agent = random.Next(2) == 0 ? "ana" : "bo",
                Category = random.Next(3) == 0 ? null : (random.Next(2) == 0 ? "billing" : "technical"),
                Brand = random.Next(4) == 0 ? "acme" : null,
                Insights = random.Next(3) switch
                {
                    0 => null,
                    1 => "{\"policyVersion\":\"policy-2025-03\",\"category\":\"billing\"}",
                    _ => "{\"category\":\"technical\"}",
                },
                CorrectionId = NewGuid(random),
                Final = final,
                Reason = decision == "rejected" ? "wrong_answer" : null,
                Comment = random.Next(4) switch
                {
                    0 => null,
                    1 => "=1+1 call " + name + " at +44 20 7946 0958",
                    2 => "Fine, \"mostly\",\nsecond line",
                    _ => "ok",
                },
                ReviewSeconds = Math.Round(random.NextDouble() * 300, 3),
                Action = action,
            });
        }

        await using var connection = await db.Database.OpenAsync(TestContext.Current.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await connection.ExecuteAsync(InsertItem, rows, transaction);
        await connection.ExecuteAsync(InsertCorrection, rows, transaction);
        await transaction.CommitAsync(TestContext.Current.CancellationToken);
    }

    private static Guid NewGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }
}
