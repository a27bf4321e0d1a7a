using MassTransit;
using SupportCopilot.Contracts;

namespace SupportCopilot.Review.FailedReplies;

/// <summary>Records every reply Intake could not deliver (queue <c>review-reply-failed</c>).</summary>
internal sealed class ReplyFailedConsumer(FailedReplyTracker tracker) : IConsumer<ReplyFailed>
{
    public Task Consume(ConsumeContext<ReplyFailed> context) =>
        tracker.RecordFailureAsync(context.Message, context.MessageId!.Value, context.CancellationToken);
}
