namespace SupportCopilot.Drafting.Knowledge;

internal enum EmbeddingProvider
{
    AzureOpenAI,
    OpenAI,
}

/// <summary>
/// <c>Drafting:Embeddings</c>: the embedding deployment that makes retrieval hybrid (BM25 fused
/// with dense vectors). Unset <see cref="Endpoint"/>: BM25 only, and the start-up log and the
/// readiness check say so.
/// </summary>
internal sealed class EmbeddingOptions
{
    /// <summary>Azure OpenAI resource (<c>https://NAME.openai.azure.com/</c>) or an OpenAI-compatible base URL (<c>https://api.openai.com/v1</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>The API key (Azure OpenAI sends it as <c>api-key</c>, OpenAI as a bearer token).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Azure OpenAI deployment name, or the OpenAI model (e.g. <c>text-embedding-3-small</c>).</summary>
    public string? Deployment { get; set; }

    public EmbeddingProvider Provider { get; set; } = EmbeddingProvider.AzureOpenAI;

    /// <summary>Passages sent per embedding request.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Longer passages are cut to this many characters before embedding (the model's input limit).</summary>
    public int MaxInputChars { get; set; } = 8000;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>Null when valid (or not configured at all).</summary>
    public string? Validate()
    {
        if (!IsConfigured)
        {
            return string.IsNullOrWhiteSpace(Deployment) ? null : "Endpoint missing";
        }

        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out _))
        {
            return "Endpoint is not an absolute URL";
        }

        if (string.IsNullOrWhiteSpace(Deployment))
        {
            return "Deployment missing";
        }

        return BatchSize is < 1 or > 2048 || MaxInputChars < 100 ? "BatchSize or MaxInputChars out of range" : null;
    }
}
