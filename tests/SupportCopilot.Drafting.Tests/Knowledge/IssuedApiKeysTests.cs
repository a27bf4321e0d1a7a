using System.Net;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

/// <summary>Drafting's knowledge APIs accept keys Review issued, with the role they were issued for.</summary>
public sealed class IssuedApiKeysTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_issued_key_works_with_its_role_until_it_is_revoked(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = await DraftingApp.StartAsync(database);
        var bus = app.Services.GetRequiredService<IBus>();
        var agentSecret = ApiKeys.Generate();
        var opsSecret = ApiKeys.Generate();
        var now = DateTimeOffset.UtcNow;
        var agentKey = new ApiKeyIssued(Guid.NewGuid(), "support bot", ApiKeys.Hash(agentSecret), SupportCopilotRoles.Agent, now);
        var opsKey = new ApiKeyIssued(Guid.NewGuid(), "kb sync", ApiKeys.Hash(opsSecret), SupportCopilotRoles.Ops, now);
        using var agent = app.Client(agentSecret);
        using var ops = app.Client(opsSecret);

        using var beforeIssue = await agent.GetAsync("/api/drafting/knowledge/documents", TestContext.Current.CancellationToken);
        await bus.Publish(agentKey, TestContext.Current.CancellationToken);
        await bus.Publish(opsKey, TestContext.Current.CancellationToken);
        var agentReads = await StatusOnceAsync(() => agent.GetAsync("/api/drafting/knowledge/documents"), HttpStatusCode.OK);
        var agentDeletes = await StatusOnceAsync(() => agent.DeleteAsync("/api/drafting/knowledge/documents/missing.md"), HttpStatusCode.Forbidden);
        var opsDeletes = await StatusOnceAsync(() => ops.DeleteAsync("/api/drafting/knowledge/documents/missing.md"), HttpStatusCode.NotFound);
        await bus.Publish(new ApiKeyRevoked(opsKey.KeyId, now.AddMinutes(1)), TestContext.Current.CancellationToken);
        var opsAfterRevoke = await StatusOnceAsync(() => ops.DeleteAsync("/api/drafting/knowledge/documents/missing.md"), HttpStatusCode.Unauthorized);
        using var agentStill = await agent.GetAsync("/api/drafting/knowledge/documents", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, beforeIssue.StatusCode);
        Assert.Equal(HttpStatusCode.OK, agentReads);
        Assert.Equal(HttpStatusCode.Forbidden, agentDeletes);
        Assert.Equal(HttpStatusCode.NotFound, opsDeletes);
        Assert.Equal(HttpStatusCode.Unauthorized, opsAfterRevoke);
        Assert.Equal(HttpStatusCode.OK, agentStill.StatusCode);
    }

    // The events travel through the bus, so the first answers may still be from before they landed.
    private static Task<HttpStatusCode> StatusOnceAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode expected) =>
        Eventually.MatchesAsync(
            async () =>
            {
                using var response = await send();
                return response.StatusCode;
            },
            status => status == expected,
            what: $"the API answering {expected}");
}
