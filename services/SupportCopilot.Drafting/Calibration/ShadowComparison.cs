using Dapper;
using SupportCopilot.Drafting.Database;

namespace SupportCopilot.Drafting.Calibration;

/// <summary>What one policy sent (or would have sent) and what agents said about those drafts.</summary>
/// <param name="Sent">Drafts it sent or would have sent.</param>
/// <param name="Labelled">Of those, drafts an agent decided on (auto-sent drafts reach no agent, so live sends are mostly unlabelled).</param>
/// <param name="ApprovedUnchanged">Of the labelled, approved without an edit: the sends that would have been right.</param>
internal sealed record PolicyTally(string Version, int Sent, int Labelled, int ApprovedUnchanged)
{
    public double? Precision => Labelled == 0 ? null : ApprovedUnchanged / (double)Labelled;
}

/// <summary>The shadow policy against the live one over the drafts both judged.</summary>
/// <param name="OnlyShadow">Drafts only the shadow would have sent, by agent outcome (approved / edited / rejected / undecided).</param>
internal sealed record ShadowReport(int Drafts, PolicyTally Live, PolicyTally Shadow, int Agree, IReadOnlyDictionary<string, int> OnlyShadow, IReadOnlyDictionary<string, int> OnlyLive);

internal static class ShadowComparison
{
    private const string Judged = """
        SELECT d.policy_version AS LiveVersion, d.auto_send AS LiveSent, d.shadow_version AS ShadowVersion,
               d.shadow_auto_send AS ShadowSent, l.outcome AS Outcome
        FROM drafts d LEFT JOIN draft_labels l ON l.draft_id = d.draft_id
        WHERE d.shadow_version = @Version
        """;

    private const string LatestShadowVersion = "SELECT shadow_version FROM drafts WHERE shadow_version IS NOT NULL ORDER BY drafted_at DESC LIMIT 1";

    public static async Task<ShadowReport?> CompareAsync(DraftingDatabase database, string? shadowVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken);
        var version = shadowVersion ?? await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(LatestShadowVersion, cancellationToken: cancellationToken));
        if (version is null)
        {
            return null;
        }

        var rows = (await connection.QueryAsync<JudgedRow>(new CommandDefinition(Judged, new { Version = version }, cancellationToken: cancellationToken))).ToList();
        var liveVersion = string.Join("+", rows.Select(r => r.LiveVersion ?? "?").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return new ShadowReport(
            rows.Count,
            Tally(liveVersion, rows, r => r.LiveSent),
            Tally(version, rows, r => r.ShadowSent == true),
            rows.Count(r => r.LiveSent == (r.ShadowSent == true)),
            Outcomes(rows.Where(r => r.ShadowSent == true && !r.LiveSent)),
            Outcomes(rows.Where(r => r.LiveSent && r.ShadowSent != true)));
    }

    private static PolicyTally Tally(string version, IReadOnlyList<JudgedRow> rows, Func<JudgedRow, bool> sent)
    {
        var sentRows = rows.Where(sent).ToList();
        return new PolicyTally(version, sentRows.Count, sentRows.Count(r => r.Outcome is not null), sentRows.Count(r => r.Outcome == DecisionLabelConsumer.Approved));
    }

    private static Dictionary<string, int> Outcomes(IEnumerable<JudgedRow> rows) =>
        rows.GroupBy(r => r.Outcome ?? "undecided", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private sealed class JudgedRow
    {
        public string? LiveVersion { get; init; }

        public bool LiveSent { get; init; }

        public string? ShadowVersion { get; init; }

        public bool? ShadowSent { get; init; }

        public string? Outcome { get; init; }
    }
}
