using MassTransit;

namespace SupportCopilot.Drafting;

/// <summary>Composition of the Drafting service: knowledge base, retrieval, drafting, policy.</summary>
public static class DraftingService
{
    public const string Name = "drafting";

    public static IHostApplicationBuilder AddDraftingService(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }

    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
    }

    public static IEndpointRouteBuilder MapDraftingService(this IEndpointRouteBuilder app) => app;
}
