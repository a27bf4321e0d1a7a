using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace SupportCopilot.Review.Metrics;

/// <summary>
/// Charts drawn on the server as SVG: no script, no library, nothing the Content-Security-Policy
/// has to allow. Every label is HTML-encoded; every number is formatted invariantly.
/// </summary>
internal static class SvgCharts
{
    private const int Width = 560;
    private const int Height = 220;
    private const int Left = 40;
    private const int Bottom = 30;
    private const int Top = 10;

    public static string Bars(string title, IReadOnlyList<(string Label, int Count)> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Count));
        var plotWidth = Width - Left - 10;
        var plotHeight = Height - Bottom - Top;
        var slot = bars.Count == 0 ? plotWidth : plotWidth / (double)bars.Count;
        var svg = Open(title);
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, count) = bars[i];
            var height = plotHeight * count / (double)max;
            var x = Left + i * slot + slot * 0.15;
            var y = Top + plotHeight - height;
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{height:0.#}\"><title>{Encode(label)}: {count}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + slot * 0.35:0.#}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Encode(label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + slot * 0.35:0.#}\" y=\"{Math.Max(Top + 10, y - 3):0.#}\" text-anchor=\"middle\">{count}</text>");
        }

        return Close(svg);
    }

    /// <summary>Observed approval against predicted confidence per band, with the diagonal a calibrated model would follow.</summary>
    public static string Calibration(string title, IReadOnlyList<CalibrationBin> bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        var plotWidth = Width - Left - 10;
        var plotHeight = Height - Bottom - Top;
        double X(double p) => Left + p * plotWidth;
        double Y(double p) => Top + (1 - p) * plotHeight;
        var svg = Open(title);
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"ideal\" x1=\"{X(0):0.#}\" y1=\"{Y(0):0.#}\" x2=\"{X(1):0.#}\" y2=\"{Y(1):0.#}\"/>");
        foreach (var tick in new[] { 0.0, 0.5, 1.0 })
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(tick):0.#}\" y=\"{Height - 12}\" text-anchor=\"middle\">{tick:0.0}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Y(tick) + 4:0.#}\" text-anchor=\"end\">{tick:0.0}</text>");
        }

        foreach (var bin in bins.Where(b => b.Count > 0))
        {
            var radius = 3 + Math.Min(9, Math.Sqrt(bin.Count));
            svg.Append(CultureInfo.InvariantCulture,
                $"<circle class=\"observed\" cx=\"{X(bin.Predicted!.Value):0.#}\" cy=\"{Y(bin.Observed!.Value):0.#}\" r=\"{radius:0.#}\"><title>{bin.From:0.0}–{bin.To:0.0}: predicted {bin.Predicted:0.00}, observed {bin.Observed:0.00} ({bin.Count})</title></circle>");
        }

        return Close(svg);
    }

    private static StringBuilder Open(string title) =>
        new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {Width} {Height}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{Encode(title)}</title>");

    private static string Close(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}
