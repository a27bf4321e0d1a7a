using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SupportCopilot.Testing;

/// <summary>
/// Keeps every log line of a host in memory, at every level, with its scopes and exception, so
/// a test can assert on what a service wrote (and on what it must never write, like a password).
/// </summary>
public sealed class InMemoryLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Lines => [.. _lines];

    public string Text => string.Join(Environment.NewLine, _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(InMemoryLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => logs._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            logs._scopes.ForEachScope(
                (scope, list) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        list.AddRange(pairs.Select(p => $"{p.Key}={p.Value}"));
                    }
                    else
                    {
                        list.Add(scope?.ToString() ?? string.Empty);
                    }
                },
                scopes);
            logs._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{string.Join("; ", scopes)}]{(exception is null ? string.Empty : " " + exception)}");
        }
    }
}
