using System.Net;
using Dapper;
using Microsoft.Extensions.Options;
using SupportCopilot.Data;
using SupportCopilot.Review.Accounts;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class SignInThrottleTests
{
    private const string Wrong = "not the password at all";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_five_failures_an_email_is_refused_even_with_the_right_password_while_others_still_sign_in()
    {
        await using var app = await ReviewApp.StartAsync();
        using var guesser = app.NewClient();
        for (var i = 0; i < 5; i++)
        {
            var failed = await app.SignInAsync(guesser, ReviewApp.AgentEmail, Wrong);
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        var refused = await app.SignInAsync(guesser, ReviewApp.AgentEmail);
        var page = await refused.Content.ReadAsStringAsync(Token);
        using var someoneElse = app.NewClient();
        var other = await app.SignInAsync(someoneElse, ReviewApp.EmailOf("ops"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many failed sign-ins. Try again in 15 minutes.", page, StringComparison.Ordinal);
        Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 850, 900);
        Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync(new Uri("/review", UriKind.Relative), Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.Equal(1, await CountAsync(app, "signin.throttled", ReviewApp.AgentEmail));
        Assert.Equal(5, await CountAsync(app, "signin.failed", ReviewApp.AgentEmail));
    }

    [Fact]
    public async Task A_successful_sign_in_starts_the_count_of_failures_afresh()
    {
        await using var app = await ReviewApp.StartAsync();
        using var client = app.NewClient();
        await FailAsync(app, client, ReviewApp.AgentEmail, 4);
        Assert.Equal(HttpStatusCode.Redirect, (await app.SignInAsync(client, ReviewApp.AgentEmail)).StatusCode);
        using var again = app.NewClient();
        await FailAsync(app, again, ReviewApp.AgentEmail, 4);

        using var fresh = app.NewClient();
        var fifthAttempt = await app.SignInAsync(fresh, ReviewApp.AgentEmail);

        Assert.Equal(HttpStatusCode.Redirect, fifthAttempt.StatusCode);
    }

    [Fact]
    public async Task One_address_failing_across_many_emails_is_refused_for_every_email()
    {
        await using var app = await ReviewApp.StartAsync(new Dictionary<string, string?> { ["Review:SignIn:MaxFailuresPerAddress"] = "3" });
        using var sprayer = app.NewClient();
        foreach (var email in new[] { "a@example.com", "b@example.com", "c@example.com" })
        {
            await FailAsync(app, sprayer, email, 1);
        }

        var refused = await app.SignInAsync(sprayer, ReviewApp.EmailOf("admin"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(1, await CountAsync(app, "signin.throttled", ReviewApp.EmailOf("admin")));
    }

    private static async Task FailAsync(ReviewApp app, HttpClient client, string email, int times)
    {
        for (var i = 0; i < times; i++)
        {
            var response = await app.SignInAsync(client, email, Wrong);
            Assert.Contains("do not match an account", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        }
    }

    private static async Task<long> CountAsync(ReviewApp app, string action, string actor)
    {
        await using var connection = await app.Database.OpenAsync(Token);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM audit_log WHERE action = @action AND actor = @actor", new { action, actor });
    }
}

public sealed class SignInThrottleQueryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task The_wait_runs_from_the_oldest_failure_since_the_last_success_and_ends_with_the_window(DatabaseProvider provider)
    {
        await using var db = await ReviewTestDatabase.CreateAsync(provider);
        var throttle = new SignInThrottle(db.Database, Options.Create(new ReviewSettings()), db.Time);
        await RecordAsync(db, "signin.failed", "ana@example.com", "10.0.0.1", 3);
        await RecordAsync(db, "signin.succeeded", "ana@example.com", "10.0.0.1", 1);
        db.Time.Advance(TimeSpan.FromMinutes(1));
        var firstCounted = db.Time.GetUtcNow() + TimeSpan.FromSeconds(1); // RecordAsync steps a second before each line
        await RecordAsync(db, "signin.failed", "ana@example.com", "10.0.0.1", 4);
        Assert.Null(await throttle.RetryAfterAsync("ana@example.com", "10.0.0.1", Token));

        await RecordAsync(db, "signin.failed", "Ana@Example.com ", "10.0.0.1", 1);
        var wait = await throttle.RetryAfterAsync(" ANA@example.com", "10.0.0.2", Token);

        Assert.Equal(firstCounted + TimeSpan.FromMinutes(15) - db.Time.GetUtcNow(), wait);
        Assert.Null(await throttle.RetryAfterAsync("bo@example.com", "10.0.0.2", Token));
        db.Time.Advance(wait!.Value);
        Assert.Null(await throttle.RetryAfterAsync("ana@example.com", "10.0.0.1", Token));
    }

    private static async Task RecordAsync(ReviewTestDatabase db, string action, string email, string address, int times)
    {
        await using var connection = await db.Database.OpenAsync(Token);
        for (var i = 0; i < times; i++)
        {
            db.Time.Advance(TimeSpan.FromSeconds(1));
            await connection.ExecuteAsync(
                "INSERT INTO audit_log (audit_id, at, actor, action, remote_address) VALUES (@Id, @At, @Actor, @Action, @Address)",
                new { Id = Guid.NewGuid(), At = db.Time.GetUtcNow(), Actor = UserAccounts.NormalizeEmail(email), Action = action, Address = address });
        }
    }
}
