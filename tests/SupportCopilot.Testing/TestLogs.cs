using Microsoft.Extensions.Logging;

namespace SupportCopilot.Testing;

/// <summary>
/// Hosts started by tests log nothing unless SUPPORTCOPILOT_TEST_LOGS names a file, where
/// every log line then goes: the way to see what a service did in a failing test.
/// </summary>
public static class TestLogs
{
    private static readonly Lock Gate = new();

    public static void Configure(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        var path = Environment.GetEnvironmentVariable("SUPPORTCOPILOT_TEST_LOGS");
        if (!string.IsNullOrWhiteSpace(path))
        {
            logging.AddProvider(new FileLoggerProvider(path));
        }
    }

    private sealed class FileLoggerProvider(string path) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new FileLogger(path, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class FileLogger(string path, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : Environment.NewLine + exception)}{Environment.NewLine}";
            lock (Gate)
            {
                File.AppendAllText(path, line);
            }
        }
    }
}
