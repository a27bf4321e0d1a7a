using MassTransit;
using Microsoft.Extensions.Options;
using SupportCopilot.Data;
using SupportCopilot.Hosting;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Intake.Connectors;
using SupportCopilot.Intake.Lifecycle;
using SupportCopilot.Intake.Replies;
using SupportCopilot.Intake.Tickets;
using SupportCopilot.Intake.Webhooks;
using SupportCopilot.Intake.Webhooks.Chatwoot;
using SupportCopilot.Intake.Webhooks.Freshdesk;
using SupportCopilot.Intake.Webhooks.Generic;
using SupportCopilot.Intake.Webhooks.HelpScout;
using SupportCopilot.Intake.Webhooks.Intercom;
using SupportCopilot.Intake.Webhooks.Zendesk;

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
        services.AddSupportCopilotAuthentication(builder.Configuration);
        services.AddKnownApiKeys<IntakeDatabase>();
        services.TryAddSingletonTimeProvider();
        services.AddSingleton<GenericTicketValidator>();
        services.AddConnectorWebhookSettings(builder.Configuration);
        services.AddSingleton<WebhookGate>();
        services.AddSingleton<ZendeskPayloadValidator>();
        services.AddSingleton<FreshdeskPayloadValidator>();
        services.AddSingleton<IntercomNotificationValidator>();
        services.AddSingleton<HelpScoutConversationValidator>();
        services.AddSingleton<ChatwootTicketDraftValidator>();
        services.AddOptions<TicketBatchSettings>().BindConfiguration(TicketBatchSettings.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TicketBatchSettings>, TicketBatchSettingsValidator>();
        services.AddSingleton<TicketBatchWriter>();
        services.AddSingleton<TicketAcceptor>();
        services.AddReplyDelivery(builder.Configuration);
        return builder;
    }

    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddServiceConsumer<DraftReadyConsumer>(Name);
        bus.AddServiceConsumer<DraftQueuedForReviewConsumer>(Name);
        bus.AddServiceConsumer<ReplyApprovedConsumer>(Name);
        bus.AddServiceConsumer<DraftRejectedConsumer>(Name);
        bus.AddServiceConsumer<SendReplyConsumer>(Name);
        bus.AddServiceConsumer<SendReplyFaultConsumer>(Name);
        bus.AddServiceConsumer<ReplyRetryRequestedConsumer>(Name);
        bus.AddApiKeyEventsConsumer<IntakeDatabase>(Name);
    }

    public static IEndpointRouteBuilder MapIntakeService(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        GenericWebhookEndpoint.Map(app);
        ZendeskWebhookEndpoint.Map(app);
        FreshdeskWebhookEndpoint.Map(app);
        IntercomWebhookEndpoint.Map(app);
        HelpScoutWebhookEndpoint.Map(app);
        ChatwootWebhookEndpoint.Map(app);
        UnknownConnectorEndpoint.Map(app);
        GetTicketEndpoint.Map(app);
        app.MapReplyEndpoints();
        return app;
    }
}
