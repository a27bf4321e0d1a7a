using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Contracts;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Standalone.Tests;

/// <summary>
/// A key issued through Review's API reaches Intake and Drafting over the bus, each on its own
/// queue, as it would in separate processes; the revocation follows it.
/// </summary>
public sealed class IssuedKeysAcrossServicesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Intake_and_drafting_each_learn_an_issued_key_and_its_revocation()
    {
        await using var host = await AllServicesHost.StartAsync();
        using var issued = await host.Http.PostAsJsonAsync(new Uri("/api/admin/api-keys", UriKind.Relative), new { name = "kb sync", role = "ops" }, Token);
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>(Token);
        var hash = ApiKeys.Hash(body.GetProperty("key").GetString()!);
        await using var scope = host.Services.CreateAsyncScope();
        var learned = LearnedStores(scope.ServiceProvider);

        var rolesLearned = await Eventually.MatchesAsync(() => RolesAsync(learned, hash), roles => roles.All(r => r is not null), what: "both services knowing the key");
        using var revoked = await host.Http.DeleteAsync(new Uri($"/api/admin/api-keys/{body.GetProperty("keyId").GetGuid()}", UriKind.Relative), Token);
        await host.Consumed.WaitForAsync<ApiKeyRevoked>(2);
        var rolesAfterRevoke = await RolesAsync(learned, hash);

        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.Equal(2, learned.Count);
        Assert.Equal(["ops", "ops"], rolesLearned);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal([null, null], rolesAfterRevoke);
    }

    // Review's own store is the issuer; every other store here is a copy learned from its events.
    private static List<IApiKeyStore> LearnedStores(IServiceProvider services) =>
        [.. services.GetServices<IApiKeyStore>().Where(s => s is not IApiKeyIssuer)];

    private static async Task<List<string?>> RolesAsync(List<IApiKeyStore> stores, string hash)
    {
        var roles = new List<string?>();
        foreach (var store in stores)
        {
            roles.Add((await store.FindAsync(hash, Token))?.Role);
        }

        return roles;
    }
}
