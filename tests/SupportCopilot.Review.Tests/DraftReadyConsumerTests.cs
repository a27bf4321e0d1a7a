using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Review.Queue;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class DraftReadyConsumerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_published_draft_needing_review_lands_in_the_queue()
    {
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var provider = BuildProvider(db);
        var harness = await StartAsync(provider);
        var draft = Drafts.NeedingReview();

        await harness.Bus.Publish(draft, Token);

        var consumed = await harness.GetConsumerHarness<DraftReadyConsumer>().Consumed.SelectAsync<DraftReady>(Token).FirstAsync(Token);
        Assert.Null(consumed.Exception);
        Assert.EndsWith("/review-draft-ready", consumed.Context.ReceiveContext.InputAddress.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(draft.DraftId, await db.ScalarAsync<Guid>("SELECT draft_id FROM review_items"));
        Assert.Single(await db.OutboxAsync<DraftQueuedForReview>());
    }

    [Fact]
    public async Task A_redelivered_message_is_queued_once()
    {
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var provider = BuildProvider(db);
        var harness = await StartAsync(provider);
        var draft = Drafts.NeedingReview();
        var messageId = NewId.NextGuid();
        // The harness lists a message id once, so count the deliveries with an observer of our own.
        var deliveries = new DeliveryCounter(2);
        harness.Bus.ConnectConsumeObserver(deliveries);

        await harness.Bus.Publish(draft, context => context.MessageId = messageId, Token);
        await harness.Bus.Publish(draft, context => context.MessageId = messageId, Token);

        await deliveries.Completed.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.Equal(0, deliveries.Faults);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM review_items"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM inbox_messages"));
        Assert.Single(await db.OutboxAsync<DraftQueuedForReview>());
    }

    [Fact]
    public async Task A_draft_sent_automatically_is_ignored()
    {
        await using var db = await ReviewTestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var provider = BuildProvider(db);
        var harness = await StartAsync(provider);

        await harness.Bus.Publish(Drafts.NeedingReview(autoSend: true), Token);

        Assert.True(await harness.GetConsumerHarness<DraftReadyConsumer>().Consumed.Any<DraftReady>(Token));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT COUNT(*) FROM review_items"));
        Assert.Equal(0L, await db.OutboxCountAsync());
    }

    private static ServiceProvider BuildProvider(ReviewTestDatabase db) =>
        new ServiceCollection()
            .AddSingleton(db.Database)
            .AddSingleton<TimeProvider>(db.Time)
            .AddScoped<EnqueueDraftHandler>()
            .AddMassTransitTestHarness(bus => ReviewService.AddConsumers(bus))
            .BuildServiceProvider(validateScopes: true);

    private static async Task<ITestHarness> StartAsync(IServiceProvider provider)
    {
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return harness;
    }

    /// <summary>Completes once the consumers finished the expected number of deliveries.</summary>
    private sealed class DeliveryCounter(int expected) : IConsumeObserver
    {
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;
        private int _faults;

        public Task Completed => _completed.Task;

        public int Faults => _faults;

        public Task PreConsume<T>(ConsumeContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context)
            where T : class => Count();

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
            where T : class
        {
            Interlocked.Increment(ref _faults);
            return Count();
        }

        private Task Count()
        {
            if (Interlocked.Increment(ref _count) >= expected)
            {
                _completed.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }
}
