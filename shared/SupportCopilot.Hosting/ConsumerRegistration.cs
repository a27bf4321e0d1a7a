using MassTransit;

namespace SupportCopilot.Hosting;

public static class ConsumerRegistration
{
    /// <summary>
    /// Registers a consumer on a queue named for its service, e.g. <c>review-draft-ready</c>.
    /// Two services consuming the same event must never share a queue (they would compete for
    /// it); instances of one service must (they scale out as competing consumers).
    /// </summary>
    public static void AddServiceConsumer<TConsumer>(this IBusRegistrationConfigurator bus, string service)
        where TConsumer : class, IConsumer
    {
        ArgumentNullException.ThrowIfNull(bus);
        var name = typeof(TConsumer).Name;
        if (name.EndsWith("Consumer", StringComparison.Ordinal))
        {
            name = name[..^"Consumer".Length];
        }

        bus.AddConsumer<TConsumer>().Endpoint(endpoint => endpoint.Name = service + "-" + KebabCaseEndpointNameFormatter.Instance.SanitizeName(name));
    }
}
