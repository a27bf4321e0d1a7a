namespace SupportCopilot.Hosting;

public enum MessagingTransport
{
    InMemory,
    RabbitMq,
}

public sealed class MessagingSettings
{
    public const string SectionName = "Messaging";

    public MessagingTransport Transport { get; set; } = MessagingTransport.InMemory;

    /// <summary>amqp://user:password@host:port/vhost. A secret (it holds the password): never logged.</summary>
    public string RabbitMqUri { get; set; } = "amqp://guest:guest@localhost:5672/";

    /// <summary>How many unacknowledged messages the broker hands one consumer endpoint at a time.</summary>
    public int PrefetchCount { get; set; } = 16;

    /// <summary>
    /// How many messages one consumer endpoint works on at once; unset, as many as it prefetches.
    /// Fewer than the prefetch keeps the broker's hand-overs large while fewer consumers compete for
    /// the node's cores and the database.
    /// </summary>
    public int? ConcurrentMessageLimit { get; set; }

    /// <summary>Redeliveries in the consumer before a message goes to the endpoint's error queue.</summary>
    public int RetryLimit { get; set; } = 5;

    /// <summary>At shutdown, how long consumers still running may finish before they are cancelled (their messages then return to the queue).</summary>
    public TimeSpan ConsumerStopTimeout { get; set; } = TimeSpan.FromSeconds(15);

    internal static OptionsRules<MessagingSettings> Rules { get; } = new(
        (s => s.Transport == MessagingTransport.RabbitMq && !IsAmqpUri(s.RabbitMqUri),
            "Messaging:RabbitMqUri must be an absolute amqp:// or amqps:// URI when Messaging:Transport is RabbitMq."),
        (s => s.PrefetchCount is < 1 or > 10_000, "Messaging:PrefetchCount must be between 1 and 10000."),
        (s => s.ConcurrentMessageLimit is < 1 or > 10_000, "Messaging:ConcurrentMessageLimit must be between 1 and 10000 (or unset: as many as Messaging:PrefetchCount)."),
        (s => s.RetryLimit is < 0 or > 100, "Messaging:RetryLimit must be between 0 and 100."),
        (s => s.ConsumerStopTimeout <= TimeSpan.Zero, "Messaging:ConsumerStopTimeout must be positive."));

    // The value itself never appears in the message: it carries the broker password.
    private static bool IsAmqpUri(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps";
}
