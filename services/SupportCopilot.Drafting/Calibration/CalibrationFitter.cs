using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace SupportCopilot.Drafting.Calibration;

/// <summary>One labelled draft: its signals and whether an agent would (or did) send it unchanged.</summary>
internal sealed record CalibrationExample(string Id, IReadOnlyDictionary<string, double> Features, bool Approved, string Origin);

/// <summary>Precision and coverage when everything at or above <see cref="Threshold"/> is auto-sent.</summary>
internal sealed record CurvePoint(double Threshold, int Sent, int Correct, double Coverage, double Precision);

/// <summary>One bin of the reliability diagram: mean predicted probability against the observed approval rate.</summary>
internal sealed record ReliabilityBin(double From, double To, int Count, double MeanPredicted, double Observed);

/// <summary>What a calibration produced: the policy, its curve, the reliability bins and an honest out-of-sample check.</summary>
/// <param name="CrossValidated">The same procedure (fit and pick the threshold) run on k-1 folds and applied to the held-out fold, summed over folds.</param>
internal sealed record CalibrationResult(
    ConfidencePolicy Policy,
    IReadOnlyList<CurvePoint> Curve,
    IReadOnlyList<ReliabilityBin> Reliability,
    CurvePoint AtThreshold,
    CurvePoint? CrossValidated,
    bool TargetMet);

/// <summary>
/// Fits the confidence on labelled drafts with ML.NET's L-BFGS logistic regression (a maintained
/// optimiser, probabilities out of the box), then picks the lowest threshold whose measured
/// precision meets the target. Coverage and precision count only drafts the rest of the policy
/// would send (<see cref="CalibrationExample"/>s come pre-filtered by the caller when it wants that).
/// </summary>
internal static class CalibrationFitter
{
    private const int Seed = 20;

    public static CalibrationResult Fit(
        IReadOnlyList<CalibrationExample> examples,
        double targetPrecision,
        string version,
        string trainedOn,
        int folds = 5,
        int? coverageDenominator = null,
        IReadOnlyList<string>? features = null)
    {
        var names = features ?? ConfidenceFeatures.Names;
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count < 10 || examples.All(e => e.Approved) || examples.All(e => !e.Approved))
        {
            throw new InvalidOperationException(
                $"Calibration needs at least 10 labelled drafts with both outcomes; got {examples.Count} ({examples.Count(e => e.Approved)} approved).");
        }

