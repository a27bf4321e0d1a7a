using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace SupportCopilot.Hosting;

/// <summary>
/// <c>Process:Priority</c>: <c>Normal</c> (the default), <c>BelowNormal</c> or <c>Idle</c>. Where
/// services share a node's cores (the README's distributed mode, one VM), the webhook path must
/// answer within the helpdesk's timeout while drafting is throughput work whose queue absorbs a
/// burst: a Drafting process at <c>BelowNormal</c> (nice 10 on Linux) gives the cores to Intake
/// first. Only lower priorities are accepted: raising one needs privileges a service should not
/// have. In containers, CPU requests or shares do this job between containers instead.
/// </summary>
public static class ProcessPriority
{
    public const string Key = "Process:Priority";

    /// <summary>Lowers this process's priority as configured; a value it does not know stops the start, naming the key.</summary>
    public static void Apply(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[Key];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return;
        }

        var priority = configured.Trim().ToUpperInvariant() switch
        {
            "NORMAL" => ProcessPriorityClass.Normal,
            "BELOWNORMAL" => ProcessPriorityClass.BelowNormal,
            "IDLE" => ProcessPriorityClass.Idle,
            _ => throw new InvalidOperationException(
                $"{Key} must be Normal, BelowNormal or Idle, not '{configured}' (a higher priority needs privileges a service should not have)."),
        };
        if (priority != ProcessPriorityClass.Normal)
        {
            using var process = Process.GetCurrentProcess();
            process.PriorityClass = priority;
        }
    }
}
