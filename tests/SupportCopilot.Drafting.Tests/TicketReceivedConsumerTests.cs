using System.Text.Json;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Drafting.Drafts;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class TicketReceivedConsumerTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_ticket_is_drafted_once_stored_and_queued_for_publishing(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await KnowledgeImporterTests.MigratedAsync(test);
        using var index = SampleKnowledgeBase.Index();
        var consumer = new TicketReceivedConsumer(database, new DraftingPipeline(index, new DraftingOptions()));
        var ticket = SampleKnowledgeBase.Ticket("Hi,\n\nWhat is the API rate limit? Our script gets 429 errors.\n\nThanks,\nAna", subject: "API rate limit?");
        var messageId = Guid.NewGuid();
        var cancellationToken = TestContext.Current.CancellationToken;

        var draft = await consumer.HandleAsync(new TicketReceived(ticket), messageId, cancellationToken);
        var redelivered = await consumer.HandleAsync(new TicketReceived(ticket), messageId, cancellationToken);
        var sameTicketAgain = await consumer.HandleAsync(new TicketReceived(ticket), Guid.NewGuid(), cancellationToken);

        Assert.NotNull(draft);
        Assert.Null(redelivered);
        Assert.Null(sameTicketAgain);
        Assert.Equal("offline-extractive", draft.Drafter);
        Assert.Equal("integrations/api-tokens.md#rate-limits", draft.Citations[0].Source);

        await using var connection = await database.OpenAsync(cancellationToken);
        var stored = await connection.QuerySingleAsync<StoredDraft>(
            "SELECT draft_id AS DraftId, ticket_id AS TicketId, citations AS Citations, confidence AS Confidence, auto_send AS AutoSend, reasons AS Reasons, drafted_at AS DraftedAt FROM drafts");
        Assert.Equal(draft.DraftId, stored.DraftId);
        Assert.Equal(ticket.TicketId, stored.TicketId);
        Assert.Equal(draft.Confidence, stored.Confidence, 9);
        Assert.Equal(draft.AutoSend, stored.AutoSend);
        Assert.Equal(draft.DraftedAt.ToUnixTimeMilliseconds(), stored.DraftedAt.ToUnixTimeMilliseconds());
        Assert.Equal(draft.Citations[0].Source, JsonSerializer.Deserialize<JsonElement>(stored.Citations)[0].GetProperty("source").GetString());
        Assert.Equal(draft.Reasons, JsonSerializer.Deserialize<JsonElement>(stored.Reasons).EnumerateArray().Select(r => r.GetProperty("code").GetString()!));
        // The import at start leaves KnowledgeChanged rows too; only the draft counts here.
            Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM outbox_messages WHERE message_type = @Type", new { Type = typeof(DraftReady).FullName }));
        Assert.Equal(2L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox_messages"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Two_messages_for_one_ticket_drafted_at_once_leave_one_draft_and_neither_fails(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await KnowledgeImporterTests.MigratedAsync(test);
        using var index = SampleKnowledgeBase.Index();
        var consumer = new TicketReceivedConsumer(database, new DraftingPipeline(index, new DraftingOptions()));
        var ticket = SampleKnowledgeBase.Ticket("How do I reset my password? I forgot it.", subject: "Forgot my password");
        var cancellationToken = TestContext.Current.CancellationToken;

        var drafts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => consumer.HandleAsync(new TicketReceived(ticket), Guid.NewGuid(), cancellationToken), cancellationToken)));

        Assert.Single(drafts, d => d is not null);
        await using var connection = await database.OpenAsync(cancellationToken);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM drafts"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM outbox_messages WHERE message_type = @Type", new { Type = typeof(DraftReady).FullName }));
        Assert.Equal(4L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM inbox_messages"));
    }

    [Fact]
    public async Task Draft_ready_is_published_once_and_a_redelivered_ticket_publishes_nothing_more()
    {
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["Database:DataDirectory"] = test.Settings.DataDirectory,
            ["Drafting:KnowledgeBase:ImportFolder"] = SampleKnowledgeBase.Folder,
            ["Outbox:PollInterval"] = "00:00:00.100",
        });
        builder.AddDraftingService();
        builder.Services.AddMassTransitTestHarness(DraftingService.AddConsumers);
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var harness = host.Services.GetRequiredService<ITestHarness>();
            await harness.Start();
            var ticket = SampleKnowledgeBase.Ticket("How do I reset my password? I forgot it.", subject: "Forgot my password");
            var messageId = NewId.NextGuid();

            await harness.Bus.Publish(new TicketReceived(ticket), context => context.MessageId = messageId, TestContext.Current.CancellationToken);

            // The first draft waits for the index build, which on a busy machine can outlast the
            // harness's inactivity window; wait for the stored draft before asking for the message.
            var drafting = host.Services.GetRequiredService<DraftingDatabase>();
            await Eventually.MatchesAsync(
                async () =>
                {
                    await using var c = await drafting.OpenAsync(TestContext.Current.CancellationToken);
                    return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM drafts");
                },
                count => count == 1,
                TimeSpan.FromSeconds(60),
                "the ticket drafted");
            Assert.True(await harness.Published.Any<DraftReady>(m => m.Context.Message.Ticket.TicketId == ticket.TicketId));

            // The harness lists messages by id, so a redelivery is observed on the bus itself.
            var observer = new ConsumedTwice();
            using var observation = harness.Bus.ConnectConsumeMessageObserver(observer);
            await harness.Bus.Publish(new TicketReceived(ticket), context => context.MessageId = messageId, TestContext.Current.CancellationToken);
            await observer.Done.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            var database = host.Services.GetRequiredService<DraftingDatabase>();
            await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);

            // The start-up import queues KnowledgeChanged events beside the draft.
            Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox_messages WHERE message_type = @Type", new { Type = typeof(DraftReady).FullName }));
            Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM drafts"));
            Assert.Single(harness.Published.Select<DraftReady>());

            var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"), TestContext.Current.CancellationToken);
            Assert.Equal(HealthStatus.Healthy, health.Entries["knowledge-index"].Status);
        }
        finally
        {
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Completes once the consumer has finished with a TicketReceived (the redelivery).</summary>
    private sealed class ConsumedTwice : IConsumeMessageObserver<TicketReceived>
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Done => _done.Task;

        public Task PreConsume(ConsumeContext<TicketReceived> context) => Task.CompletedTask;

        public Task PostConsume(ConsumeContext<TicketReceived> context)
        {
            _done.TrySetResult();
            return Task.CompletedTask;
        }

        public Task ConsumeFault(ConsumeContext<TicketReceived> context, Exception exception)
        {
            _done.TrySetException(exception);
            return Task.CompletedTask;
        }
    }

    private sealed class StoredDraft
    {
        public Guid DraftId { get; set; }

        public Guid TicketId { get; set; }

        public string Citations { get; set; } = "";

        public double Confidence { get; set; }

        public bool AutoSend { get; set; }

        public string Reasons { get; set; } = "";

        public DateTimeOffset DraftedAt { get; set; }
    }
}
