using System.CommandLine;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace SupportCopilot.Cli;

/// <summary>A message that ended in an error queue after its retries, as <c>copilot errors list</c> shows it.</summary>
internal sealed record DeadMessage(string Queue, string? MessageId, string? MessageType, string? TicketId, string? Reason);

/// <summary>
/// <c>copilot errors list</c> shows what sits in the services' error queues (a message whose consumer
/// threw on every retry lands in <c>&lt;queue&gt;_error</c>); <c>copilot errors replay</c> moves messages
/// back to the queue they failed on once the cause is fixed. Both leave every other message where it
/// is. Consumers are idempotent, so replaying a message that did take effect changes nothing.
/// </summary>
internal static class ErrorsCommands
{
    /// <summary>
    /// Every consumer queue of the three services (<c>ConsumerRegistration.AddServiceConsumer</c> names
    /// them service-consumer); AMQP cannot list queues, so they are named here.
    /// </summary>
    public static readonly IReadOnlyList<string> ServiceQueues =
    [
        "drafting-ticket-received",
        "drafting-answer-memory",
        "drafting-decision-label",
        "drafting-api-key-events",
        "intake-draft-ready",
        "intake-draft-queued-for-review",
        "intake-reply-approved",
        "intake-draft-rejected",
        "intake-send-reply",
        "intake-send-reply-fault",
        "intake-reply-retry-requested",
        "intake-api-key-events",
        "review-draft-ready",
        "review-reply-failed",
        "review-reply-sent",
    ];

    private const string ErrorSuffix = "_error";

    public static Command Create()
    {
        var list = new Command("list", "List the messages in the services' error queues.");
        AddOptions(list, out var rabbitmq, out var queue);
        list.SetAction(async (parse, cancellationToken) =>
        {
            var messages = await ListAsync(BrokerUri(parse.GetValue(rabbitmq)), Queues(parse.GetValue(queue)), cancellationToken);
            if (messages.Count == 0)
            {
                Console.WriteLine("No messages in any error queue.");
            }

            foreach (var m in messages)
            {
                Console.WriteLine($"{m.Queue}  {m.MessageId}  {m.MessageType}  ticket {m.TicketId ?? "-"}  {m.Reason}");
            }

            return 0;
        });

        var messageId = new Option<string?>("--message-id") { Description = "Replay only this message (see copilot errors list)." };
        var replay = new Command("replay", "Move error-queue messages back to the queue they failed on (all of them unless --message-id).") { messageId };
        AddOptions(replay, out var replayRabbitmq, out var replayQueue);
        replay.SetAction(async (parse, cancellationToken) =>
        {
            var replayed = await ReplayAsync(
                BrokerUri(parse.GetValue(replayRabbitmq)), Queues(parse.GetValue(replayQueue)), parse.GetValue(messageId), cancellationToken);
            Console.WriteLine($"Replayed {replayed} message(s).");
            return parse.GetValue(messageId) is not null && replayed == 0 ? 1 : 0;
        });

        return new Command("errors", "Messages that failed every retry (error queues).") { list, replay };
    }

    public static async Task<IReadOnlyList<DeadMessage>> ListAsync(Uri broker, IEnumerable<string> queues, CancellationToken cancellationToken)
    {
        var found = new List<DeadMessage>();
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        foreach (var queue in queues)
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            var count = await ErrorQueueLengthAsync(channel, queue, cancellationToken);
            ulong last = 0;
            for (var i = 0; i < count; i++)
            {
                var message = await channel.BasicGetAsync(queue + ErrorSuffix, autoAck: false, cancellationToken);
                if (message is null)
                {
                    break;
                }

                last = message.DeliveryTag;
                found.Add(Describe(queue, message));
            }

            // Everything read goes back as it was: listing changes nothing.
            if (last > 0)
            {
                await channel.BasicNackAsync(last, multiple: true, requeue: true, cancellationToken);
            }
        }

