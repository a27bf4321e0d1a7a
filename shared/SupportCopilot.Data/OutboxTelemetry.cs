using System.Diagnostics;

namespace SupportCopilot.Data;

/// <summary>The activity source of the data layer (outbox relay spans); hosts add it to tracing.</summary>
public static class OutboxTelemetry
{
    public const string SourceName = "SupportCopilot.Outbox";

    internal static readonly ActivitySource Source = new(SourceName);
}
