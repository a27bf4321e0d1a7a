using SupportCopilot.Drafting;
using SupportCopilot.Hosting;
using SupportCopilot.Intake;
using SupportCopilot.Review;

namespace SupportCopilot.Standalone;

/// <summary>
/// The standalone composition: all three services in one process, in-memory bus, SQLite files,
/// the sample knowledge base. Program runs it; the tests build the very same app (with their own
/// settings on top) so that, for instance, the authorization matrix covers every endpoint a user can reach.
/// </summary>
public static class StandaloneApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(StandaloneDefaults.StripFlags(args, out var postSampleTickets));
        StandaloneDefaults.Apply(builder, postSampleTickets);
        configure?.Invoke(builder);
        builder.AddSupportCopilotDefaults("supportcopilot-standalone");
        builder.AddIntakeService();
        builder.AddDraftingService();
        builder.AddReviewService();
        builder.Services.AddSupportCopilotMessaging(
            builder.Configuration, IntakeService.AddConsumers, DraftingService.AddConsumers, ReviewService.AddConsumers);
        builder.Services.AddHostedService<SampleTicketPoster>();

        var app = builder.Build();
        app.MapSupportCopilotDefaults();
        app.MapIntakeService();
        app.MapDraftingService();
        app.MapReviewService();
        app.MapGet("/", () => Results.Redirect("/review")).ExcludeFromDescription().AllowAnonymous();
        return app;
    }
}
