using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SupportCopilot.Data;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class KnowledgeApiTests
{
    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Search_needs_an_agent_and_says_which_parameter_is_wrong()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = await DraftingApp.StartAsync(database, new Dictionary<string, string?> { ["Drafting:KnowledgeBase:ImportFolder"] = SampleKnowledgeBase.Folder });

        var anonymous = await app.Client(null).GetAsync("/api/drafting/knowledge/search?q=password", CancellationToken);
        var found = await app.Client(DraftingApp.AgentKey).GetFromJsonAsync<JsonElement>("/api/drafting/knowledge/search?q=reset+my+password&top=3", CancellationToken);
        var badTop = await app.Client(DraftingApp.AgentKey).GetAsync("/api/drafting/knowledge/search?q=password&top=500", CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(3, found.GetArrayLength());
        Assert.StartsWith("account/reset-password.md", found[0].GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badTop.StatusCode);
        Assert.True((await badTop.Content.ReadFromJsonAsync<JsonElement>(CancellationToken)).GetProperty("errors").TryGetProperty("top", out _));
    }

    [Fact]
    public async Task Ops_put_a_document_the_index_follows_and_removing_it_takes_it_out_again()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = await DraftingApp.StartAsync(database);
        var ops = app.Client(DraftingApp.OpsKey);

        var created = await ops.PutAsync("/api/drafting/knowledge/documents/guides/kiosk.md", Markdown("# Kiosk mode\n\nLock the tablet to one notebook with kiosk mode."), CancellationToken);
        var again = await ops.PutAsync("/api/drafting/knowledge/documents/guides/kiosk.md", Markdown("# Kiosk mode\n\nLock the tablet to one notebook with kiosk mode."), CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("Unchanged", (await again.Content.ReadFromJsonAsync<JsonElement>(CancellationToken)).GetProperty("outcome").GetString());
        await Eventually.MatchesAsync(() => Task.FromResult(app.Index.Search(string.Empty, "kiosk tablet").Hits), h => h.Count > 0, what: "the index picks up the new document");
        var listed = await app.Client(DraftingApp.AgentKey).GetFromJsonAsync<JsonElement>("/api/drafting/knowledge/documents", CancellationToken);
        Assert.Equal("guides/kiosk.md", listed[0].GetProperty("documentId").GetString());
        Assert.Equal(1, listed[0].GetProperty("chunks").GetInt32());

        var removed = await ops.DeleteAsync("/api/drafting/knowledge/documents/guides/kiosk.md", CancellationToken);
        var removedAgain = await ops.DeleteAsync("/api/drafting/knowledge/documents/guides/kiosk.md", CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, removedAgain.StatusCode);
        await Eventually.MatchesAsync(() => Task.FromResult(app.Index.Search(string.Empty, "kiosk tablet").Hits), h => h.Count == 0, what: "the index drops the removed document");
    }

    [Fact]
    public async Task Writes_need_ops_and_reads_need_an_agent()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = await DraftingApp.StartAsync(database);

        var agentPut = await app.Client(DraftingApp.AgentKey).PutAsync("/api/drafting/knowledge/documents/a.md", Markdown("# A\n\ntext"), CancellationToken);
        var agentDelete = await app.Client(DraftingApp.AgentKey).DeleteAsync("/api/drafting/knowledge/documents/a.md", CancellationToken);
        var agentImport = await app.Client(DraftingApp.AgentKey).PostAsJsonAsync("/api/drafting/knowledge/imports", new { folder = "/tmp" }, CancellationToken);
        var agentForget = await app.Client(DraftingApp.AgentKey).DeleteAsync($"/api/drafting/knowledge/answers/{Guid.NewGuid()}", CancellationToken);
        var anonymousList = await app.Client(null).GetAsync("/api/drafting/knowledge/documents", CancellationToken);
        var anonymousAnswers = await app.Client(null).GetAsync("/api/drafting/knowledge/answers", CancellationToken);
        var adminList = await app.Client(DraftingApp.AdminKey).GetAsync("/api/drafting/knowledge/documents", CancellationToken);

        Assert.Equal(
            [HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK],
            [agentPut.StatusCode, agentDelete.StatusCode, agentImport.StatusCode, agentForget.StatusCode, anonymousList.StatusCode, anonymousAnswers.StatusCode, adminList.StatusCode]);
    }

    [Theory]
    [InlineData("a%5Cb.md", "documentId")]
    [InlineData("notes.exe", "documentId")]
    [InlineData("answers/1.md", "documentId")]
    [InlineData("empty.md", "body")]
    [InlineData("junk.pdf", "body")]
    public async Task A_document_that_cannot_be_imported_is_refused_naming_the_field(string documentId, string field)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = await DraftingApp.StartAsync(database);
        var body = documentId == "junk.pdf" ? new ByteArrayContent(Encoding.UTF8.GetBytes("%PDF-1.7 not really")) : new ByteArrayContent([]);

        var response = await app.Client(DraftingApp.OpsKey).PutAsync("/api/drafting/knowledge/documents/" + documentId, body, CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken)).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Empty(app.Index.Search(string.Empty, "passwd junk pdf").Hits);
    }

    [Theory]
    [InlineData("../etc/passwd.md")]
    [InlineData("a/./b.md")]
    [InlineData("/abs.md")]
    [InlineData("a//b.md")]
    [InlineData("answers/3f2c.md")]
    [InlineData("setup.exe")]
    public void Document_ids_stay_inside_the_knowledge_base(string documentId)
    {
        Assert.False(Knowledge.KnowledgeDocumentEndpoints.IsValidDocumentId(documentId));
        Assert.True(Knowledge.KnowledgeDocumentEndpoints.IsValidDocumentId("guides/setup.md"));
    }

    [Fact]
    public async Task A_document_over_the_size_limit_is_refused_before_it_is_read()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = await DraftingApp.StartAsync(database, new Dictionary<string, string?> { ["Drafting:KnowledgeBase:MaxFileBytes"] = "1000" });

        var response = await app.Client(DraftingApp.OpsKey).PutAsync("/api/drafting/knowledge/documents/big.md", Markdown("# Big\n\n" + new string('x', 5000)), CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("over the limit", await response.Content.ReadAsStringAsync(CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Importing_a_folder_over_http_reports_each_bad_file_and_a_missing_folder_is_a_field_error()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = await DraftingApp.StartAsync(database);
        var folder = Directory.CreateTempSubdirectory("kb-import-").FullName;
        File.WriteAllText(Path.Combine(folder, "good.md"), "# Good\n\nA fine article.");
        File.WriteAllBytes(Path.Combine(folder, "bad.md"), [0xFF, 0xFE, 0x00, 0x01]);
        var ops = app.Client(DraftingApp.OpsKey);

        var imported = await ops.PostAsJsonAsync("/api/drafting/knowledge/imports", new { folder }, CancellationToken);
        var missing = await ops.PostAsJsonAsync("/api/drafting/knowledge/imports", new { folder = folder + "-nowhere" }, CancellationToken);

        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var summary = await imported.Content.ReadFromJsonAsync<JsonElement>(CancellationToken);
        Assert.Equal(1, summary.GetProperty("documentsAdded").GetInt32());
        Assert.Equal("bad.md", summary.GetProperty("errors")[0].GetProperty("documentId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await missing.Content.ReadFromJsonAsync<JsonElement>(CancellationToken)).GetProperty("errors").TryGetProperty("folder", out _));
        Directory.Delete(folder, recursive: true);
    }

    private static ByteArrayContent Markdown(string text) => new(Encoding.UTF8.GetBytes(text));
}
