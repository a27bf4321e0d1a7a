using MassTransit;
using SupportCopilot.Data;
using SupportCopilot.Hosting;
using SupportCopilot.Intake.Connectors;
using SupportCopilot.Intake.Lifecycle;
using SupportCopilot.Intake.Replies;
using SupportCopilot.Intake.Tickets;
using SupportCopilot.Intake.Webhooks.Generic;

namespace SupportCopilot.Intake;

/// <summary>Composition of the Intake service: webhooks in, ticket state, replies out.</summary>
public static class IntakeService
{
    public const string Name = "intake";

    public static IHostApplicationBuilder AddIntakeService(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddServiceDatabase<IntakeDatabase>(builder.Configuration, IntakeMigrations.All);
        services.TryAddSingletonTimeProvider();
        services.AddSingleton<GenericTicketValidator>();
        services.AddSingleton<TicketAcceptor>();
        services.AddOptions<ReplyDeliverySettings>().Bind(builder.Configuration.GetSection(ReplyDeliverySettings.SectionName)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ReplyDeliverySettings>>(ReplyDeliverySettings.Rules);
        services.AddHttpClient<GenericHelpdeskClient>((sp, http) =>
            http.Timeout = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReplyDeliverySettings>>().Value.Timeout);
        services.AddTransient<IHelpdeskReplyClient>(sp => sp.GetRequiredService<GenericHelpdeskClient>());
        return builder;
    }

    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddServiceConsumer<DraftReadyConsumer>(Name);
        bus.AddServiceConsumer<DraftQueuedForReviewConsumer>(Name);
        bus.AddServiceConsumer<ReplyApprovedConsumer>(Name);
        bus.AddServiceConsumer<DraftRejectedConsumer>(Name);
        bus.AddServiceConsumer<SendReplyConsumer>(Name);
    }

    public static IEndpointRouteBuilder MapIntakeService(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        GenericWebhookEndpoint.Map(app);
        GetTicketEndpoint.Map(app);
        return app;
    }
}
