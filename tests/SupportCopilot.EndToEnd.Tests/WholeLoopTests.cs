using System.Net;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.EndToEnd.Tests;

/// <summary>
/// The whole loop as users see it: a helpdesk posts tickets, one answer goes out on its own,
/// one waits for an agent, the agent approves it, and the helpdesk gets each reply once.
/// </summary>
public sealed class WholeLoopTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>The distributed Intake requires signed webhooks; the standalone one takes unsigned ones from loopback.</summary>
    private const string WebhookSecret = "e2e-generic-webhook-secret";

    private static readonly Dictionary<string, string?> SharedSettings = new()
    {
        ["Outbox__PollInterval"] = "00:00:00.250",
        ["Drafting__KnowledgeBase__ImportFolder"] = Path.Combine(
            ServiceProcess.RepositoryRoot, "services", "SupportCopilot.Standalone", "SampleData", "kb"),
        // The loop, not the calibration, is under test: a clear how-to question must auto-send,
        // and the guarded refund request must still go to review whatever its score.
        ["Drafting__AutoSendThreshold"] = "0.3",
    };

    [Fact]
    public async Task Three_service_processes_over_RabbitMQ_and_PostgreSQL_send_one_reply_per_ticket()
    {
        var rabbit = TestServers.RabbitMq;
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var helpdesk = await HelpdeskStandIn.StartAsync();
        var settings = new Dictionary<string, string?>(SharedSettings)
        {
            ["Database__Provider"] = "Postgres",
            ["Database__ConnectionString"] = database.Settings.ConnectionString,
            ["Messaging__Transport"] = "RabbitMq",
            ["Messaging__RabbitMqUri"] = rabbit,
            ["Intake__Connectors__Generic__CallbackUrl"] = helpdesk.CallbackUrl.ToString(),
            ["Intake__Connectors__Generic__WebhookSecret"] = WebhookSecret,
        };

        await using var intake = ServiceProcess.Start("SupportCopilot.Intake", settings);
        await using var drafting = ServiceProcess.Start("SupportCopilot.Drafting", settings);
        await using var review = ServiceProcess.Start("SupportCopilot.Review", settings);
        await Task.WhenAll(intake.WaitUntilReadyAsync(Patience), drafting.WaitUntilReadyAsync(Patience), review.WaitUntilReadyAsync(Patience));

        await RunTheLoopAsync(intake, review, helpdesk, WebhookSecret);
    }

    [Fact]
    public async Task The_standalone_process_runs_the_same_loop_on_SQLite_and_the_in_memory_bus()
    {
        await using var helpdesk = await HelpdeskStandIn.StartAsync();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "supportcopilot-e2e", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>(SharedSettings)
        {
            ["Database__DataDirectory"] = dataDirectory,
            ["Intake__Connectors__Generic__CallbackUrl"] = helpdesk.CallbackUrl.ToString(),
        };

        await using var standalone = ServiceProcess.Start("SupportCopilot.Standalone", settings, ["--no-sample-tickets"]);
        await standalone.WaitUntilReadyAsync(Patience);

        await RunTheLoopAsync(standalone, standalone, helpdesk);
    }

    [Fact]
    public async Task The_standalone_process_shows_drafts_of_the_sample_tickets_on_first_start()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "supportcopilot-e2e", Guid.NewGuid().ToString("N"));
        await using var standalone = ServiceProcess.Start(
            "SupportCopilot.Standalone", new Dictionary<string, string?> { ["Database__DataDirectory"] = dataDirectory });
        await standalone.WaitUntilReadyAsync(Patience);

        // The refund request is a guarded topic: whatever its confidence, it must wait for an agent.
        var pending = await Eventually.MatchesAsync(
            () => standalone.Http.GetFromJsonAsync<JsonElement>("/api/review/items?status=pending"),
            list => list.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("externalId").GetString() == "sample-1005"),
            Patience,
            "The sample refund request reaching the review queue");
        Assert.All(pending.GetProperty("items").EnumerateArray(), i => Assert.StartsWith("sample-", i.GetProperty("externalId").GetString(), StringComparison.Ordinal));
        var queue = await standalone.Http.GetStringAsync("/review");
        Assert.Contains("Refund please", queue, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dataDirectory, ".sample-tickets-posted")));
    }

    private static async Task RunTheLoopAsync(ServiceProcess intake, ServiceProcess review, HelpdeskStandIn helpdesk, string? secret = null)
    {
        var howTo = await PostAsync(intake, secret, new
        {
            externalId = "E2E-HOWTO-" + Guid.NewGuid().ToString("N")[..8],
            subject = "How do I reset my password?",
            body = "Hi there, I forgot my Quillstack password and cannot sign in. How do I reset my password? Thanks, Ana",
            customer = new { email = "ana@example.com", name = "Ana Lima" },
        });
        var refund = await PostAsync(intake, secret, new
        {
            externalId = "E2E-REFUND-" + Guid.NewGuid().ToString("N")[..8],
            subject = "Refund for my yearly plan",
            body = "Hello, I paid for the yearly Plus plan last week and I want a refund. Can I get my money back? Bo",
            customer = new { email = "bo@example.org", name = "Bo Berg" },
        });

        var sentOnItsOwn = await WaitForStatusAsync(intake, howTo, "auto_sent");
        var waiting = await WaitForStatusAsync(intake, refund, "in_review");
        await helpdesk.WaitForRepliesAsync(1, Patience);
        var autoDraftId = sentOnItsOwn.GetProperty("draft").GetProperty("draftId").GetString();
        Assert.Equal(autoDraftId, Assert.Single(helpdesk.Replies).IdempotencyKey);
        Assert.NotEmpty(sentOnItsOwn.GetProperty("draft").GetProperty("citations").EnumerateArray());
        Assert.Contains("#", sentOnItsOwn.GetProperty("draft").GetProperty("citations")[0].GetProperty("source").GetString(), StringComparison.Ordinal);

        var reviewDraftId = waiting.GetProperty("draft").GetProperty("draftId").GetString();
        using (var item = await review.Http.GetAsync($"/api/review/items/{reviewDraftId}"))
        {
            Assert.Equal(HttpStatusCode.OK, item.StatusCode);
        }

        using (var approve = await review.Http.PostAsJsonAsync($"/api/review/items/{reviewDraftId}/approve", new { agent = "e2e-agent" }))
        {
            Assert.True(approve.IsSuccessStatusCode, $"Approve answered {(int)approve.StatusCode}: {await approve.Content.ReadAsStringAsync()}");
        }

        var approved = await WaitForStatusAsync(intake, refund, "sent");
        await helpdesk.WaitForRepliesAsync(2, Patience);
        Assert.Equal(2, helpdesk.Replies.Count);
        Assert.Equal(new[] { autoDraftId, reviewDraftId }.Order(), helpdesk.Replies.Select(r => r.IdempotencyKey).Order());
        Assert.Equal(
            approved.GetProperty("draft").GetProperty("text").GetString(),
            approved.GetProperty("reply").GetProperty("text").GetString());

        using var again = await PostWebhookAsync(intake, secret, new
        {
            externalId = sentOnItsOwn.GetProperty("externalId").GetString(),
            subject = "How do I reset my password?",
            body = "Sent twice by the helpdesk.",
            customer = new { email = "ana@example.com", name = "Ana Lima" },
        });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(howTo, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticketId").GetGuid());
    }

    private static async Task<Guid> PostAsync(ServiceProcess intake, string? secret, object ticket)
    {
        using var response = await PostWebhookAsync(intake, secret, ticket);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{intake.Tail()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticketId").GetGuid();
    }

    /// <summary>
    /// Posts a generic webhook, signed when there is a secret: X-SupportCopilot-Signature is
    /// sha256= + hex HMAC-SHA256(secret, timestamp + "." + raw body), computed here from the
    /// documented scheme rather than with the service's own code.
    /// </summary>
    private static Task<HttpResponseMessage> PostWebhookAsync(ServiceProcess intake, string? secret, object ticket)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(ticket, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/generic") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (secret is not null)
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
            request.Headers.Add("X-SupportCopilot-Timestamp", timestamp);
            request.Headers.Add("X-SupportCopilot-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)));
        }

        return intake.Http.SendAsync(request);
    }

    private static async Task<JsonElement> WaitForStatusAsync(ServiceProcess intake, Guid ticketId, string status)
    {
        try
        {
            return await Eventually.MatchesAsync(
                () => intake.Http.GetFromJsonAsync<JsonElement>($"/api/tickets/{ticketId}"),
                // Intake records the draft and hears of the review queue from two different messages,
                // in either order, so "in_review" can show a moment before the draft does.
                ticket => ticket.GetProperty("status").GetString() == status && ticket.TryGetProperty("draft", out _),
                Patience,
                $"Ticket {ticketId} reaching {status} with its draft");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n--- {intake.Name} log ---\n{intake.Tail()}", ex);
        }
    }
}
