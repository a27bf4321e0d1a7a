namespace SupportCopilot.Drafting.Drafts;

/// <summary>
/// Retrieval and draft signals the confidence is computed from, each in [0, 1] except
/// <see cref="Questions"/> and <see cref="GuardFlags"/>.
/// </summary>
/// <param name="TopCoverage">Share of the query's weight (term weight x idf) found in the top passage.</param>
/// <param name="DraftCoverage">Share of the query's weight found in the sentences the draft quotes.</param>
/// <param name="Margin">(top score - best score of another source) / top score: how clearly the top passage wins.</param>
/// <param name="Agreement">Share of the top five passages from the top passage's document.</param>
/// <param name="Questions">How many questions the ticket asks (at least 1); each extra one is a chance to answer only part.</param>
/// <param name="HasCitation">Whether the draft quotes anything at all.</param>
/// <param name="HeadingCoverage">Share of the query's weight found in the top passage's heading path: the section, not just the article, is about the ticket.</param>
/// <param name="CoverageMargin">Top passage's coverage minus the best coverage of another source.</param>
/// <param name="ScoreShare">Top score / sum of the scores of the top five sources.</param>
/// <param name="OutOfVocabulary">Share of the query's terms no passage contains.</param>
/// <param name="VerifierFailed">The verifier found a sentence no cited passage supports.</param>
/// <param name="GuardFlags">How many guardrails fired.</param>
/// <param name="SentenceAgreement">1 when a second, sentence-level retriever (the single best-matching sentence among the top five sources) agrees on the top source.</param>
/// <param name="BestSentenceCoverage">Share of the query's weight in the top passage's best single sentence.</param>
/// <param name="SiblingMargin">(top score - best score of another section of the same document) / top score; 1 when the document has no other section in the results.</param>
/// <param name="SectionProbability">The section re-ranker's probability that the top passage answers the ticket; 0 without re-ranking.</param>
/// <param name="SectionShare">The top source's share of the re-ranker's probability over the top five sources: how clearly it beats its siblings; 0 without re-ranking.</param>
/// <param name="RetrieverAgreement">1 when BM25 alone and the section re-ranker put the same source first; 0 when they differ or nothing was re-ranked.</param>
internal sealed record ConfidenceSignals(
    double TopCoverage,
    double DraftCoverage,
    double Margin,
    double Agreement,
    int Questions,
    bool HasCitation,
    double HeadingCoverage = 0,
    double CoverageMargin = 0,
    double ScoreShare = 0,
    double OutOfVocabulary = 0,
    bool VerifierFailed = false,
    int GuardFlags = 0,
    double SentenceAgreement = 0,
    double BestSentenceCoverage = 0,
    double SiblingMargin = 0,
    double SectionProbability = 0,
    double RetrieverAgreement = 0,
    double SectionShare = 0);

/// <summary>
/// Coefficients of the configured (hand-set) confidence,
/// <c>p = 1 / (1 + exp(-(Bias + Σ weight·signal)))</c>, bound from <c>Drafting:Confidence</c>. It
/// is the fallback until <c>copilot calibrate</c> stores a fitted policy (Calibration/), and is
/// recorded on drafts as policy version <see cref="Calibration.ConfidencePolicy.ConfiguredVersion"/>.
/// These numbers were chosen by eye, so the result is a ranking score, not a probability.
/// </summary>
internal sealed class ConfidenceOptions
{
    /// <summary>Intercept: with every signal at 0 the confidence is sigmoid(-4.5) ≈ 0.011.</summary>
    public double Bias { get; set; } = -4.5;

    /// <summary>Weight of <see cref="ConfidenceSignals.TopCoverage"/>: the strongest single signal.</summary>
    public double TopCoverage { get; set; } = 5.0;

    /// <summary>Weight of <see cref="ConfidenceSignals.DraftCoverage"/>.</summary>
    public double DraftCoverage { get; set; } = 2.0;

    /// <summary>Weight of <see cref="ConfidenceSignals.Margin"/>.</summary>
    public double Margin { get; set; } = 2.0;

    /// <summary>Weight of <see cref="ConfidenceSignals.Agreement"/>.</summary>
    public double Agreement { get; set; } = 1.0;

    /// <summary>Subtracted once per question beyond the first.</summary>
    public double ExtraQuestionPenalty { get; set; } = 0.75;

    /// <summary>Subtracted when the draft cites nothing (the policy refuses those anyway).</summary>
    public double NoCitationPenalty { get; set; } = 4.0;
}

internal static class ConfidenceScorer
{
    public static double Score(ConfidenceSignals signals, ConfidenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(options);
        return Calibration.ConfidencePolicy.FromOptions(options, 0.8).Score(signals);
    }
}
