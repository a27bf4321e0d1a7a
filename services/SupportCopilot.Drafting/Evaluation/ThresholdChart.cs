using System.Globalization;
using System.Net;
using System.Text;

namespace SupportCopilot.Drafting.Evaluation;

/// <summary>
/// The auto-send trade-off as a picture: coverage and precision against the threshold, with
/// the run's threshold marked and false sends called out. Plain SVG, so it opens anywhere and
/// sits in docs as a file.
/// </summary>
internal static class ThresholdChart
{
    private const int Width = 720;
    private const int Height = 420;
    private const int Left = 60;
    private const int Right = 160;
    private const int Top = 50;
    private const int Bottom = 50;

    public static string Render(EvalReport report, string setName)
    {
        ArgumentNullException.ThrowIfNull(report);
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double X(double threshold) => Left + (threshold * plotWidth);
        double Y(double value) => Top + ((1 - value) * plotHeight);
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Auto-send trade-off: {WebUtility.HtmlEncode(setName)} ({report.Questions} questions, {report.Unanswerable} unanswerable)</text>\n"));

        for (var tick = 0; tick <= 10; tick += 2)
        {
            var value = tick / 10.0;
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Y(value):0.#}\" x2=\"{Left + plotWidth}\" y2=\"{Y(value):0.#}\" stroke=\"#e5e7eb\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left - 8}\" y=\"{Y(value) + 4:0.#}\" text-anchor=\"end\">{value:0.0}</text>\n"));
            svg.Append(Invariant($"<text x=\"{X(value):0.#}\" y=\"{Top + plotHeight + 18}\" text-anchor=\"middle\">{value:0.0}</text>\n"));
        }

        svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#9ca3af\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Left + (plotWidth / 2)}\" y=\"{Height - 12}\" text-anchor=\"middle\">auto-send threshold (confidence)</text>\n"));

        var sweep = report.ThresholdSweep.OrderBy(t => t.Threshold).ToList();
        Series(svg, sweep.Select(t => (X(t.Threshold), Y(t.Coverage))), "#2563eb", "coverage", 0);
        Series(svg, sweep.Select(t => (X(t.Threshold), Y(t.Precision))), "#ea580c", "precision", 1);
        svg.Append(Invariant($"<text x=\"{Left + plotWidth + 12}\" y=\"{Top + 80}\" fill=\"#6b7280\" font-size=\"10\">precision is 1.0</text><text x=\"{Left + plotWidth + 12}\" y=\"{Top + 93}\" fill=\"#6b7280\" font-size=\"10\">when nothing is sent</text>\n"));

        foreach (var point in sweep.Where(t => t.FalseSends > 0))
        {
            svg.Append(Invariant($"<circle cx=\"{X(point.Threshold):0.#}\" cy=\"{Y(0):0.#}\" r=\"4\" fill=\"#dc2626\"><title>{point.FalseSends} false sends at {point.Threshold:0.00}</title></circle>\n"));
        }

        svg.Append(Invariant($"<circle cx=\"{Left + plotWidth + 20}\" cy=\"{Top + 52}\" r=\"4\" fill=\"#dc2626\"/><text x=\"{Left + plotWidth + 30}\" y=\"{Top + 56}\">false sends &gt; 0</text>\n"));
        var run = X(report.Threshold);
        svg.Append(Invariant($"<line x1=\"{run:0.#}\" y1=\"{Top}\" x2=\"{run:0.#}\" y2=\"{Top + plotHeight}\" stroke=\"#111827\" stroke-dasharray=\"4 4\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"{Top - 10}\" fill=\"#374151\">dashed: threshold {report.Threshold:0.00}: sent {report.AutoSend.Count}, coverage {report.AutoSend.Coverage:0.00}, precision {report.AutoSend.Precision:0.00}</text>\n"));
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Series(StringBuilder svg, IEnumerable<(double X, double Y)> points, string colour, string name, int legendRow)
    {
        var path = string.Join(' ', points.Select(p => Invariant($"{p.X:0.#},{p.Y:0.#}")));
        svg.Append(Invariant($"<polyline points=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"/>\n"));
        var y = Top + 12 + (legendRow * 20);
        svg.Append(Invariant($"<line x1=\"{Left + (Width - Left - Right) + 12}\" y1=\"{y}\" x2=\"{Left + (Width - Left - Right) + 32}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"2.5\"/>"));
        svg.Append(Invariant($"<text x=\"{Left + (Width - Left - Right) + 38}\" y=\"{y + 4}\">{name}</text>\n"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
