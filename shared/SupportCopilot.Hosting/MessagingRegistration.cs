using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SupportCopilot.Hosting;

public static class MessagingRegistration
{
    /// <summary>
    /// One bus for the process. Each service passes the registration of its own consumers, so the
    /// standalone host (all three services) and a single-service process share this code; the
    /// transport is the only difference.
    /// </summary>
    public static IServiceCollection AddSupportCopilotMessaging(
        this IServiceCollection services,
        IConfiguration configuration,
        params Action<IBusRegistrationConfigurator>[] consumerRegistrations)
    {
        // The transport decides which registration runs, so it is read now; the rest is validated at start.
        var transport = configuration.GetValue(MessagingSettings.SectionName + ":" + nameof(MessagingSettings.Transport), MessagingTransport.InMemory);
        services.AddOptions<MessagingSettings>().Bind(configuration.GetSection(MessagingSettings.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MessagingSettings>>(MessagingSettings.Rules);
        services.AddOptions<MassTransitHostOptions>().Configure<IOptions<MessagingSettings>>((host, messaging) =>
        {
            // Stop: stop receiving, let in-flight consumers finish, cancel them after this long;
            // a message whose consumer did not finish is not acknowledged and returns to the queue.
            host.ConsumerStopTimeout = messaging.Value.ConsumerStopTimeout;
            host.StopTimeout = messaging.Value.ConsumerStopTimeout + TimeSpan.FromSeconds(5);
        });
        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            foreach (var register in consumerRegistrations)
            {
                register(bus);
            }

            bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                var settings = context.GetRequiredService<IOptions<MessagingSettings>>().Value;

                // Redeliver with back-off; after the limit the message lands in <queue>_error.
                endpoint.UseMessageRetry(retry => retry.Exponential(
                    settings.RetryLimit, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
                endpoint.UseConsumeFilter(typeof(SchemaGateFilter<>), context);
                endpoint.UseConsumeFilter(typeof(TicketLogScopeFilter<>), context);
            });

            if (transport == MessagingTransport.RabbitMq)
            {
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    // Read when the bus is built, after the options were validated at start.
                    var settings = context.GetRequiredService<IOptions<MessagingSettings>>().Value;
                    rabbit.Host(new Uri(settings.RabbitMqUri));
                    rabbit.PrefetchCount = settings.PrefetchCount;
                    if (settings.ConcurrentMessageLimit is { } limit)
                    {
                        rabbit.ConcurrentMessageLimit = limit;
                    }
                    rabbit.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, memory) =>
                {
                    var settings = context.GetRequiredService<IOptions<MessagingSettings>>().Value;
                    memory.ConcurrentMessageLimit = settings.ConcurrentMessageLimit ?? settings.PrefetchCount;
                    memory.ConfigureEndpoints(context);
                });
            }
        });
        return services;
    }
}
