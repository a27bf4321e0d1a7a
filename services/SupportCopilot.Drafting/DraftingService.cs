using MassTransit;
using Microsoft.Extensions.Options;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Drafting.Drafts;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Hosting;
using SupportCopilot.Hosting.Authentication;

namespace SupportCopilot.Drafting;

/// <summary>Composition of the Drafting service: knowledge base, retrieval, drafting, policy.</summary>
public static class DraftingService
{
    public const string Name = "drafting";

    public static IHostApplicationBuilder AddDraftingService(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        // Migrations run first (a hosted service registered here), the knowledge start-up after them.
        services.AddServiceDatabase<DraftingDatabase>(builder.Configuration, DraftingMigrations.All);
        services.AddOptions<DraftingOptions>().Bind(builder.Configuration.GetSection(DraftingOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DraftingOptions>>(DraftingOptions.Rules);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DraftingOptions>>().Value);

        services.AddSupportCopilotAuthentication(builder.Configuration);
        services.AddSingleton(sp => ChunkEmbedder.Create(sp.GetRequiredService<DraftingOptions>().Embeddings)!);
        services.AddSingleton<KnowledgeIndex>(sp => new KnowledgeIndex(sp.GetRequiredService<DraftingOptions>(), sp.GetService<ChunkEmbedder>()));
        services.AddSingleton<KnowledgeImporter>(sp => new KnowledgeImporter(
            sp.GetRequiredService<DraftingDatabase>(), sp.GetRequiredService<DraftingOptions>(), sp.GetRequiredService<ILogger<KnowledgeImporter>>(), sp.GetService<ChunkEmbedder>()));
        services.AddSingleton<KnowledgeIndexRefresher>();
        services.AddSingleton<DraftingPipeline>();
        services.AddHostedService<KnowledgeStartup>();
        services.AddHealthChecks().AddCheck<KnowledgeIndexHealthCheck>("knowledge-index", tags: ["ready"]);
        return builder;
    }

    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddServiceConsumer<TicketReceivedConsumer>(Name);
        bus.AddServiceConsumer<AnswerMemoryConsumer>(Name);
        KnowledgeChangedConsumer.Register(bus);
    }

    public static IEndpointRouteBuilder MapDraftingService(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapKnowledgeSearch();
        app.MapKnowledgeDocuments();
        app.MapAnswerMemory();
        return app;
    }
}
