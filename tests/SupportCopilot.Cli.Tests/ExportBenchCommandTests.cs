using System.CommandLine;
using System.Text.RegularExpressions;
using Xunit;

namespace SupportCopilot.Cli.Tests;

/// <summary><c>copilot export bench</c>: the figures in docs/benchmarks.md come from it, so it must measure the export it claims to.</summary>
public sealed partial class ExportBenchCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_bench_exports_every_generated_correction_and_reports_both_phases_with_their_cpu_and_gc_work()
    {
        using var output = new StringWriter();

        await ExportBenchCommand.RunAsync(300, postgres: false, adminConnectionString: null, output, Token);

        var text = output.ToString();
        Assert.Contains("Sqlite: generated 300 corrections", text, StringComparison.Ordinal);
        foreach (var phase in new[] { "bare SELECT", "export sft" })
        {
            var line = text.Split('\n').Single(l => l.StartsWith(phase, StringComparison.Ordinal));
            Assert.Matches(PhaseLine(), line);
            Assert.Contains(" 300 rows in ", line, StringComparison.Ordinal);
        }

        // 60 % approved and 30 % edited become sft rows; the 10 % rejected are skipped, and every body's email, phone and name is redacted.
        Assert.Contains("written 270,", text, StringComparison.Ordinal);
        Assert.Contains("skipped decision_not_in_format=30", text, StringComparison.Ordinal);
        Assert.Contains("email=300", text, StringComparison.Ordinal);
        Assert.Contains("phone=300", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fewer_than_one_row_is_refused_with_exit_code_2()
    {
        var exit = await new RootCommand { new Command("export") { ExportBenchCommand.Create() } }.Parse(["export", "bench", "--rows", "0"]).InvokeAsync(cancellationToken: Token);

        Assert.Equal(2, exit);
    }

    [GeneratedRegex(@"rows/s, peak working set +\d+ MiB; cpu \d+\.\d\d s = \d+\.\d us/row; gc \d+/\d+/\d+ \(gen0/1/2\), pause \d+ ms, allocated \d+ MiB")]
    private static partial Regex PhaseLine();
}
