using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Reliability.Tests;

/// <summary>
/// The one-round-trip unit of work (a row and its message as one batch): the message is queued
/// exactly when the row is stored, and a failure in either statement leaves neither.
/// </summary>
public sealed class InsertAndPublishTests
{
    private const string InsertItem = "INSERT INTO items (item_id, item_key, body) VALUES (@ItemId, @ItemKey, @Body) ON CONFLICT (item_key) DO NOTHING";

    private const string StoredItem = "SELECT 1 FROM items WHERE item_id = @ItemId";

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static readonly Migration Items = new(
        1,
        "items",
        "CREATE TABLE items (item_id TEXT PRIMARY KEY, item_key TEXT NOT NULL UNIQUE, body TEXT NOT NULL);",
        "CREATE TABLE items (item_id uuid PRIMARY KEY, item_key text NOT NULL UNIQUE, body text NOT NULL);");

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_stored_row_queues_its_message_and_a_conflicting_one_queues_nothing(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);
        var first = Guid.CreateVersion7();
        var again = Guid.CreateVersion7();

        var stored = await database.InsertAndPublishAsync(InsertItem, StoredItem, new { ItemId = first, ItemKey = "k", Body = "the first body" }, Message(first), TestContext.Current.CancellationToken);
        var storedAgain = await database.InsertAndPublishAsync(InsertItem, StoredItem, new { ItemId = again, ItemKey = "k", Body = "another body" }, Message(again), TestContext.Current.CancellationToken);

        Assert.True(stored);
        Assert.False(storedAgain);
        var (items, queued) = await CountsAsync(database);
        Assert.Equal(1, items);
        Assert.Equal([first], queued);

        // The row keeps its own Body: the message's body is a parameter of another name.
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal("the first body", await connection.ExecuteScalarAsync<string>("SELECT body FROM items"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task When_the_message_cannot_be_queued_the_row_is_not_stored_either(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);
        var item = Guid.CreateVersion7();

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => database.InsertAndPublishAsync(
            InsertItem, "SELECT 1 FROM no_such_table", new { ItemId = item, ItemKey = "k", Body = "a body" }, Message(item), TestContext.Current.CancellationToken));

        var (items, queued) = await CountsAsync(database);
        Assert.Equal(0, items);
        Assert.Empty(queued);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_consumed_message_is_recorded_with_the_row_and_its_redelivery_stores_and_queues_nothing(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);
        var handled = new ConsumedMessage(Guid.NewGuid(), "items-consumer");
        var first = Guid.CreateVersion7();
        var redelivered = Guid.CreateVersion7();
        var other = new ConsumedMessage(Guid.NewGuid(), "items-consumer");
        var otherItem = Guid.CreateVersion7();

        var stored = await database.InsertAndPublishAsync(
            InsertItem, StoredItem, new { ItemId = first, ItemKey = "k", Body = "b" }, Message(first), handled, TestContext.Current.CancellationToken);
        var storedOnRedelivery = await database.InsertAndPublishAsync(
            InsertItem, StoredItem, new { ItemId = redelivered, ItemKey = "k", Body = "b" }, Message(redelivered), handled, TestContext.Current.CancellationToken);
        var storedForOtherMessage = await database.InsertAndPublishAsync(
            InsertItem, StoredItem, new { ItemId = otherItem, ItemKey = "k", Body = "b" }, Message(otherItem), other, TestContext.Current.CancellationToken);

        Assert.True(stored);
        Assert.False(storedOnRedelivery);
        Assert.False(storedForOtherMessage);
        var (items, queued) = await CountsAsync(database);
        Assert.Equal(1, items);
        Assert.Equal([first], queued);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var inbox = (await connection.QueryAsync<Guid>("SELECT message_id FROM inbox_messages WHERE consumer = 'items-consumer'")).Order().ToList();
        Assert.Equal(new[] { handled.MessageId, other.MessageId }.Order(), inbox);
    }

    [Fact]
    public async Task Five_concurrent_inserts_of_one_key_store_one_row_and_queue_one_message()
    {
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var database = await MigratedAsync(test);
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.CreateVersion7()).ToList();

        var stored = await Task.WhenAll(ids.Select(id => Task.Run(
            () => database.InsertAndPublishAsync(InsertItem, StoredItem, new { ItemId = id, ItemKey = "same", Body = "a body" }, Message(id), TestContext.Current.CancellationToken))));

        var winner = Assert.Single(ids.Where((_, i) => stored[i]));
        var (items, queued) = await CountsAsync(database);
        Assert.Equal(1, items);
        Assert.Equal([winner], queued);
    }

    private static async Task<ItemsDatabase> MigratedAsync(TestDatabase test)
    {
        var database = new ItemsDatabase(test.Settings);
        await Migrator.MigrateAsync(database, [Items], NullLogger.Instance, TestContext.Current.CancellationToken);
        return database;
    }

    private static async Task<(long Items, List<Guid> Queued)> CountsAsync(ServiceDatabase database)
    {
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var items = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM items");
        var bodies = await connection.QueryAsync<string>("SELECT body FROM outbox_messages");
        var queued = bodies
            .Select(body => System.Text.Json.JsonSerializer.Deserialize<TicketReceived>(body, Json)!.Ticket.TicketId)
            .ToList();
        return (items, queued);
    }

    private static TicketReceived Message(Guid id) => new(
        new TicketContent(id, "generic", "item-" + id, "Subject", "Body", new Customer("c@example.com", "C"), "en", DateTimeOffset.UtcNow));

    private sealed class ItemsDatabase(DatabaseSettings settings) : ServiceDatabase("items", settings);
}
