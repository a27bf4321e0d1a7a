using Dapper;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Review.FailedReplies;

/// <summary>The reads of failed replies, shared by the page, the layout's header link and the JSON API.</summary>
internal sealed class FailedReplyQueries(ReviewDatabase database)
{
    /// <summary>How many the page and the JSON list show at most.</summary>
    public const int ListLimit = 500;

    // Newest first: the latest failure is the one an agent is most likely looking for.
    private const string SelectOpen = "SELECT " + FailedReply.Columns + """
         FROM failed_replies f LEFT JOIN review_items r ON r.draft_id = f.draft_id
        WHERE f.status <> 'resolved'
        ORDER BY f.failed_at DESC, f.draft_id
        LIMIT @Limit
        """;

    private const string SelectOne = "SELECT " + FailedReply.Columns + """
         FROM failed_replies f LEFT JOIN review_items r ON r.draft_id = f.draft_id
        WHERE f.draft_id = @DraftId
        """;

    private const string CountFailed = "SELECT COUNT(*) FROM failed_replies WHERE status = 'failed'";

    /// <summary>Failed replies and those whose retry is under way, newest failure first; resolved ones are left out.</summary>
    public async Task<IReadOnlyList<FailedReply>> ListOpenAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<FailedReply>(new CommandDefinition(SelectOpen, new { Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<FailedReply?> FindAsync(Guid draftId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<FailedReply>(
            new CommandDefinition(SelectOne, new { DraftId = draftId }, cancellationToken: cancellationToken));
    }

    /// <summary>Replies that wait for an agent to retry them (the header link's count).</summary>
    public async Task<int> CountFailedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountFailed, cancellationToken: cancellationToken));
    }
}
