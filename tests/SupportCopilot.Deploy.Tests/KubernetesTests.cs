using Xunit;
using static SupportCopilot.Deploy.Tests.KubernetesManifests;

namespace SupportCopilot.Deploy.Tests;

public sealed class KubernetesTests
{
    [Fact]
    public void There_is_one_deployment_per_service()
    {
        Assert.Equal(Agreed.Services.Order(), Deployments.Select(d => d["metadata"]["name"].Text!).Order());
    }

    [Fact]
    public void Every_deployment_is_ready_on_health_ready_and_alive_on_health_live()
    {
        foreach (var deployment in Deployments)
        {
            var container = deployment["spec"]["template"]["spec"]["containers"].Items.Single();
            Assert.True(container["readinessProbe"]["httpGet"]["path"].Text == "/health/ready", $"{NameOf(deployment)}: readiness probe is not GET /health/ready");
            Assert.True(container["livenessProbe"]["httpGet"]["path"].Text == "/health/live", $"{NameOf(deployment)}: liveness probe is not GET /health/live");
            var ports = container["ports"].Items;
            foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
            {
                var port = container[probe]["httpGet"]["port"].Text;
                Assert.True(
                    ports.Any(p => p["name"].Text == port || p["containerPort"].Text == port) && ports.Any(p => p["containerPort"].Text == "8080"),
                    $"{NameOf(deployment)}: {probe} port {port} is not the container's port 8080");
            }
        }
    }

