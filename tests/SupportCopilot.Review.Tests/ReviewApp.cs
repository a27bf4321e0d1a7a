using System.Net;
using Dapper;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Hosting;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Queue;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Review.Tests;

/// <summary>
/// The Review service running in this process on real Kestrel, on a free loopback port, with a
/// SQLite database of its own and the in-memory bus, wired the way a host wires it.
/// </summary>
internal sealed partial class ReviewApp : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly WebApplication _app;

    private ReviewApp(TestDatabase database, WebApplication app, Uri address)
    {
        _database = database;
        _app = app;
        Address = address;
        Client = NewClient();
    }

    public Uri Address { get; }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects on its own.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ReviewApp> StartAsync()
    {
        var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = nameof(DatabaseProvider.Sqlite),
            ["Database:DataDirectory"] = database.Settings.DataDirectory,
        });
        builder.AddSupportCopilotDefaults("supportcopilot-review");
        builder.AddReviewService();
        builder.Services.AddSupportCopilotMessaging(builder.Configuration, ReviewService.AddConsumers);

        var app = builder.Build();
        app.MapSupportCopilotDefaults();
        app.MapReviewService();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ReviewApp(database, app, new Uri(app.Urls.First()));
    }

    public HttpClient NewClient() => new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
    {
        BaseAddress = Address,
    };

    /// <summary>Queues a draft as the DraftReady consumer does.</summary>
    public async Task<DraftReady> EnqueueAsync(DraftReady? draft = null)
    {
        draft ??= Drafts.NeedingReview();
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<EnqueueDraftHandler>().HandleAsync(draft, Guid.NewGuid(), TestContext.Current.CancellationToken);
        return draft;
    }

    public ReviewDatabase Database => Services.GetRequiredService<ReviewDatabase>();

    public async Task<IReadOnlyList<CorrectionRow>> CorrectionsAsync()
    {
        await using var connection = await Database.OpenAsync(TestContext.Current.CancellationToken);
        var rows = await connection.QueryAsync<CorrectionRow>("""
            SELECT draft_id AS DraftId, final_text AS FinalText, decision AS Decision, reason AS Reason,
                   comment AS Comment, agent AS Agent
            FROM corrections
            """);
        return rows.AsList();
    }

    /// <summary>The antiforgery token of the first form on a page.</summary>
    public static string AntiforgeryToken(string html)
    {
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "The page has no antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"__RequestVerificationToken\"")]
    private static partial Regex TokenPattern();
}
