using System.Globalization;
using System.Text.Json.Serialization;
using SupportCopilot.Drafting.Drafts;

namespace SupportCopilot.Drafting.Calibration;

/// <summary>
/// A confidence model and the threshold it auto-sends at, under one version. The model is
/// logistic: <c>p = 1 / (1 + exp(-(Bias + Σ Weights[f]·feature f)))</c>. Fitted policies come from
/// <c>copilot calibrate</c> (ML.NET's logistic regression) and are stored in the Drafting database;
/// the configured one (<see cref="FromOptions"/>) is the fallback until then.
/// </summary>
internal sealed record ConfidencePolicy(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("bias")] double Bias,
    [property: JsonPropertyName("weights")] IReadOnlyDictionary<string, double> Weights,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("target_precision")] double? TargetPrecision = null,
    [property: JsonPropertyName("trained_on")] string? TrainedOn = null,
    [property: JsonPropertyName("examples")] int Examples = 0)
{
    /// <summary>The version drafts record when no fitted policy is stored: the hand-set coefficients of Drafting:Confidence.</summary>
    public const string ConfiguredVersion = "configured";

    public double Score(ConfidenceSignals signals) => Score(ConfidenceFeatures.Of(signals));

    public double Score(IReadOnlyDictionary<string, double> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var z = Bias;
        foreach (var (name, weight) in Weights)
        {
            if (features.TryGetValue(name, out var value) && !double.IsNaN(value))
            {
                z += weight * value;
            }
        }

        var p = 1.0 / (1.0 + Math.Exp(-z));
        return double.IsNaN(p) ? 0 : Math.Clamp(p, 0, 1);
    }

    public static ConfidencePolicy FromOptions(ConfidenceOptions options, double threshold)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ConfidencePolicy(
            ConfiguredVersion,
            options.Bias,
            new Dictionary<string, double>(StringComparer.Ordinal)
            {
                [ConfidenceFeatures.TopCoverage] = options.TopCoverage,
                [ConfidenceFeatures.DraftCoverage] = options.DraftCoverage,
                [ConfidenceFeatures.Margin] = options.Margin,
                [ConfidenceFeatures.Agreement] = options.Agreement,
                [ConfidenceFeatures.ExtraQuestions] = -options.ExtraQuestionPenalty,
                [ConfidenceFeatures.NoCitation] = -options.NoCitationPenalty,
            },
            threshold,
            "hand-set");
    }

    /// <summary>A new version name: sortable by time, unique enough for one ops team.</summary>
    public static string NewVersion(DateTimeOffset now) =>
        "cal-" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
}
