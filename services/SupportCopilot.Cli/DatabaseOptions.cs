using System.CommandLine;
using SupportCopilot.Data;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>--database-provider</c>, <c>--connection-string</c> and <c>--data-dir</c> on a command that
/// opens a service's database, over the same <c>Database__*</c> variables the services read, and
/// the one way such a command opens it: a bad configuration exits 2 naming the problem, a failing
/// database exits 1 with the driver's message (never the settings, which hold a password).
/// </summary>
internal sealed class DatabaseOptions
{
    private readonly Option<string?> _provider;
    private readonly Option<string?> _connectionString;
    private readonly Option<string?> _dataDirectory;

    private DatabaseOptions(Command command)
    {
        _provider = new Option<string?>("--database-provider") { Description = "sqlite or postgres (default: Database__Provider, else sqlite)." };
        _provider.AcceptOnlyFromAmong("sqlite", "postgres", "Sqlite", "Postgres");
        _connectionString = new Option<string?>("--connection-string") { Description = "PostgreSQL connection string (default: Database__ConnectionString)." };
        _dataDirectory = new Option<string?>("--data-dir") { Description = "Folder of the SQLite files (default: Database__DataDirectory, else ./data)." };
        command.Options.Add(_provider);
        command.Options.Add(_connectionString);
        command.Options.Add(_dataDirectory);
    }

    public static DatabaseOptions AddTo(Command command) => new(command);

    /// <param name="service">Prefixes a database error, e.g. <c>review</c>.</param>
    public async Task<int> RunAsync<TDatabase>(ParseResult parse, string service, Func<DatabaseSettings, TDatabase> open, Func<TDatabase, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(parse);
        DatabaseSettings settings;
        try
        {
            settings = CliConfiguration.Database(parse.GetValue(_provider), parse.GetValue(_connectionString), parse.GetValue(_dataDirectory));
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return DatabaseCommands.InvalidConfiguration;
        }

        var validation = new DatabaseSettingsValidator().Validate(null, settings);
        if (validation.Failed)
        {
            foreach (var failure in validation.Failures)
            {
                await Console.Error.WriteLineAsync(failure);
            }

            return DatabaseCommands.InvalidConfiguration;
        }

        try
        {
            return await run(open(settings));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"{service}: {ex.GetType().Name}: {ex.Message}");
            return DatabaseCommands.Failed;
        }
    }
}
