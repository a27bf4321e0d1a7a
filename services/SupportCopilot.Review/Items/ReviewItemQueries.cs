using Dapper;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Review.Items;

/// <summary>The reads of the review queue, shared by the JSON API and the pages.</summary>
internal sealed class ReviewItemQueries(ReviewDatabase database)
{
    private const string SelectOne = "SELECT " + ReviewItem.Columns + " FROM review_items WHERE draft_id = @DraftId";

    // Oldest first: the queue is worked from the front, and a list read page by page keeps its order.
    private const string SelectPage = "SELECT " + ReviewItem.Columns + """
         FROM review_items
        WHERE (@Status IS NULL OR status = @Status)
        ORDER BY queued_at, draft_id
        LIMIT @Limit OFFSET @Offset
        """;

    private const string SelectRecentlyDecided = "SELECT " + ReviewItem.Columns + """
         FROM review_items
        WHERE status <> 'pending'
        ORDER BY decided_at DESC, draft_id
        LIMIT @Limit
        """;

    private const string CountPending = "SELECT COUNT(*) FROM review_items WHERE status = 'pending'";

    public async Task<ReviewItem?> FindAsync(Guid draftId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ReviewItem>(
            new CommandDefinition(SelectOne, new { DraftId = draftId }, cancellationToken: cancellationToken));
    }

    /// <summary>Items in queue order; <paramref name="status"/> null lists every status.</summary>
    public async Task<IReadOnlyList<ReviewItem>> ListAsync(string? status, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ReviewItem>(new CommandDefinition(
            SelectPage, new { Status = status, Limit = limit, Offset = offset }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<ReviewItem>> RecentlyDecidedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ReviewItem>(new CommandDefinition(
            SelectRecentlyDecided, new { Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<int> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountPending, cancellationToken: cancellationToken));
    }
}
