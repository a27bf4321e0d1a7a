using System.Globalization;
using System.Text.Json.Serialization;

namespace SupportCopilot.Drafting.Evaluation;

internal sealed record RetrievalScores(
    [property: JsonPropertyName("hit_at_1")] double HitAt1,
    [property: JsonPropertyName("hit_at_5")] double HitAt5,
    [property: JsonPropertyName("mrr")] double Mrr);

internal sealed record AutoSendScores(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("coverage")] double Coverage,
    [property: JsonPropertyName("precision")] double Precision,
    [property: JsonPropertyName("false_sends")] int FalseSends);

internal sealed record ThresholdScores(
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("coverage")] double Coverage,
    [property: JsonPropertyName("precision")] double Precision,
    [property: JsonPropertyName("false_sends")] int FalseSends);

internal sealed record CategoryScores(
    [property: JsonPropertyName("questions")] int Questions,
    [property: JsonPropertyName("auto_sent")] int AutoSent,
    [property: JsonPropertyName("correct")] int Correct);

internal sealed record LatencyScores(
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p99")] double P99);

internal sealed record QuestionDetail(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("answerable")] bool Answerable,
    [property: JsonPropertyName("source_rank")] int? SourceRank,
    [property: JsonPropertyName("document_rank")] int? DocumentRank,
    [property: JsonPropertyName("top_sources")] IReadOnlyList<string> TopSources,
    [property: JsonPropertyName("first_citation")] string? FirstCitation,
    [property: JsonPropertyName("confidence")] double Confidence,
    [property: JsonPropertyName("auto_send")] bool AutoSend,
    [property: JsonPropertyName("correct")] bool? Correct,
    [property: JsonPropertyName("reasons")] IReadOnlyList<string> Reasons,
    [property: JsonPropertyName("latency_ms")] double LatencyMs,
    [property: JsonPropertyName("signals")] IReadOnlyDictionary<string, double>? Signals);

/// <summary>The report of datasets/README.md, plus the threshold, a threshold sweep and per-question details.</summary>
internal sealed record EvalReport(
    [property: JsonPropertyName("questions")] int Questions,
    [property: JsonPropertyName("answerable")] int Answerable,
    [property: JsonPropertyName("unanswerable")] int Unanswerable,
    [property: JsonPropertyName("retrieval")] RetrievalScores Retrieval,
    [property: JsonPropertyName("retrieval_document")] RetrievalScores RetrievalDocument,
    [property: JsonPropertyName("auto_send")] AutoSendScores AutoSend,
    [property: JsonPropertyName("per_category")] IReadOnlyDictionary<string, CategoryScores> PerCategory,
    [property: JsonPropertyName("latency_ms")] LatencyScores LatencyMs,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("drafter")] string Drafter,
    [property: JsonPropertyName("policy_version")] string? PolicyVersion,
    [property: JsonPropertyName("threshold_sweep")] IReadOnlyList<ThresholdScores> ThresholdSweep,
    [property: JsonPropertyName("details")] IReadOnlyList<QuestionDetail> Details);

/// <summary>Scores an evaluation run exactly as datasets/README.md defines it.</summary>
internal static class EvaluationScorer
{
    /// <summary>Every 0.05 from 0.05 to 0.95: fine enough to chart the coverage/precision trade-off.</summary>
    public static readonly double[] SweepThresholds = [.. Enumerable.Range(1, 19).Select(i => Math.Round(i * 0.05, 2))];

    /// <summary>
    /// A cited source matches a gold source when the document ids are equal and either the gold
    /// has no anchor, or the anchors are equal, or both are <c>page=N</c> at most one page apart.
    /// </summary>
    public static bool Matches(string cited, string gold)
    {
        ArgumentNullException.ThrowIfNull(cited);
        ArgumentNullException.ThrowIfNull(gold);
        var (citedDocument, citedAnchor) = SplitSource(cited);
        var (goldDocument, goldAnchor) = SplitSource(gold);
        if (!string.Equals(citedDocument, goldDocument, StringComparison.Ordinal))
        {
            return false;
        }

        if (goldAnchor is null || string.Equals(citedAnchor, goldAnchor, StringComparison.Ordinal))
        {
            return true;
        }

        return Page(citedAnchor) is { } citedPage && Page(goldAnchor) is { } goldPage && Math.Abs(citedPage - goldPage) <= 1;
    }

    public static bool MatchesAny(string cited, IEnumerable<string> gold) => gold.Any(g => Matches(cited, g));

    public static string DocumentOf(string source) => SplitSource(source).Document;

    /// <summary>1-based rank of the first ranked source matching a gold source, or null.</summary>
    public static int? SourceRank(IReadOnlyList<string> ranked, IReadOnlyList<string> gold)
    {
        for (var i = 0; i < ranked.Count; i++)
        {
            if (MatchesAny(ranked[i], gold))
            {
                return i + 1;
            }
        }

        return null;
    }

