using System.Diagnostics;
using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Logging;
using SupportCopilot.Contracts;
using SupportCopilot.Data;

namespace SupportCopilot.Hosting;

/// <summary>
/// Holds a message until every schema of the process is current, so a service started with
/// <c>Database:MigrateOnStart=false</c> before the migration ran neither fails its messages into
/// the error queue nor half-handles them. Held messages stay unacknowledged: a shutdown returns
/// them to the queue.
/// </summary>
internal sealed class SchemaGateFilter<T>(IEnumerable<ISchemaGate> gates) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        foreach (var gate in gates)
        {
            if (!gate.IsOpen)
            {
                await gate.WaitAsync(context.CancellationToken);
            }
        }

        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("schema-gate");
}

/// <summary>
/// Puts the ticket (and draft) a message is about into the log scope and onto the consume span,
/// so every log line a consumer writes, MassTransit's retries and faults included, can be found
/// by ticket id, next to the trace id the logger adds.
/// </summary>
internal sealed class TicketLogScopeFilter<T>(ILogger<TicketLogScopeFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    private static readonly Func<T, Guid?> TicketIdOf = Reader("TicketId");
    private static readonly Func<T, Guid?> DraftIdOf = Reader("DraftId");

    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var ticketId = TicketIdOf(context.Message);
        var draftId = DraftIdOf(context.Message);
        if (ticketId is null && draftId is null)
        {
            await next.Send(context);
            return;
        }

        if (ticketId is not null)
        {
            Activity.Current?.SetTag("supportcopilot.ticket_id", ticketId.ToString());
        }

        if (draftId is not null)
        {
            Activity.Current?.SetTag("supportcopilot.draft_id", draftId.ToString());
        }

        using (draftId is null
            ? logger.BeginScope("TicketId:{TicketId}", ticketId)
            : logger.BeginScope("TicketId:{TicketId} DraftId:{DraftId}", ticketId, draftId))
        {
            await next.Send(context);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("ticket-log-scope");

    /// <summary>Reads a Guid property of the message, or of its <see cref="TicketContent"/> (as in TicketReceived and DraftReady).</summary>
    private static Func<T, Guid?> Reader(string name)
    {
        var direct = typeof(T).GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        if (direct?.PropertyType == typeof(Guid))
        {
            return message => (Guid)direct.GetValue(message)!;
        }

        var ticket = typeof(T).GetProperty("Ticket", BindingFlags.Public | BindingFlags.Instance);
        if (ticket?.PropertyType == typeof(TicketContent) && name == "TicketId")
        {
            return message => (ticket.GetValue(message) as TicketContent)?.TicketId;
        }

        return _ => null;
    }
}
