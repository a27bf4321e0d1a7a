using Microsoft.Extensions.Configuration.Memory;

namespace SupportCopilot.Standalone;

/// <summary>
/// The standalone mode's defaults. They sit below every other configuration source, so
/// appsettings, environment variables and the command line still override each of them.
/// </summary>
internal static class StandaloneDefaults
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const string NoSampleTicketsFlag = "--no-sample-tickets";

    public static string[] StripFlags(string[] args, out bool postSampleTickets)
    {
        postSampleTickets = !args.Contains(NoSampleTicketsFlag, StringComparer.OrdinalIgnoreCase);
        return args.Where(a => !string.Equals(a, NoSampleTicketsFlag, StringComparison.OrdinalIgnoreCase)).ToArray();
    }

    public static void Apply(WebApplicationBuilder builder, bool postSampleTickets)
    {
        var sampleData = Path.Combine(AppContext.BaseDirectory, "SampleData");
        var dataDirectory = Path.Combine(Environment.CurrentDirectory, "data");
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["urls"] = DefaultUrl,
                ["Database:Provider"] = "Sqlite",
                ["Database:DataDirectory"] = dataDirectory,
                // A first run creates an admin and prints how to sign in; a later run finds the account.
                ["Review:FirstRunAdmin:Email"] = "admin@localhost",
                ["Review:FirstRunAdmin:PasswordFile"] = Path.Combine(dataDirectory, "first-run-admin.txt"),
                ["Review:FirstRunAdmin:SignInUrl"] = DefaultUrl + "/review/signin",
                ["Messaging:Transport"] = "InMemory",
                ["Drafting:KnowledgeBase:ImportFolder"] = Path.Combine(sampleData, "kb"),
                ["Standalone:SampleTickets"] = Path.Combine(sampleData, "tickets.json"),
                ["Standalone:PostSampleTickets"] = postSampleTickets ? "true" : "false",
                ["Intake:Connectors:Generic:AllowUnsignedFromLoopback"] = "true",
                // A first run should show what the product does, not every HTTP request.
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Warning",
            },
        });
    }
}
