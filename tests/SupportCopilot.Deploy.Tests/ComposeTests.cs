using Xunit;
using System.Text.RegularExpressions;

namespace SupportCopilot.Deploy.Tests;

public sealed partial class ComposeTests
{
    private static readonly Yaml Compose = Yaml.Load(Repository.ComposeFile);

    private static IReadOnlyDictionary<string, Yaml> Services => Compose["services"].Entries;

    /// <summary>Image repositories compose builds, before variables are substituted.</summary>
    internal static IEnumerable<(string Service, string Repository)> ComposeImages =>
        Services.Where(s => s.Value["build"].Exists).Select(s => (s.Key, s.Value["image"].Text!.Split(':')[0]));

    private static IReadOnlyDictionary<string, string> EnvExample { get; } =
        File.ReadAllLines(Repository.EnvExample)
            .Where(l => VariableLine().IsMatch(l))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    [Fact]
    public void It_brings_up_rabbitmq_postgresql_the_migrations_and_the_three_services()
    {
        Assert.Equal(["drafting", "intake", "migrations", "postgres", "rabbitmq", "review"], Services.Keys.Order());
        Assert.EndsWith("-management", Services["rabbitmq"]["image"].Text!.Split(':')[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_long_running_service_has_a_healthcheck()
    {
        foreach (var (name, service) in Services.Where(s => s.Key != "migrations"))
        {
            var test = service["healthcheck"]["test"].Items.Select(t => t.Text).ToList();
            Assert.True(test.Count > 1 && test[0] is "CMD" or "CMD-SHELL", $"{name} has no healthcheck");
        }

        foreach (var name in Agreed.Services)
        {
            Assert.Contains(Services[name]["healthcheck"]["test"].Items, t => t.Text == "http://127.0.0.1:8080/health/ready");
        }
    }

    [Fact]
    public void The_services_start_after_healthy_infrastructure_and_completed_migrations()
    {
        foreach (var name in Agreed.Services)
        {
            var dependsOn = Services[name]["depends_on"];
            Assert.Equal("service_healthy", dependsOn["postgres"]["condition"].Text);
            Assert.Equal("service_healthy", dependsOn["rabbitmq"]["condition"].Text);
            Assert.Equal("service_completed_successfully", dependsOn["migrations"]["condition"].Text);
        }

        Assert.Equal("service_healthy", Services["migrations"]["depends_on"]["postgres"]["condition"].Text);
    }

    [Fact]
    public void The_migrations_service_runs_copilot_db_migrate_once()
    {
        var migrations = Services["migrations"];
        Assert.Equal(["db", "migrate"], migrations["command"].Items.Select(c => c.Text));
        Assert.Equal("cli", migrations["build"]["target"].Text);
        Assert.Equal("copilot", migrations["build"]["args"]["APP_ASSEMBLY"].Text);
        Assert.Equal("no", migrations["restart"].Text);
    }

    [Fact]
    public void The_services_leave_migrations_to_the_migrations_service()
    {
        Assert.All(Agreed.Services, name => Assert.Equal("false", Services[name]["environment"]["Database__MigrateOnStart"].Text));
    }

    [Fact]
    public void The_services_use_postgresql_rabbitmq_json_logs_and_their_own_telemetry_names()
    {
        foreach (var name in Agreed.Services)
        {
            var environment = Services[name]["environment"];
            Assert.Equal("Postgres", environment["Database__Provider"].Text);
            Assert.Equal("RabbitMq", environment["Messaging__Transport"].Text);
            Assert.Equal("json", environment["Logging__Console__FormatterName"].Text);
            Assert.Equal("supportcopilot-" + name, environment["OTEL_SERVICE_NAME"].Text);
        }
    }

    [Fact]
    public void Passwords_are_only_variables_from_the_env_file()
    {
        foreach (var (name, service) in Services)
        {
            foreach (var (key, value) in service["environment"].Entries)
            {
                var text = value.Text ?? "";
                if (key.Contains("PASS", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.Matches(@"^\$\{[A-Z_]+\}$", text);
                }

                foreach (Match password in PasswordInText().Matches(text))
                {
                    Assert.True(password.Groups["value"].Value.StartsWith("${", StringComparison.Ordinal), $"{name}: {key} holds a literal password");
                }
            }
        }
    }

    [Fact]
    public void The_env_example_sets_every_variable_the_compose_file_uses()
    {
        var used = Variable().Matches(File.ReadAllText(Repository.ComposeFile)).Select(m => m.Groups["name"].Value).ToHashSet();
        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.True(EnvExample.ContainsKey(name), $"${{{name}}} is used by docker-compose.yml but not set in .env.example"));
        Assert.All(EnvExample.Keys, name => Assert.True(used.Contains(name), $"{name} is set in .env.example but docker-compose.yml never uses it"));
    }

    [Fact]
    public void Every_built_image_is_named_after_the_project_it_builds()
    {
        foreach (var (name, service) in Services.Where(s => s.Value["build"].Exists))
        {
            var build = service["build"];
            Assert.Equal("..", build["context"].Text);
            Assert.True(File.Exists(Path.Combine(Repository.Deploy, build["context"].Text!, build["dockerfile"].Text!)), $"{name}: no {build["dockerfile"].Text}");
            var project = build["args"]["SERVICE"].Text!;
            Assert.True(File.Exists(Repository.PathOf($"services/SupportCopilot.{project}/SupportCopilot.{project}.csproj")), $"{name}: no project for SERVICE={project}");
            Assert.Equal("${IMAGE_REGISTRY}/" + project.ToLowerInvariant(), service["image"].Text!.Split(':')[0]);
        }
    }

    [Fact]
    public void Drafting_imports_a_knowledge_base_folder_that_exists()
    {
        var drafting = Services["drafting"];
        Assert.Equal("/kb", drafting["environment"]["Drafting__KnowledgeBase__ImportFolder"].Text);
        Assert.Contains("${KNOWLEDGE_BASE_FOLDER}:/kb:ro", drafting["volumes"].Items.Select(v => v.Text));
        Assert.True(Directory.Exists(Path.Combine(Repository.Deploy, EnvExample["KNOWLEDGE_BASE_FOLDER"])), "KNOWLEDGE_BASE_FOLDER in .env.example does not exist");
    }

    [Fact]
    public void Published_ports_listen_on_loopback_only()
    {
        var ports = Services.SelectMany(s => s.Value["ports"].Items.Select(p => p.Text!)).ToList();
        Assert.NotEmpty(ports);
        Assert.All(ports, p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex VariableLine();

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:?-[^}]*)?\}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"(Password=|://[^:/@]+:)(?<value>[^;@]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordInText();
}
