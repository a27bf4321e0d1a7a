using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Hosting;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

/// <summary>
/// The Drafting service on real Kestrel (free loopback port) as its Program wires it, against a
/// test database, with a bootstrap admin key and stand-in agent and ops keys.
/// </summary>
internal sealed class DraftingApp : IAsyncDisposable
{
    public const string AdminKey = "admin-key-for-tests";
    public const string OpsKey = "ops-key-for-tests";
    public const string AgentKey = "agent-key-for-tests";

    private readonly WebApplication _app;

    private DraftingApp(WebApplication app) => _app = app;

    public IServiceProvider Services => _app.Services;

    public Uri Address => new(_app.Urls.First());

    public DraftingDatabase Database => Services.GetRequiredService<DraftingDatabase>();

    public KnowledgeIndex Index => Services.GetRequiredService<KnowledgeIndex>();

    /// <param name="consumers">The bus registrations (default: all of Drafting's).</param>
    public static async Task<DraftingApp> StartAsync(TestDatabase database, IDictionary<string, string?>? settings = null, Action<MassTransit.IBusRegistrationConfigurator>? consumers = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var configuration = new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.Settings.Provider.ToString(),
            ["Database:DataDirectory"] = database.Settings.DataDirectory,
            ["Database:ConnectionString"] = database.Settings.ConnectionString,
            ["Auth:AdminApiKey"] = AdminKey,
            ["Outbox:PollInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddSingleton<IApiKeyStore>(new StandInKeys());
        builder.AddSupportCopilotDefaults("supportcopilot-drafting");
        builder.AddDraftingService();
        builder.Services.AddSupportCopilotMessaging(builder.Configuration, consumers ?? DraftingService.AddConsumers);
        var app = builder.Build();
        app.MapSupportCopilotDefaults();
        app.MapDraftingService();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var started = new DraftingApp(app);
        await started.Index.WaitUntilReadyAsync(TestContext.Current.CancellationToken);
        return started;
    }

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private sealed class StandInKeys : IApiKeyStore
    {
        public ValueTask<ApiKeyOwner?> FindAsync(string keyHash, CancellationToken cancellationToken) => ValueTask.FromResult(
            keyHash == ApiKeys.Hash(OpsKey) ? new ApiKeyOwner("ops", "Olu Ops", SupportCopilotRoles.Ops)
            : keyHash == ApiKeys.Hash(AgentKey) ? new ApiKeyOwner("agent", "Ana Agent", SupportCopilotRoles.Agent)
            : null);
    }
}
