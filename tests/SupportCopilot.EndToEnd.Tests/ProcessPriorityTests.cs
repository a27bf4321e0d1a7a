using System.Globalization;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.EndToEnd.Tests;

/// <summary>
/// <c>Process:Priority</c> lowers a service process's CPU priority (a Drafting process that shares
/// cores with Intake), and a value it does not know stops the start, naming the key.
/// </summary>
public sealed class ProcessPriorityTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_service_started_below_normal_runs_at_a_lower_priority()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Reads the nice value from /proc.");
        await WithIntakeAsync("BelowNormal", async intake =>
        {
            await intake.WaitUntilReadyAsync(Patience);

            Assert.Equal(10, Nice(intake.ProcessId));
        });
    }

    [Fact]
    public async Task A_priority_it_does_not_know_stops_the_start_and_names_the_key()
    {
        await WithIntakeAsync("High", async intake =>
        {
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => intake.WaitUntilReadyAsync(Patience));

            Assert.Contains("Process:Priority must be Normal, BelowNormal or Idle, not 'High'", failure.Message, StringComparison.Ordinal);
        });
    }

    /// <summary>An Intake process on SQLite in a folder of its own, removed once the process has stopped.</summary>
    private static async Task WithIntakeAsync(string priority, Func<ServiceProcess, Task> test)
    {
        var data = Directory.CreateTempSubdirectory("supportcopilot-priority-");
        try
        {
            await using var intake = ServiceProcess.Start("SupportCopilot.Intake", new Dictionary<string, string?>
            {
                ["Database__Provider"] = "Sqlite",
                ["Database__DataDirectory"] = data.FullName,
                ["Intake__Connectors__Generic__WebhookSecret"] = "priority-test-secret",
                ["Process__Priority"] = priority,
            });
            await test(intake);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    // Field 19 of /proc/<pid>/stat; the command name before it is in parentheses and may hold spaces.
    private static int Nice(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], CultureInfo.InvariantCulture);
    }
}
