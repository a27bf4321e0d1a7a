using ScottPlot;

namespace SupportCopilot.Drafting.Calibration;

/// <summary>The calibration's pictures, drawn with ScottPlot: the reliability diagram and the precision/coverage curve.</summary>
internal static class CalibrationCharts
{
    private const int Width = 720;
    private const int Height = 540;

    /// <summary>Observed approval rate against mean predicted probability per bin; a calibrated model lies on the diagonal.</summary>
    public static void SaveReliabilityPng(IReadOnlyList<ReliabilityBin> bins, string path, string title)
    {
        ArgumentNullException.ThrowIfNull(bins);
        var plot = new Plot();
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.Color = Colors.Gray;
        diagonal.LegendText = "perfectly calibrated";
        if (bins.Count > 0)
        {
            var observed = plot.Add.Scatter(bins.Select(b => b.MeanPredicted).ToArray(), bins.Select(b => b.Observed).ToArray());
            observed.LegendText = "observed (marker per bin, label = drafts)";
            observed.MarkerSize = 9;
            foreach (var bin in bins)
            {
                var label = plot.Add.Text(bin.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), bin.MeanPredicted, bin.Observed);
                label.LabelFontSize = 11;
                label.OffsetY = -14;
            }
        }

        plot.Title(title);
        plot.XLabel("predicted probability of approval unchanged");
        plot.YLabel("observed approval rate");
        plot.Axes.SetLimits(0, 1, 0, 1.05);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Precision and coverage against the threshold, with the chosen threshold and the target marked. PNG or SVG by extension.</summary>
    public static void SaveCurve(IReadOnlyList<CurvePoint> curve, double chosenThreshold, double targetPrecision, string path, string title)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var plot = new Plot();
        var ordered = curve.OrderBy(p => p.Threshold).ToList();
        var thresholds = ordered.Select(p => p.Threshold).ToArray();
        var precision = plot.Add.Scatter(thresholds, ordered.Select(p => p.Precision).ToArray());
        precision.LegendText = "precision";
        precision.MarkerSize = 3;
        var coverage = plot.Add.Scatter(thresholds, ordered.Select(p => p.Coverage).ToArray());
        coverage.LegendText = "coverage";
        coverage.MarkerSize = 3;
        var target = plot.Add.HorizontalLine(targetPrecision);
        target.LinePattern = LinePattern.Dotted;
        target.LegendText = $"target precision {targetPrecision:0.00}";
        var chosen = plot.Add.VerticalLine(chosenThreshold);
        chosen.LinePattern = LinePattern.Dashed;
        chosen.Color = Colors.Red;
        chosen.LegendText = $"threshold {chosenThreshold:0.000}";
        plot.Title(title);
        plot.XLabel("auto-send threshold (calibrated confidence)");
        plot.YLabel("share");
        plot.Axes.SetLimits(0, 1, 0, 1.05);
        plot.ShowLegend(Alignment.LowerLeft);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            plot.SaveSvg(path, Width, Height);
        }
        else
        {
            plot.SavePng(path, Width, Height);
        }
    }
}
