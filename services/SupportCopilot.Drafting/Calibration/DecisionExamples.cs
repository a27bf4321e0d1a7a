using System.Text.Json;
using Dapper;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Drafting.Policy;

namespace SupportCopilot.Drafting.Calibration;

/// <summary>
/// Agent decisions as calibration examples: a draft approved unchanged is positive, an edited or
/// rejected one negative. Only drafts the rest of the policy would have sent count (cited, no
/// guardrail, no model hold): the threshold is all that calibration decides.
/// </summary>
internal static class DecisionExamples
{
    private const string Labelled = """
        SELECT d.draft_id AS DraftId, d.signals AS Signals, d.reasons AS Reasons, d.drafter AS Drafter, l.outcome AS Outcome
        FROM drafts d JOIN draft_labels l ON l.draft_id = d.draft_id
        WHERE d.signals IS NOT NULL
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="drafter">Only drafts by this drafter (the offline and a model drafter's signals mean different things); null: all.</param>
    public static async Task<IReadOnlyList<CalibrationExample>> ReadAsync(DraftingDatabase database, CancellationToken cancellationToken, string? drafter = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<LabelledRow>(new CommandDefinition(Labelled, cancellationToken: cancellationToken));
        var examples = new List<CalibrationExample>();
        foreach (var row in rows.Where(r => drafter is null || r.Drafter == drafter))
        {
            var reasons = JsonSerializer.Deserialize<List<PolicyReason>>(row.Reasons, Json) ?? [];
            if (reasons.Any(r => r.Code != AutoSendPolicy.LowConfidence))
            {
                continue;
            }

            var features = JsonSerializer.Deserialize<Dictionary<string, double>>(row.Signals, Json) ?? [];
            examples.Add(new CalibrationExample(row.DraftId.ToString(), features, row.Outcome == "approved", "decision"));
        }

        return examples;
    }

    private sealed class LabelledRow
    {
        public Guid DraftId { get; init; }

        public string Signals { get; init; } = string.Empty;

        public string Reasons { get; init; } = string.Empty;

        public string Drafter { get; init; } = string.Empty;

        public string Outcome { get; init; } = string.Empty;
    }
}
