using System.Net;
using System.Net.Http.Headers;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Intake.Tests;

/// <summary>
/// Intake accepts API keys Review issued, learned from <see cref="ApiKeyIssued"/> and forgotten
/// on <see cref="ApiKeyRevoked"/>, as a separate process would: only the events reach it.
/// </summary>
public sealed class IssuedApiKeysTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_key_issued_in_review_opens_intakes_api_until_it_is_revoked(DatabaseProvider provider)
    {
        await using var host = await IntakeHost.StartAsync(provider);
        var (secret, issued) = NewKey("nightly report", SupportCopilotRoles.Agent);

        using var before = await GetFailedRepliesAsync(host, secret);
        await host.Bus.Publish(issued, TestContext.Current.CancellationToken);
        await host.Consumed.WaitForAsync<ApiKeyIssued>(1);
        using var whileActive = await GetFailedRepliesAsync(host, secret);
        await host.Bus.Publish(new ApiKeyRevoked(issued.KeyId, issued.IssuedAt.AddMinutes(5)), TestContext.Current.CancellationToken);
        await host.Consumed.WaitForAsync<ApiKeyRevoked>(1);
        using var afterRevoke = await GetFailedRepliesAsync(host, secret);

        Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, whileActive.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_revocation_that_overtakes_its_issue_keeps_the_key_out(DatabaseProvider provider)
    {
        await using var host = await IntakeHost.StartAsync(provider);
        var (secret, issued) = NewKey("leaked", SupportCopilotRoles.Admin);

        await host.Bus.Publish(new ApiKeyRevoked(issued.KeyId, issued.IssuedAt.AddMinutes(1)), TestContext.Current.CancellationToken);
        await host.Consumed.WaitForAsync<ApiKeyRevoked>(1);
        await host.Bus.Publish(issued, TestContext.Current.CancellationToken);
        await host.Consumed.WaitForAsync<ApiKeyIssued>(1);
        using var response = await GetFailedRepliesAsync(host, secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT COUNT(*) FROM known_api_keys WHERE revoked_at IS NOT NULL"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Redelivered_key_events_change_nothing(DatabaseProvider provider)
    {
        await using var host = await IntakeHost.StartAsync(provider);
        var (secret, issued) = NewKey("export", SupportCopilotRoles.Ops);
        var (otherSecret, other) = NewKey("revoked twice", SupportCopilotRoles.Agent);
        var firstRevocation = new ApiKeyRevoked(other.KeyId, other.IssuedAt.AddMinutes(1));

        await host.Bus.Publish(issued, TestContext.Current.CancellationToken);
        await host.Bus.Publish(other, TestContext.Current.CancellationToken);
        await host.Bus.Publish(firstRevocation, TestContext.Current.CancellationToken);
        await host.Consumed.WaitForAsync<ApiKeyRevoked>(1);
        await host.Bus.Publish(issued, TestContext.Current.CancellationToken);
        await host.Bus.Publish(other, TestContext.Current.CancellationToken);
        await host.Bus.Publish(firstRevocation with { RevokedAt = firstRevocation.RevokedAt.AddHours(1) }, TestContext.Current.CancellationToken);
        await host.Consumed.WaitForAsync<ApiKeyIssued>(4);
        await host.Consumed.WaitForAsync<ApiKeyRevoked>(2);
        using var stillActive = await GetFailedRepliesAsync(host, secret);
        using var stillRevoked = await GetFailedRepliesAsync(host, otherSecret);

        Assert.Equal(HttpStatusCode.OK, stillActive.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stillRevoked.StatusCode);
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT COUNT(*) FROM known_api_keys"));
        Assert.Equal(
            firstRevocation.RevokedAt,
            await host.ScalarAsync<DateTimeOffset>("SELECT revoked_at FROM known_api_keys WHERE key_id = @KeyId", new { other.KeyId }));
    }

    [Fact]
    public async Task A_key_nobody_announced_is_still_refused()
    {
        await using var host = await IntakeHost.StartAsync(DatabaseProvider.Sqlite);
        var (_, issued) = NewKey("known", SupportCopilotRoles.Agent);
        await host.Bus.Publish(issued, TestContext.Current.CancellationToken);
        await host.Consumed.WaitForAsync<ApiKeyIssued>(1);

        using var response = await GetFailedRepliesAsync(host, ApiKeys.Generate());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static (string Secret, ApiKeyIssued Issued) NewKey(string name, string role)
    {
        var secret = ApiKeys.Generate();
        var issuedAt = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
        return (secret, new ApiKeyIssued(Guid.CreateVersion7(issuedAt), name, ApiKeys.Hash(secret), role, issuedAt));
    }

    private static async Task<HttpResponseMessage> GetFailedRepliesAsync(IntakeHost host, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/replies/failed");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await host.Unsigned.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
