using System.Net.Http.Json;
using Dapper;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SupportCopilot.Data;
using SupportCopilot.Hosting;
using SupportCopilot.Testing;

namespace SupportCopilot.Intake.Tests;

/// <summary>The Intake service on a loopback port with a database of its own and the in-memory bus.</summary>
internal sealed class IntakeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestDatabase _database;

    private IntakeHost(WebApplication app, TestDatabase database, HttpClient http)
    {
        _app = app;
        _database = database;
        Http = http;
    }

    public HttpClient Http { get; }

    public IBus Bus => _app.Services.GetRequiredService<IBus>();

    /// <summary>What the host's consumers finished handling.</summary>
    public ConsumedMessages Consumed { get; } = new();

    public IServiceProvider Services => _app.Services;

    public static async Task<IntakeHost> StartAsync(
        DatabaseProvider provider, Uri? callbackUrl = null, IDictionary<string, string?>? settings = null, ILoggerProvider? logs = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        TestLogs.Configure(builder.Logging);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["Database:ConnectionString"] = database.Settings.ConnectionString,
            ["Database:DataDirectory"] = database.Settings.DataDirectory,
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Intake:Connectors:Generic:CallbackUrl"] = callbackUrl?.ToString(),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddSupportCopilotDefaults("supportcopilot-intake");
        builder.AddIntakeService();
        builder.Services.AddSupportCopilotMessaging(builder.Configuration, IntakeService.AddConsumers);
        var app = builder.Build();
        app.MapSupportCopilotDefaults();
        app.MapIntakeService();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var host = new IntakeHost(app, database, new HttpClient { BaseAddress = new Uri(address) });
        host.Bus.ConnectConsumeObserver(host.Consumed);
        return host;
    }

    public Task<HttpResponseMessage> PostTicketAsync(object ticket) => Http.PostAsJsonAsync("/api/webhooks/generic", ticket);

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        var database = _app.Services.GetRequiredService<IntakeDatabase>();
        await using var connection = await database.OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    /// <summary>The host's database settings (for migrating it from the outside).</summary>
    public DatabaseSettings DatabaseSettings => _database.Settings;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }
}
