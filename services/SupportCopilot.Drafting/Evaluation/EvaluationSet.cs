using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportCopilot.Drafting.Evaluation;

/// <summary>One row of an evaluation set's <c>questions.jsonl</c> (see datasets/README.md).</summary>
internal sealed record EvalQuestion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("answerable")] bool Answerable,
    [property: JsonPropertyName("gold_sources")] IReadOnlyList<string>? GoldSources,
    [property: JsonPropertyName("gold_answer")] string? GoldAnswer,
    [property: JsonPropertyName("category")] string? Category)
{
    public IReadOnlyList<string> Gold => GoldSources ?? [];

    /// <summary>The category reported per category: the row's own, else answerable/unanswerable.</summary>
    public string ReportCategory => string.IsNullOrWhiteSpace(Category) ? (Answerable ? "answerable" : "unanswerable") : Category;

    public static async Task<IReadOnlyList<EvalQuestion>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var questions = new List<EvalQuestion>();
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            questions.Add(JsonSerializer.Deserialize<EvalQuestion>(line)
                ?? throw new InvalidDataException($"{path}:{number} is not a question."));
        }

        var duplicate = questions.GroupBy(q => q.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? questions : throw new InvalidDataException($"{path}: id '{duplicate.Key}' appears more than once.");
    }
}

/// <summary>What the pipeline did with one question.</summary>
/// <param name="RankedSources">Sources of the retrieved passages, best first, each source once.</param>
/// <param name="EligibleIgnoringThreshold">Whether the policy would send it at a threshold of 0 (it has a citation, no guarded topic, English).</param>
internal sealed record EvalOutcome(
    string Id,
    IReadOnlyList<string> RankedSources,
    string? FirstCitation,
    bool AutoSend,
    double Confidence,
    bool EligibleIgnoringThreshold,
    IReadOnlyList<string> Reasons,
    double LatencyMs,
    Drafts.ConfidenceSignals? Signals = null,
    IReadOnlyDictionary<string, double>? Features = null,
    string? PolicyVersion = null);
