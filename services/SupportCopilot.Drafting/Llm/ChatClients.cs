using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Azure.Identity;
using Microsoft.Extensions.AI;
using OpenAI;

namespace SupportCopilot.Drafting.Llm;

/// <summary>
/// One <see cref="IChatClient"/> per role's deployment, from Azure OpenAI (key or Entra ID) or an
/// OpenAI-compatible server. Retries (429 honouring Retry-After, 5xx) are the SDK pipeline's.
/// </summary>
internal static class ChatClients
{
    public static IChatClient Create(LlmOptions options, string deployment)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = options.Endpoint ?? throw new InvalidOperationException("Drafting:Llm:Endpoint is required when Drafting:Llm:Provider is set.");
        var perTry = TimeSpan.FromSeconds(options.TimeoutSeconds);
        var retry = new ClientRetryPolicy(options.MaxRetries);
        switch (options.Provider)
        {
            case LlmProvider.AzureOpenAI:
                var azureOptions = new AzureOpenAIClientOptions(AzureVersion(options.ApiVersion)) { NetworkTimeout = perTry, RetryPolicy = retry };
                var azure = string.IsNullOrWhiteSpace(options.ApiKey)
                    ? new AzureOpenAIClient(endpoint, new DefaultAzureCredential(), azureOptions)
                    : new AzureOpenAIClient(endpoint, new ApiKeyCredential(options.ApiKey), azureOptions);
                return azure.GetChatClient(deployment).AsIChatClient();
            case LlmProvider.OpenAI:
                var openAi = new OpenAIClient(
                    new ApiKeyCredential(string.IsNullOrWhiteSpace(options.ApiKey) ? "no-key" : options.ApiKey),
                    new OpenAIClientOptions { Endpoint = endpoint, NetworkTimeout = perTry, RetryPolicy = retry });
                return openAi.GetChatClient(deployment).AsIChatClient();
            default:
                throw new InvalidOperationException("Drafting:Llm:Provider is None: no chat client to create.");
        }
    }

    /// <summary>2024-10-21 -> V2024_10_21: the versions this Azure SDK speaks.</summary>
    public static AzureOpenAIClientOptions.ServiceVersion AzureVersion(string apiVersion) =>
        Enum.TryParse<AzureOpenAIClientOptions.ServiceVersion>("V" + apiVersion.Trim().Replace('-', '_'), ignoreCase: true, out var version)
            ? version
            : throw new InvalidOperationException(
                $"Drafting:Llm:ApiVersion '{apiVersion}' is not supported; use one of {string.Join(", ", Enum.GetNames<AzureOpenAIClientOptions.ServiceVersion>().Select(n => n[1..].Replace('_', '-')))}.");
}
