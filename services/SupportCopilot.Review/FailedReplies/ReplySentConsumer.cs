using MassTransit;
using SupportCopilot.Contracts;

namespace SupportCopilot.Review.FailedReplies;

/// <summary>Resolves a failed reply once Intake delivered it after all (queue <c>review-reply-sent</c>).</summary>
internal sealed class ReplySentConsumer(FailedReplyTracker tracker) : IConsumer<ReplySent>
{
    public Task Consume(ConsumeContext<ReplySent> context) => tracker.ResolveAsync(context.Message, context.CancellationToken);
}
