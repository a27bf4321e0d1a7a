using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Contracts;
using SupportCopilot.Review.Decisions;
using SupportCopilot.Review.Exports;
using Xunit;

namespace SupportCopilot.Review.Tests.Exports;

/// <summary>Corrections made the way agents make them (queue, then decide), and exports of them into a temp folder.</summary>
internal static class ExportSeed
{
    public const string Customer = "Jane Doe";
    public const string Email = "jane@example.com";
    public const string Phone = "+44 20 7946 0958";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static DraftReady Draft(int i, string? subject = null, string? body = null, Guid? ticketId = null, string connector = "zendesk")
    {
        var draft = Drafts.NeedingReview(
            subject: subject ?? $"Notes do not sync on device {i}",
            body: body ?? $"Hi, I'm {Customer} ({Email}, {Phone}). Since update {i} my notes stop syncing on device {i}. Thanks, Jane",
            text: $"Hello Jane,\n\nNotes sync every 15 minutes; open Settings > Sync to force it (case {i}).\n\nBest regards,\nThe support team");
        return draft with
        {
            Ticket = draft.Ticket with { TicketId = ticketId ?? draft.Ticket.TicketId, Connector = connector },
            Reasons = i % 3 == 0 ? ["guarded:billing", "low_confidence"] : ["low_confidence"],
            Drafter = "offline-extractive",
        };
    }

    /// <summary>Queues <paramref name="draft"/> and decides it: approved as is, edited, or rejected.</summary>
    public static async Task<DraftReady> DecideAsync(ReviewTestDatabase db, DraftReady draft, string decision)
    {
        await db.EnqueueAsync(draft);
        db.Time.Advance(TimeSpan.FromSeconds(30));
        var handler = new DecisionHandler(db.Database, db.Time);
        var result = decision switch
        {
            "approved" => await handler.ApproveAsync(draft.DraftId, new ApproveRequest("ana", null), Token),
            "edited" => await handler.ApproveAsync(
                draft.DraftId,
                new ApproveRequest("ana", draft.Text.Replace("Notes sync every 15 minutes", "Sorry Jane! Sync runs every 15 minutes, call us on +1 415 555 2671 if not", StringComparison.Ordinal)),
                Token),
            _ => await handler.RejectAsync(draft.DraftId, new RejectRequest("ana", "wrong_answer", "Jane needs billing, not sync"), Token),
        };
        Assert.Equal(DecisionOutcome.Decided, result.Outcome);
        return draft;
    }

    public static async Task SeedAsync(ReviewTestDatabase db, int approved, int edited, int rejected)
    {
        var i = 0;
        for (var n = 0; n < approved; n++)
        {
            await DecideAsync(db, Draft(i++), "approved");
        }

        for (var n = 0; n < edited; n++)
        {
            await DecideAsync(db, Draft(i++), "edited");
        }

        for (var n = 0; n < rejected; n++)
        {
            await DecideAsync(db, Draft(i++), "rejected");
        }
    }

    public static CorrectionExporter Exporter(ReviewTestDatabase db) => new(db.Database, NullLogger<CorrectionExporter>.Instance);

    public static Task<ExportManifest> ExportAsync(ReviewTestDatabase db, ExportRequest request, string output) =>
        ExportFiles.ExportAsync(Exporter(db), request, output, progress: null, Token);

    public static string TempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "supportcopilot-tests", "exports-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Reads the manifest written beside an export, as ops would.</summary>
    public static JsonElement ReadManifest(string output)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ExportFiles.ManifestPath(output)));
        return document.RootElement.Clone();
    }
}
