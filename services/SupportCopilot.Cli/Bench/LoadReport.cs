using System.Globalization;
using System.Text;

namespace SupportCopilot.Cli.Bench;

/// <summary>Latency figures in milliseconds; null when there was nothing to measure (JSON has no NaN).</summary>
internal sealed record Percentiles(int Count, double? P50, double? P99, double? Max)
{
    public static Percentiles Of(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Select(v => v.TotalMilliseconds).Order().ToArray();
        return sorted.Length == 0
            ? new Percentiles(0, null, null, null)
            : new Percentiles(sorted.Length, At(sorted, 0.50), At(sorted, 0.99), sorted[^1]);
    }

    // Nearest rank: the value below which the fraction of samples lies.
    private static double At(double[] sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

    public override string ToString() => Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"p50 {P50:0.0} ms, p99 {P99:0.0} ms, max {Max:0.0} ms");
}

/// <summary>
/// The outcome of a run and its verdict: every ticket accepted, in exactly one final state, and
/// every reply delivered exactly once (none for tickets waiting for an agent).
/// </summary>
internal sealed record LoadReport(
    int Sent,
    int Accepted,
    int FailedAttempts,
    double AcceptedPerSecond,
    Percentiles Accept,
    Percentiles EndToEnd,
    IReadOnlyDictionary<string, int> FinalStates,
    int FailedReplies,
    IReadOnlyList<string> Lost,
    IReadOnlyList<string> Stuck,
    IReadOnlyList<string> DuplicateReplies,
    IReadOnlyList<string> MissingReplies,
    IReadOnlyList<string> UnexpectedReplies,
    long RepeatedPosts,
    IReadOnlyList<(double At, double AcceptMs, double? EndToEndMs)> Timeline)
{
    public bool Passed => Lost.Count == 0 && Stuck.Count == 0 && DuplicateReplies.Count == 0 && MissingReplies.Count == 0 && UnexpectedReplies.Count == 0;

    public static LoadReport From(LoadOptions options, IReadOnlyList<SentTicket> tickets, HelpdeskSink helpdesk, TimeSpan sendDuration, DateTimeOffset startedAt)
    {
        var accepted = tickets.Where(t => t.TicketId != Guid.Empty).ToList();
        var ours = accepted.Select(t => t.TicketId).ToHashSet();
        var lost = tickets.Where(t => t.TicketId == Guid.Empty).Select(t => $"{t.ExternalId}: never accepted ({t.LastError})")
            .Concat(accepted.Where(t => t.Status == "missing").Select(t => $"{t.ExternalId}: accepted as {t.TicketId}, but Intake does not know it"))
            .ToList();
        var stuck = accepted
            .Where(t => t.Status != "missing" && t.FailedReplyDraftId is null
                && (t.Status is null || !LoadRun.TerminalStatuses.Contains(t.Status)
                    || (t.Status is "auto_sent" or "sent" && !helpdesk.Deliveries.ContainsKey(t.TicketId))))
            .Select(t => $"{t.ExternalId} ({t.TicketId}): {t.Status ?? "unknown"}")
            .ToList();
        var deliveries = helpdesk.Deliveries.Where(d => ours.Contains(d.Key)).ToDictionary(d => d.Key, d => d.Value);
        var byId = accepted.ToDictionary(t => t.TicketId);
        var duplicates = deliveries.Where(d => d.Value > 1).Select(d => $"{byId[d.Key].ExternalId} ({d.Key}): {d.Value} replies").ToList();
        var missing = accepted.Where(t => t.Status is "auto_sent" or "sent" && !deliveries.ContainsKey(t.TicketId))
            .Select(t => $"{t.ExternalId} ({t.TicketId}): {t.Status} but the helpdesk has no reply").ToList();
        var unexpected = deliveries.Where(d => byId[d.Key].Status is not ("auto_sent" or "sent"))
            .Select(d => $"{byId[d.Key].ExternalId} ({d.Key}): the helpdesk has a reply, the ticket is {byId[d.Key].Status}").ToList();
        var states = accepted.GroupBy(t => t.FailedReplyDraftId is null ? t.Status ?? "unknown" : "reply_failed")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());
        return new LoadReport(
            tickets.Count,
            accepted.Count,
            tickets.Sum(t => t.FailedAttempts),
            accepted.Count / Math.Max(sendDuration.TotalSeconds, 0.001),
            Percentiles.Of(accepted.Where(t => t.AcceptLatency is not null).Select(t => t.AcceptLatency!.Value)),
            Percentiles.Of(accepted.Where(t => t.EndToEnd is not null).Select(t => t.EndToEnd!.Value)),
            states,
            accepted.Count(t => t.FailedReplyDraftId is not null),
            lost,
            stuck,
            duplicates,
            missing,
            unexpected,
            helpdesk.RepeatedPosts,
            accepted.Where(t => t.AcceptLatency is not null)
                .Select(t => (t.ScheduledAt.TotalSeconds, t.AcceptLatency!.Value.TotalMilliseconds, t.EndToEnd?.TotalMilliseconds))
                .ToList());
    }

    public string Describe()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"sent {Sent}, accepted {Accepted} ({AcceptedPerSecond:0.0}/s), failed attempts {FailedAttempts} (retried)");
        text.AppendLine(c, $"accept latency: {Accept}");
        text.AppendLine(c, $"end-to-end (accepted -> final state): {EndToEnd}");
        text.AppendLine(c, $"final states: {string.Join(", ", FinalStates.Select(s => $"{s.Key} {s.Value}"))}");
        text.AppendLine(c, $"lost {Lost.Count}, stuck {Stuck.Count}, duplicate replies {DuplicateReplies.Count}, missing replies {MissingReplies.Count}, unexpected replies {UnexpectedReplies.Count}; repeated posts of one draft recognised by Idempotency-Key {RepeatedPosts}");
        foreach (var problem in Lost.Concat(Stuck).Concat(DuplicateReplies).Concat(MissingReplies).Concat(UnexpectedReplies).Take(20))
        {
            text.AppendLine("  " + problem);
        }

        text.Append(Passed ? "PASS: every ticket in exactly one final state, every reply delivered exactly once" : "FAIL");
        return text.ToString();
    }
}
