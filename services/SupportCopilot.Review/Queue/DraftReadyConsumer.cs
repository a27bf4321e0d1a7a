using MassTransit;
using SupportCopilot.Contracts;

namespace SupportCopilot.Review.Queue;

/// <summary>Queues every draft Drafting did not send on its own (queue <c>review-draft-ready</c>).</summary>
internal sealed class DraftReadyConsumer(EnqueueDraftHandler handler) : IConsumer<DraftReady>
{
    public Task Consume(ConsumeContext<DraftReady> context) =>
        handler.HandleAsync(context.Message, context.MessageId!.Value, context.CancellationToken);
}
