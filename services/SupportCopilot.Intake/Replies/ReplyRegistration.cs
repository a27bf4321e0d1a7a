using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// One reply client per connector, each with its own settings section, its own HttpClient and its
/// own resilience pipeline (so one failing helpdesk opens only its own circuit).
/// </summary>
internal static class ReplyRegistration
{
    public static IServiceCollection AddReplyDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<HelpScoutTokenCache>();
        services.AddSingleton<PostedReplies>();
        services.AddSingleton<OrphanedDeliverySweep>();
        services.AddHostedService(sp => sp.GetRequiredService<OrphanedDeliverySweep>());
        AddClient<GenericHelpdeskClient, ReplyDeliverySettings>(services, configuration, ReplyDeliverySettings.SectionName);
        AddClient<ZendeskReplyClient, ZendeskReplySettings>(services, configuration, ZendeskReplySettings.SectionName);
        AddClient<FreshdeskReplyClient, FreshdeskReplySettings>(services, configuration, FreshdeskReplySettings.SectionName);
        AddClient<IntercomReplyClient, IntercomReplySettings>(services, configuration, IntercomReplySettings.SectionName);
        AddClient<HelpScoutReplyClient, HelpScoutReplySettings>(services, configuration, HelpScoutReplySettings.SectionName);
        AddClient<ChatwootReplyClient, ChatwootReplySettings>(services, configuration, ChatwootReplySettings.SectionName);
        return services;
    }

    public static IEndpointRouteBuilder MapReplyEndpoints(this IEndpointRouteBuilder app)
    {
        FailedRepliesEndpoints.Map(app);
        return app;
    }

    private static void AddClient<TClient, TSettings>(IServiceCollection services, IConfiguration configuration, string section)
        where TClient : class, IHelpdeskReplyClient
        where TSettings : ConnectorReplySettings
    {
        services.AddOptions<TSettings>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TSettings>>(new ConnectorReplySettingsValidator<TSettings>(configuration));

        // The pipeline's total timeout bounds a post; HttpClient's own would cut across the retries.
        services.AddHttpClient<TClient>(http => http.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .AddStandardResilienceHandler()
            .Configure(options => Configure(options, Raw<TSettings>(configuration, section)));
        services.AddTransient<IHelpdeskReplyClient>(sp => sp.GetRequiredService<TClient>());
    }

    /// <summary>
    /// The settings as configured, without their validation: the resilience options are validated
    /// at start too, and a bad connector setting must fail once, naming its key, not again here.
    /// </summary>
    private static TSettings Raw<TSettings>(IConfiguration configuration, string section)
        where TSettings : ConnectorReplySettings
    {
        var settings = Activator.CreateInstance<TSettings>();
        try
        {
            configuration.GetSection(section).Bind(settings);
        }
        catch (InvalidOperationException)
        {
            // A value that does not convert; binding the options reports it with its key.
        }

        return settings;
    }

    private static void Configure(HttpStandardResilienceOptions options, ConnectorReplySettings settings)
    {
        // Clamped into Polly's ranges: out-of-range values are reported by the connector's own validation.
        var total = Clamp(settings.Timeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1));
        options.TotalRequestTimeout.Timeout = total;
        options.AttemptTimeout.Timeout = Clamp(settings.AttemptTimeout, TimeSpan.FromMilliseconds(10), total);

        // Exponential back-off with jitter on 5xx, 408, 429, timeouts and network errors; a 429's
        // Retry-After replaces the computed delay.
        options.Retry.MaxRetryAttempts = Math.Clamp(settings.Retries, 1, 10);
        if (settings.Retries <= 0)
        {
            options.Retry.ShouldHandle = _ => PredicateResult.False();
        }

        options.Retry.BackoffType = DelayBackoffType.Exponential;
        options.Retry.UseJitter = true;
        options.Retry.Delay = Clamp(settings.RetryDelay, TimeSpan.Zero, TimeSpan.FromDays(1));
        options.Retry.ShouldRetryAfterHeader = true;

        // Opens when half of at least 10 attempts in the window failed; while open, posts fail at once
        // (the bus retries them later, and after its last retry the reply is marked failed).
        options.CircuitBreaker.FailureRatio = 0.5;
        options.CircuitBreaker.MinimumThroughput = 10;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, options.AttemptTimeout.Timeout.Ticks * 2));
        options.CircuitBreaker.BreakDuration = Clamp(settings.BreakDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1));
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
