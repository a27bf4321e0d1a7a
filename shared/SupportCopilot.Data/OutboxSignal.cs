namespace SupportCopilot.Data;

/// <summary>
/// Lets a committing transaction wake the relay at once instead of waiting for its next poll.
/// The poll stays: it is what catches up after a crash or on another instance's rows.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    // Under load nearly every commit finds the relay already signalled; a flag answers that
    // without SemaphoreSlim.Release throwing (and the runtime unwinding) once per commit.
    private int _signalled;

    public void Notify()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _pending.Release();
        }
    }

    /// <summary>
    /// True when signalled within <paramref name="timeout"/>. The flag is cleared before the caller
    /// reads the outbox, so a commit that comes after that read signals again and is not left to the poll.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signalled = await _pending.WaitAsync(timeout, cancellationToken);
        if (signalled)
        {
            Interlocked.Exchange(ref _signalled, 0);
        }

        return signalled;
    }
}
