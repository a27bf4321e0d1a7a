using System.Text.Json;
using Dapper;
using Xunit;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Queue;
using SupportCopilot.Testing;

namespace SupportCopilot.Review.Tests;

/// <summary>A migrated Review database of the test's own, with helpers to seed and inspect it.</summary>
internal sealed class ReviewTestDatabase : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TestDatabase _test;

    private ReviewTestDatabase(TestDatabase test, ManualTime time)
    {
        _test = test;
        Time = time;
        Database = new ReviewDatabase(test.Settings);
    }

    public ReviewDatabase Database { get; }

    public ManualTime Time { get; }

    public DatabaseSettings Settings => _test.Settings;

    public static async Task<ReviewTestDatabase> CreateAsync(DatabaseProvider provider)
    {
        var test = await TestDatabase.CreateAsync(provider);
        var db = new ReviewTestDatabase(test, new ManualTime());
        await Migrator.MigrateAsync(db.Database, ReviewMigrations.All, NullLogger.Instance, TestContext.Current.CancellationToken);
        return db;
    }

    /// <summary>Queues a draft as the consumer would, with a fresh message id.</summary>
    public async Task<DraftReady> EnqueueAsync(DraftReady? draft = null)
    {
        draft ??= Drafts.NeedingReview();
        await new EnqueueDraftHandler(Database, Time).HandleAsync(draft, Guid.NewGuid(), TestContext.Current.CancellationToken);
        return draft;
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync(TestContext.Current.CancellationToken);
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async Task<IReadOnlyList<CorrectionRow>> CorrectionsAsync()
    {
        await using var connection = await Database.OpenAsync(TestContext.Current.CancellationToken);
        var rows = await connection.QueryAsync<CorrectionRow>("""
            SELECT correction_id AS CorrectionId, draft_id AS DraftId, ticket_id AS TicketId, draft_text AS DraftText,
                   final_text AS FinalText, decision AS Decision, reason AS Reason, comment AS Comment, agent AS Agent,
                   decided_at AS DecidedAt, review_seconds AS ReviewSeconds
            FROM corrections ORDER BY decided_at
            """);
        return rows.AsList();
    }

    /// <summary>The messages waiting in the outbox, of one contract type, in the order they were written.</summary>
    public async Task<IReadOnlyList<T>> OutboxAsync<T>()
    {
        await using var connection = await Database.OpenAsync(TestContext.Current.CancellationToken);
        var bodies = await connection.QueryAsync<string>(
            "SELECT body FROM outbox_messages WHERE message_type = @Type ORDER BY id", new { Type = typeof(T).FullName });
        return [.. bodies.Select(b => JsonSerializer.Deserialize<T>(b, Json)!)];
    }

    public async Task<long> OutboxCountAsync() => await ScalarAsync<long>("SELECT COUNT(*) FROM outbox_messages");

    public ValueTask DisposeAsync() => _test.DisposeAsync();
}

internal sealed class CorrectionRow
{
    public Guid CorrectionId { get; init; }

    public Guid DraftId { get; init; }

    public Guid TicketId { get; init; }

    public string DraftText { get; init; } = string.Empty;

    public string? FinalText { get; init; }

    public string Decision { get; init; } = string.Empty;

    public string? Reason { get; init; }

    public string? Comment { get; init; }

    public string Agent { get; init; } = string.Empty;

    public string? Action { get; init; }

    public DateTimeOffset DecidedAt { get; init; }

    public double ReviewSeconds { get; init; }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime : TimeProvider
{
    private DateTimeOffset _now = new(2025, 3, 4, 9, 30, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Drafts as Drafting publishes them.</summary>
internal static class Drafts
{
    public static DraftReady NeedingReview(
        string subject = "Refund for a double charge",
        string body = "Hi, I was charged twice this month. Can I get one refunded?",
        string text = "Sorry about the double charge. We refund duplicate charges within 5 business days.",
        bool autoSend = false,
        DateTimeOffset? receivedAt = null) =>
        new(
            Guid.NewGuid(),
            new TicketContent(
                Guid.NewGuid(),
                "zendesk",
                "ZD-" + Random.Shared.Next(1000, 9999),
                subject,
                body,
                new Customer("jane@example.com", "Jane Doe"),
                "en",
                receivedAt ?? new DateTimeOffset(2025, 3, 4, 9, 0, 0, TimeSpan.Zero)),
            text,
            [new Citation("billing/refund-policy.md#duplicate-charges", "Refund policy", "Duplicate charges are refunded within 5 business days.")],
            0.42,
            autoSend,
            ["guarded category: billing", "confidence below threshold"],
            "offline",
            new DateTimeOffset(2025, 3, 4, 9, 1, 0, TimeSpan.Zero));
}