    /// <summary>1-based rank, over the same ranked list, of the first source in a gold document, or null.</summary>
    public static int? DocumentRank(IReadOnlyList<string> ranked, IReadOnlyList<string> gold)
    {
        var documents = gold.Select(DocumentOf).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < ranked.Count; i++)
        {
            if (documents.Contains(DocumentOf(ranked[i])))
            {
                return i + 1;
            }
        }

        return null;
    }

    public static EvalReport Score(IReadOnlyList<EvalQuestion> questions, IReadOnlyList<EvalOutcome> outcomes, double threshold, string drafter)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentNullException.ThrowIfNull(outcomes);
        var byId = outcomes.ToDictionary(o => o.Id, StringComparer.Ordinal);
        var rows = questions.Select(q => (Question: q, Outcome: byId[q.Id])).ToList();
        var answerable = rows.Where(r => r.Question.Answerable).ToList();

        var details = rows.Select(r =>
        {
            var gold = r.Question.Gold;
            return new QuestionDetail(
                r.Question.Id,
                r.Question.ReportCategory,
                r.Question.Answerable,
                r.Question.Answerable ? SourceRank(r.Outcome.RankedSources, gold) : null,
                r.Question.Answerable ? DocumentRank(r.Outcome.RankedSources, gold) : null,
                r.Outcome.RankedSources.Take(5).ToList(),
                r.Outcome.FirstCitation,
                Math.Round(r.Outcome.Confidence, 4),
                r.Outcome.AutoSend,
                r.Outcome.AutoSend ? IsCorrect(r.Question, r.Outcome) : null,
                r.Outcome.Reasons,
                Math.Round(r.Outcome.LatencyMs, 3),
                r.Outcome.Features?.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal));
        }).ToList();

        var answerableDetails = details.Where(d => d.Answerable).ToList();
        var perCategory = rows
            .GroupBy(r => r.Question.ReportCategory, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => new CategoryScores(g.Count(), g.Count(r => r.Outcome.AutoSend), g.Count(r => r.Outcome.AutoSend && IsCorrect(r.Question, r.Outcome))),
                StringComparer.Ordinal);

        var latencies = outcomes.Select(o => o.LatencyMs).Order().ToList();
        return new EvalReport(
            rows.Count,
            answerable.Count,
            rows.Count - answerable.Count,
            Retrieval(answerableDetails.Select(d => d.SourceRank).ToList()),
            Retrieval(answerableDetails.Select(d => d.DocumentRank).ToList()),
            AutoSend(rows, r => r.AutoSend),
            perCategory,
            new LatencyScores(Math.Round(Percentile(latencies, 0.50), 3), Math.Round(Percentile(latencies, 0.99), 3)),
            threshold,
            drafter,
            outcomes.Select(o => o.PolicyVersion).FirstOrDefault(v => v is not null),
            SweepThresholds.Select(t =>
            {
                var scores = AutoSend(rows, o => o.EligibleIgnoringThreshold && o.Confidence >= t);
                return new ThresholdScores(t, scores.Count, scores.Coverage, scores.Precision, scores.FalseSends);
            }).ToList(),
            details);
    }

    /// <summary>Correct: answerable, and the draft's first citation matches a gold source.</summary>
    public static bool IsCorrect(EvalQuestion question, EvalOutcome outcome) =>
        question.Answerable && outcome.FirstCitation is { } first && MatchesAny(first, question.Gold);

    /// <summary>Percentile of sorted values, interpolating linearly between the two closest ranks.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var position = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    private static RetrievalScores Retrieval(IReadOnlyList<int?> ranks)
    {
        if (ranks.Count == 0)
        {
            return new RetrievalScores(0, 0, 0);
        }

        return new RetrievalScores(
            Round(ranks.Count(r => r == 1) / (double)ranks.Count),
            Round(ranks.Count(r => r <= 5) / (double)ranks.Count),
            Round(ranks.Sum(r => r is { } rank ? 1.0 / rank : 0) / ranks.Count));
    }

    private static AutoSendScores AutoSend(IReadOnlyList<(EvalQuestion Question, EvalOutcome Outcome)> rows, Func<EvalOutcome, bool> sent)
    {
        var sentRows = rows.Where(r => sent(r.Outcome)).ToList();
        var answerable = rows.Count(r => r.Question.Answerable);
        var correct = sentRows.Count(r => IsCorrect(r.Question, r.Outcome));
        return new AutoSendScores(
            sentRows.Count,
            answerable == 0 ? 0 : Round(sentRows.Count(r => r.Question.Answerable) / (double)answerable),
            sentRows.Count == 0 ? 1.0 : Round(correct / (double)sentRows.Count),
            sentRows.Count(r => !r.Question.Answerable));
    }

    private static (string Document, string? Anchor) SplitSource(string source)
    {
        var hash = source.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? (source, null) : (source[..hash], source[(hash + 1)..]);
    }

    private static int? Page(string? anchor) =>
        anchor is not null && anchor.StartsWith("page=", StringComparison.Ordinal)
        && int.TryParse(anchor.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out var page)
            ? page
            : null;

    private static double Round(double value) => Math.Round(value, 4);
}
