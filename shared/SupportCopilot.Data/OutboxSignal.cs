namespace SupportCopilot.Data;

/// <summary>
/// Lets a committing transaction wake the relay at once instead of waiting for its next poll.
/// The poll stays: it is what catches up after a crash or on another instance's rows.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; the relay will read everything that is waiting.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);
}
