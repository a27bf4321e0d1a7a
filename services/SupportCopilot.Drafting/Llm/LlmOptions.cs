namespace SupportCopilot.Drafting.Llm;

internal enum LlmProvider
{
    /// <summary>No model: the offline extractive drafter drafts (the default).</summary>
    None,

    /// <summary>Azure OpenAI: <see cref="LlmOptions.Endpoint"/> + deployments; key, or Entra ID when no key is set.</summary>
    AzureOpenAI,

    /// <summary>Any OpenAI-compatible server (OpenAI, Ollama, vLLM): base URL + key; deployments are model names.</summary>
    OpenAI,
}

/// <summary>The language model, bound from <c>Drafting:Llm</c>. Nothing here is needed to run offline.</summary>
internal sealed class LlmOptions
{
    public LlmProvider Provider { get; set; } = LlmProvider.None;

    /// <summary>Azure: <c>https://&lt;resource&gt;.openai.azure.com/</c>; OpenAI-compatible: the base URL (e.g. <c>http://localhost:11434/v1</c>).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The key; for Azure without a key, Entra ID (DefaultAzureCredential: managed identity, workload identity, az login).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Azure OpenAI API version: 2024-10-21 or 2024-06-01.</summary>
    public string ApiVersion { get; set; } = "2024-10-21";

    public LlmDeployments Deployments { get; set; } = new();

    /// <summary>US dollars per million tokens, per role, for the cost shown on each draft.</summary>
    public LlmPrices Prices { get; set; } = new();

    /// <summary>Instructions for every ticket (tone, sign-off, promises never to make).</summary>
    public string? Instructions { get; set; }

    /// <summary>Instructions per brand, keyed by the ticket's connector (each brand's helpdesk), added to <see cref="Instructions"/>.</summary>
    public Dictionary<string, string> BrandInstructions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Languages the model answers in; empty: any (it answers in the ticket's language).</summary>
    public List<string> Languages { get; set; } = [];

    /// <summary>How long one model call may take, retries included.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Retries of a throttled (429, honouring Retry-After) or failed call.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Passages given to the model (the top of retrieval).</summary>
    public int Passages { get; set; } = 5;
}

internal sealed class LlmDeployments
{
    /// <summary>Category, language, sentiment, answerable; optional (a small model).</summary>
    public string? Triage { get; set; }

    /// <summary>Writes the answer; may be a fine-tuned deployment. Required when a provider is set.</summary>
    public string? Draft { get; set; }

    /// <summary>Checks every claim against the cited passages; optional.</summary>
    public string? Verify { get; set; }
}

internal sealed class LlmPrices
{
    public TokenPrice Triage { get; set; } = new();

    public TokenPrice Draft { get; set; } = new();

    public TokenPrice Verify { get; set; } = new();
}

internal sealed class TokenPrice
{
    public decimal InputPer1M { get; set; }

    public decimal OutputPer1M { get; set; }
}
