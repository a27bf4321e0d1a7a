using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace SupportCopilot.Review.Tests;

public sealed class OpenApiTests
{
    [Fact]
    public async Task The_OpenAPI_document_lists_the_review_endpoints_but_not_the_pages()
    {
        await using var app = await ReviewApp.StartAsync();

        var document = await app.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);

        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/review/items").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/review/items/{draftId}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/review/items/{draftId}/approve").GetProperty("post").TryGetProperty("requestBody", out _));
        Assert.True(paths.GetProperty("/api/review/items/{draftId}/reject").TryGetProperty("post", out _));
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.StartsWith("/review", StringComparison.Ordinal));
    }
}
