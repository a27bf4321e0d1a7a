namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// The section re-ranker's weights as fitted by <c>copilot calibrate ranker</c> on anthropic-docs
/// and the sample help centre together (docs/eval/ranker.json; docs/retrieval.md gives the command
/// and the cross-validated figures). Four features: the fuller set fitted no better out of sample.
/// </summary>
internal static class FittedReranker
{
    /// <summary>The model in <paramref name="file"/> (JSON from <c>copilot calibrate ranker --out</c>), or the built-in one when none is named.</summary>
    public static RerankerModel Load(string? file)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            return Model;
        }

        return System.Text.Json.JsonSerializer.Deserialize<RerankerModel>(File.ReadAllText(file))
            ?? throw new InvalidDataException($"{file} holds no re-ranker model.");
    }

    public static RerankerModel Model { get; } = new(
        "rank-20261124-124313",
        -7.593105,
        new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [SectionFeatures.Bm25] = 6.100627,
            [SectionFeatures.Coverage] = 2.413378,
            [SectionFeatures.Bigrams] = 4.261307,
            [SectionFeatures.DocumentShare] = 0.971955,
        });
}
