using System.Text.Json;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Testing;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

/// <summary>
/// Hybrid retrieval against a local OpenAI-compatible server that answers with fixed vectors: the
/// request is checked as the deployment would receive it, and the dense side finds what BM25 cannot.
/// </summary>
public sealed class HybridRetrievalTests
{
    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Passages_are_embedded_at_import_stored_with_the_chunk_and_fused_with_bm25_at_query_time()
    {
        await using var server = await RecordingHttpServer.StartAsync();
        server.Enqueue(Vectors([1, 0, 0]), Vectors([0, 1, 0]), Vectors([0, 0, 1]), Vectors([0.9f, 0.1f, 0]));
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var database = await KnowledgeImporterTests.MigratedAsync(test);
        var options = Options(server, EmbeddingProvider.AzureOpenAI);
        var embedder = ChunkEmbedder.Create(options.Embeddings)!;
        var importer = new KnowledgeImporter(database, options, embedder: embedder);
        await importer.ImportDocumentAsync("refunds.md", "# Refunds\n\nMoney back within 30 days."u8.ToArray(), CancellationToken);
        await importer.ImportDocumentAsync("cancel.md", "# Cancel\n\nEnd your subscription any time."u8.ToArray(), CancellationToken);
        await importer.ImportDocumentAsync("export.md", "# Export\n\nDownload your notes."u8.ToArray(), CancellationToken);
        using var index = new KnowledgeIndex(options, embedder);
        await index.RebuildAsync(database, CancellationToken);

        var lexical = index.Search(string.Empty, "I want my cash returned");
        var hybrid = await index.SearchAsync(string.Empty, "I want my cash returned", cancellationToken: CancellationToken);

        Assert.Empty(lexical.Hits);
        Assert.Equal(["refunds.md#refunds", "cancel.md#cancel", "export.md#export"], hybrid.Hits.Select(h => h.Chunk.Source));
        Assert.Equal(3, index.VectorCount);

        var first = server.Requests[0];
        Assert.Equal("POST", first.Method);
        Assert.Equal("/openai/deployments/embedding-small/embeddings", first.Path);
        Assert.Equal("test-key", first.Header("api-key"));
        using var body = JsonDocument.Parse(first.Body);
        Assert.Equal(["Refunds\n\nMoney back within 30 days."], body.RootElement.GetProperty("input").EnumerateArray().Select(i => i.GetString()));
        using var query = JsonDocument.Parse(server.Requests[3].Body);
        Assert.Equal("I want my cash returned", query.RootElement.GetProperty("input")[0].GetString());
    }

    [Fact]
    public async Task Passages_imported_before_embeddings_were_configured_get_their_vectors_at_start()
    {
        await using var server = await RecordingHttpServer.StartAsync();
        server.Enqueue(Vectors([1, 0], [0, 1]));
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var database = await KnowledgeImporterTests.MigratedAsync(test);
        await new KnowledgeImporter(database, new DraftingOptions()).ImportDocumentAsync("a.md", "# A\n\nFirst.\n\n## B\n\nSecond."u8.ToArray(), CancellationToken);
        var options = Options(server, EmbeddingProvider.OpenAI);

        var embedded = await EmbeddingBackfill.RunAsync(database, ChunkEmbedder.Create(options.Embeddings)!, 64, CancellationToken);
        var again = await EmbeddingBackfill.RunAsync(database, ChunkEmbedder.Create(options.Embeddings)!, 64, CancellationToken);

        Assert.Equal((2, 0), (embedded, again));
        Assert.Single(server.Requests);
        var (_, vectors) = await KnowledgeChunks.LoadWithEmbeddingsAsync(database, CancellationToken);
        Assert.Equal([[1f, 0f], [0f, 1f]], vectors.Select(v => v!).ToArray());
        Assert.Equal(KnowledgeChange.Embedded, (await KnowledgeImporterTests.OutboxAsync(database))[^1].Change);
    }

    [Fact]
    public async Task The_openai_provider_sends_the_model_name_and_a_bearer_key()
    {
        await using var server = await RecordingHttpServer.StartAsync();
        server.Enqueue(Vectors([1, 0]));
        var embedder = ChunkEmbedder.Create(Options(server, EmbeddingProvider.OpenAI).Embeddings)!;

        var vector = await embedder.EmbedQueryAsync("reset my password", CancellationToken);

        Assert.Equal([1f, 0f], vector);
        var request = server.Requests.Single();
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal("Bearer test-key", request.Header("Authorization"));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("embedding-small", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task A_failing_embedding_deployment_fails_the_file_and_stores_nothing()
    {
        await using var server = await RecordingHttpServer.StartAsync();
        server.Default = StandInResponse.Fail(401);
        await using var test = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var database = await KnowledgeImporterTests.MigratedAsync(test);
        var options = Options(server, EmbeddingProvider.AzureOpenAI);
        var importer = new KnowledgeImporter(database, options, embedder: ChunkEmbedder.Create(options.Embeddings));

        var result = await importer.ImportDocumentAsync("refunds.md", "# Refunds\n\nMoney back."u8.ToArray(), CancellationToken);

        Assert.Equal(ImportOutcome.Failed, result.Outcome);
        Assert.Contains("embedding deployment failed", result.Error, StringComparison.Ordinal);
        Assert.Empty(await KnowledgeChunks.LoadAllAsync(database, CancellationToken));
        Assert.Empty(await KnowledgeImporterTests.OutboxAsync(database));
    }

    [Fact]
    public async Task Without_an_embedding_deployment_search_is_bm25_alone_and_says_so()
    {
        Assert.Null(ChunkEmbedder.Create(new EmbeddingOptions()));
        using var index = SampleKnowledgeBase.Index();

        var result = await index.SearchAsync(string.Empty, "How do I reset my password?", 3, CancellationToken);

        Assert.False(index.IsHybrid);
        Assert.Equal(index.Search(string.Empty, "How do I reset my password?", 3).Hits.Select(h => h.Chunk.ChunkId), result.Hits.Select(h => h.Chunk.ChunkId));
        var health = await new KnowledgeIndexHealthCheck(index).CheckHealthAsync(new(), CancellationToken);
        Assert.Contains("BM25 only", health.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url", "d")]
    [InlineData("https://example.test/", null)]
    [InlineData(null, "deployment-without-endpoint")]
    public void Half_an_embedding_configuration_is_refused_at_start(string? endpoint, string? deployment)
    {
        var options = new DraftingOptions { Embeddings = { Endpoint = endpoint, Deployment = deployment } };

        Assert.True(DraftingOptions.Rules.Validate(null, options).Failed);
    }

    private static DraftingOptions Options(RecordingHttpServer server, EmbeddingProvider provider) => new()
    {
        Embeddings =
        {
            Provider = provider,
            Endpoint = provider == EmbeddingProvider.OpenAI ? new Uri(server.BaseUrl, "/v1").ToString() : server.BaseUrl.ToString(),
            ApiKey = "test-key",
            Deployment = "embedding-small",
        },
    };

    private static StandInResponse Vectors(params float[][] vectors) => StandInResponse.Ok(JsonSerializer.Serialize(new
    {
        @object = "list",
        data = vectors.Select((v, i) => new { @object = "embedding", index = i, embedding = v }),
        model = "embedding-small",
        usage = new { prompt_tokens = 5, total_tokens = 5 },
    }));
}
