using Dapper;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Review.Queue;

/// <summary>The queue's filters; null means any. <see cref="Band"/> is <c>high</c>, <c>medium</c> or <c>low</c>.</summary>
internal sealed record QueueFilter(string? Connector, string? Category, string? Reason, string? Band, string? Language)
{
    public static QueueFilter None { get; } = new(null, null, null, null, null);

    public bool IsEmpty => this == None;
}

/// <summary>How many pending items each filter value would show.</summary>
internal sealed record QueueFacets(
    IReadOnlyList<FacetCount> Connectors,
    IReadOnlyList<FacetCount> Categories,
    IReadOnlyList<FacetCount> Reasons,
    IReadOnlyList<FacetCount> Bands,
    IReadOnlyList<FacetCount> Languages);

internal sealed class FacetCount
{
    public string Value { get; init; } = string.Empty;

    public long Count { get; init; }
}

/// <summary>A cheap fingerprint of the queue, so an open page knows when to fetch itself again.</summary>
internal sealed class QueueVersion
{
    public long Pending { get; init; }

    public long Decided { get; init; }

    public DateTimeOffset? LatestQueuedAt { get; init; }

    public DateTimeOffset? LatestClaimAt { get; init; }
}

/// <summary>
/// The review queue's reads: pending items by priority, then age, filtered, a page at a time, and
/// the counts beside each filter. Every query starts from <c>status = 'pending'</c> on the
/// <c>(status, priority DESC, queued_at, draft_id)</c> index.
/// </summary>
internal sealed class QueueQueries(ReviewDatabase database)
{
    public const string High = "high";
    public const string Medium = "medium";
    public const string Low = "low";

    public static readonly IReadOnlyList<string> Bands = [High, Medium, Low];

    private const string Filtered = """
         FROM review_items i
        WHERE i.status = 'pending'
          AND (@Connector IS NULL OR i.connector = @Connector)
          AND (@Category IS NULL OR i.category = @Category)
          AND (@Language IS NULL OR i.language = @Language)
          AND (@Band IS NULL
               OR (@Band = 'high' AND i.confidence >= @HighFrom)
               OR (@Band = 'medium' AND i.confidence >= @MediumFrom AND i.confidence < @HighFrom)
               OR (@Band = 'low' AND i.confidence < @MediumFrom))
          AND (@Reason IS NULL OR EXISTS (SELECT 1 FROM review_item_reasons r WHERE r.draft_id = i.draft_id AND r.code = @Reason))
        """;

    private const string SelectPage = "SELECT " + ReviewItem.Columns + Filtered + """

        ORDER BY i.priority DESC, i.queued_at, i.draft_id
        LIMIT @Limit OFFSET @Offset
        """;

    private const string CountFiltered = "SELECT COUNT(*)" + Filtered;

    private const string CountByConnector = """
        SELECT connector AS Value, COUNT(*) AS Count FROM review_items WHERE status = 'pending' GROUP BY connector ORDER BY Count DESC, Value
        """;

    private const string CountByCategory = """
        SELECT category AS Value, COUNT(*) AS Count FROM review_items
        WHERE status = 'pending' AND category IS NOT NULL GROUP BY category ORDER BY Count DESC, Value
        """;

    private const string CountByLanguage = """
        SELECT language AS Value, COUNT(*) AS Count FROM review_items WHERE status = 'pending' GROUP BY language ORDER BY Count DESC, Value
        """;

    private const string CountByReason = """
        SELECT r.code AS Value, COUNT(*) AS Count
        FROM review_item_reasons r JOIN review_items i ON i.draft_id = r.draft_id
        WHERE i.status = 'pending' GROUP BY r.code ORDER BY Count DESC, Value
        """;

    private const string CountByBand = """
        SELECT CASE WHEN confidence >= @HighFrom THEN 'high' WHEN confidence >= @MediumFrom THEN 'medium' ELSE 'low' END AS Value,
               COUNT(*) AS Count
        FROM review_items WHERE status = 'pending'
        GROUP BY CASE WHEN confidence >= @HighFrom THEN 'high' WHEN confidence >= @MediumFrom THEN 'medium' ELSE 'low' END
        """;

    private const string SelectVersion = """
        SELECT (SELECT COUNT(*) FROM review_items WHERE status = 'pending') AS Pending,
               (SELECT COUNT(*) FROM review_items WHERE status <> 'pending') AS Decided,
               (SELECT MAX(queued_at) FROM review_items) AS LatestQueuedAt,
               (SELECT MAX(claim_expires_at) FROM review_items WHERE status = 'pending') AS LatestClaimAt
        """;

    public async Task<(IReadOnlyList<ReviewItem> Items, long Total)> PageAsync(
        QueueFilter filter, int page, int pageSize, double highFrom, double mediumFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var parameters = new
        {
            filter.Connector,
            filter.Category,
            filter.Language,
            filter.Band,
            filter.Reason,
            HighFrom = highFrom,
            MediumFrom = mediumFrom,
            Limit = pageSize,
            Offset = (long)Math.Max(0, page - 1) * pageSize,
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        var items = (await connection.QueryAsync<ReviewItem>(new CommandDefinition(SelectPage, parameters, cancellationToken: cancellationToken))).AsList();
        var total = items.Count < pageSize && page <= 1
            ? items.Count
            : await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountFiltered, parameters, cancellationToken: cancellationToken));
        return (items, total);
    }

    public async Task<QueueFacets> FacetsAsync(double highFrom, double mediumFrom, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        async Task<IReadOnlyList<FacetCount>> Count(string sql, object? parameters = null) =>
            (await connection.QueryAsync<FacetCount>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();

        var bands = await Count(CountByBand, new { HighFrom = highFrom, MediumFrom = mediumFrom });
        return new QueueFacets(
            await Count(CountByConnector),
            await Count(CountByCategory),
            await Count(CountByReason),
            [.. Bands.Select(b => bands.FirstOrDefault(c => c.Value == b) ?? new FacetCount { Value = b })],
            await Count(CountByLanguage));
    }

    public async Task<QueueVersion> VersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<QueueVersion>(new CommandDefinition(SelectVersion, cancellationToken: cancellationToken));
    }
}
