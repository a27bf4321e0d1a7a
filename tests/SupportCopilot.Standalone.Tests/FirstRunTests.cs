using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Standalone.Tests;

/// <summary>The first command of the README must end in a system a new user can sign in to.</summary>
public sealed partial class FirstRunTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_first_run_creates_an_admin_whose_printed_password_signs_in_and_a_second_run_creates_none()
    {
        var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var _ = database;
        var passwordFile = Path.Combine(database.Settings.DataDirectory!, "first-run-admin.txt");

        await using (var first = await StartAsync(database, passwordFile))
        {
            var lines = await Eventually.MatchesAsync(
                async () => File.Exists(passwordFile) ? await File.ReadAllLinesAsync(passwordFile, Token) : Array.Empty<string>(),
                l => l.Length == 2,
                TimeSpan.FromSeconds(20),
                "The first-run admin's password file");
            Assert.Equal("admin@localhost", lines[0]);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));
            }

            using var browser = NewClient(first);
            Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(browser, lines[0], lines[1])).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/review/metrics", UriKind.Relative), Token)).StatusCode);
            using var wrong = NewClient(first);
            Assert.Equal(HttpStatusCode.OK, (await SignInAsync(wrong, lines[0], "not the password")).StatusCode);
        }

        File.Delete(passwordFile);
        await using var second = await StartAsync(database, passwordFile);
        using var stillWorks = NewClient(second);
        Assert.Equal(HttpStatusCode.OK, (await stillWorks.GetAsync(new Uri("/health/ready", UriKind.Relative), Token)).StatusCode);
        Assert.False(File.Exists(passwordFile), "A second run with an account already there creates no admin.");
    }

    private static async Task<WebApplication> StartAsync(TestDatabase database, string passwordFile)
    {
        var app = StandaloneApp.Build(
            ["--no-sample-tickets"],
            builder =>
            {
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                TestLogs.Configure(builder.Logging);
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Database:DataDirectory"] = database.Settings.DataDirectory,
                    ["Review:FirstRunAdmin:PasswordFile"] = passwordFile,
                });
            });
        await app.StartAsync(Token);
        await Eventually.MatchesAsync(
            async () =>
            {
                using var client = NewClient(app);
                return (await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Token)).StatusCode;
            },
            s => s == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30),
            "The standalone app being ready");
        return app;
    }

    private static HttpClient NewClient(WebApplication app) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(app.Urls.First()) };

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync(new Uri("/review/signin", UriKind.Relative), Token);
        var token = WebUtility.HtmlDecode(TokenPattern().Match(form).Groups[1].Value);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = password,
            ["__RequestVerificationToken"] = token,
        });
        return await client.PostAsync(new Uri("/review/signin", UriKind.Relative), content, Token);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
