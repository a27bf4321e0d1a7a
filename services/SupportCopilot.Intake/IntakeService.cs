using MassTransit;

namespace SupportCopilot.Intake;

public static class IntakeService
{
    public const string Name = "intake";

    public static IHostApplicationBuilder AddIntakeService(this IHostApplicationBuilder builder) => builder;

    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
    }

    public static IEndpointRouteBuilder MapIntakeService(this IEndpointRouteBuilder app) => app;
}
