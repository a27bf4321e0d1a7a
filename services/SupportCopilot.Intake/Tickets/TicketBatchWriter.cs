using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Hosting;

namespace SupportCopilot.Intake.Tickets;

/// <summary>
/// Stores the tickets of webhooks that arrive together with one statement and one commit (group
/// commit), on PostgreSQL. Nothing waits for a batch to fill: a ticket is written at once when a
/// writer is free, and the tickets that came in while the writers were busy go together in the
/// next batch. Under light load every ticket is its own batch, as before; under heavy load the
/// database does one round trip and one commit for many webhooks instead of one each. A webhook
/// is answered only after its own ticket is committed. See ADR 32.
/// </summary>
internal sealed partial class TicketBatchWriter(
    IntakeDatabase database, IOptions<TicketBatchSettings> settings, SupportCopilotMetrics metrics, ILogger<TicketBatchWriter> logger)
{
    private const string InsertTickets = """
        INSERT INTO tickets (ticket_id, connector, external_id, subject, body, customer_email, customer_name,
                             language, status, received_at, updated_at, reply_address)
        SELECT t.ticket_id, t.connector, t.external_id, t.subject, t.body, t.customer_email, t.customer_name,
               t.language, @Status, t.received_at, t.received_at, t.reply_address
        FROM unnest(@TicketIds, @Connectors, @ExternalIds, @Subjects, @Bodies, @CustomerEmails, @CustomerNames,
                    @Languages, @ReceivedAts, @ReplyAddresses)
             WITH ORDINALITY AS t (ticket_id, connector, external_id, subject, body, customer_email, customer_name,
                                   language, received_at, reply_address, n)
        ORDER BY t.n
        ON CONFLICT (connector, external_id) DO NOTHING
        RETURNING ticket_id AS key
        """;

    private readonly ConcurrentQueue<PendingTicket> _queue = new();
    private int _writers;

    /// <summary>
    /// Stores <paramref name="row"/> and queues <paramref name="message"/> with it; false when a
    /// ticket with the same connector and external id was there already (or came first in the same batch).
    /// On SQLite, or with batches turned off, the ticket is stored on its own at once.
    /// </summary>
    public async Task<bool> StoreAsync(TicketRow row, TicketReceived message, CancellationToken cancellationToken)
    {
        if (!database.IsPostgres || settings.Value.MaxBatchSize == 1)
        {
            return await database.InsertAndPublishAsync(TicketRow.Insert, TicketRow.Stored, row, message, cancellationToken);
        }

        // The message is made here, on the webhook's own request, so that it carries that trace.
        var pending = new PendingTicket(row, KeyedMessage.For(row.TicketId, message));
        _queue.Enqueue(pending);
        if (TryAddWriter())
        {
            // A writer was free: this request writes the queue's first batch (its own ticket with
            // it) itself. A lone webhook then costs no hop to another thread and back, which on a
            // busy machine is a wait for a core each.
            await WriteNextBatchAsync();
            if (!_queue.IsEmpty || StaysAfterEmpty())
            {
                // The rest is not this webhook's to wait for: a writer of its own takes it, without
                // the webhook's context, as its statements belong to no single request.
                using (ExecutionContext.SuppressFlow())
                {
                    _ = Task.Run(WriteWhilePendingAsync);
                }
            }
        }

        // Once queued, the ticket is stored whether or not its webhook's caller waits for it.
        return await pending.Stored.Task.WaitAsync(cancellationToken);
    }

    private bool TryAddWriter()
    {
        var most = settings.Value.ConcurrentBatches;
        var current = Volatile.Read(ref _writers);
        while (current < most)
        {
            var seen = Interlocked.CompareExchange(ref _writers, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>
    /// Gives up a writer's place once the queue was found empty; true when it took a place again
    /// because a ticket came in meanwhile (that ticket found every writer busy and started none).
    /// </summary>
    private bool StaysAfterEmpty()
    {
        Interlocked.Decrement(ref _writers);
        return !_queue.IsEmpty && TryAddWriter();
    }

    private async Task WriteWhilePendingAsync()
    {
        var more = true;
        while (more)
        {
            more = await WriteNextBatchAsync() || StaysAfterEmpty();
        }
    }

    /// <summary>Writes up to <see cref="TicketBatchSettings.MaxBatchSize"/> queued tickets; false when none were queued.</summary>
    private async Task<bool> WriteNextBatchAsync()
    {
        var most = settings.Value.MaxBatchSize;
        var batch = new List<PendingTicket>();
        while (batch.Count < most && _queue.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        if (batch.Count == 0)
        {
            return false;
        }

        await WriteAsync(batch);
        return true;
    }

    /// <summary>Completes every ticket of <paramref name="batch"/>; never throws.</summary>
    private async Task WriteAsync(List<PendingTicket> batch)
    {
        try
        {
            var stored = await StoreBatchAsync(batch);
            foreach (var pending in batch)
            {
                pending.Stored.TrySetResult(stored.Contains(pending.Row.TicketId));
            }
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // A ticket the database refuses must not fail the webhooks that came with it: each alone.
            LogBatchFailed(ex, batch.Count);
            foreach (var pending in batch)
            {
                try
                {
                    var stored = await StoreBatchAsync([pending]);
                    pending.Stored.TrySetResult(stored.Contains(pending.Row.TicketId));
                }
                catch (Exception alone)
                {
                    pending.Stored.TrySetException(alone);
                }
            }
        }
        catch (Exception ex)
        {
            batch[0].Stored.TrySetException(ex);
        }
    }

    private async Task<IReadOnlySet<Guid>> StoreBatchAsync(IReadOnlyList<PendingTicket> batch)
    {
        if (batch.Count == 1)
        {
            // Alone, the plain insert: under light load, where nearly every batch is one ticket,
            // the array statement cost accept latency (ADR 32).
            var alone = batch[0];
            var stored = await database.InsertAndPublishAsync(TicketRow.Insert, TicketRow.Stored, alone.Row, alone.Message, CancellationToken.None);
            metrics.TicketBatchStored(1);
            return stored ? new HashSet<Guid> { alone.Row.TicketId } : new HashSet<Guid>();
        }

        var rows = batch.Select(p => p.Row).ToArray();
        var columns = new
        {
            Status = TicketStatus.Received,
            TicketIds = rows.Select(r => r.TicketId).ToArray(),
            Connectors = rows.Select(r => r.Connector).ToArray(),
            ExternalIds = rows.Select(r => r.ExternalId).ToArray(),
            Subjects = rows.Select(r => r.Subject).ToArray(),
            Bodies = rows.Select(r => r.Body).ToArray(),
            CustomerEmails = rows.Select(r => r.CustomerEmail).ToArray(),
            CustomerNames = rows.Select(r => r.CustomerName).ToArray(),
            Languages = rows.Select(r => r.Language).ToArray(),
            ReceivedAts = rows.Select(r => r.ReceivedAt.ToUniversalTime()).ToArray(),
            ReplyAddresses = rows.Select(r => r.ReplyAddress).ToArray(),
        };

        // Past this point the webhooks are waiting on the database, not on a caller that can go away.
        var storedMany = await database.InsertManyAndPublishAsync(InsertTickets, columns, batch.Select(p => p.Message).ToArray(), CancellationToken.None);
        metrics.TicketBatchStored(batch.Count);
        return storedMany;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing a batch of {Count} tickets failed; storing each on its own")]
    private partial void LogBatchFailed(Exception exception, int count);

    private sealed class PendingTicket(TicketRow row, KeyedMessage message)
    {
        public TicketRow Row { get; } = row;

        public KeyedMessage Message { get; } = message;

        // Completed by a writer: the webhook's request goes on on its own thread, not the writer's.
        public TaskCompletionSource<bool> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
