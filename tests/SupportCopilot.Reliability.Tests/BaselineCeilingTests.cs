using System.Diagnostics;
using SupportCopilot.Cli.Bench;
using Xunit;

namespace SupportCopilot.Reliability.Tests;

/// <summary>
/// The load report's ceiling: what one baseline insert and one baseline publish per ticket leave of
/// the machine, so that "accepted/ceiling" says how much our own code costs on top.
/// </summary>
public sealed class BaselineCeilingTests
{
    [Fact]
    public void Two_baselines_that_kept_the_cpus_busy_add_their_cost_per_operation()
    {
        // The eighth session's figures: pgbench 23,404 tx/s, RabbitMQ 15,175 confirmed msg/s.
        var ceiling = Baselines.SharedCeiling(new BaselineRate(23_404, 1.0), new BaselineRate(15_175, 1.0));

        Assert.NotNull(ceiling);
        Assert.InRange(ceiling.Value, 9_205, 9_207);
        Assert.InRange(ceiling.Value / 23_404, 0.39, 0.40);
    }

    [Fact]
    public void A_baseline_that_left_cpus_idle_costs_only_what_it_used()
    {
        // Half busy at 10,000/s: 50 µs of the machine per insert, not 100.
        var ceiling = Baselines.SharedCeiling(new BaselineRate(10_000, 0.5), new BaselineRate(10_000, 1.0));

        Assert.NotNull(ceiling);
        Assert.InRange(ceiling.Value, 6_666, 6_667);
    }

    [Fact]
    public void Without_the_cpu_share_of_both_there_is_no_ceiling()
    {
        Assert.Null(Baselines.SharedCeiling(new BaselineRate(23_404, null), new BaselineRate(15_175, 1.0)));
        Assert.Null(Baselines.SharedCeiling(new BaselineRate(23_404, 1.0), new BaselineRate(0, 1.0)));
    }

    [Fact]
    public async Task A_measured_baseline_keeps_its_rate_and_sees_the_cpu_it_kept_busy()
    {
        Assert.SkipUnless(File.Exists("/proc/stat"), "The CPU share is read from /proc/stat (Linux).");

        var measured = await Baselines.MeasureAsync(() => Task.Run(() =>
        {
            // One core spinning for half a second: on a 2-core machine at least about half the CPUs.
            var clock = Stopwatch.StartNew();
            var spins = 0L;
            while (clock.ElapsedMilliseconds < 500)
            {
                spins++;
            }

            return spins > 0 ? 1_234.0 : 0;
        }));

        Assert.Equal(1_234.0, measured.PerSecond);
        Assert.NotNull(measured.CpuBusy);
        Assert.InRange(measured.CpuBusy.Value, 1.0 / Environment.ProcessorCount * 0.6, 1.0);
    }
}
