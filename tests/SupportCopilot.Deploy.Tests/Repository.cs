namespace SupportCopilot.Deploy.Tests;

/// <summary>Paths of the repository the tests run from and the deploy artifacts in it.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string Kubernetes => Path.Combine(Deploy, "kubernetes");

    public static string ComposeFile => Path.Combine(Deploy, "docker-compose.yml");

    public static string EnvExample => Path.Combine(Deploy, ".env.example");

    public static string Dockerfile => Path.Combine(Deploy, "docker", "Dockerfile");

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SupportCopilot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SupportCopilot.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The fixed names the deployment and the services agree on.</summary>
internal static class Agreed
{
    public const string Namespace = "supportcopilot";

    /// <summary>Each service's RabbitMQ queues, <c>&lt;service&gt;-&lt;message&gt;</c> (docs/decisions/0001).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> QueuesByService = new Dictionary<string, string[]>
    {
        ["intake"] = ["intake-draft-ready", "intake-send-reply", "intake-reply-approved", "intake-draft-queued-for-review", "intake-draft-rejected"],
        ["drafting"] = ["drafting-ticket-received"],
        ["review"] = ["review-draft-ready"],
    };

    public static IEnumerable<string> Services => QueuesByService.Keys;

    /// <summary>The project folder of an image: supportcopilot/intake is services/SupportCopilot.Intake.</summary>
    public static string ProjectFolderOf(string imageName) =>
        "services/SupportCopilot." + char.ToUpperInvariant(imageName[0]) + imageName[1..];
}
