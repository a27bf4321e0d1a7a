using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SupportCopilot.Data;

namespace SupportCopilot.Hosting;

internal static class TelemetryRegistration
{
    /// <summary>MassTransit's activity source and meter (its built-in OpenTelemetry support).</summary>
    public const string MassTransitName = "MassTransit";

    /// <summary>
    /// Traces (HTTP in and out, MassTransit, Npgsql, the outbox relay) and metrics (ours,
    /// ASP.NET Core, HttpClient, MassTransit, Npgsql). The OTLP exporter is switched on only by
    /// OTEL_EXPORTER_OTLP_ENDPOINT and configured by the standard OTEL_* variables, so a laptop
    /// run exports nothing and logs no exporter errors. OTEL_SERVICE_NAME overrides the name.
    /// </summary>
    public static void AddSupportCopilotTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<SupportCopilotMetrics>();
        var name = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : serviceName;
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(name))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(MassTransitName)
                    .AddSource(OutboxTelemetry.SourceName)
                    .AddAspNetCoreInstrumentation(aspNetCore =>
                        aspNetCore.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                if (!exporting)
                {
                    // Spans nobody exports are not recorded, only their trace context, which still
                    // travels in message headers and outbox rows: log lines keep one trace id per ticket.
                    tracing.SetSampler(new AlwaysOffSampler());
                }
            })
            .WithMetrics(metrics => metrics
                .AddMeter(SupportCopilotMetrics.MeterName)
                .AddMeter(MassTransitName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation());
        if (exporting)
        {
            telemetry.UseOtlpExporter();
        }
    }
}
