using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Dapper;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Review.Exports;

/// <summary>Which corrections an export covers. Every filter is optional; all given ones must hold.</summary>
internal sealed record ExportFilter
{
    /// <summary>Decided at or after this instant.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Decided before this instant.</summary>
    public DateTimeOffset? Until { get; init; }

    public string? Connector { get; init; }

    /// <summary>The category Drafting gave the ticket (triage, or the offline drafter's guardrails).</summary>
    public string? Category { get; init; }

    public string? Brand { get; init; }

    /// <summary><c>approved</c>, <c>edited</c> or <c>rejected</c>.</summary>
    public string? Decision { get; init; }

    /// <summary>Only corrections whose final text is at least this many character edits from the draft (Levenshtein).</summary>
    public int? MinEditDistance { get; init; }
}

/// <summary>A correction joined with its review item: the ticket, the draft and its sources, and what the agent did.</summary>
internal sealed class CorrectionRecord
{
    public Guid CorrectionId { get; init; }

    public Guid DraftId { get; init; }

    public Guid TicketId { get; init; }

    public string Connector { get; init; } = string.Empty;

    public string Subject { get; init; } = string.Empty;

    public string Body { get; init; } = string.Empty;

    public string CustomerName { get; init; } = string.Empty;

    public string Language { get; init; } = string.Empty;

    public string CitationsJson { get; init; } = "[]";

    public double Confidence { get; init; }

    public string ReasonsJson { get; init; } = "[]";

    public string Drafter { get; init; } = string.Empty;

    public string DraftText { get; init; } = string.Empty;

    public string? FinalText { get; init; }

    public string Decision { get; init; } = string.Empty;

    public string? Reason { get; init; }

    public string? Comment { get; init; }

    public string Agent { get; init; } = string.Empty;

    public DateTimeOffset DecidedAt { get; init; }

    public double ReviewSeconds { get; init; }

    /// <summary>What the agent did beyond the decision: <c>escalated</c>, <c>clarifying_question</c>, or null for a plain decision.</summary>
    public string? Action { get; init; }

    /// <summary>The category Drafting stored with the item; null for items queued before categories existed.</summary>
    public string? ItemCategory { get; init; }

    public string? Brand { get; init; }

    /// <summary>The confidence policy that judged the draft, from the item's insights.</summary>
    public string? PolicyVersion { get; init; }
}

/// <summary>
/// Streams corrections from the Review database one row at a time over a data reader, oldest
/// decision first, so an export of any size holds one row in memory. The rows are read by column
/// position rather than through Dapper's mapper: at a million rows the mapper's boxing and
/// per-column type handlers cost more than the read itself (docs/benchmarks.md). The values are
/// those Dapper's handlers give (<see cref="SupportCopilot.Data.ServiceDatabase"/>): a Guid from
/// SQLite's text or blob, a timestamp read as UTC when it carries no offset.
/// </summary>
internal sealed class CorrectionSource(ReviewDatabase database)
{
    private const string SelectCorrections = """
        SELECT c.correction_id AS CorrectionId, c.draft_id AS DraftId, c.ticket_id AS TicketId, r.connector AS Connector,
               r.subject AS Subject, r.body AS Body, r.customer_name AS CustomerName, r.language AS Language,
               r.citations AS CitationsJson, r.confidence AS Confidence, r.reasons AS ReasonsJson, r.drafter AS Drafter,
               c.draft_text AS DraftText, c.final_text AS FinalText, c.decision AS Decision, c.reason AS Reason,
               c.comment AS Comment, c.agent AS Agent, c.decided_at AS DecidedAt, c.review_seconds AS ReviewSeconds,
               c.action AS Action, r.category AS ItemCategory, r.brand AS Brand, {0} AS PolicyVersion
        FROM corrections c JOIN review_items r ON r.draft_id = c.draft_id
        WHERE 1 = 1
        """;

    // The insights are JSON text written by Review (camelCase); each database reads one field its own way.
    private const string SqlitePolicyVersion = "json_extract(r.insights, '$.policyVersion')";
    private const string PostgresPolicyVersion = "(r.insights::jsonb ->> 'policyVersion')";

    private const string CountCorrections = """
        SELECT COUNT(*) FROM corrections c JOIN review_items r ON r.draft_id = c.draft_id
        WHERE 1 = 1
        """;

