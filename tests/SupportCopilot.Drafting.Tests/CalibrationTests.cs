using SupportCopilot.Drafting.Calibration;
using SupportCopilot.Drafting.Drafts;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class CalibrationTests
{
    /// <summary>
    /// Drafts whose approval depends on top coverage and margin with some noise: a deterministic
    /// stand-in for agent decisions.
    /// </summary>
    private static List<CalibrationExample> Examples(int count = 200)
    {
        var random = new Random(7);
        var examples = new List<CalibrationExample>();
        for (var i = 0; i < count; i++)
        {
            var coverage = random.NextDouble();
            var margin = random.NextDouble();
            var p = 1 / (1 + Math.Exp(-(-6 + 6 * coverage + 4 * margin)));
            var features = ConfidenceFeatures.Of(new ConfidenceSignals(coverage, coverage * 0.8, margin, 0.6, 1, true));
            examples.Add(new CalibrationExample("d" + i, features, random.NextDouble() < p, "test"));
        }

        return examples;
    }

    [Fact]
    public void Fitting_learns_which_signals_predict_approval_and_meets_the_target_precision_on_its_data()
    {
        var result = CalibrationFitter.Fit(Examples(), 0.9, "cal-test", "test");

        Assert.True(result.Policy.Weights[ConfidenceFeatures.TopCoverage] > 1, $"top coverage weight {result.Policy.Weights[ConfidenceFeatures.TopCoverage]}");
        Assert.True(result.Policy.Weights[ConfidenceFeatures.Margin] > 1, $"margin weight {result.Policy.Weights[ConfidenceFeatures.Margin]}");
        Assert.True(result.TargetMet);
        Assert.True(result.AtThreshold.Precision >= 0.9);
        Assert.Equal("cal-test", result.Policy.Version);
        Assert.Equal(200, result.Policy.Examples);
        Assert.NotNull(result.CrossValidated);
    }

    [Fact]
    public void A_fit_on_named_signals_weighs_only_those()
    {
        var result = CalibrationFitter.Fit(Examples(), 0.9, "cal-test", "test", features: [ConfidenceFeatures.TopCoverage]);

        Assert.Equal([ConfidenceFeatures.TopCoverage], result.Policy.Weights.Keys);
        Assert.True(result.Policy.Weights[ConfidenceFeatures.TopCoverage] > 1);
    }

    [Fact]
    public void Cross_validation_with_fold_dependent_examples_tests_each_fold_on_its_own_version()
    {
        var examples = Examples();
        var best = ConfidenceFeatures.Of(new ConfidenceSignals(1, 1, 1, 1, 1, true));

        // In fold f's version only fold f's drafts are certain and approved; in every other version
        // they are ordinary. Tested on its own version, every draft of every fold is sent and right.
        var point = CalibrationFitter.CrossValidate(
            fold => examples.Select(e => CalibrationFitter.FoldOf(e.Id, 5) == fold ? e with { Features = best, Approved = true } : e).ToList(),
            0.9,
            5,
            examples.Count);

        Assert.Equal(examples.Count, point.Sent);
        Assert.Equal(examples.Count, point.Correct);
    }

    [Fact]
    public void The_fitted_probabilities_are_calibrated_each_bin_close_to_its_observed_rate()
    {
        var result = CalibrationFitter.Fit(Examples(2000), 0.9, "cal-test", "test", folds: 1);

        foreach (var bin in result.Reliability.Where(b => b.Count >= 100))
        {
            Assert.InRange(bin.Observed - bin.MeanPredicted, -0.1, 0.1);
        }
    }

    [Fact]
    public void The_threshold_chosen_is_the_lowest_whose_precision_and_every_higher_ones_meet_the_target()
    {
        CurvePoint[] curve =
        [
            new(0.9, 1, 1, 0.1, 1.0),
            new(0.8, 2, 2, 0.2, 1.0),
            new(0.7, 3, 2, 0.3, 0.667),
            new(0.6, 10, 9, 1.0, 0.9),
        ];

        Assert.Equal(0.8, CalibrationFitter.Choose(curve, 0.9).Threshold);
    }

    [Fact]
    public void When_nothing_meets_the_target_the_threshold_sends_nothing()
    {
        CurvePoint[] curve = [new(0.7, 1, 0, 0.1, 0.0), new(0.6, 2, 1, 0.2, 0.5)];

        var chosen = CalibrationFitter.Choose(curve, 0.95);

        Assert.True(chosen.Threshold > 0.7);
    }

    [Fact]
    public void Too_few_labels_or_only_one_outcome_is_refused_with_a_reason()
    {
        var fewer = Examples(8);
        var allApproved = Examples(50).Select(e => e with { Approved = true }).ToList();

        Assert.Contains("at least 10", Assert.Throws<InvalidOperationException>(() => CalibrationFitter.Fit(fewer, 0.9, "v", "t")).Message, StringComparison.Ordinal);
        Assert.Contains("both outcomes", Assert.Throws<InvalidOperationException>(() => CalibrationFitter.Fit(allApproved, 0.9, "v", "t")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configured_policy_scores_like_the_hand_set_coefficients_always_did()
    {
        var signals = new ConfidenceSignals(0.7, 0.5, 0.3, 0.8, 2, true);
        var o = new ConfidenceOptions();
        var z = o.Bias + o.TopCoverage * 0.7 + o.DraftCoverage * 0.5 + o.Margin * 0.3 + o.Agreement * 0.8 - o.ExtraQuestionPenalty;

        var policy = ConfidencePolicy.FromOptions(o, 0.8);

        Assert.Equal(1 / (1 + Math.Exp(-z)), policy.Score(signals), 9);
        Assert.Equal(ConfidencePolicy.ConfiguredVersion, policy.Version);
    }

    [Fact]
    public void Charts_are_written_as_real_png_and_svg_files()
    {
        var result = CalibrationFitter.Fit(Examples(), 0.9, "cal-test", "test", folds: 1);
        var folder = Directory.CreateTempSubdirectory("calibration-charts").FullName;

        CalibrationCharts.SaveReliabilityPng(result.Reliability, Path.Combine(folder, "reliability.png"), "test");
        CalibrationCharts.SaveCurve(result.Curve, result.Policy.Threshold, 0.9, Path.Combine(folder, "curve.svg"), "test");

        var png = File.ReadAllBytes(Path.Combine(folder, "reliability.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(folder, "curve.svg")), StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }
}
