using System.Xml.Linq;
using SupportCopilot.Drafting.Evaluation;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class ThresholdChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void The_chart_draws_coverage_and_precision_at_every_swept_threshold()
    {
        var report = Report(falseSendsAt: null);

        var chart = XDocument.Parse(ThresholdChart.Render(report, "sample"));

        var lines = chart.Descendants(Svg + "polyline").ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, line => Assert.Equal(report.ThresholdSweep.Count, line.Attribute("points")!.Value.Split(' ').Length));
        Assert.Contains(chart.Descendants(Svg + "text"), t => t.Value.Contains("threshold 0.80: sent 3", StringComparison.Ordinal));
        Assert.DoesNotContain(chart.Descendants(Svg + "circle"), c => c.Element(Svg + "title") is not null);
    }

    [Fact]
    public void A_threshold_with_false_sends_is_marked_on_the_chart()
    {
        var chart = XDocument.Parse(ThresholdChart.Render(Report(falseSendsAt: 0.3), "sample"));

        var marker = Assert.Single(chart.Descendants(Svg + "circle"), c => c.Element(Svg + "title") is not null);
        Assert.Equal("2 false sends at 0.30", marker.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void The_set_name_is_escaped()
    {
        var chart = ThresholdChart.Render(Report(falseSendsAt: null), "a<b>&c");

        Assert.Contains("a&lt;b&gt;&amp;c", chart, StringComparison.Ordinal);
        XDocument.Parse(chart);
    }

    private static EvalReport Report(double? falseSendsAt) => new(
        10,
        8,
        2,
        new RetrievalScores(0.5, 0.8, 0.6),
        new RetrievalScores(0.6, 0.9, 0.7),
        new AutoSendScores(3, 0.375, 1.0, 0),
        new Dictionary<string, CategoryScores>(),
        new LatencyScores(1, 2),
        0.8,
        "test",
        null,
        [.. EvaluationScorer.SweepThresholds.Select(t => new ThresholdScores(t, (int)((1 - t) * 10), 1 - t, 0.5 + (t / 2), t == falseSendsAt ? 2 : 0))],
        []);
}
