using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SupportCopilot.Standalone;

/// <summary>
/// On first start, posts the sample tickets through the real webhook, as a helpdesk would, so
/// the review queue shows real drafts at once. A marker file in the data folder makes it once;
/// the webhook's own de-duplication would make a repeat harmless anyway.
/// </summary>
internal sealed partial class SampleTicketPoster(
    IConfiguration configuration,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<SampleTicketPoster> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var file = configuration["Standalone:SampleTickets"];
        var marker = Path.Combine(configuration["Database:DataDirectory"] ?? "data", ".sample-tickets-posted");
        if (!configuration.GetValue("Standalone:PostSampleTickets", true) || file is null || !File.Exists(file) || File.Exists(marker))
        {
            return;
        }

        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
        {
            return;
        }

        using var http = new HttpClient { BaseAddress = new Uri(address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)) };
        await using var stream = File.OpenRead(file);
        var tickets = await JsonSerializer.DeserializeAsync<List<JsonElement>>(stream, cancellationToken: stoppingToken) ?? [];
        var posted = 0;
        foreach (var ticket in tickets)
        {
            using var response = await http.PostAsJsonAsync("/api/webhooks/generic", ticket, stoppingToken);
            if (response.IsSuccessStatusCode)
            {
                posted++;
            }
            else
            {
                LogRejected((int)response.StatusCode, await response.Content.ReadAsStringAsync(stoppingToken));
            }
        }

        await File.WriteAllTextAsync(marker, DateTimeOffset.UtcNow.ToString("O"), stoppingToken);
        LogPosted(posted, address);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Posted {Count} sample tickets; open {Address}/review")]
    private partial void LogPosted(int count, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A sample ticket was refused with {Status}: {Problem}")]
    private partial void LogRejected(int status, string problem);
}
