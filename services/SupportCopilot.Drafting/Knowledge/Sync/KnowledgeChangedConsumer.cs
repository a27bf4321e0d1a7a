using System.Threading.Channels;
using MassTransit;
using SupportCopilot.Contracts;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// Asks for an index refresh whenever the knowledge base changed, wherever the change was made (this
/// instance, another one, <c>copilot kb</c>). Registered on a queue of this instance's own that
/// the broker deletes when the instance goes away, so that every instance receives every change
/// (fan-out), unlike the competing consumers of a service queue.
/// </summary>
internal sealed class KnowledgeChangedConsumer(KnowledgeIndexRefresher refresher) : IConsumer<KnowledgeChanged>
{
    public const string QueueName = DraftingService.Name + "-knowledge-changed";

    /// <summary>The endpoint: one queue per instance (<c>drafting-knowledge-changed-&lt;instance&gt;</c>), auto-deleted.</summary>
    public static void Register(IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);

        // Per registration, not static: two hosts in one process are two instances too. Random, not
        // NewId: NewId's leading characters are a timestamp, the same for instances started together.
        var instance = Guid.NewGuid().ToString("N")[..12];
        bus.AddConsumer<KnowledgeChangedConsumer>().Endpoint(endpoint =>
        {
            endpoint.Name = QueueName + "-" + instance;
            endpoint.Temporary = true;
        });
    }

    public Task Consume(ConsumeContext<KnowledgeChanged> context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Idempotent: a refresh reads the database as it is, so a redelivered event costs one more read.
        refresher.Request();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Coalesces refresh requests: however many changes arrive while a rebuild runs, one more rebuild
/// follows, and it reads the database as it is then. The index always converges on the database,
/// whatever order events arrive in.
/// </summary>
internal sealed class KnowledgeIndexRefresher
{
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public ChannelReader<bool> Requests => _requests.Reader;

    public void Request() => _requests.Writer.TryWrite(true);
}
