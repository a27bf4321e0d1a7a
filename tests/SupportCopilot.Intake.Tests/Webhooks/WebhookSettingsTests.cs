using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SupportCopilot.Data;
using SupportCopilot.Hosting;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Intake.Tests.Webhooks;

/// <summary>Which requests a connector's configuration lets in, and which configurations refuse to start.</summary>
public sealed class WebhookSettingsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Zendesk")]
    [InlineData("Freshdesk")]
    [InlineData("Intercom")]
    [InlineData("HelpScout")]
    [InlineData("Chatwoot")]
    [InlineData("Generic")]
    public async Task An_enabled_connector_without_a_secret_stops_the_service_at_start_naming_the_key(string section)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Intake:Connectors:Generic:WebhookSecret"] = section == "Generic" ? null : "generic-secret",
            [$"Intake:Connectors:{section}:Enabled"] = "true",
        };
        await using var app = Build(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(Token));

        Assert.Contains($"Intake:Connectors:{section}:WebhookSecret is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_enabled_connector_with_AllowUnsigned_starts_warns_and_takes_unsigned_requests()
    {
        var logs = new InMemoryLogs();
        await using var host = await IntakeHost.StartAsync(
            DatabaseProvider.Sqlite,
            settings: new Dictionary<string, string?>
            {
                ["Intake:Connectors:Chatwoot:Enabled"] = "true",
                ["Intake:Connectors:Chatwoot:AllowUnsigned"] = "true",
            },
            logs: logs);

        using var response = await host.Unsigned.SendAsync(Helpdesk.Chatwoot.Request(Helpdesk.Chatwoot.Payload(), secret: null), Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains(logs.Lines, l => l.Contains("chatwoot connector accepts UNSIGNED webhooks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Generic_unsigned_requests_from_loopback_are_accepted_with_the_loopback_opt_in_and_a_warning()
    {
        var logs = new InMemoryLogs();
        await using var host = await IntakeHost.StartAsync(
            DatabaseProvider.Sqlite,
            settings: new Dictionary<string, string?>
            {
                ["Intake:Connectors:Generic:WebhookSecret"] = null,
                ["Intake:Connectors:Generic:AllowUnsignedFromLoopback"] = "true",
            },
            logs: logs);

        using var response = await host.Unsigned.PostAsync("/api/webhooks/generic", Json(), Token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains(logs.Lines, l => l.Contains("accepts unsigned webhooks from loopback", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Generic_unsigned_requests_from_loopback_are_refused_without_the_loopback_opt_in()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);

        using var response = await host.Unsigned.PostAsync("/api/webhooks/generic", Json(), Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await host.ScalarAsync<int>("SELECT COUNT(*) FROM tickets"));
    }

    [Fact]
    public async Task A_request_forwarded_by_a_proxy_does_not_count_as_loopback()
    {
        await using var host = await IntakeHost.StartAsync(
            DatabaseProvider.Sqlite,
            settings: new Dictionary<string, string?> { ["Intake:Connectors:Generic:AllowUnsignedFromLoopback"] = "true" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/generic") { Content = Json() };
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");

        using var response = await host.Unsigned.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task With_the_loopback_opt_in_a_signed_request_with_a_wrong_signature_is_still_refused()
    {
        await using var host = await IntakeHost.StartAsync(
            DatabaseProvider.Sqlite,
            settings: new Dictionary<string, string?> { ["Intake:Connectors:Generic:AllowUnsignedFromLoopback"] = "true" });

        using var response = await host.Unsigned.SendAsync(
            Helpdesk.Generic.Request(Encoding.UTF8.GetBytes("""{"externalId":"x"}"""), secret: "wrong"), Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static StringContent Json() => new(
        """{"externalId":"LOOP-1","subject":"Hi","body":"How do I reset my password?","customer":{"email":"ana@example.com","name":"Ana"}}""",
        Encoding.UTF8,
        "application/json");

    private static WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        TestLogs.Configure(builder.Logging);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:DataDirectory"] = Path.Combine(Path.GetTempPath(), "supportcopilot-tests", Guid.NewGuid().ToString("N")),
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSupportCopilotDefaults("supportcopilot-intake");
        builder.AddIntakeService();
        builder.Services.AddSupportCopilotMessaging(builder.Configuration, IntakeService.AddConsumers);
        return builder.Build();
    }
}
