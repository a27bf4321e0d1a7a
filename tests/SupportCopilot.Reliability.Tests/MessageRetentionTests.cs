using Dapper;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Reliability.Tests;

/// <summary>
/// The outbox and inbox tables do not grow without end: what is past its retention goes, and
/// nothing else does (an unsent row is work still to do, however old).
/// </summary>
public sealed class MessageRetentionTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Published_outbox_rows_and_inbox_records_past_their_retention_are_deleted_and_nothing_else(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        var database = await MigratedAsync(test);
        var now = DateTimeOffset.UtcNow;
        var oldSent = new[] { Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7() };
        var recentSent = Guid.CreateVersion7();
        var oldUnsent = Guid.CreateVersion7();
        foreach (var id in oldSent)
        {
            await AddOutboxRowAsync(database, id, createdAt: now.AddDays(-2), sentAt: now.AddDays(-2));
        }

        await AddOutboxRowAsync(database, recentSent, createdAt: now.AddHours(-1), sentAt: now.AddHours(-1));
        await AddOutboxRowAsync(database, oldUnsent, createdAt: now.AddDays(-30), sentAt: null);
        await AddInboxRecordAsync(database, Guid.CreateVersion7(), "first", now.AddDays(-15));
        await AddInboxRecordAsync(database, Guid.CreateVersion7(), "second", now.AddDays(-15));
        var recentInbox = Guid.CreateVersion7();
        await AddInboxRecordAsync(database, recentInbox, "first", now.AddDays(-13));

        // A batch of two: three old outbox rows take two DELETEs, which the purge must both run.
        var retention = Retention(database, new MessageRetentionSettings { BatchSize = 2 });
        var purged = await retention.PurgeAsync(now, TestContext.Current.CancellationToken);

        Assert.Equal(new PurgedMessages(SentOutboxMessages: 3, InboxRecords: 2), purged);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var outbox = (await connection.QueryAsync<Guid>("SELECT message_id FROM outbox_messages")).Order().ToList();
        Assert.Equal(new[] { recentSent, oldUnsent }.Order(), outbox);
        Assert.Equal([recentInbox], await connection.QueryAsync<Guid>("SELECT message_id FROM inbox_messages"));
        Assert.Equal(new PurgedMessages(0, 0), await retention.PurgeAsync(now, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_service_deletes_its_old_published_rows_on_its_own(DatabaseProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        using var host = Service(test, new() { ["Retention:Interval"] = "00:00:00.200" });
        await host.StartAsync(TestContext.Current.CancellationToken);
        var database = host.Services.GetRequiredService<RetainedDatabase>();
        var old = Guid.CreateVersion7();
        var recent = Guid.CreateVersion7();
        await AddOutboxRowAsync(database, old, createdAt: DateTimeOffset.UtcNow.AddDays(-3), sentAt: DateTimeOffset.UtcNow.AddDays(-3));
        await AddOutboxRowAsync(database, recent, createdAt: DateTimeOffset.UtcNow, sentAt: DateTimeOffset.UtcNow);

        await Eventually.MatchesAsync(
            async () =>
            {
                await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
                return (await connection.QueryAsync<Guid>("SELECT message_id FROM outbox_messages")).ToList();
            },
            left => left.Count == 1 && left[0] == recent,
            TimeSpan.FromSeconds(30),
            "only the recent published row left");
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("Retention:InboxRecords", "12:00:00")]
    [InlineData("Retention:SentOutboxMessages", "-00:01:00")]
    [InlineData("Retention:Interval", "00:00:00")]
    [InlineData("Retention:BatchSize", "0")]
    public async Task A_retention_setting_out_of_range_is_refused_at_start_by_name(string key, string value)
    {
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        using var host = Service(test, new() { [key] = value });

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
    }

    private static MessageRetention<RetainedDatabase> Retention(RetainedDatabase database, MessageRetentionSettings settings) => new(
        database,
        new SchemaGate<RetainedDatabase>(database, []),
        Options.Create(settings),
        TimeProvider.System,
        NullLogger<MessageRetention<RetainedDatabase>>.Instance);

    private static IHost Service(TestDatabase test, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = test.Settings.Provider.ToString(),
            ["Database:ConnectionString"] = test.Settings.ConnectionString,
            ["Database:DataDirectory"] = test.Settings.DataDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddServiceDatabase<RetainedDatabase>(builder.Configuration, []);
        builder.Services.AddMassTransitTestHarness();
        return builder.Build();
    }

    private static async Task<RetainedDatabase> MigratedAsync(TestDatabase test)
    {
        var database = new RetainedDatabase(test.Settings);
        await Migrator.MigrateAsync(database, [], NullLogger.Instance, TestContext.Current.CancellationToken);
        return database;
    }

    private static async Task AddOutboxRowAsync(ServiceDatabase database, Guid messageId, DateTimeOffset createdAt, DateTimeOffset? sentAt)
    {
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO outbox_messages (message_id, message_type, body, created_at, sent_at) VALUES (@MessageId, 'Test', '{}', @CreatedAt, @SentAt)",
            new { MessageId = messageId, CreatedAt = createdAt, SentAt = sentAt });
    }

    private static async Task AddInboxRecordAsync(ServiceDatabase database, Guid messageId, string consumer, DateTimeOffset consumedAt)
    {
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO inbox_messages (message_id, consumer, consumed_at) VALUES (@MessageId, @Consumer, @ConsumedAt)",
            new { MessageId = messageId, Consumer = consumer, ConsumedAt = consumedAt });
    }

    private sealed class RetainedDatabase(DatabaseSettings settings) : ServiceDatabase("retained", settings);
}
