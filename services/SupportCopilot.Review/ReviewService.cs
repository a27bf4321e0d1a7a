using MassTransit;
using SupportCopilot.Data;
using SupportCopilot.Hosting;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Accounts;
using SupportCopilot.Review.Assets;
using SupportCopilot.Review.Claims;
using SupportCopilot.Review.Database;
using SupportCopilot.Review.Decisions;
using SupportCopilot.Review.Exports;
using SupportCopilot.Review.FailedReplies;
using SupportCopilot.Review.Items;
using SupportCopilot.Review.Queue;

namespace SupportCopilot.Review;

/// <summary>Composition of the Review service: the review queue, agents decisions and corrections.</summary>
public static class ReviewService
{
    public const string Name = "review";

    /// <summary>
    /// Registers the Review service. The host also needs the bus (<c>AddSupportCopilotMessaging</c>
    /// with <see cref="AddConsumers"/>) and must call <see cref="MapReviewService"/>. The pages
    /// validate their antiforgery tokens themselves; no extra middleware is needed.
    /// </summary>
    public static IHostApplicationBuilder AddReviewService(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ReviewSettings>().Bind(builder.Configuration.GetSection(ReviewSettings.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ReviewSettings>>(ReviewSettings.Rules);
        builder.Services.AddServiceDatabase<ReviewDatabase>(builder.Configuration, ReviewMigrations.All);
        builder.Services.TryAddSingletonTimeProvider();
        builder.Services.AddSupportCopilotAuthentication(builder.Configuration);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<UserAccounts>();
        builder.Services.AddScoped<IssuedApiKeys>();
        builder.Services.AddScoped<IApiKeyStore>(sp => sp.GetRequiredService<IssuedApiKeys>());
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<SignInThrottle>();
        builder.Services.AddProviderSignInAudit();
        builder.Services.AddScoped<ClaimHandler>();
        builder.Services.AddScoped<QueueQueries>();
        builder.Services.AddScoped<Metrics.ReviewMetrics>();
        builder.Services.AddScoped<EnqueueDraftHandler>();
        builder.Services.AddScoped<DecisionHandler>();
        builder.Services.AddScoped<ReviewItemQueries>();
        builder.Services.AddScoped<FailedReplyTracker>();
        builder.Services.AddScoped<FailedReplyQueries>();
        builder.Services.AddScoped<RetryFailedReplyHandler>();
        builder.Services.AddExports(builder.Configuration);
        builder.Services.AddHostedService<ReviewQueueDepth>();
        builder.Services.AddOptions<FirstRunAdminSettings>().Bind(builder.Configuration.GetSection(FirstRunAdminSettings.SectionName));
        builder.Services.AddHostedService<FirstRunAdmin>();

        // The pages are compiled into this assembly; naming it as a part lets any host find them.
        // Every page needs a signed-in agent; the sign-in page itself is open, the metrics are for ops
        // and the admin pages for admins.
        builder.Services.AddRazorPages(options => options.Conventions
                .AuthorizeFolder("/Review", AuthPolicies.Agent)
                .AuthorizePage("/Review/Metrics", AuthPolicies.Ops)
                .AuthorizeFolder("/Review/Admin", AuthPolicies.Admin)
                .AllowAnonymousToPage("/Review/SignIn")
                .AllowAnonymousToPage("/Review/Denied"))
            .AddApplicationPart(typeof(ReviewService).Assembly);
        return builder;
    }

    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddServiceConsumer<DraftReadyConsumer>(Name);
        bus.AddServiceConsumer<ReplyFailedConsumer>(Name);
        bus.AddServiceConsumer<ReplySentConsumer>(Name);
    }

    /// <summary>The JSON API under <c>/api/review</c>, the review pages under <c>/review</c>.</summary>
    public static IEndpointRouteBuilder MapReviewService(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapItemsEndpoints();
        app.MapClaimEndpoints();
        app.MapAccountEndpoints();
        app.MapDecisionEndpoints();
        app.MapFailedRepliesEndpoints();
        app.MapExportEndpoints();
        app.MapStylesheet();
        app.MapRazorPages();
        return app;
    }
}
