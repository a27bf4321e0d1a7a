using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Standalone.Tests;

/// <summary>
/// Every endpoint of the standalone host, called anonymously and with an agent, an ops and an
/// admin key. The expected least role of each is written down here: an endpoint added without an
/// entry fails the test, so nobody ships an endpoint whose access nobody decided.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    private const string AdminKey = "sc_matrix-bootstrap-admin";

    /// <summary>Who may call it: anyone, or at least this role.</summary>
    private enum Least
    {
        Anyone,

        /// <summary>Open to anyone because the endpoint checks its own signature (webhooks): no role changes the answer.</summary>
        SignedByCaller,
        Agent,
        Ops,
        Admin,
    }

    private static readonly Dictionary<string, Least> Expected = new(StringComparer.Ordinal)
    {
        ["GET /"] = Least.Anyone,
        ["ANY /health/live"] = Least.Anyone,
        ["ANY /health/ready"] = Least.Anyone,
        ["GET /scalar/scalar.js"] = Least.Anyone,
        ["GET /scalar/scalar.aspnetcore.js"] = Least.Anyone,
        ["GET /scalar/favicon.svg"] = Least.Anyone,
        ["GET /openapi/{documentName}.json"] = Least.Anyone,
        ["GET /scalar/{documentName?}"] = Least.Anyone,
        ["GET /review/assets/review.css"] = Least.Anyone,
        ["GET /review/assets/review.js"] = Least.Anyone,

        ["POST /api/webhooks/generic"] = Least.SignedByCaller,
        ["POST /api/webhooks/zendesk"] = Least.SignedByCaller,
        ["POST /api/webhooks/freshdesk"] = Least.SignedByCaller,
        ["POST /api/webhooks/intercom"] = Least.SignedByCaller,
        ["POST /api/webhooks/helpscout"] = Least.SignedByCaller,
        ["POST /api/webhooks/chatwoot"] = Least.SignedByCaller,
        ["POST /api/webhooks/{connector}"] = Least.SignedByCaller,

        ["GET /api/tickets/{ticketId:guid}"] = Least.Agent,
        ["GET /api/replies/failed"] = Least.Agent,
        ["POST /api/replies/{draftId:guid}/retry"] = Least.Agent,

        // The knowledge base: agents read it, ops change it.
        ["GET /api/drafting/knowledge/search"] = Least.Agent,
        ["GET /api/drafting/knowledge/documents"] = Least.Agent,
        ["PUT /api/drafting/knowledge/documents/{**documentId}"] = Least.Ops,
        ["DELETE /api/drafting/knowledge/documents/{**documentId}"] = Least.Ops,
        ["POST /api/drafting/knowledge/imports"] = Least.Ops,
        ["GET /api/drafting/knowledge/answers"] = Least.Agent,
        ["DELETE /api/drafting/knowledge/answers/{draftId:guid}"] = Least.Ops,

        ["GET /api/review/queue/version"] = Least.Agent,
        ["GET /api/review/items"] = Least.Agent,
        ["GET /api/review/items/{draftId:guid}"] = Least.Agent,
        ["POST /api/review/items/{draftId:guid}/approve"] = Least.Agent,
        ["POST /api/review/items/{draftId:guid}/reject"] = Least.Agent,
        ["POST /api/review/items/{draftId:guid}/escalate"] = Least.Agent,
        ["POST /api/review/items/{draftId:guid}/clarify"] = Least.Agent,
        ["POST /api/review/items/{draftId:guid}/claim/"] = Least.Agent,
        ["DELETE /api/review/items/{draftId:guid}/claim/"] = Least.Agent,
        ["GET /api/review/failed-replies"] = Least.Agent,
        ["POST /api/review/failed-replies/{draftId:guid}/retry"] = Least.Agent,
        ["GET /api/review/exports/{format}"] = Least.Ops,
        ["GET /api/review/exports/{format}/manifest"] = Least.Ops,
        ["GET /api/admin/users"] = Least.Admin,
        ["POST /api/admin/users"] = Least.Admin,
        ["GET /api/admin/api-keys"] = Least.Admin,
        ["POST /api/admin/api-keys"] = Least.Admin,
        ["DELETE /api/admin/api-keys/{keyId:guid}"] = Least.Admin,
        ["GET /api/admin/audit"] = Least.Admin,

        ["PAGE /review"] = Least.Agent,
        ["PAGE /review/{draftId:guid}"] = Least.Agent,
        ["PAGE /review/failed"] = Least.Agent,
        ["PAGE /review/signin"] = Least.Anyone,
        ["PAGE /review/signout"] = Least.Agent,
        ["PAGE /review/denied"] = Least.Anyone,
        ["PAGE /review/metrics"] = Least.Ops,
        ["PAGE /review/admin"] = Least.Admin,
    };

    private static readonly string?[] Identities = [null, "agent", "ops", "admin"];

    [Fact]
    public async Task Every_endpoint_answers_each_role_as_the_matrix_says()
    {
        await using var host = await MatrixHost.StartAsync();
        var endpoints = host.Endpoints();

        var unlisted = endpoints.Select(e => e.Key).Where(k => !Expected.ContainsKey(k)).ToList();
        var stale = Expected.Keys.Where(k => endpoints.All(e => e.Key != k)).ToList();
        Assert.True(unlisted.Count == 0, "Endpoints without an expected entry in the matrix: " + string.Join(", ", unlisted));
        Assert.True(stale.Count == 0, "Matrix entries for endpoints that no longer exist: " + string.Join(", ", stale));

        var keys = await host.IssueKeysAsync();
        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var least = Expected[endpoint.Key];
            var statuses = new Dictionary<string, HttpStatusCode>();
            foreach (var identity in Identities)
            {
                var status = await host.CallAsync(endpoint, identity is null ? null : keys[identity]);
                statuses[identity ?? "anonymous"] = status;
                var expected = Verdict(least, identity);
                var ok = expected switch
                {
                    HttpStatusCode.OK => status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                    _ => status == expected,
                };
                if (least != Least.SignedByCaller && !ok)
                {
                    failures.Add($"{endpoint.Key} as {identity ?? "anonymous"}: expected {(expected == HttpStatusCode.OK ? "allowed" : ((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture))}, got {(int)status}");
                }
            }

            if (least == Least.SignedByCaller && statuses.Values.Distinct().Count() != 1)
            {
                failures.Add($"{endpoint.Key}: a role changed the answer of an endpoint that checks its own signature ({string.Join(", ", statuses.Select(s => s.Key + "=" + (int)s.Value))})");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task A_browser_without_a_session_is_sent_to_sign_in_and_an_api_client_gets_401()
    {
        await using var host = await MatrixHost.StartAsync();
        using var browser = host.NewClient();
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        var page = await browser.GetAsync(new Uri("/review/failed", UriKind.Relative), TestContext.Current.CancellationToken);
        var api = await host.NewClient().GetAsync(new Uri("/api/review/items", UriKind.Relative), TestContext.Current.CancellationToken);
        var wrongKey = await host.CallAsync(new MatrixEndpoint("GET /api/review/items", "GET", "/api/review/items", false), "sc_not-a-key");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/review/signin?returnUrl=%2Freview%2Ffailed", page.Headers.Location?.PathAndQuery);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once()
    {
        await using var host = await MatrixHost.StartAsync();
        var keys = await host.IssueKeysAsync();
        var items = new MatrixEndpoint("GET /api/review/items", "GET", "/api/review/items", false);
        var before = await host.CallAsync(items, keys["agent"]);

        await host.RevokeAsync(keys["agent"]);

        Assert.Equal(HttpStatusCode.OK, before);
        Assert.Equal(HttpStatusCode.Unauthorized, await host.CallAsync(items, keys["agent"]));
    }

    private static HttpStatusCode Verdict(Least least, string? identity)
    {
        if (least is Least.Anyone or Least.SignedByCaller)
        {
            return HttpStatusCode.OK;
        }

        if (identity is null)
        {
            return HttpStatusCode.Unauthorized;
        }

        var rank = Array.IndexOf(["agent", "ops", "admin"], identity);
        var needed = least switch { Least.Agent => 0, Least.Ops => 1, _ => 2 };
        return rank >= needed ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
    }

    internal sealed record MatrixEndpoint(string Key, string Method, string Path, bool IsPage);

    /// <summary>The standalone app as Program builds it, on a free port, with a database and data folder of its own.</summary>
    private sealed class MatrixHost : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly TestDatabase _database;
        private readonly Dictionary<string, Guid> _keyIds = new(StringComparer.Ordinal);

        private MatrixHost(WebApplication app, TestDatabase database)
        {
            _app = app;
            _database = database;
        }

        public static async Task<MatrixHost> StartAsync()
        {
            var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
            var app = StandaloneApp.Build(
                ["--no-sample-tickets"],
                builder =>
                {
                    builder.WebHost.UseUrls("http://127.0.0.1:0");
                    TestLogs.Configure(builder.Logging);
                    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                    {
                        ["Database:DataDirectory"] = database.Settings.DataDirectory,
                        ["Auth:AdminApiKey"] = AdminKey,
                        ["Review:FirstRunAdmin:Email"] = string.Empty,
                    });
                });
            await app.StartAsync(TestContext.Current.CancellationToken);
            return new MatrixHost(app, database);
        }

        public HttpClient NewClient() =>
            new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_app.Urls.First()) };

        /// <summary>Every routable endpoint as "METHOD /pattern" (Razor pages as "PAGE /pattern").</summary>
        public IReadOnlyList<MatrixEndpoint> Endpoints()
        {
            var sources = _app.Services.GetRequiredService<EndpointDataSource>();
            var found = new List<MatrixEndpoint>();
            foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
            {
                var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
                var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
                var isPage = endpoint.Metadata.Any(m => m.GetType().FullName == "Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor"
                                                        || m.GetType().Name == "PageRouteMetadata" || m.GetType().Name == "CompiledPageActionDescriptor");
                if (methods is null || methods.Count == 0)
                {
                    found.Add(new MatrixEndpoint((isPage ? "PAGE " : "ANY ") + pattern, "GET", Fill(pattern), isPage));
                    continue;
                }

                found.AddRange(methods.Where(m => m != "HEAD").Select(m => new MatrixEndpoint(m + " " + pattern, m, Fill(pattern), false)));
            }

            return [.. found.DistinctBy(e => e.Key)];
        }

        public async Task<Dictionary<string, string>> IssueKeysAsync()
        {
            var keys = new Dictionary<string, string>(StringComparer.Ordinal) { ["admin"] = AdminKey };
            using var admin = NewClient();
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            foreach (var role in new[] { "agent", "ops" })
            {
                var response = await admin.PostAsJsonAsync(
                    new Uri("/api/admin/api-keys", UriKind.Relative), new { name = role + " key", role }, TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                var issued = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
                keys[role] = issued.GetProperty("key").GetString()!;
                _keyIds[keys[role]] = issued.GetProperty("keyId").GetGuid();
            }

            return keys;
        }

        public async Task RevokeAsync(string key)
        {
            using var admin = NewClient();
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            var response = await admin.DeleteAsync(new Uri($"/api/admin/api-keys/{_keyIds[key]}", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        public async Task<HttpStatusCode> CallAsync(MatrixEndpoint endpoint, string? key)
        {
            using var client = NewClient();
            using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), new Uri(endpoint.Path, UriKind.Relative));
            if (key is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            if (endpoint.Method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            return response.StatusCode;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            await _database.DisposeAsync();
        }

        // Route values that match each constraint; the ids exist nowhere, which is fine: a 404 is past authorization.
        private static string Fill(string pattern) => System.Text.RegularExpressions.Regex.Replace(
            pattern,
            @"\{(\*\*)?(?<name>[A-Za-z]+)(?<constraint>:[^}]+)?\??\}",
            match => match.Groups["name"].Value switch
            {
                "format" => "sft",
                "connector" => "unknown",
                "documentName" => "v1",
                "path" => "index.html",
                _ => match.Groups["constraint"].Value.Contains("guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "x",
            });
    }
}
