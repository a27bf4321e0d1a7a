using System.Collections.Concurrent;
using MassTransit;

namespace SupportCopilot.Testing;

/// <summary>
/// Counts messages a bus finished consuming, by type, so a test can wait until a duplicate was
/// really handled (and did nothing) rather than assert before it arrived.
/// </summary>
public sealed class ConsumedMessages : IConsumeObserver
{
    private readonly ConcurrentDictionary<Type, int> _counts = new();

    public int Count<T>() => _counts.GetValueOrDefault(typeof(T));

    public Task WaitForAsync<T>(int count, TimeSpan? timeout = null) =>
        Eventually.MatchesAsync(() => Task.FromResult(Count<T>()), n => n >= count, timeout, $"{count} {typeof(T).Name} consumed");

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        _counts.AddOrUpdate(typeof(T), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}
