using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Review.FailedReplies;
using SupportCopilot.Review.Queue;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class FailedReplyConsumersTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_published_ReplyFailed_is_recorded_once_even_when_delivered_twice(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        await using var services = BuildProvider(db);
        var harness = await StartAsync(services);
        var consumed = new ConsumedMessages();
        harness.Bus.ConnectConsumeObserver(consumed);
        var failure = Failures.Of();
        var messageId = NewId.NextGuid();

        await harness.Bus.Publish(failure, context => context.MessageId = messageId, Token);
        await consumed.WaitForAsync<ReplyFailed>(1);
        await new RetryFailedReplyHandler(db.Database, db.Time).RetryAsync(failure.DraftId, "ana", Token);
        await harness.Bus.Publish(failure, context => context.MessageId = messageId, Token);
        await consumed.WaitForAsync<ReplyFailed>(2);

        var handled = await harness.GetConsumerHarness<ReplyFailedConsumer>().Consumed.SelectAsync<ReplyFailed>(Token).FirstAsync(Token);
        Assert.Null(handled.Exception);
        Assert.EndsWith("/review-reply-failed", handled.Context.ReceiveContext.InputAddress.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM failed_replies"));
        Assert.Equal(FailedReplyStatus.RetryRequested, await db.ScalarAsync<string>("SELECT status FROM failed_replies"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_published_ReplySent_resolves_the_failed_reply_and_its_redelivery_changes_nothing(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        await using var services = BuildProvider(db);
        var harness = await StartAsync(services);
        var consumed = new ConsumedMessages();
        harness.Bus.ConnectConsumeObserver(consumed);
        var failure = Failures.Of();
        await new FailedReplyTracker(db.Database).RecordFailureAsync(failure, Guid.NewGuid(), Token);
        var sent = new ReplySent(failure.DraftId, failure.TicketId, ReplyOrigin.Agent, failure.FailedAt.AddMinutes(3));
        var messageId = NewId.NextGuid();

        await harness.Bus.Publish(sent, context => context.MessageId = messageId, Token);
        await harness.Bus.Publish(sent, context => context.MessageId = messageId, Token);
        await consumed.WaitForAsync<ReplySent>(2);

        var handled = await harness.GetConsumerHarness<ReplySentConsumer>().Consumed.SelectAsync<ReplySent>(Token).FirstAsync(Token);
        Assert.Null(handled.Exception);
        Assert.EndsWith("/review-reply-sent", handled.Context.ReceiveContext.InputAddress.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(FailedReplyStatus.Resolved, await db.ScalarAsync<string>("SELECT status FROM failed_replies"));
        Assert.Equal(sent.SentAt, await db.ScalarAsync<DateTimeOffset>("SELECT resolved_at FROM failed_replies"));
    }

    private static ServiceProvider BuildProvider(ReviewTestDatabase db) =>
        new ServiceCollection()
            .AddSingleton(db.Database)
            .AddSingleton<TimeProvider>(db.Time)
            .AddScoped<EnqueueDraftHandler>()
            .AddScoped<FailedReplyTracker>()
            .AddMassTransitTestHarness(bus => ReviewService.AddConsumers(bus))
            .BuildServiceProvider(validateScopes: true);

    private static async Task<ITestHarness> StartAsync(IServiceProvider provider)
    {
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return harness;
    }
}