    // A stable order: re-running an export over the same rows writes the same bytes.
    private const string OrderByDecision = " ORDER BY c.decided_at, c.correction_id";

    private const string SinceCondition = " AND c.decided_at >= @Since";
    private const string UntilCondition = " AND c.decided_at < @Until";
    private const string ConnectorCondition = " AND r.connector = @Connector";
    private const string DecisionCondition = " AND c.decision = @Decision";
    private const string CategoryCondition = " AND r.category = @Category";
    private const string BrandCondition = " AND r.brand = @Brand";

    public async IAsyncEnumerable<CorrectionRecord> ReadAsync(ExportFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await database.OpenAsync(cancellationToken);
        var policyVersion = database.Provider == SupportCopilot.Data.DatabaseProvider.Postgres ? PostgresPolicyVersion : SqlitePolicyVersion;
        var sql = string.Format(System.Globalization.CultureInfo.InvariantCulture, SelectCorrections, policyVersion) + Conditions(filter) + OrderByDecision;

        // No command timeout: a million-row export reads for longer than the default 30 s.
        // Dapper binds the parameters (its handlers give timestamps the stored shape); the rows are read by hand.
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            sql, Parameters(filter), commandTimeout: 0, cancellationToken: cancellationToken));
        var postgres = database.Provider == SupportCopilot.Data.DatabaseProvider.Postgres;
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader, postgres);
        }
    }

    /// <summary>One row of <see cref="SelectCorrections"/>, by column position (the order of its SELECT list).</summary>
    private static CorrectionRecord Read(DbDataReader reader, bool postgres) => new()
    {
        CorrectionId = reader.GetGuid(0),
        DraftId = reader.GetGuid(1),
        TicketId = reader.GetGuid(2),
        Connector = reader.GetString(3),
        Subject = reader.GetString(4),
        Body = reader.GetString(5),
        CustomerName = reader.GetString(6),
        Language = reader.GetString(7),
        CitationsJson = reader.GetString(8),
        Confidence = reader.GetDouble(9),
        ReasonsJson = reader.GetString(10),
        Drafter = reader.GetString(11),
        DraftText = reader.GetString(12),
        FinalText = NullableString(reader, 13),
        Decision = reader.GetString(14),
        Reason = NullableString(reader, 15),
        Comment = NullableString(reader, 16),
        Agent = reader.GetString(17),
        DecidedAt = postgres
            ? reader.GetFieldValue<DateTimeOffset>(18)
            : DateTimeOffset.Parse(reader.GetString(18), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        ReviewSeconds = reader.GetDouble(19),
        Action = NullableString(reader, 20),
        ItemCategory = NullableString(reader, 21),
        Brand = NullableString(reader, 22),
        PolicyVersion = NullableString(reader, 23),
    };

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>How many rows <see cref="ReadAsync"/> will read, for a progress bar's ETA.</summary>
    public async Task<long> CountAsync(ExportFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            CountCorrections + Conditions(filter), Parameters(filter), commandTimeout: 0, cancellationToken: cancellationToken));
    }

    private static string Conditions(ExportFilter filter)
    {
        var sql = new StringBuilder();
        if (filter.Since is not null)
        {
            sql.Append(SinceCondition);
        }

        if (filter.Until is not null)
        {
            sql.Append(UntilCondition);
        }

        if (filter.Connector is not null)
        {
            sql.Append(ConnectorCondition);
        }

        if (filter.Decision is not null)
        {
            sql.Append(DecisionCondition);
        }

        if (filter.Category is not null)
        {
            sql.Append(CategoryCondition);
        }

        if (filter.Brand is not null)
        {
            sql.Append(BrandCondition);
        }

        return sql.ToString();
    }

    private static object Parameters(ExportFilter filter)
    {
        var parameters = new DynamicParameters();
        if (filter.Since is { } since)
        {
            parameters.Add("Since", since);
        }

        if (filter.Until is { } until)
        {
            parameters.Add("Until", until);
        }

        if (filter.Connector is not null)
        {
            parameters.Add("Connector", filter.Connector);
        }

        if (filter.Decision is not null)
        {
            parameters.Add("Decision", filter.Decision);
        }

        if (filter.Category is not null)
        {
            parameters.Add("Category", filter.Category);
        }

        if (filter.Brand is not null)
        {
            parameters.Add("Brand", filter.Brand);
        }

        return parameters;
    }
}
