using Dapper;
using MassTransit;
using SupportCopilot.Contracts;
using SupportCopilot.Intake.Tickets;

namespace SupportCopilot.Intake.Lifecycle;

/// <summary>The draft waits for an agent: the ticket shows <c>in_review</c>.</summary>
internal sealed class DraftQueuedForReviewConsumer(IntakeDatabase database, TimeProvider clock) : IConsumer<DraftQueuedForReview>
{
    // One statement that only moves the status forward: a redelivery changes nothing, so it needs
    // neither an inbox row nor a transaction of its own (one round trip instead of two).
    public async Task Consume(ConsumeContext<DraftQueuedForReview> context)
    {
        await using var connection = await database.OpenAsync(context.CancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            TicketStatus.ToInReview,
            new { Now = clock.GetUtcNow(), context.Message.TicketId },
            cancellationToken: context.CancellationToken));
    }
}

/// <summary>An agent approved the draft: deliver the text they approved.</summary>
internal sealed class ReplyApprovedConsumer(IntakeDatabase database) : IConsumer<ReplyApproved>
{
    public async Task Consume(ConsumeContext<ReplyApproved> context)
    {
        var approved = context.Message;
        await using var transaction = await database.BeginAsync(context.CancellationToken);
        if (await transaction.TryConsumeAsync(context.MessageId!.Value, nameof(ReplyApprovedConsumer), context.CancellationToken))
        {
            await transaction.PublishAsync(
                new SendReply(approved.DraftId, approved.TicketId, approved.FinalText, ReplyOrigin.Agent),
                context.CancellationToken);
        }

        await transaction.CommitAsync(context.CancellationToken);
    }
}

/// <summary>An agent rejected the draft: nothing goes to the customer from us.</summary>
internal sealed class DraftRejectedConsumer(IntakeDatabase database, TimeProvider clock) : IConsumer<DraftRejected>
{
    public async Task Consume(ConsumeContext<DraftRejected> context)
    {
        await using var connection = await database.OpenAsync(context.CancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            TicketStatus.ToRejected,
            new { Now = clock.GetUtcNow(), context.Message.TicketId },
            cancellationToken: context.CancellationToken));
    }
}
