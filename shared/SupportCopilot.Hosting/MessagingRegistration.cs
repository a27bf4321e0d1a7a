using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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
        var settings = configuration.GetSection(MessagingSettings.SectionName).Get<MessagingSettings>() ?? new MessagingSettings();
        services.AddSingleton(settings);
        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            foreach (var register in consumerRegistrations)
            {
                register(bus);
            }

            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                // Redeliver with back-off; after the limit the message lands in <queue>_error.
                endpoint.UseMessageRetry(retry => retry.Exponential(
                    settings.RetryLimit, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
            });

            if (settings.Transport == MessagingTransport.RabbitMq)
            {
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    rabbit.Host(new Uri(settings.RabbitMqUri));
                    rabbit.PrefetchCount = settings.PrefetchCount;
                    rabbit.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, memory) =>
                {
                    memory.ConcurrentMessageLimit = settings.PrefetchCount;
                    memory.ConfigureEndpoints(context);
                });
            }
        });
        return services;
    }
}
