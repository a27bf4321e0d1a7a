using SupportCopilot.Data;
using SupportCopilot.Review.Decisions;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Items;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class ReviewItemQueriesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_queued_draft_reads_back_with_every_field(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var draft = await db.EnqueueAsync();

        var item = await new ReviewItemQueries(db.Database).FindAsync(draft.DraftId, Token);

        Assert.NotNull(item);
        Assert.Equal(draft.DraftId, item.DraftId);
        Assert.Equal(draft.Ticket.TicketId, item.TicketId);
        Assert.Equal("zendesk", item.Connector);
        Assert.Equal(draft.Ticket.ExternalId, item.ExternalId);
        Assert.Equal(draft.Ticket.Subject, item.Subject);
        Assert.Equal(draft.Ticket.Body, item.Body);
        Assert.Equal("jane@example.com", item.CustomerEmail);
        Assert.Equal("Jane Doe", item.CustomerName);
        Assert.Equal("en", item.Language);
        Assert.Equal(draft.Ticket.ReceivedAt, item.ReceivedAt);
        Assert.Equal(draft.Text, item.DraftText);
        Assert.Equal(draft.Citations, item.Citations);
        Assert.Equal(0.42, item.Confidence, 6);
        Assert.Equal(draft.Reasons, item.Reasons);
        Assert.Equal("offline", item.Drafter);
        Assert.Equal(db.Time.GetUtcNow(), item.QueuedAt);
        Assert.Equal(ReviewStatus.Pending, item.Status);
        Assert.Null(item.DecidedAt);
        Assert.Null(item.DecidedBy);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_unknown_draft_is_not_found(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);

        Assert.Null(await new ReviewItemQueries(db.Database).FindAsync(Guid.NewGuid(), Token));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_list_is_oldest_first_filtered_by_status_and_paged(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var first = await db.EnqueueAsync(Drafts.NeedingReview(subject: "first"));
        db.Time.Advance(TimeSpan.FromMinutes(1));
        var second = await db.EnqueueAsync(Drafts.NeedingReview(subject: "second"));
        db.Time.Advance(TimeSpan.FromMinutes(1));
        var third = await db.EnqueueAsync(Drafts.NeedingReview(subject: "third"));
        await new DecisionHandler(db.Database, db.Time).ApproveAsync(second.DraftId, new ApproveRequest("ana", null), Token);
        var queries = new ReviewItemQueries(db.Database);

        var pending = await queries.ListAsync(ReviewStatus.Pending, 10, 0, Token);
        var all = await queries.ListAsync(null, 10, 0, Token);
        var page = await queries.ListAsync(null, 1, 1, Token);
        var approved = await queries.ListAsync(ReviewStatus.Approved, 10, 0, Token);

        Assert.Equal([first.DraftId, third.DraftId], pending.Select(i => i.DraftId));
        Assert.Equal([first.DraftId, second.DraftId, third.DraftId], all.Select(i => i.DraftId));
        Assert.Equal([second.DraftId], page.Select(i => i.DraftId));
        Assert.Equal([second.DraftId], approved.Select(i => i.DraftId));
        Assert.Equal(2, await queries.CountPendingAsync(Token));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Recently_decided_lists_the_latest_decision_first(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var first = await db.EnqueueAsync();
        var second = await db.EnqueueAsync();
        await db.EnqueueAsync();
        var decisions = new DecisionHandler(db.Database, db.Time);
        await decisions.ApproveAsync(first.DraftId, new ApproveRequest("ana", null), Token);
        db.Time.Advance(TimeSpan.FromMinutes(2));
        await decisions.RejectAsync(second.DraftId, new RejectRequest("bo", RejectReasons.WrongAnswer, null), Token);

        var recent = await new ReviewItemQueries(db.Database).RecentlyDecidedAsync(10, Token);

        Assert.Equal([second.DraftId, first.DraftId], recent.Select(i => i.DraftId));
        Assert.Equal(ReviewStatus.Rejected, recent[0].Status);
        Assert.Equal("bo", recent[0].DecidedBy);
        Assert.Equal(db.Time.GetUtcNow(), recent[0].DecidedAt);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Migrations_applied_twice_change_nothing(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        await db.EnqueueAsync();

        await Migrator.MigrateAsync(db.Database, ReviewMigrations.All, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, Token);

        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM review_items"));
        Assert.Equal(
            (long)Migrator.AllFor(ReviewMigrations.All).Count,
            await db.ScalarAsync<long>("SELECT COUNT(DISTINCT version) FROM schema_migrations"));
    }
}