    [Fact]
    public void Every_container_requests_and_limits_cpu_and_memory()
    {
        foreach (var (owner, container) in Containers)
        {
            foreach (var bound in new[] { "requests", "limits" })
            {
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(container["resources"][bound][resource].Exists, $"{owner}: no resources.{bound}.{resource}");
                }
            }
        }
    }

    [Fact]
    public void Every_pod_runs_as_a_non_root_user_without_privileges()
    {
        foreach (var (owner, pod) in PodSpecs)
        {
            Assert.True(pod["securityContext"]["runAsNonRoot"].Text == "true", $"{owner}: securityContext.runAsNonRoot is not true");
            Assert.True(pod["securityContext"]["runAsUser"].Integer > 0, $"{owner}: runAsUser is not a non-root UID");
        }

        foreach (var (owner, container) in Containers)
        {
            Assert.True(container["securityContext"]["allowPrivilegeEscalation"].Text == "false", $"{owner}: allowPrivilegeEscalation is not false");
            Assert.True(container["securityContext"]["readOnlyRootFilesystem"].Text == "true", $"{owner}: the root file system is writable");
            Assert.Contains("ALL", container["securityContext"]["capabilities"]["drop"].Items.Select(c => c.Text));
        }
    }

    [Fact]
    public void Connection_strings_and_broker_uris_come_from_secrets()
    {
        string[] secretSettings = ["Database__ConnectionString", "Messaging__RabbitMqUri", "Intake__Connectors__Generic__WebhookSecret"];
        foreach (var (owner, container) in Containers)
        {
            foreach (var env in container["env"].Items.Where(e => secretSettings.Contains(e["name"].Text)))
            {
                Assert.False(env["value"].Exists, $"{owner}: {env["name"].Text} is written inline");
                Assert.True(env["valueFrom"]["secretKeyRef"]["name"].Exists, $"{owner}: {env["name"].Text} is not read from a Secret");
            }
        }

        Assert.All(Deployments, d => Assert.True(EnvFromSecrets(d).Count() >= 2, "every service reads its database and broker from Secrets"));
    }

    [Fact]
    public void Intake_reads_the_generic_webhook_secret_from_a_secret_without_which_it_refuses_to_start()
    {
        var intake = Assert.Single(Containers, c => c.Owner.Contains("intake", StringComparison.Ordinal)).Container;

        var secret = Assert.Single(intake["env"].Items, e => e["name"].Text == "Intake__Connectors__Generic__WebhookSecret");
        Assert.True(secret["valueFrom"]["secretKeyRef"]["name"].Exists);
    }

    [Fact]
    public void No_object_but_a_secret_holds_a_password()
    {
        foreach (var (file, o) in All.Where(o => o.Object["kind"].Text != "Secret"))
        {
            var text = Flatten(o).ToList();
            Assert.DoesNotContain(text, s => s.Contains("Password=", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(text, s => System.Text.RegularExpressions.Regex.IsMatch(s, "amqps?://[^/@\\s]+:[^/@\\s]+@"));
            _ = file;
        }
    }

    [Fact]
    public void Every_secret_key_a_pod_reads_is_in_the_example_secrets()
    {
        var secrets = OfKind("Secret").ToDictionary(s => s["metadata"]["name"].Text!, s => s["stringData"].Entries.Keys.Concat(s["data"].Entries.Keys).ToHashSet());
        var references = Containers.SelectMany(c => c.Container["env"].Items.Select(e => (c.Owner, Ref: e["valueFrom"]["secretKeyRef"])))
            .Concat(OfKind("TriggerAuthentication").SelectMany(t => t["spec"]["secretTargetRef"].Items.Select(r => (NameOf(t), Ref: r))))
            .Where(r => r.Ref.Exists);
        foreach (var (owner, reference) in references)
        {
            var name = reference["name"].Text!;
            Assert.True(secrets.ContainsKey(name) && secrets[name].Contains(reference["key"].Text!), $"{owner} reads secret {name} key {reference["key"].Text}, which secrets.example.yaml does not define");
        }
    }

    [Fact]
    public void Every_image_is_one_the_dockerfile_builds()
    {
        foreach (var (owner, container) in Containers)
        {
            var image = container["image"].Text!;
            var name = image.Split(':')[0];
            Assert.StartsWith("supportcopilot/", name, StringComparison.Ordinal);
            var service = name["supportcopilot/".Length..];
            Assert.True(Directory.Exists(Repository.PathOf(Agreed.ProjectFolderOf(service))), $"{owner}: image {image} has no project {Agreed.ProjectFolderOf(service)}");
            Assert.Contains(ComposeTests.ComposeImages, i => i.Repository == "${IMAGE_REGISTRY}/" + service);
        }

        var kustomizedImages = Yaml.Load(Path.Combine(Repository.Kubernetes, "kustomization.yaml"))["images"].Items.Select(i => i["name"].Text).ToHashSet();
        Assert.All(Containers, c => Assert.Contains(c.Container["image"].Text!.Split(':')[0], kustomizedImages));
    }

    [Fact]
    public void A_job_runs_copilot_db_migrate_with_the_cli_image()
    {
        var job = Named("Job", "supportcopilot-migrate");
        var container = job["spec"]["template"]["spec"]["containers"].Items.Single();
        Assert.StartsWith("supportcopilot/cli:", container["image"].Text, StringComparison.Ordinal);
        Assert.Equal(["db", "migrate"], container["args"].Items.Select(a => a.Text));
        Assert.Equal("secretKeyRef", container["env"].Items.Single(e => e["name"].Text == "Database__ConnectionString")["valueFrom"].Entries.Keys.Single());
        Assert.Equal("Never", job["spec"]["template"]["spec"]["restartPolicy"].Text);
    }

    [Fact]
    public void The_services_leave_migrations_to_the_job()
    {
        var config = Named("ConfigMap", "supportcopilot-config");
        Assert.Equal("false", config["data"]["Database__MigrateOnStart"].Text);
        foreach (var deployment in Deployments)
        {
            var container = deployment["spec"]["template"]["spec"]["containers"].Items.Single();
            Assert.Contains("supportcopilot-config", container["envFrom"].Items.Select(e => e["configMapRef"]["name"].Text));
            Assert.DoesNotContain(container["env"].Items, e => e["name"].Text == "Database__MigrateOnStart");
        }
    }

    [Theory]
    [InlineData("intake")]
    [InlineData("drafting")]
    [InlineData("review")]
    public void Each_consumer_service_scales_with_keda_on_its_own_queues(string service)
    {
        var scaledObject = OfKind("ScaledObject").Single(s => s["spec"]["scaleTargetRef"]["name"].Text == service);
        Assert.Equal("Deployment", scaledObject["spec"]["scaleTargetRef"]["kind"].Text ?? "Deployment");
        var triggers = scaledObject["spec"]["triggers"].Items;
        Assert.NotEmpty(triggers);
        var authentications = OfKind("TriggerAuthentication").Select(t => t["metadata"]["name"].Text).ToHashSet();
        foreach (var trigger in triggers)
        {
            Assert.Equal("rabbitmq", trigger["type"].Text);
            Assert.Contains(trigger["metadata"]["queueName"].Text, Agreed.QueuesByService[service]);
            Assert.Equal("QueueLength", trigger["metadata"]["mode"].Text);
            Assert.True(trigger["metadata"]["value"].Integer > 0, $"{service}: queue length target is not a positive number");
            Assert.Contains(trigger["authenticationRef"]["name"].Text, authentications);
        }

        Assert.True(scaledObject["spec"]["minReplicaCount"].Integer <= scaledObject["spec"]["maxReplicaCount"].Integer);
    }

    [Fact]
    public void Intake_scales_on_replies_and_ready_drafts_and_never_below_two_replicas()
    {
        var intake = OfKind("ScaledObject").Single(s => s["spec"]["scaleTargetRef"]["name"].Text == "intake");
        Assert.Equal(["intake-draft-ready", "intake-send-reply"], intake["spec"]["triggers"].Items.Select(t => t["metadata"]["queueName"].Text!).Order());
        Assert.True(intake["spec"]["minReplicaCount"].Integer >= 2, "Intake serves webhooks: minReplicaCount must be at least 2");
        Assert.True(Named("Deployment", "intake")["spec"]["replicas"].Integer >= 2);
    }

    [Fact]
    public void Every_disruption_budget_selects_the_pods_of_a_deployment()
    {
        var budgets = OfKind("PodDisruptionBudget").ToList();
        Assert.Equal(Agreed.Services.Order(), budgets.Select(b => b["metadata"]["name"].Text!).Order());
        foreach (var budget in budgets)
        {
            var matchLabels = budget["spec"]["selector"]["matchLabels"];
            var selected = Deployments.Where(d => Selects(matchLabels, d["spec"]["template"]["metadata"]["labels"])).ToList();
            Assert.True(selected.Count == 1, $"{NameOf(budget)} selects {selected.Count} Deployments' pods");
            Assert.True(budget["spec"]["minAvailable"].Integer < selected[0]["spec"]["replicas"].Integer, $"{NameOf(budget)} would block every drain");
        }
    }

    [Fact]
    public void Every_service_selects_the_pods_of_a_deployment_and_one_of_their_ports()
    {
        var services = OfKind("Service").ToList();
        Assert.Equal(Agreed.Services.Order(), services.Select(s => s["metadata"]["name"].Text!).Order());
        foreach (var service in services)
        {
            var deployment = Deployments.SingleOrDefault(d => Selects(service["spec"]["selector"], d["spec"]["template"]["metadata"]["labels"]));
            Assert.True(deployment is not null, $"{NameOf(service)} selects no Deployment's pods");
            var portNames = deployment["spec"]["template"]["spec"]["containers"].Items.SelectMany(c => c["ports"].Items).Select(p => p["name"].Text).ToHashSet();
            Assert.All(service["spec"]["ports"].Items, p => Assert.Contains(p["targetPort"].Text, portNames));
        }
    }

    [Fact]
    public void Every_deployment_selector_matches_its_own_pod_template()
    {
        Assert.All(Deployments, d => Assert.True(
            Selects(d["spec"]["selector"]["matchLabels"], d["spec"]["template"]["metadata"]["labels"]), $"{NameOf(d)}: selector does not match its template"));
    }

    [Fact]
    public void Drafting_imports_the_knowledge_base_from_a_mounted_folder()
    {
        var pod = Named("Deployment", "drafting")["spec"]["template"]["spec"];
        var container = pod["containers"].Items.Single();
        var folder = container["env"].Items.Single(e => e["name"].Text == "Drafting__KnowledgeBase__ImportFolder")["value"].Text;
        var mount = container["volumeMounts"].Items.Single(m => m["mountPath"].Text == folder);
        var volume = pod["volumes"].Items.Single(v => v["name"].Text == mount["name"].Text);
        Named("ConfigMap", volume["configMap"]["name"].Text!);
    }

    [Fact]
    public void Review_pins_each_client_to_one_pod_until_data_protection_keys_are_shared()
    {
        Assert.Equal("ClientIP", Named("Service", "review")["spec"]["sessionAffinity"].Text);
        Assert.True(Named("Deployment", "review")["spec"]["replicas"].Integer >= 2);
    }

    [Fact]
    public void The_kustomization_applies_every_manifest_but_the_example_secrets()
    {
        var listed = Yaml.Load(Path.Combine(Repository.Kubernetes, "kustomization.yaml"))["resources"].Items.Select(r => r.Text!).Order();
        var files = Directory.GetFiles(Repository.Kubernetes, "*.yaml").Select(Path.GetFileName)
            .Where(f => f is not "kustomization.yaml" and not "secrets.example.yaml" and not "secrets.yaml").Order();
        Assert.Equal(files, listed);
    }

    [Fact]
    public void Every_object_is_labelled_part_of_supportcopilot()
    {
        Assert.All(All, o => Assert.True(
            o.Object["metadata"]["labels"]["app.kubernetes.io/part-of"].Text == Agreed.Namespace, $"{o.File}: {NameOf(o.Object)} has no part-of label"));
    }

    private static IEnumerable<Yaml> EnvFromSecrets(Yaml deployment) =>
        deployment["spec"]["template"]["spec"]["containers"].Items.SelectMany(c => c["env"].Items).Where(e => e["valueFrom"]["secretKeyRef"].Exists);

    private static IEnumerable<string> Flatten(Yaml node) =>
        node.Text is { } text ? [text] : node.Items.SelectMany(Flatten).Concat(node.Entries.Values.SelectMany(Flatten));
}
