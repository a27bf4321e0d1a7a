namespace SupportCopilot.Data;

/// <summary>
/// Open once a service's schema has every migration it needs. Whatever touches the tables in the
/// background (consumers, the outbox relay, the knowledge start-up) waits on it, so a service
/// started with <c>Database:MigrateOnStart=false</c> before <c>copilot db migrate</c> ran does
/// nothing half-way: it stays unready and holds its messages until the schema is current.
/// </summary>
public interface ISchemaGate
{
    string Schema { get; }

    bool IsOpen { get; }

    /// <summary>Why the gate is closed (for the readiness report); null once open.</summary>
    string? Waiting { get; }

    Task WaitAsync(CancellationToken cancellationToken);

    /// <summary>Looks at the database now and opens the gate when nothing is missing.</summary>
    Task<bool> CheckAsync(CancellationToken cancellationToken);
}

public sealed class SchemaGate<TDatabase>(TDatabase database, IReadOnlyList<Migration> migrations) : ISchemaGate
    where TDatabase : ServiceDatabase
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Schema => database.Schema;

    public bool IsOpen => _open.Task.IsCompleted;

    public string? Waiting { get; private set; } = "The schema has not been checked yet.";

    public Task WaitAsync(CancellationToken cancellationToken) => _open.Task.WaitAsync(cancellationToken);

    public void Open()
    {
        Waiting = null;
        _open.TrySetResult();
    }

    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        if (IsOpen)
        {
            return true;
        }

        try
        {
            var pending = await Migrator.PendingAsync(database, migrations, cancellationToken);
            if (pending.Count == 0)
            {
                Open();
                return true;
            }

            Waiting = $"The {database.Schema} schema lacks {pending.Count} migration(s) (first: {pending[0].Version} {pending[0].Name}) "
                + $"and Database:MigrateOnStart is false: run `copilot db migrate --service {database.Schema}`.";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Waiting = $"The {database.Schema} schema could not be checked: {ex.GetType().Name}.";
        }

        return false;
    }
}
