using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SupportCopilot.Data;
using SupportCopilot.Hosting;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Decisions;
using SupportCopilot.Review.Queue;
using SupportCopilot.Testing;
using SupportCopilot.Hosting.Authentication;
using Xunit;

namespace SupportCopilot.Review.Tests.Exports;

public sealed class ExportEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-a-key", HttpStatusCode.Unauthorized)]
    [InlineData(ExportApp.AgentKey, HttpStatusCode.Forbidden)]
    [InlineData(ExportApp.OpsKey, HttpStatusCode.OK)]
    [InlineData(ExportApp.AdminKey, HttpStatusCode.OK)]
    public async Task Exports_need_the_ops_role(string? key, HttpStatusCode expected)
    {
        await using var app = await ExportApp.StartAsync(allow: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/review/exports/sft", UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        var response = await app.Client.SendAsync(request, Token);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_streamed_export_is_valid_and_hashes_to_what_its_manifest_says()
    {
        await using var app = await ExportApp.StartAsync(allow: true);
        await app.SeedAsync(12);

        var body = await app.Client.GetByteArrayAsync(new Uri("/api/review/exports/sft", UriKind.Relative), Token);
        var manifest = await app.Client.GetFromJsonAsync<JsonElement>(new Uri("/api/review/exports/sft/manifest", UriKind.Relative), Token);

        Assert.Equal(12, ExportSchemas.ReadJsonl(body, "sft").Count);
        Assert.True(manifest.GetProperty("valid").GetBoolean());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), manifest.GetProperty("files")[0].GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task One_side_of_a_split_downloads_alone()
    {
        await using var app = await ExportApp.StartAsync(allow: true);
        await app.SeedAsync(20);

        var train = await app.Client.GetByteArrayAsync(new Uri("/api/review/exports/eval?split=0.5&part=train", UriKind.Relative), Token);
        var validation = await app.Client.GetByteArrayAsync(new Uri("/api/review/exports/eval?split=0.5&part=validation", UriKind.Relative), Token);
        var manifest = await app.Client.GetFromJsonAsync<JsonElement>(new Uri("/api/review/exports/eval/manifest?split=0.5", UriKind.Relative), Token);

        Assert.Equal(20, ExportSchemas.ReadJsonl(train, "eval").Count + ExportSchemas.ReadJsonl(validation, "eval").Count);
        var files = manifest.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("part").GetString()!, f => f.GetProperty("sha256").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(train)), files["train"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(validation)), files["validation"]);
    }

    [Fact]
    public async Task Bad_query_values_are_named_in_a_validation_problem()
    {
        await using var app = await ExportApp.StartAsync(allow: true);

        var response = await app.Client.GetAsync(new Uri("/api/review/exports/xml?split=2&decision=maybe&since=yesterday", UriKind.Relative), Token);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "format", "split", "decision", "since" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }
    }

    /// <summary>The Review service in this process; with <c>allow</c> its client sends an ops key.</summary>
    private sealed class ExportApp : IAsyncDisposable
    {
        public const string AdminKey = "sc_export-tests-admin";
        public const string OpsKey = "sc_export-tests-ops";
        public const string AgentKey = "sc_export-tests-agent";

        private readonly TestDatabase _database;
        private readonly WebApplication _app;

        private ExportApp(TestDatabase database, WebApplication app, bool allow)
        {
            _database = database;
            _app = app;
            Client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            if (allow)
            {
                Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", OpsKey);
            }
        }

        public HttpClient Client { get; }

        public static async Task<ExportApp> StartAsync(bool allow)
        {
            var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = nameof(DatabaseProvider.Sqlite),
                ["Database:DataDirectory"] = database.Settings.DataDirectory,
                ["Auth:AdminApiKey"] = AdminKey,
            });
            builder.AddSupportCopilotDefaults("supportcopilot-review");
            builder.AddReviewService();
            builder.Services.AddSingleton<IApiKeyStore>(new FixedKeys());
            builder.Services.AddSupportCopilotMessaging(builder.Configuration, ReviewService.AddConsumers);
            var app = builder.Build();
            app.MapSupportCopilotDefaults();
            app.MapReviewService();
            await app.StartAsync(Token);
            return new ExportApp(database, app, allow);
        }

        public async Task SeedAsync(int approved)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var enqueue = scope.ServiceProvider.GetRequiredService<EnqueueDraftHandler>();
            var decide = scope.ServiceProvider.GetRequiredService<DecisionHandler>();
            for (var i = 0; i < approved; i++)
            {
                var draft = ExportSeed.Draft(i);
                await enqueue.HandleAsync(draft, Guid.NewGuid(), Token);
                await decide.ApproveAsync(draft.DraftId, new ApproveRequest("ana", null), Token);
            }

            Assert.NotNull(_app.Services.GetRequiredService<ReviewDatabase>());
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
            await _database.DisposeAsync();
        }
    }

    /// <summary>An ops and an agent key, as if an admin had issued them.</summary>
    private sealed class FixedKeys : IApiKeyStore
    {
        public ValueTask<ApiKeyOwner?> FindAsync(string keyHash, CancellationToken cancellationToken) =>
            ValueTask.FromResult(
                keyHash == ApiKeys.Hash(ExportApp.OpsKey) ? new ApiKeyOwner("ops", "ops key", SupportCopilotRoles.Ops)
                : keyHash == ApiKeys.Hash(ExportApp.AgentKey) ? new ApiKeyOwner("agent", "agent key", SupportCopilotRoles.Agent)
                : null);
    }
}