        var (bias, weights) = Train(examples, names);
        var scored = examples.Select(e => (Example: e, P: Probability(bias, weights, e.Features))).ToList();
        var denominator = coverageDenominator ?? examples.Count;
        var curve = Curve(scored, denominator);
        var chosen = Choose(curve, targetPrecision);
        var policy = new ConfidencePolicy(version, bias, weights, chosen.Threshold, "mlnet-lbfgs-logistic", targetPrecision, trainedOn, examples.Count);
        return new CalibrationResult(
            policy,
            curve,
            Reliability(scored),
            chosen,
            folds > 1 ? CrossValidate(examples, targetPrecision, folds, denominator, names) : null,
            chosen.Precision >= targetPrecision && chosen.Sent > 0);
    }

    /// <summary>Precision and coverage at every distinct predicted probability, highest first.</summary>
    public static IReadOnlyList<CurvePoint> Curve(IReadOnlyList<(CalibrationExample Example, double P)> scored, int coverageDenominator)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var ordered = scored.OrderByDescending(s => s.P).ToList();
        var points = new List<CurvePoint>();
        var correct = 0;
        for (var i = 0; i < ordered.Count; i++)
        {
            correct += ordered[i].Example.Approved ? 1 : 0;
            if (i + 1 < ordered.Count && ordered[i + 1].P >= ordered[i].P)
            {
                continue;
            }

            var sent = i + 1;
            points.Add(new CurvePoint(
                Math.Floor(ordered[i].P * 1e6) / 1e6,
                sent,
                correct,
                Math.Round(sent / (double)Math.Max(1, coverageDenominator), 4),
                Math.Round(correct / (double)sent, 4)));
        }

        return points;
    }

    /// <summary>
    /// The lowest threshold whose precision meets the target, among thresholds whose every higher
    /// threshold meets it too (a lucky dip that passes below a failing stretch is not chosen).
    /// Nothing meets it: the highest threshold (send the least).
    /// </summary>
    public static CurvePoint Choose(IReadOnlyList<CurvePoint> curve, double targetPrecision)
    {
        ArgumentNullException.ThrowIfNull(curve);
        CurvePoint? chosen = null;
        foreach (var point in curve)
        {
            if (point.Precision < targetPrecision)
            {
                break;
            }

            chosen = point;
        }

        return chosen ?? curve[0] with { Threshold = Math.Min(1, curve[0].Threshold + 1e-6) };
    }

    public static IReadOnlyList<ReliabilityBin> Reliability(IReadOnlyList<(CalibrationExample Example, double P)> scored, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var result = new List<ReliabilityBin>();
        for (var b = 0; b < bins; b++)
        {
            var from = b / (double)bins;
            var to = (b + 1) / (double)bins;
            var inBin = scored.Where(s => s.P >= from && (s.P < to || (b == bins - 1 && s.P <= to))).ToList();
            if (inBin.Count == 0)
            {
                continue;
            }

            result.Add(new ReliabilityBin(from, to, inBin.Count, inBin.Average(s => s.P), inBin.Count(s => s.Example.Approved) / (double)inBin.Count));
        }

        return result;
    }

    private static CurvePoint? CrossValidate(IReadOnlyList<CalibrationExample> examples, double targetPrecision, int folds, int denominator, IReadOnlyList<string> names) =>
        CrossValidate(_ => examples, targetPrecision, folds, denominator, names);

    /// <summary>
    /// Cross-validation where the examples themselves depend on the fold: <paramref name="examplesForFold"/>
    /// gives every example as scored by the retrieval fitted without that fold (the section
    /// re-ranker), so that nothing of the held-out fold reaches any fitted part.
    /// </summary>
    public static CurvePoint CrossValidate(
        Func<int, IReadOnlyList<CalibrationExample>> examplesForFold, double targetPrecision, int folds, int denominator, IReadOnlyList<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(examplesForFold);
        names ??= ConfidenceFeatures.Names;
        int sent = 0, correct = 0;
        for (var fold = 0; fold < folds; fold++)
        {
            // Deterministic folds by a stable hash of the id, so that a rerun gives the same numbers.
            var assigned = examplesForFold(fold).Select(e => (Example: e, Fold: FoldOf(e.Id, folds))).ToList();
            var train = assigned.Where(a => a.Fold != fold).Select(a => a.Example).ToList();
            var test = assigned.Where(a => a.Fold == fold).Select(a => a.Example).ToList();
            if (test.Count == 0 || train.All(e => e.Approved) || train.All(e => !e.Approved))
            {
                continue;
            }

            var (bias, weights) = Train(train, names);
            var trainCurve = Curve(train.Select(e => (e, Probability(bias, weights, e.Features))).ToList(), train.Count);
            var threshold = Choose(trainCurve, targetPrecision).Threshold;
            foreach (var e in test.Where(e => Probability(bias, weights, e.Features) >= threshold))
            {
                sent++;
                correct += e.Approved ? 1 : 0;
            }
        }

        return new CurvePoint(double.NaN, sent, correct, Math.Round(sent / (double)Math.Max(1, denominator), 4), sent == 0 ? 1 : Math.Round(correct / (double)sent, 4));
    }

    /// <summary>The cross-validation fold of an example or question id (the ranker and the confidence use the same folds).</summary>
    public static int FoldOf(string id, int folds) => (int)((uint)StableHash(id) % (uint)folds);

    private static (double Bias, IReadOnlyDictionary<string, double> Weights) Train(IReadOnlyList<CalibrationExample> examples, IReadOnlyList<string> names) =>
        TrainLogistic(names, examples.Select(e => (e.Features, e.Approved)).ToList());

    /// <summary>
    /// ML.NET's L-BFGS logistic regression over the named features, its Platt calibrator folded
    /// into one logistic (bias, weight per name), so that scoring needs no ML.NET at run time.
    /// </summary>
    internal static (double Bias, IReadOnlyDictionary<string, double> Weights) TrainLogistic(
        IReadOnlyList<string> names, IReadOnlyList<(IReadOnlyDictionary<string, double> Features, bool Label)> examples, float l2 = 0.1f)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(examples);
        var ml = new MLContext(Seed);
        var rows = examples.Select(e => new Row { Label = e.Label, Features = [.. names.Select(n => (float)(e.Features.TryGetValue(n, out var v) && !double.IsNaN(v) ? v : 0))] }).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, names.Count);
        var data = ml.Data.LoadFromEnumerable(rows, schema);

        // A little L2 keeps weights finite when a feature separates the few examples perfectly.
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            L2Regularization = l2,
            L1Regularization = 0f,
            OptimizationTolerance = 1e-7f,
            MaximumNumberOfIterations = 1000,
        });
        var model = trainer.Fit(data);
        var parameters = (CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>)model.Model;
        var linear = parameters.SubModel;
        var platt = parameters.Calibrator;

        // ML.NET's probability is 1 / (1 + exp(Slope·raw + Offset)) with raw = Bias + w·x.
        var slope = -platt.Slope;
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        var w = linear.Weights.ToArray();
        for (var i = 0; i < names.Count; i++)
        {
            weights[names[i]] = Math.Round(slope * w[i], 6);
        }

        return (Math.Round(slope * linear.Bias - platt.Offset, 6), weights);
    }

    private static double Probability(double bias, IReadOnlyDictionary<string, double> weights, IReadOnlyDictionary<string, double> features) =>
        new ConfidencePolicy("fit", bias, weights, 0, "fit").Score(features);

    internal static int StableHash(string value)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in value)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }

    private sealed class Row
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}
