using Microsoft.Extensions.Options;

namespace SupportCopilot.Intake.Tickets;

/// <summary>
/// <c>Intake:Accept</c>: how the tickets of webhooks that arrive together are stored together
/// on PostgreSQL (<see cref="TicketBatchWriter"/>, ADR 32).
/// </summary>
internal sealed class TicketBatchSettings
{
    public const string SectionName = "Intake:Accept";

    /// <summary>
    /// The most tickets one statement stores. 1 turns batches off: every webhook then writes its
    /// own ticket at once, as many at a time as come in (lowest latency under light load, more
    /// database work per webhook under heavy load; ADR 32).
    /// </summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>
    /// How many batches may be on their way to the database at once. Fewer make bigger batches
    /// (less work per ticket for the database); more let a ticket start sooner when one batch is slow.
    /// </summary>
    public int ConcurrentBatches { get; set; } = 2;
}

internal sealed class TicketBatchSettingsValidator : IValidateOptions<TicketBatchSettings>
{
    public ValidateOptionsResult Validate(string? name, TicketBatchSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxBatchSize is < 1 or > 1_000)
        {
            failures.Add("Intake:Accept:MaxBatchSize must be between 1 and 1000.");
        }

        if (options.ConcurrentBatches is < 1 or > 64)
        {
            failures.Add("Intake:Accept:ConcurrentBatches must be between 1 and 64.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
