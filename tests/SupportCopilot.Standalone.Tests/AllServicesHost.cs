using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Data;
using SupportCopilot.Drafting;
using SupportCopilot.Hosting;
using SupportCopilot.Intake;
using SupportCopilot.Review;
using SupportCopilot.Testing;

namespace SupportCopilot.Standalone.Tests;

/// <summary>All three services in this process, composed as the standalone host composes them: in-memory bus, SQLite.</summary>
internal sealed class AllServicesHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestDatabase _database;

    private AllServicesHost(WebApplication app, TestDatabase database)
    {
        _app = app;
        _database = database;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminApiKey);
    }

    public const string AdminApiKey = "sc_all-services-admin";

    /// <summary>Calls the host with the bootstrap admin key.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public ConsumedMessages Consumed { get; } = new();

    public static async Task<AllServicesHost> StartAsync()
    {
        var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        TestLogs.Configure(builder.Logging);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = nameof(DatabaseProvider.Sqlite),
            ["Database:DataDirectory"] = database.Settings.DataDirectory,
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Review:QueueDepthInterval"] = "00:00:00.100",
            ["Intake:Connectors:Generic:AllowUnsignedFromLoopback"] = "true",
            ["Auth:AdminApiKey"] = AdminApiKey,
        });
        builder.AddSupportCopilotDefaults("supportcopilot-standalone");
        builder.AddIntakeService();
        builder.AddDraftingService();
        builder.AddReviewService();
        builder.Services.AddSupportCopilotMessaging(
            builder.Configuration, IntakeService.AddConsumers, DraftingService.AddConsumers, ReviewService.AddConsumers);
        var app = builder.Build();
        app.MapSupportCopilotDefaults();
        app.MapIntakeService();
        app.MapDraftingService();
        app.MapReviewService();
        await app.StartAsync();
        var host = new AllServicesHost(app, database);
        app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(host.Consumed);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }
}
