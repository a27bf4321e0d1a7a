using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Hosting;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Intake.Tests;

/// <summary>What operators rely on: OpenAPI, options validation, secrets kept out of logs, migrations as a step, metrics.</summary>
public sealed class OperationsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_OpenAPI_document_lists_the_webhook_and_ticket_endpoints_and_Scalar_renders_it()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);

        var document = await host.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Token);
        using var scalar = await host.Http.GetAsync("/scalar", Token);

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/webhooks/generic", out var webhook));
        Assert.True(webhook.TryGetProperty("post", out _));
        Assert.True(paths.TryGetProperty("/api/tickets/{ticketId}", out var ticket));
        Assert.True(ticket.TryGetProperty("get", out _));
        Assert.Equal("supportcopilot-intake", document.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        Assert.Contains("text/html", scalar.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Database:Provider", "Postgres", "Database:ConnectionString is required when Database:Provider is Postgres")]
    [InlineData("Intake:Connectors:Generic:CallbackUrl", "/relative", "Intake:Connectors:Generic:CallbackUrl must be an absolute")]
    [InlineData("Intake:Connectors:Generic:ClaimDuration", "00:00:05", "Intake:Connectors:Generic:ClaimDuration must be longer")]
    [InlineData("Outbox:PollInterval", "00:00:00", "Outbox:PollInterval must be positive")]
    [InlineData("Messaging:PrefetchCount", "0", "Messaging:PrefetchCount must be between")]
    [InlineData("Messaging:ConcurrentMessageLimit", "0", "Messaging:ConcurrentMessageLimit must be between")]
    public async Task A_bad_setting_stops_the_service_at_start_naming_the_key(string key, string value, string message)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        TestLogs.Configure(builder.Logging);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:DataDirectory"] = Path.Combine(Path.GetTempPath(), "supportcopilot-tests", Guid.NewGuid().ToString("N")),
            ["Intake:Connectors:Generic:WebhookSecret"] = IntakeHost.GenericSecret,
            [key] = value,
        });
        builder.AddSupportCopilotDefaults("supportcopilot-intake");
        builder.AddIntakeService();
        builder.Services.AddSupportCopilotMessaging(builder.Configuration, IntakeService.AddConsumers);
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(Token));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_startup_log_never_contains_the_database_password()
    {
        const string password = "Sup3r-Secret-Pa55word";
        var logs = new InMemoryLogs();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var withPassword = new NpgsqlConnectionStringBuilder(database.Settings.ConnectionString) { Password = password }.ConnectionString;

        await using (var host = await IntakeHost.StartAsync(
            DatabaseProvider.Postgres,
            settings: new Dictionary<string, string?>
            {
                ["Database:ConnectionString"] = withPassword,
                ["Messaging:RabbitMqUri"] = $"amqp://guest:{password}@127.0.0.1:1/",
            },
            logs: logs))
        {
            using var ready = await host.Http.GetAsync("/health/ready", Token);
            using var accepted = await host.PostTicketAsync(Tickets.Valid("ZD-secret"));
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(password, logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consumer_logs_carry_the_ticket_id_and_the_trace_id()
    {
        var logs = new InMemoryLogs();
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite, logs: logs);
        using var accepted = await host.PostTicketAsync(Tickets.Valid("ZD-scoped"));
        var ticketId = (await accepted.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("ticketId").GetGuid();

        await host.Bus.Publish(new SendReply(NewId.NextGuid(), ticketId, "Hello", ReplyOrigin.Agent), Token);
        await host.Consumed.WaitForAsync<SendReply>(1);

        var delivered = Assert.Single(logs.Lines, l => l.Contains("Delivered the reply", StringComparison.Ordinal));
        Assert.Contains($"TicketId={ticketId}", delivered, StringComparison.Ordinal);
        Assert.Contains("TraceId=", delivered, StringComparison.Ordinal);
        var acceptedLine = Assert.Single(logs.Lines, l => l.Contains("Accepted ticket ZD-scoped", StringComparison.Ordinal));
        Assert.Contains($"TicketId={ticketId}", acceptedLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_MigrateOnStart_false_the_service_stays_unready_until_the_schema_is_migrated()
    {
        await using var host = await IntakeHost.StartAsync(
            DatabaseProvider.Sqlite, settings: new Dictionary<string, string?> { ["Database:MigrateOnStart"] = "false" });

        using (var before = await host.Http.GetAsync("/health/ready", Token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
            Assert.Contains("copilot db migrate --service intake", await before.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        }

        await Migrator.MigrateAsync(new IntakeDatabase(host.DatabaseSettings), IntakeMigrations.All, NullLogger.Instance, Token);

        await Eventually.MatchesAsync(
            async () => (await host.Http.GetAsync("/health/ready", Token)).StatusCode,
            status => status == HttpStatusCode.OK,
            what: "Readiness after the migration");
        using var accepted = await host.PostTicketAsync(Tickets.Valid("ZD-after-migrate"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [Fact]
    public async Task Received_tickets_and_delivered_replies_are_counted()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);
        using var metrics = new RecordedMetrics(host.Services.GetRequiredService<IMeterFactory>());

        using var first = await host.PostTicketAsync(Tickets.Valid("ZD-m1"));
        using var duplicate = await host.PostTicketAsync(Tickets.Valid("ZD-m1"));
        using var second = await host.PostTicketAsync(Tickets.Valid("ZD-m2"));
        var ticketId = (await first.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("ticketId").GetGuid();
        await host.Bus.Publish(new SendReply(NewId.NextGuid(), ticketId, "Reset it under Settings.", ReplyOrigin.Automatic), Token);
        await host.Consumed.WaitForAsync<SendReply>(1);

        Assert.Equal(2, metrics.Total("supportcopilot.tickets.received"));
        Assert.Equal(1, metrics.Total("supportcopilot.replies.delivered"));
    }
}
