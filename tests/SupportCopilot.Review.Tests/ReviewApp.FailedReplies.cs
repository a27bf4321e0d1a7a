using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Contracts;
using SupportCopilot.Review.FailedReplies;
using Xunit;

namespace SupportCopilot.Review.Tests;

/// <summary>Failed replies in the running app: recorded as the ReplyFailed consumer records them, and read back.</summary>
internal sealed partial class ReviewApp
{
    private static readonly JsonSerializerOptions OutboxJson = new(JsonSerializerDefaults.Web);

    /// <summary>Records a failed reply as the ReplyFailed consumer does, with a fresh message id.</summary>
    public async Task<ReplyFailed> FailAsync(ReplyFailed failure)
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FailedReplyTracker>().RecordFailureAsync(failure, Guid.NewGuid(), TestContext.Current.CancellationToken);
        return failure;
    }

    public async Task<FailedReply?> FailedReplyAsync(Guid draftId)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FailedReplyQueries>().FindAsync(draftId, TestContext.Current.CancellationToken);
    }

    /// <summary>The messages of one contract type in the outbox (sent by the relay or not), in the order they were written.</summary>
    public async Task<IReadOnlyList<T>> OutboxAsync<T>()
    {
        await using var connection = await Database.OpenAsync(TestContext.Current.CancellationToken);
        var bodies = await connection.QueryAsync<string>(
            "SELECT body FROM outbox_messages WHERE message_type = @Type ORDER BY id", new { Type = typeof(T).FullName });
        return [.. bodies.Select(b => JsonSerializer.Deserialize<T>(b, OutboxJson)!)];
    }
}

/// <summary>Failures as Intake announces them.</summary>
internal static class Failures
{
    public static ReplyFailed Of(
        DraftReady? draft = null,
        string connector = "zendesk",
        string error = "HttpRequestException: Response status code does not indicate success: 503 (Service Unavailable).",
        DateTimeOffset? failedAt = null) =>
        new(
            draft?.DraftId ?? Guid.NewGuid(),
            draft?.Ticket.TicketId ?? Guid.NewGuid(),
            connector,
            error,
            failedAt ?? new DateTimeOffset(2025, 3, 4, 9, 20, 0, TimeSpan.Zero));
}
