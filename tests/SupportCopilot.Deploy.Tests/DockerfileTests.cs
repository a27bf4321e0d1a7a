using Xunit;
namespace SupportCopilot.Deploy.Tests;

public sealed class DockerfileTests
{
    [Fact]
    public void It_builds_with_the_sdk_and_runs_on_the_aspnet_runtime_image()
    {
        var stages = Dockerfile.Stages;
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", ResolveFrom(stages.Single(s => s.Name == "build").From), StringComparison.Ordinal);
        Assert.True(stages.Count >= 2, "the Dockerfile is not multi-stage");
        foreach (var target in new[] { "service", "cli" })
        {
            var image = BaseImageOf(target);
            Assert.True(
                image is "mcr.microsoft.com/dotnet/aspnet:10.0" || image.StartsWith("mcr.microsoft.com/dotnet/runtime-deps:10.0", StringComparison.Ordinal),
                $"the {target} target runs on {image}, not the .NET 10 ASP.NET Core runtime");
            Assert.DoesNotContain(ChainOf(target), s => s.Name == "build");
        }

        Assert.Equal("service", stages[^1].Name);
    }

    [Fact]
    public void Both_targets_run_as_the_non_root_app_user()
    {
        foreach (var target in new[] { "service", "cli" })
        {
            var user = ChainOf(target).SelectMany(s => s.Body).LastOrDefault(i => i.Instruction == "USER").Arguments;
            Assert.True(user is "$APP_UID" or "${APP_UID}" or "app" || int.TryParse(user, out var uid) && uid > 0, $"the {target} target runs as '{user}'");
        }
    }

    [Fact]
    public void The_service_image_checks_its_readiness_endpoint_with_a_tool_it_installs()
    {
        var healthcheck = Dockerfile.Stages.Single(s => s.Name == "service").Body.Single(i => i.Instruction == "HEALTHCHECK").Arguments;
        Assert.Contains("http://127.0.0.1:8080/health/", healthcheck, StringComparison.Ordinal);
        var tool = healthcheck[(healthcheck.IndexOf("CMD ", StringComparison.Ordinal) + 4)..].Split(' ')[0];
        Assert.Contains(ChainOf("service").SelectMany(s => s.Body), i => i.Instruction == "RUN" && i.Arguments.Contains("install", StringComparison.Ordinal) && i.Arguments.Contains(tool, StringComparison.Ordinal));
        Assert.Contains(Dockerfile.Stages.Single(s => s.Name == "service").Body, i => i.Instruction == "EXPOSE" && i.Arguments == "8080");
    }

    [Fact]
    public void Every_path_it_copies_from_the_build_context_exists()
    {
        var copies = Dockerfile.Instructions.Where(i => i.Instruction is "COPY" or "ADD")
            .Select(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(args => !args.Any(a => a.StartsWith("--from", StringComparison.Ordinal)))
            .SelectMany(args => args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).SkipLast(1))
            .ToList();
        Assert.NotEmpty(copies);
        Assert.All(copies, source => Assert.True(
            File.Exists(Repository.PathOf(source)) || Directory.Exists(Repository.PathOf(source)), $"COPY {source}: not in the repository"));
    }

    [Fact]
    public void It_copies_every_project_file_a_service_needs_before_restoring()
    {
        var restore = Dockerfile.Instructions.ToList().FindIndex(i => i.Instruction == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal));
        Assert.True(restore > 0, "no dotnet restore step");
        var copiedProjects = Dockerfile.Instructions.Take(restore).Where(i => i.Instruction == "COPY")
            .Select(i => i.Arguments.Split(' ')[0]).Where(s => s.EndsWith(".csproj", StringComparison.Ordinal)).ToHashSet();
        foreach (var project in new[] { "Intake", "Drafting", "Review", "Cli" }.Select(p => $"services/SupportCopilot.{p}/SupportCopilot.{p}.csproj"))
        {
            foreach (var needed in ProjectClosure(project))
            {
                Assert.True(copiedProjects.Contains(needed), $"{project} needs {needed}, which is not copied before dotnet restore");
            }
        }
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_and_the_git_folder()
    {
        var ignored = File.ReadAllLines(Path.Combine(Repository.Deploy, "docker", "Dockerfile.dockerignore")).Select(l => l.Trim()).ToHashSet();
        Assert.Superset(new HashSet<string> { "**/bin/", "**/obj/", ".git/" }, ignored);
    }

    private static string BaseImageOf(string target)
    {
        var chain = ChainOf(target);
        return ResolveFrom(chain[^1].From);
    }

    /// <summary>A stage and the stages it is built FROM, the stage itself first.</summary>
    private static List<(string Name, string From, List<(string Instruction, string Arguments)> Body)> ChainOf(string target)
    {
        var stages = Dockerfile.Stages;
        var chain = new List<(string, string, List<(string, string)>)>();
        for (var stage = stages.Single(s => s.Name == target); ; stage = stages.Single(s => s.Name == stage.From))
        {
            chain.Add(stage);
            if (!stages.Any(s => s.Name == stage.From))
            {
                return chain;
            }
        }
    }

    private static string ResolveFrom(string from)
    {
        var args = Dockerfile.Instructions.TakeWhile(i => i.Instruction != "FROM").Where(i => i.Instruction == "ARG")
            .Select(i => i.Arguments.Split('=', 2)).Where(a => a.Length == 2).ToDictionary(a => a[0], a => a[1]);
        foreach (var (name, value) in args)
        {
            from = from.Replace("${" + name + "}", value, StringComparison.Ordinal).Replace("$" + name, value, StringComparison.Ordinal);
        }

        return from;
    }

    private static HashSet<string> ProjectClosure(string project)
    {
        var result = new HashSet<string>();
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!result.Add(current))
            {
                continue;
            }

            var document = System.Xml.Linq.XDocument.Load(Repository.PathOf(current));
            foreach (var reference in document.Descendants("ProjectReference").Select(r => r.Attribute("Include")!.Value))
            {
                var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Repository.PathOf(current))!, reference.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Repository.Root, full).Replace('\\', '/'));
            }
        }

        return result;
    }
}
