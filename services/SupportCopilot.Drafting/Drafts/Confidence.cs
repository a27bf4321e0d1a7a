namespace SupportCopilot.Drafting.Drafts;

/// <summary>
/// Retrieval and draft signals the confidence is computed from, each in [0, 1] except
/// <see cref="Questions"/>.
/// </summary>
/// <param name="TopCoverage">Share of the query's weight (term weight x idf) found in the top passage.</param>
/// <param name="DraftCoverage">Share of the query's weight found in the sentences the draft quotes.</param>
/// <param name="Margin">(top score - best score of another source) / top score: how clearly the top passage wins.</param>
/// <param name="Agreement">Share of the top five passages from the top passage's document.</param>
/// <param name="Questions">How many questions the ticket asks (at least 1); each extra one is a chance to answer only part.</param>
/// <param name="HasCitation">Whether the draft quotes anything at all.</param>
internal sealed record ConfidenceSignals(
    double TopCoverage,
    double DraftCoverage,
    double Margin,
    double Agreement,
    int Questions,
    bool HasCitation);

/// <summary>
/// Coefficients of the confidence's logistic function,
/// <c>p = 1 / (1 + exp(-(Bias + Σ weight·signal)))</c>, bound from <c>Drafting:Confidence</c>.
/// <para>
/// Honest status: these defaults are hand-set, not fitted. They were chosen so that a ticket whose
/// top passage holds most of its words, wins clearly and is quoted well lands above 0.8, and a
/// ticket that retrieval only brushes lands well below 0.5. The number is therefore a ranking
/// score squeezed into [0, 1], not yet a calibrated probability that an agent approves the draft
/// unchanged. Fitting these coefficients (logistic regression on agent decisions from Review) is a
/// later issue; the signals and this class are shaped so that only the numbers need to change.
/// </para>
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
        var z = options.Bias
            + options.TopCoverage * Unit(signals.TopCoverage)
            + options.DraftCoverage * Unit(signals.DraftCoverage)
            + options.Margin * Unit(signals.Margin)
            + options.Agreement * Unit(signals.Agreement)
            - options.ExtraQuestionPenalty * Math.Max(0, signals.Questions - 1)
            - (signals.HasCitation ? 0 : options.NoCitationPenalty);
        var p = 1.0 / (1.0 + Math.Exp(-z));
        return double.IsNaN(p) ? 0 : Math.Clamp(p, 0, 1);
    }

    private static double Unit(double value) => double.IsNaN(value) ? 0 : Math.Clamp(value, 0, 1);
}
