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

    public const string AdminApiKey = "sc_test-bootstrap-admin-key";
    public const string Password = "correct horse battery staple";
    public const string AgentEmail = "agent@example.com";

    private ReviewApp(TestDatabase database, WebApplication app, Uri address)
    {
        _database = database;
        _app = app;
        Address = address;
        Client = NewClient();
    }

    /// <summary>The account each role signs in with (created on start, password <see cref="Password"/>).</summary>
    public static string EmailOf(string role) => role + "@example.com";

    public Uri Address { get; }

    /// <summary>A browser-like client signed in as the agent <see cref="AgentEmail"/>: keeps cookies, does not follow redirects on its own.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ReviewApp> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = nameof(DatabaseProvider.Sqlite),
            ["Database:DataDirectory"] = database.Settings.DataDirectory,
            ["Auth:AdminApiKey"] = AdminApiKey,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddSupportCopilotDefaults("supportcopilot-review");
        builder.AddReviewService();
        builder.Services.AddSupportCopilotMessaging(builder.Configuration, ReviewService.AddConsumers);

        var app = builder.Build();
        app.MapSupportCopilotDefaults();
        app.MapReviewService();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var started = new ReviewApp(database, app, new Uri(app.Urls.First()));
        await started.CreateAccountsAsync();
        await started.SignInAsync(started.Client, AgentEmail);
        return started;
    }

    /// <summary>A new browser-like client signed in with the account of <paramref name="role"/>.</summary>
    public async Task<HttpClient> SignedInClientAsync(string role)
    {
        var client = NewClient();
        await SignInAsync(client, EmailOf(role));
        return client;
    }

    /// <summary>A client that sends <c>Authorization: Bearer</c> with <paramref name="key"/> (the bootstrap admin key by default).</summary>
    public HttpClient ApiClient(string key = AdminApiKey)
    {
        var client = NewClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Signs in through the sign-in page as a browser does: fetch the form, post it with its antiforgery token.</summary>
    public async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password = Password)
    {
        var token = TestContext.Current.CancellationToken;
        var form = await client.GetStringAsync(new Uri("/review/signin", UriKind.Relative), token);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = password,
            ["__RequestVerificationToken"] = AntiforgeryToken(form),
        });
        var response = await client.PostAsync(new Uri("/review/signin", UriKind.Relative), content, token);
        return response;
    }

    private async Task CreateAccountsAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Accounts.UserAccounts>();
        foreach (var role in Hosting.Authentication.SupportCopilotRoles.All)
        {
            await users.CreateAsync(EmailOf(role), role, Password, "test", TestContext.Current.CancellationToken);
        }
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
                   comment AS Comment, agent AS Agent, action AS Action
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
