using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Review.FailedReplies;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class FailedReplyTrackerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_failed_reply_is_recorded_with_its_connector_error_and_time(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var failure = Failures.Of(connector: "freshdesk", error: "422 Unprocessable Entity");

        Assert.True(await new FailedReplyTracker(db.Database).RecordFailureAsync(failure, Guid.NewGuid(), Token));

        var reply = Assert.Single(await new FailedReplyQueries(db.Database).ListOpenAsync(10, Token));
        Assert.Equal(failure.DraftId, reply.DraftId);
        Assert.Equal(failure.TicketId, reply.TicketId);
        Assert.Equal("freshdesk", reply.Connector);
        Assert.Equal("422 Unprocessable Entity", reply.Error);
        Assert.Equal(failure.FailedAt, reply.FailedAt);
        Assert.Equal(FailedReplyStatus.Failed, reply.Status);
        Assert.Null(reply.Subject);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_redelivered_ReplyFailed_does_not_undo_a_retry_request(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var tracker = new FailedReplyTracker(db.Database);
        var failure = Failures.Of();
        var messageId = Guid.NewGuid();
        await tracker.RecordFailureAsync(failure, messageId, Token);
        await new RetryFailedReplyHandler(db.Database, db.Time).RetryAsync(failure.DraftId, "ana", Token);

        Assert.False(await tracker.RecordFailureAsync(failure, messageId, Token));

        Assert.Equal(FailedReplyStatus.RetryRequested, await db.ScalarAsync<string>("SELECT status FROM failed_replies"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM failed_replies"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM inbox_messages WHERE consumer = 'review-reply-failed'"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_failure_after_a_retry_sets_the_reply_back_to_failed_with_the_new_error(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var tracker = new FailedReplyTracker(db.Database);
        var first = Failures.Of(error: "503 first");
        await tracker.RecordFailureAsync(first, Guid.NewGuid(), Token);
        await new RetryFailedReplyHandler(db.Database, db.Time).RetryAsync(first.DraftId, "ana", Token);

        var again = first with { Error = "401 second", FailedAt = first.FailedAt.AddMinutes(5) };
        Assert.True(await tracker.RecordFailureAsync(again, Guid.NewGuid(), Token));

        var reply = (await new FailedReplyQueries(db.Database).FindAsync(first.DraftId, Token))!;
        Assert.Equal(FailedReplyStatus.Failed, reply.Status);
        Assert.Equal("401 second", reply.Error);
        Assert.Equal(again.FailedAt, reply.FailedAt);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_older_failure_arriving_late_keeps_the_newer_error(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var tracker = new FailedReplyTracker(db.Database);
        var newer = Failures.Of(error: "newer", failedAt: new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero));
        await tracker.RecordFailureAsync(newer, Guid.NewGuid(), Token);

        Assert.False(await tracker.RecordFailureAsync(newer with { Error = "older", FailedAt = newer.FailedAt.AddHours(-1) }, Guid.NewGuid(), Token));

        Assert.Equal("newer", await db.ScalarAsync<string>("SELECT error FROM failed_replies"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_sent_reply_resolves_its_failure_once_and_stays_resolved(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var tracker = new FailedReplyTracker(db.Database);
        var failure = Failures.Of();
        await tracker.RecordFailureAsync(failure, Guid.NewGuid(), Token);
        var sent = new ReplySent(failure.DraftId, failure.TicketId, ReplyOrigin.Agent, failure.FailedAt.AddMinutes(10));

        Assert.True(await tracker.ResolveAsync(sent, Token));
        Assert.False(await tracker.ResolveAsync(sent, Token));
        Assert.False(await tracker.RecordFailureAsync(failure with { FailedAt = sent.SentAt.AddMinutes(1) }, Guid.NewGuid(), Token));

        var reply = (await new FailedReplyQueries(db.Database).FindAsync(failure.DraftId, Token))!;
        Assert.Equal(FailedReplyStatus.Resolved, reply.Status);
        Assert.Equal(sent.SentAt, reply.ResolvedAt);
        Assert.Empty(await new FailedReplyQueries(db.Database).ListOpenAsync(10, Token));
        Assert.Equal(0, await new FailedReplyQueries(db.Database).CountFailedAsync(Token));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_sent_reply_that_never_failed_is_not_listed(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);

        Assert.False(await new FailedReplyTracker(db.Database).ResolveAsync(
            new ReplySent(Guid.NewGuid(), Guid.NewGuid(), ReplyOrigin.Automatic, db.Time.GetUtcNow()), Token));

        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM failed_replies"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_failure_that_arrives_after_the_reply_was_sent_is_ignored(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var tracker = new FailedReplyTracker(db.Database);
        var failure = Failures.Of();

        await tracker.ResolveAsync(new ReplySent(failure.DraftId, failure.TicketId, ReplyOrigin.Automatic, failure.FailedAt.AddMinutes(5)), Token);
        Assert.False(await tracker.RecordFailureAsync(failure, Guid.NewGuid(), Token));

        Assert.Empty(await new FailedReplyQueries(db.Database).ListOpenAsync(10, Token));
        Assert.Equal(0, await new FailedReplyQueries(db.Database).CountFailedAsync(Token));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Failed_replies_list_newest_first_with_the_subject_when_the_draft_was_reviewed(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var tracker = new FailedReplyTracker(db.Database);
        var reviewed = await db.EnqueueAsync(Drafts.NeedingReview(subject: "Refund please"));
        var older = Failures.Of(reviewed, failedAt: new DateTimeOffset(2025, 3, 4, 9, 0, 0, TimeSpan.Zero));
        var newer = Failures.Of(failedAt: new DateTimeOffset(2025, 3, 4, 11, 0, 0, TimeSpan.Zero));
        await tracker.RecordFailureAsync(older, Guid.NewGuid(), Token);
        await tracker.RecordFailureAsync(newer, Guid.NewGuid(), Token);

        var replies = await new FailedReplyQueries(db.Database).ListOpenAsync(10, Token);

        Assert.Equal([newer.DraftId, older.DraftId], replies.Select(r => r.DraftId));
        Assert.Null(replies[0].Subject);
        Assert.Equal("Refund please", replies[1].Subject);
        Assert.Equal(2, await new FailedReplyQueries(db.Database).CountFailedAsync(Token));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_retry_is_recorded_and_queued_through_the_outbox_once(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var failure = Failures.Of();
        await new FailedReplyTracker(db.Database).RecordFailureAsync(failure, Guid.NewGuid(), Token);
        var handler = new RetryFailedReplyHandler(db.Database, db.Time);

        var first = await handler.RetryAsync(failure.DraftId, "ana", Token);
        var second = await handler.RetryAsync(failure.DraftId, "ben", Token);

        Assert.Equal(RetryOutcome.Requested, first.Outcome);
        Assert.Equal(RetryOutcome.NotFailed, second.Outcome);
        Assert.Equal("ana", second.RequestedBy);
        var requested = Assert.Single(await db.OutboxAsync<ReplyRetryRequested>());
        Assert.Equal(new ReplyRetryRequested(failure.DraftId, "ana", db.Time.GetUtcNow()), requested);
        var reply = (await new FailedReplyQueries(db.Database).FindAsync(failure.DraftId, Token))!;
        Assert.Equal(FailedReplyStatus.RetryRequested, reply.Status);
        Assert.Equal("ana", reply.RetryRequestedBy);
        Assert.Equal(db.Time.GetUtcNow(), reply.RetryRequestedAt);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_retry_of_an_unknown_reply_is_not_found_and_queues_nothing(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);

        var result = await new RetryFailedReplyHandler(db.Database, db.Time).RetryAsync(Guid.NewGuid(), "ana", Token);

        Assert.Equal(RetryOutcome.NotFound, result.Outcome);
        Assert.Equal(0L, await db.OutboxCountAsync());
    }
}
