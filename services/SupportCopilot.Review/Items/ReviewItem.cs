using System.Text.Json;
using SupportCopilot.Contracts;

namespace SupportCopilot.Review.Items;

/// <summary>A row of <c>review_items</c>: the ticket as Intake accepted it and the draft waiting for an agent.</summary>
internal sealed class ReviewItem
{
    /// <summary>Columns in the shape of this class, for every query that reads whole items.</summary>
    public const string Columns = """
        draft_id AS DraftId, ticket_id AS TicketId, connector AS Connector, external_id AS ExternalId,
        subject AS Subject, body AS Body, customer_email AS CustomerEmail, customer_name AS CustomerName,
        language AS Language, received_at AS ReceivedAt, draft_text AS DraftText, citations AS CitationsJson,
        confidence AS Confidence, reasons AS ReasonsJson, drafter AS Drafter, queued_at AS QueuedAt,
        status AS Status, decided_at AS DecidedAt, decided_by AS DecidedBy, claimed_by AS ClaimedBy,
        claim_expires_at AS ClaimExpiresAt, category AS Category, brand AS Brand, priority AS Priority, insights AS InsightsJson
        """;

    public Guid DraftId { get; init; }

    public Guid TicketId { get; init; }

    public string Connector { get; init; } = string.Empty;

    public string ExternalId { get; init; } = string.Empty;

    public string Subject { get; init; } = string.Empty;

    public string Body { get; init; } = string.Empty;

    public string CustomerEmail { get; init; } = string.Empty;

    public string CustomerName { get; init; } = string.Empty;

    public string Language { get; init; } = string.Empty;

    public DateTimeOffset ReceivedAt { get; init; }

    public string DraftText { get; init; } = string.Empty;

    public string CitationsJson { get; init; } = "[]";

    public double Confidence { get; init; }

    public string ReasonsJson { get; init; } = "[]";

    public string Drafter { get; init; } = string.Empty;

    public DateTimeOffset QueuedAt { get; init; }

    public string Status { get; init; } = ReviewStatus.Pending;

    public DateTimeOffset? DecidedAt { get; init; }

    public string? DecidedBy { get; init; }

    public string? ClaimedBy { get; init; }

    public DateTimeOffset? ClaimExpiresAt { get; init; }

    public string? Category { get; init; }

    public string? Brand { get; init; }

    public long Priority { get; init; }

    public string? InsightsJson { get; init; }

    public DraftInsights? Insights => InsightsJson is null ? null : ReviewJson.Read<DraftInsights>(InsightsJson);

    /// <summary>Who holds a live claim lease at <paramref name="now"/>; null when the item is free.</summary>
    public string? HolderAt(DateTimeOffset now) => ClaimedBy is not null && ClaimExpiresAt > now ? ClaimedBy : null;

    public IReadOnlyList<Citation> Citations => ReviewJson.ReadCitations(CitationsJson);

    public IReadOnlyList<string> Reasons => ReviewJson.ReadReasons(ReasonsJson);

    /// <summary>
    /// Each reason code with the sentence Drafting gave for it; drafts recorded before the sentences
    /// travelled (or from a sender that gives none) show the code alone.
    /// </summary>
    public IReadOnlyList<DraftReason> ExplainedReasons(DraftInsights? insights)
    {
        var texts = insights?.ReasonTexts ?? [];
        return Reasons
            .Select(code => texts.FirstOrDefault(t => t.Code == code) ?? new DraftReason(code, string.Empty))
            .ToList();
    }
}

/// <summary>The states of a review item; the three decided ones double as the correction's decision.</summary>
internal static class ReviewStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Edited = "edited";
    public const string Rejected = "rejected";

    public static readonly IReadOnlyList<string> All = [Pending, Approved, Edited, Rejected];
}

/// <summary>How citations and reasons are kept in their text columns.</summary>
internal static class ReviewJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static IReadOnlyList<Citation> ReadCitations(string json) =>
        JsonSerializer.Deserialize<List<Citation>>(json, Options) ?? [];

    public static T? Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);

    public static IReadOnlyList<string> ReadReasons(string json) =>
        JsonSerializer.Deserialize<List<string>>(json, Options) ?? [];
}