        return found;
    }

    public static async Task<int> ReplayAsync(Uri broker, IEnumerable<string> queues, string? messageId, CancellationToken cancellationToken)
    {
        var replayed = 0;
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        foreach (var queue in queues)
        {
            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            var count = await ErrorQueueLengthAsync(channel, queue, cancellationToken);
            var keep = new List<ulong>();
            for (var i = 0; i < count; i++)
            {
                var message = await channel.BasicGetAsync(queue + ErrorSuffix, autoAck: false, cancellationToken);
                if (message is null)
                {
                    break;
                }

                if (messageId is not null && message.BasicProperties.MessageId != messageId)
                {
                    keep.Add(message.DeliveryTag);
                    continue;
                }

                // Confirmed on the original queue before it leaves the error queue: a crash here duplicates, never loses.
                var properties = new BasicProperties(message.BasicProperties)
                {
                    Headers = message.BasicProperties.Headers?
                        .Where(h => !h.Key.StartsWith("MT-Fault", StringComparison.Ordinal) && h.Key != "MT-Reason" && !h.Key.StartsWith("MT-Host", StringComparison.Ordinal))
                        .ToDictionary(h => h.Key, h => h.Value),
                };
                await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, message.Body, cancellationToken);
                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
                replayed++;
            }

            foreach (var tag in keep)
            {
                await channel.BasicNackAsync(tag, multiple: false, requeue: true, cancellationToken);
            }
        }

        return replayed;
    }

    private static async Task<uint> ErrorQueueLengthAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue + ErrorSuffix, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException)
        {
            // No such error queue: nothing ever failed there (the channel is closed; the caller's next one is fresh).
            return 0;
        }
    }

    private static DeadMessage Describe(string queue, BasicGetResult message)
    {
        var headers = message.BasicProperties.Headers ?? new Dictionary<string, object?>();
        string? Header(string name) => headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => null,
            _ => value.ToString(),
        } : null;

        string? type = null;
        string? ticketId = null;
        try
        {
            using var envelope = JsonDocument.Parse(message.Body);
            if (envelope.RootElement.TryGetProperty("messageType", out var types) && types.GetArrayLength() > 0)
            {
                type = types[0].GetString()?.Replace("urn:message:", string.Empty, StringComparison.Ordinal);
            }

            if (envelope.RootElement.TryGetProperty("message", out var body))
            {
                ticketId = body.TryGetProperty("ticketId", out var id) ? id.ToString()
                    : body.TryGetProperty("ticket", out var ticket) && ticket.TryGetProperty("ticketId", out var nested) ? nested.ToString()
                    : null;
            }
        }
        catch (JsonException)
        {
            // Not a MassTransit JSON envelope: listed with what its headers say.
        }

        var reason = (Header("MT-Fault-Message") ?? Header("MT-Reason"))?.Split('\n')[0].Trim();
        var exception = Header("MT-Fault-ExceptionType");
        return new DeadMessage(queue, message.BasicProperties.MessageId, type, ticketId, exception is null ? reason : $"{exception}: {reason}");
    }

    private static void AddOptions(Command command, out Option<string?> rabbitmq, out Option<string?> queue)
    {
        rabbitmq = new Option<string?>("--rabbitmq") { Description = "The broker (default: Messaging__RabbitMqUri)." };
        queue = new Option<string?>("--queue") { Description = "One consumer queue, e.g. drafting-ticket-received (default: every service queue)." };
        command.Options.Add(rabbitmq);
        command.Options.Add(queue);
    }

    private static Uri BrokerUri(string? option) => option is not null
        ? new Uri(option)
        : (Environment.GetEnvironmentVariable("Messaging__RabbitMqUri") is { Length: > 0 } uri ? new Uri(uri) : new Uri("amqp://guest:guest@localhost:5672/"));

    private static IEnumerable<string> Queues(string? queue) =>
        queue is null ? ServiceQueues : [queue.EndsWith(ErrorSuffix, StringComparison.Ordinal) ? queue[..^ErrorSuffix.Length] : queue];
}
