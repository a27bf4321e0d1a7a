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
using SupportCopilot.Intake.Connectors;
using SupportCopilot.Testing;

namespace SupportCopilot.Intake.Tests;

/// <summary>
/// The Intake service on a loopback port with a database of its own and the in-memory bus. The
/// generic connector has a secret, and <see cref="Http"/> signs every generic webhook it posts
/// (unless the test set the signature itself), as a configured helpdesk would;
/// <see cref="Unsigned"/> posts bodies exactly as given.
/// </summary>
internal sealed class IntakeHost : IAsyncDisposable
{
    public const string GenericSecret = "generic-test-secret";

    /// <summary>The bootstrap admin key; <see cref="Http"/> sends it, <see cref="Unsigned"/> does not.</summary>
    public const string AdminApiKey = "sc_intake-tests-admin";

    private readonly WebApplication _app;
    private readonly TestDatabase _database;

    private IntakeHost(WebApplication app, TestDatabase database, Uri address)
    {
        _app = app;
        _database = database;
        Address = address;
        Http = new HttpClient(new SignGenericWebhooks(app.Services.GetRequiredService<TimeProvider>())) { BaseAddress = address };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminApiKey);
        Unsigned = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    /// <summary>Signs generic webhooks with <see cref="GenericSecret"/> and calls the APIs with <see cref="AdminApiKey"/>.</summary>
    public HttpClient Http { get; }

    /// <summary>Sends requests as they are: no signature added.</summary>
    public HttpClient Unsigned { get; }

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
            ["Intake:Connectors:Generic:WebhookSecret"] = GenericSecret,
            ["Auth:AdminApiKey"] = AdminApiKey,
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
        var host = new IntakeHost(app, database, new Uri(address));
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

    /// <summary>PostgreSQL only: the host's database goes away (as in a server restart) until the handle is disposed.</summary>
    public Task<IAsyncDisposable> TakeDatabaseOfflineAsync() => _database.TakeOfflineAsync();

    /// <summary>The host's database settings (for migrating it from the outside).</summary>
    public DatabaseSettings DatabaseSettings => _database.Settings;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Unsigned.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>Signs a generic webhook the way GenericSignature documents, unless it already carries a signature.</summary>
    private sealed class SignGenericWebhooks(TimeProvider clock) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post
                && request.RequestUri?.AbsolutePath == "/api/webhooks/generic"
                && !request.Headers.Contains(GenericSignature.SignatureHeader)
                && request.Content is { } content)
            {
                var body = await content.ReadAsByteArrayAsync(cancellationToken);
                var signed = new ByteArrayContent(body);
                foreach (var header in content.Headers)
                {
                    signed.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
                request.Content = signed;
                request.Headers.Add(GenericSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.Add(GenericSignature.SignatureHeader, GenericSignature.Compute(GenericSecret, timestamp, body));
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
