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

    /// <summary>amqp://user:password@host:port/vhost</summary>
    public string RabbitMqUri { get; set; } = "amqp://guest:guest@localhost:5672/";

    /// <summary>How many messages one consumer endpoint works on at once.</summary>
    public int PrefetchCount { get; set; } = 16;

    /// <summary>Redeliveries in the consumer before a message goes to the endpoint's error queue.</summary>
    public int RetryLimit { get; set; } = 5;
}
