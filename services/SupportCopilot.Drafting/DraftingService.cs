using MassTransit;
using Microsoft.Extensions.Options;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Calibration;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Drafting.Drafts;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Drafting.Llm;
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
        services.AddKnownApiKeys<DraftingDatabase>();
        services.AddSingleton(sp => ChunkEmbedder.Create(sp.GetRequiredService<DraftingOptions>().Embeddings)!);
        services.AddSingleton<KnowledgeIndex>(sp => new KnowledgeIndex(sp.GetRequiredService<DraftingOptions>(), sp.GetService<ChunkEmbedder>()));
        services.AddSingleton<KnowledgeImporter>(sp => new KnowledgeImporter(
            sp.GetRequiredService<DraftingDatabase>(), sp.GetRequiredService<DraftingOptions>(), sp.GetRequiredService<ILogger<KnowledgeImporter>>(), sp.GetService<ChunkEmbedder>()));
        services.AddSingleton<KnowledgeIndexRefresher>();
        var llm = builder.Configuration.GetSection(DraftingOptions.SectionName + ":Llm").Get<LlmOptions>() ?? new LlmOptions();
        if (llm.Provider != LlmProvider.None)
        {
            services.AddSingleton<IDraftingModel>(sp => LlmDrafting.Create(sp.GetRequiredService<DraftingOptions>().Llm, sp.GetRequiredService<KnowledgeIndex>()));
        }

        services.AddSingleton<PolicyStore>();
        services.AddSingleton<IPolicySource>(sp => sp.GetRequiredService<PolicyStore>());
        services.AddSingleton(sp => new DraftingPipeline(
            sp.GetRequiredService<KnowledgeIndex>(), sp.GetRequiredService<DraftingOptions>(), sp.GetRequiredService<IPolicySource>(), sp.GetService<IDraftingModel>()));
        services.AddHostedService<KnowledgeStartup>();
        services.AddHealthChecks().AddCheck<KnowledgeIndexHealthCheck>("knowledge-index", tags: ["ready"]);
        return builder;
    }

    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddServiceConsumer<TicketReceivedConsumer>(Name);
        bus.AddServiceConsumer<AnswerMemoryConsumer>(Name);
        KnowledgeChangedConsumer.Register(bus);
        bus.AddServiceConsumer<DecisionLabelConsumer>(Name);
        bus.AddApiKeyEventsConsumer<DraftingDatabase>(Name);
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
