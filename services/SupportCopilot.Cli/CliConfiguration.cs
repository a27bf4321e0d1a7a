using Microsoft.Extensions.Configuration;
using SupportCopilot.Data;
using SupportCopilot.Drafting;

namespace SupportCopilot.Cli;

/// <summary>
/// The same configuration keys the services read, from environment variables
/// (<c>Database__Provider</c>, <c>Database__ConnectionString</c>, <c>Database__DataDirectory</c>,
/// <c>Drafting__AutoSendThreshold</c>, ...); command-line options override them.
/// </summary>
internal static class CliConfiguration
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();

    public static DatabaseSettings Database(string? provider, string? connectionString, string? dataDirectory)
    {
        var settings = Configuration.GetSection(DatabaseSettings.SectionName).Get<DatabaseSettings>() ?? new DatabaseSettings();
        if (provider is not null)
        {
            settings.Provider = Enum.Parse<DatabaseProvider>(provider, ignoreCase: true);
        }

        if (connectionString is not null)
        {
            settings.ConnectionString = connectionString;
        }

        if (dataDirectory is not null)
        {
            settings.DataDirectory = dataDirectory;
        }

        return settings;
    }

    public static DraftingOptions Drafting() =>
        Configuration.GetSection(DraftingOptions.SectionName).Get<DraftingOptions>() ?? new DraftingOptions();
}
