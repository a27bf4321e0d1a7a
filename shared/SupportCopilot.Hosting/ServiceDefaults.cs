using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using Scalar.AspNetCore;

namespace SupportCopilot.Hosting;

public static class ServiceDefaults
{
    /// <summary>
    /// What every SupportCopilot process has: problem details, JSON shape, health checks,
    /// OpenAPI, telemetry (traces and metrics named <paramref name="serviceName"/> unless
    /// OTEL_SERVICE_NAME says otherwise), log and shutdown defaults.
    /// </summary>
    public static IHostApplicationBuilder AddSupportCopilotDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);

        // Below every other source: appsettings, environment variables and the command line override each.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                // With Logging__Console__FormatterName=json every line then carries its scopes:
                // the trace and span ids (the host's default activity tracking) and TicketId.
                ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
                ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",

                // Under Kubernetes' default 30 s grace period, so the host finishes before SIGKILL.
                ["shutdownTimeoutSeconds"] = "25",
            },
        });
        // JSON lines get an ISO 8601 timestamp unless configured otherwise (set here, not above:
        // the simple formatter shares the key and would glue it to the level).
        builder.Services.Configure<JsonConsoleFormatterOptions>(json => json.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ");
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddHealthChecks();
        builder.Services.TryAddSingletonTimeProvider();
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = serviceName;
            document.Info.Description = "SupportCopilot HTTP API. Health: GET /health/live, GET /health/ready.";
            return Task.CompletedTask;
        }));
        builder.AddSupportCopilotTelemetry(serviceName);
        ProcessPriority.Apply(builder.Configuration);
        return builder;
    }

    /// <summary>The clock every service reads, so tests can set the time.</summary>
    public static IServiceCollection TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// <c>/health/live</c> answers while the process runs; <c>/health/ready</c> once every check
    /// tagged <c>ready</c> (databases and their schema, the bus, the search index) passes.
    /// <c>/openapi/v1.json</c> describes the HTTP API and <c>/scalar</c> renders it.
    /// </summary>
    public static WebApplication MapSupportCopilotDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteReport,
        });
        app.MapOpenApi();
        app.MapScalarApiReference();
        return app;
    }

    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        });
    }
}
