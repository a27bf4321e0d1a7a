using ScottPlot;

namespace SupportCopilot.Cli.Bench;

/// <summary>A moment of a run worth marking on its plot (a broker stopped, a process killed).</summary>
internal sealed record RunEvent(double At, string What);

/// <summary>Accept and end-to-end latency of every ticket over the run, with its faults marked, as a PNG.</summary>
internal static class LatencyPlot
{
    public static void Save(string path, string title, LoadReport report, IReadOnlyList<RunEvent> events)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("seconds into the run (when the webhook was due)");
        plot.YLabel("latency (ms)");

        var accept = plot.Add.ScatterPoints(
            report.Timeline.Select(p => p.At).ToArray(), report.Timeline.Select(p => p.AcceptMs).ToArray());
        accept.LegendText = "accept (due -> 2xx)";
        accept.MarkerSize = 3;

        var finished = report.Timeline.Where(p => p.EndToEndMs is not null).ToArray();
        var endToEnd = plot.Add.ScatterPoints(finished.Select(p => p.At).ToArray(), finished.Select(p => p.EndToEndMs!.Value).ToArray());
        endToEnd.LegendText = "end-to-end (accepted -> final state)";
        endToEnd.MarkerSize = 3;

        foreach (var e in events)
        {
            var line = plot.Add.VerticalLine(e.At);
            line.LineWidth = 1;
            line.LinePattern = LinePattern.Dashed;

            // In the legend, not on the line: faults often come seconds apart and their labels would overlap.
            line.LegendText = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{e.What} ({e.At:0.0} s)");
        }

        plot.ShowLegend(Alignment.UpperLeft);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1200, 600);
    }
}
