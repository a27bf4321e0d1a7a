using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Intake.Tests;

/// <summary>
/// On PostgreSQL the tickets of webhooks that arrive together are stored by one statement. These
/// tests send many at once to one writer, so that they do, and check each webhook's own outcome.
/// </summary>
public sealed class TicketBatchTests
{
    private const string BatchSize = "supportcopilot.tickets.batch_size";

    private static readonly Dictionary<string, string?> OneWriter = new() { ["Intake:Accept:ConcurrentBatches"] = "1" };

    [Fact]
    public async Task Webhooks_that_arrive_together_are_stored_together_each_once_with_its_own_message()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Postgres, settings: OneWriter);
        using var metrics = new RecordedMetrics(host.Services.GetRequiredService<IMeterFactory>());

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => host.PostTicketAsync(Tickets.Valid($"BATCH-{i}", $"Question {i}: how do I reset my password?"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        for (var i = 0; i < responses.Length; i++)
        {
            var ticketId = await TicketIdAsync(responses[i]);
            Assert.Equal($"BATCH-{i}", await host.ScalarAsync<string>("SELECT external_id FROM tickets WHERE ticket_id = @ticketId", new { ticketId }));
            Assert.Equal($"Question {i}: how do I reset my password?", await host.ScalarAsync<string>("SELECT body FROM tickets WHERE ticket_id = @ticketId", new { ticketId }));
        }

        Assert.Equal(200, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
        Assert.Equal(200, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages"));
        Assert.Equal(200, await host.ScalarAsync<int>(
            "SELECT COUNT(*) FROM tickets t WHERE (SELECT COUNT(*) FROM outbox_messages o WHERE o.body LIKE '%' || t.ticket_id::text || '%') = 1"));
        Assert.Equal(200, metrics.Total(BatchSize));
        Assert.True(metrics.Count(BatchSize) < 200, $"200 tickets took {metrics.Count(BatchSize)} statements: none was stored with another");
        await Eventually.MatchesAsync(
            () => host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NULL"), unsent => unsent == 0, what: "The outbox relay");
    }

    [Fact]
    public async Task Repeats_of_one_webhook_among_others_in_a_batch_give_one_ticket_and_one_message()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Postgres, settings: OneWriter);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => host.PostTicketAsync(Tickets.Valid(i % 2 == 0 ? "REPEATED" : $"ONCE-{i}"))));

        var repeats = responses.Where((_, i) => i % 2 == 0).ToList();
        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
        Assert.Single(repeats, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Single((await Task.WhenAll(repeats.Select(TicketIdAsync))).Distinct());
        Assert.Equal(21, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
        Assert.Equal(21, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages"));
    }

    [Fact]
    public async Task A_ticket_the_database_refuses_fails_its_own_webhook_and_not_the_others_in_its_batch()
    {
        var logs = new InMemoryLogs();
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Postgres, settings: OneWriter, logs: logs);
        await host.ScalarAsync<object>("""
            CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.external_id = 'POISON' THEN RAISE EXCEPTION 'this ticket is refused'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_poison BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION refuse_poison();
            """);

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => host.PostTicketAsync(Tickets.Valid(i == 30 ? "POISON" : $"FINE-{i}"))));

        Assert.Equal(HttpStatusCode.InternalServerError, responses[30].StatusCode);
        Assert.All(responses.Where((_, i) => i != 30), r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(59, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
        Assert.Equal(59, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages"));
        Assert.Contains("storing each on its own", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_batches_turned_off_every_webhook_stores_its_own_ticket()
    {
        await using var host = await IntakeHost.StartAsync(
            DatabaseProvider.Postgres, settings: new Dictionary<string, string?> { ["Intake:Accept:MaxBatchSize"] = "1" });
        using var metrics = new RecordedMetrics(host.Services.GetRequiredService<IMeterFactory>());

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => host.PostTicketAsync(Tickets.Valid($"ALONE-{i}"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(50, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
        Assert.Equal(50, await host.ScalarAsync<int>("SELECT COUNT(*) FROM outbox_messages"));
        Assert.Equal(0, metrics.Count(BatchSize));
    }

    [Theory]
    [InlineData("MaxBatchSize", "0")]
    [InlineData("MaxBatchSize", "1001")]
    [InlineData("ConcurrentBatches", "0")]
    public async Task An_out_of_range_batch_setting_stops_the_service_at_start_naming_the_key(string key, string value)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(
            () => IntakeHost.StartAsync(DatabaseProvider.Sqlite, settings: new Dictionary<string, string?> { [$"Intake:Accept:{key}"] = value }));

        Assert.Contains($"Intake:Accept:{key}", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<Guid> TicketIdAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticketId").GetGuid();
}
