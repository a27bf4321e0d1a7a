using MassTransit;

namespace SupportCopilot.Review;

/// <summary>Composition of the Review service: the review queue, agents decisions and corrections.</summary>
public static class ReviewService
{
    public const string Name = "review";

    public static IHostApplicationBuilder AddReviewService(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }

    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
    }

    public static IEndpointRouteBuilder MapReviewService(this IEndpointRouteBuilder app) => app;
}
