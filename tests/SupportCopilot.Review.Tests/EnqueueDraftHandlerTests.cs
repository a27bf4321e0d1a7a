using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Review.Queue;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class EnqueueDraftHandlerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_draft_needing_review_is_queued_and_announced_through_the_outbox(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var draft = Drafts.NeedingReview();

        var queued = await new EnqueueDraftHandler(db.Database, db.Time).HandleAsync(draft, Guid.NewGuid(), Token);

        Assert.True(queued);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM review_items"));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM review_item_reasons"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM inbox_messages"));
        var announced = Assert.Single(await db.OutboxAsync<DraftQueuedForReview>());
        Assert.Equal(new DraftQueuedForReview(draft.DraftId, draft.Ticket.TicketId, db.Time.GetUtcNow()), announced);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_same_message_delivered_twice_is_queued_once(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var handler = new EnqueueDraftHandler(db.Database, db.Time);
        var draft = Drafts.NeedingReview();
        var messageId = Guid.NewGuid();

        Assert.True(await handler.HandleAsync(draft, messageId, Token));
        Assert.False(await handler.HandleAsync(draft, messageId, Token));

        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM review_items"));
        Assert.Equal(1L, await db.OutboxCountAsync());
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM inbox_messages"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_same_draft_in_a_second_message_is_queued_once(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var handler = new EnqueueDraftHandler(db.Database, db.Time);
        var draft = Drafts.NeedingReview();

        Assert.True(await handler.HandleAsync(draft, Guid.NewGuid(), Token));
        Assert.False(await handler.HandleAsync(draft, Guid.NewGuid(), Token));

        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM review_items"));
        Assert.Equal(1L, await db.OutboxCountAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_draft_sent_automatically_is_not_queued(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);

        var queued = await new EnqueueDraftHandler(db.Database, db.Time).HandleAsync(Drafts.NeedingReview(autoSend: true), Guid.NewGuid(), Token);

        Assert.False(queued);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM review_items"));
        Assert.Equal(0L, await db.OutboxCountAsync());
    }
}
