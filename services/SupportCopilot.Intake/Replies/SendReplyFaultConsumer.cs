using MassTransit;
using SupportCopilot.Contracts;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// The bus gave up on a <see cref="SendReply"/> (its last retry failed and the message went to
/// <c>intake-send-reply_error</c>): the delivery is marked <c>failed</c>, with the last error, so
/// that it shows in <c>GET /api/replies/failed</c> and can be retried, and <see cref="ReplyFailed"/>
/// goes out in the same transaction so that the review UI shows it too. Only a released delivery
/// (<c>pending</c>) is marked: one another attempt still holds, or one delivered meanwhile, is not.
/// That state check also makes a redelivered fault do nothing, so no inbox is needed.
/// </summary>
internal sealed partial class SendReplyFaultConsumer(
    IntakeDatabase database, TimeProvider clock, ILogger<SendReplyFaultConsumer> logger) : IConsumer<Fault<SendReply>>
{
    private const string MarkFailed = """
        UPDATE reply_deliveries SET status = 'failed', claimed_until = NULL, last_error = COALESCE(last_error, @Error)
        WHERE draft_id = @DraftId AND status = 'pending'
        """;

    public async Task Consume(ConsumeContext<Fault<SendReply>> context)
    {
        var reply = context.Message.Message;
        var error = context.Message.Exceptions.FirstOrDefault() is { } exception
            ? $"{exception.ExceptionType}: {exception.Message}"
            : "The bus gave up on the reply.";
        await using var transaction = await database.BeginAsync(context.CancellationToken);
        var marked = await transaction.ExecuteAsync(MarkFailed, new { reply.DraftId, Error = error }, context.CancellationToken);
        if (marked == 1)
        {
            await FailedReplies.AnnounceFailureAsync(transaction, reply.DraftId, clock.GetUtcNow(), context.CancellationToken);
        }

        await transaction.CommitAsync(context.CancellationToken);
        if (marked == 1)
        {
            LogGaveUp(reply.DraftId, reply.TicketId);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up delivering the reply for draft {DraftId} of ticket {TicketId}; it is marked failed")]
    private partial void LogGaveUp(Guid draftId, Guid ticketId);
}
