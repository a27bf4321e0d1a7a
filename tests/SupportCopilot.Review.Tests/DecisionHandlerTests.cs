using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Review.Decisions;
using SupportCopilot.Review.Items;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class DecisionHandlerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Approving_sends_the_draft_as_it_is_and_records_the_correction(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var draft = await db.EnqueueAsync();
        db.Time.Advance(TimeSpan.FromSeconds(90));

        var result = await new DecisionHandler(db.Database, db.Time).ApproveAsync(draft.DraftId, new ApproveRequest(" ana ", null), Token);

        Assert.Equal(new DecisionResult(DecisionOutcome.Decided, draft.DraftId, ReviewStatus.Approved, db.Time.GetUtcNow(), "ana"), result);
        var correction = Assert.Single(await db.CorrectionsAsync());
        Assert.Equal(draft.DraftId, correction.DraftId);
        Assert.Equal(draft.Ticket.TicketId, correction.TicketId);
        Assert.Equal(draft.Text, correction.DraftText);
        Assert.Equal(draft.Text, correction.FinalText);
        Assert.Equal("approved", correction.Decision);
        Assert.Null(correction.Reason);
        Assert.Equal("ana", correction.Agent);
        Assert.Equal(90, correction.ReviewSeconds, 3);
        var approved = Assert.Single(await db.OutboxAsync<ReplyApproved>());
        Assert.Equal(new ReplyApproved(draft.DraftId, draft.Ticket.TicketId, draft.Text, false, "ana", db.Time.GetUtcNow()), approved);
        var item = await new ReviewItemQueries(db.Database).FindAsync(draft.DraftId, Token);
        Assert.Equal(ReviewStatus.Approved, item!.Status);
        Assert.Equal("ana", item.DecidedBy);
        Assert.Equal(db.Time.GetUtcNow(), item.DecidedAt);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Sending_a_different_text_is_an_edit(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var draft = await db.EnqueueAsync();
        const string edited = "Sorry! I have refunded the second charge; it shows within 5 business days.";

        var result = await new DecisionHandler(db.Database, db.Time).ApproveAsync(draft.DraftId, new ApproveRequest("ana", edited), Token);

        Assert.Equal(ReviewStatus.Edited, result.Decision);
        var correction = Assert.Single(await db.CorrectionsAsync());
        Assert.Equal("edited", correction.Decision);
        Assert.Equal(draft.Text, correction.DraftText);
        Assert.Equal(edited, correction.FinalText);
        var approved = Assert.Single(await db.OutboxAsync<ReplyApproved>());
        Assert.True(approved.Edited);
        Assert.Equal(edited, approved.FinalText);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_draft_posted_back_with_browser_line_ends_is_not_an_edit(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var draft = await db.EnqueueAsync(Drafts.NeedingReview(text: "Hello Jane,\n\nwe refund duplicates."));

        var result = await new DecisionHandler(db.Database, db.Time).ApproveAsync(
            draft.DraftId, new ApproveRequest("ana", "Hello Jane,\r\n\r\nwe refund duplicates.\r\n"), Token);

        Assert.Equal(ReviewStatus.Approved, result.Decision);
        Assert.False(Assert.Single(await db.OutboxAsync<ReplyApproved>()).Edited);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Rejecting_sends_nothing_and_keeps_the_reason(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var draft = await db.EnqueueAsync();

        var result = await new DecisionHandler(db.Database, db.Time).RejectAsync(
            draft.DraftId, new RejectRequest("bo", RejectReasons.Other, " customer is a reseller "), Token);

        Assert.Equal(ReviewStatus.Rejected, result.Decision);
        var correction = Assert.Single(await db.CorrectionsAsync());
        Assert.Equal("rejected", correction.Decision);
        Assert.Null(correction.FinalText);
        Assert.Equal("other", correction.Reason);
        Assert.Equal("customer is a reseller", correction.Comment);
        Assert.Empty(await db.OutboxAsync<ReplyApproved>());
        var rejected = Assert.Single(await db.OutboxAsync<DraftRejected>());
        Assert.Equal(new DraftRejected(draft.DraftId, draft.Ticket.TicketId, "other", "customer is a reseller", "bo", db.Time.GetUtcNow()), rejected);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_second_decision_conflicts_and_changes_nothing(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var draft = await db.EnqueueAsync();
        var handler = new DecisionHandler(db.Database, db.Time);
        await handler.ApproveAsync(draft.DraftId, new ApproveRequest("ana", null), Token);
        var outbox = await db.OutboxCountAsync();

        var second = await handler.RejectAsync(draft.DraftId, new RejectRequest("bo", RejectReasons.WrongAnswer, null), Token);

        Assert.Equal(DecisionOutcome.AlreadyDecided, second.Outcome);
        Assert.Equal(ReviewStatus.Approved, second.Decision);
        Assert.Equal("ana", second.DecidedBy);
        Assert.Single(await db.CorrectionsAsync());
        Assert.Equal(outbox, await db.OutboxCountAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Deciding_an_unknown_draft_is_not_found(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);

        var result = await new DecisionHandler(db.Database, db.Time).ApproveAsync(Guid.NewGuid(), new ApproveRequest("ana", null), Token);

        Assert.Equal(DecisionOutcome.NotFound, result.Outcome);
        Assert.Empty(await db.CorrectionsAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Of_two_agents_deciding_at_once_exactly_one_wins(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var drafts = new List<Contracts.DraftReady>();
        for (var i = 0; i < 10; i++)
        {
            drafts.Add(await db.EnqueueAsync());
        }

        var results = await Task.WhenAll(drafts.SelectMany(draft => new[]
        {
            Task.Run(() => new DecisionHandler(db.Database, db.Time).ApproveAsync(draft.DraftId, new ApproveRequest("ana", "Edited by ana."), Token), Token),
            Task.Run(() => new DecisionHandler(db.Database, db.Time).RejectAsync(draft.DraftId, new RejectRequest("bo", RejectReasons.WrongAnswer, null), Token), Token),
        }));

        foreach (var perDraft in results.GroupBy(r => r.DraftId))
        {
            Assert.Single(perDraft, r => r.Outcome == DecisionOutcome.Decided);
            var loser = Assert.Single(perDraft, r => r.Outcome == DecisionOutcome.AlreadyDecided);
            Assert.Equal(perDraft.Single(r => r.Outcome == DecisionOutcome.Decided).Decision, loser.Decision);
        }

        Assert.Equal(drafts.Count, (await db.CorrectionsAsync()).Count);
        Assert.Equal(drafts.Count, (await db.OutboxAsync<ReplyApproved>()).Count + (await db.OutboxAsync<DraftRejected>()).Count);
    }
}
