using SupportCopilot.Drafting.Drafts;

namespace SupportCopilot.Drafting.Calibration;

/// <summary>
/// The signals as named numbers, the form they are stored in (drafts.signals), fitted on and scored
/// with. Names are stable: a stored policy refers to them; a name a policy does not know weighs 0.
/// </summary>
internal static class ConfidenceFeatures
{
    public const string TopCoverage = "top_coverage";
    public const string DraftCoverage = "draft_coverage";
    public const string Margin = "margin";
    public const string Agreement = "agreement";
    public const string ExtraQuestions = "extra_questions";
    public const string NoCitation = "no_citation";
    public const string HeadingCoverage = "heading_coverage";
    public const string CoverageMargin = "coverage_margin";
    public const string ScoreShare = "score_share";
    public const string OutOfVocabulary = "out_of_vocabulary";
    public const string VerifierFailed = "verifier_failed";
    public const string GuardFlags = "guard_flags";
    public const string SentenceAgreement = "sentence_agreement";
    public const string BestSentenceCoverage = "best_sentence_coverage";
    public const string SiblingMargin = "sibling_margin";
    public const string SectionProbability = "section_probability";
    public const string RetrieverAgreement = "retriever_agreement";
    public const string SectionShare = "section_share";

    /// <summary>Every feature a fitted policy uses, in a fixed order.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        TopCoverage, DraftCoverage, Margin, Agreement, ExtraQuestions, NoCitation,
        HeadingCoverage, CoverageMargin, ScoreShare, OutOfVocabulary, VerifierFailed, GuardFlags,
        SentenceAgreement, BestSentenceCoverage, SiblingMargin, SectionProbability, RetrieverAgreement, SectionShare,
    ];

    public static IReadOnlyDictionary<string, double> Of(ConfidenceSignals signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [TopCoverage] = Unit(signals.TopCoverage),
            [DraftCoverage] = Unit(signals.DraftCoverage),
            [Margin] = Unit(signals.Margin),
            [Agreement] = Unit(signals.Agreement),

            // Capped: the fifth question mark says little more than the third.
            [ExtraQuestions] = Math.Min(3, Math.Max(0, signals.Questions - 1)),
            [NoCitation] = signals.HasCitation ? 0 : 1,
            [HeadingCoverage] = Unit(signals.HeadingCoverage),
            [CoverageMargin] = double.IsNaN(signals.CoverageMargin) ? 0 : Math.Clamp(signals.CoverageMargin, -1, 1),
            [ScoreShare] = Unit(signals.ScoreShare),
            [OutOfVocabulary] = Unit(signals.OutOfVocabulary),
            [VerifierFailed] = signals.VerifierFailed ? 1 : 0,
            [GuardFlags] = Math.Min(3, Math.Max(0, signals.GuardFlags)),
            [SentenceAgreement] = Unit(signals.SentenceAgreement),
            [BestSentenceCoverage] = Unit(signals.BestSentenceCoverage),
            [SiblingMargin] = Unit(signals.SiblingMargin),
            [SectionProbability] = Unit(signals.SectionProbability),
            [RetrieverAgreement] = Unit(signals.RetrieverAgreement),
            [SectionShare] = Unit(signals.SectionShare),
        };
    }

    public static float[] Vector(IReadOnlyDictionary<string, double> features) =>
        [.. Names.Select(n => (float)(features.TryGetValue(n, out var v) && !double.IsNaN(v) ? v : 0))];

    private static double Unit(double value) => double.IsNaN(value) ? 0 : Math.Clamp(value, 0, 1);
}
