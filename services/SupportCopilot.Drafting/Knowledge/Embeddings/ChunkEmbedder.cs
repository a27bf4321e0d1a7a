using System.ClientModel;
using Azure.AI.OpenAI;
using Microsoft.Extensions.AI;
using OpenAI;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// Turns passages and queries into vectors with the configured <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
/// (Azure OpenAI or an OpenAI-compatible endpoint through Microsoft.Extensions.AI). A passage is
/// embedded with its title and heading path, the same context BM25 sees.
/// </summary>
internal sealed class ChunkEmbedder(IEmbeddingGenerator<string, Embedding<float>> generator, EmbeddingOptions options)
{
    public string Description => $"{options.Provider} deployment '{options.Deployment}' at {options.Endpoint}";

    /// <summary>The generator for <paramref name="options"/>, or null when no embedding deployment is configured.</summary>
    public static ChunkEmbedder? Create(EmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            return null;
        }

        var endpoint = new Uri(options.Endpoint!);
        var key = new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "unset" : options.ApiKey);
        var client = options.Provider == EmbeddingProvider.AzureOpenAI
            ? new AzureOpenAIClient(endpoint, key).GetEmbeddingClient(options.Deployment)
            : new OpenAIClient(key, new OpenAIClientOptions { Endpoint = endpoint }).GetEmbeddingClient(options.Deployment);
        return new ChunkEmbedder(client.AsIEmbeddingGenerator(), options);
    }

    public async Task<IReadOnlyList<float[]?>> EmbedAsync(IReadOnlyList<KnowledgeChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var vectors = new List<float[]?>(chunks.Count);
        foreach (var batch in chunks.Chunk(options.BatchSize))
        {
            var embeddings = await generator.GenerateAsync(batch.Select(Input), cancellationToken: cancellationToken);
            if (embeddings.Count != batch.Length)
            {
                throw new InvalidOperationException($"The embedding deployment returned {embeddings.Count} vectors for {batch.Length} passages.");
            }

            vectors.AddRange(embeddings.Select(e => e.Vector.ToArray()));
        }

        return vectors;
    }

    public async Task<float[]> EmbedQueryAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var embedding = await generator.GenerateAsync(Truncate(text), cancellationToken: cancellationToken);
        return embedding.Vector.ToArray();
    }

    private string Input(KnowledgeChunk chunk) => Truncate(chunk.HeadingPath + "\n\n" + chunk.Text);

    private string Truncate(string text) => text.Length <= options.MaxInputChars ? text : text[..options.MaxInputChars];
}
