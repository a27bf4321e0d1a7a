using Xunit;
namespace SupportCopilot.Deploy.Tests;

/// <summary>Every object in deploy/kubernetes/*.yaml, with the file it came from.</summary>
internal static class KubernetesManifests
{
    public static IReadOnlyList<(string File, Yaml Object)> All { get; } =
        Directory.GetFiles(Repository.Kubernetes, "*.yaml")
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .OrderBy(f => f, StringComparer.Ordinal)
            .SelectMany(f => Yaml.LoadAll(f).Select(o => (Path.GetFileName(f), o)))
            .ToList();

    public static IEnumerable<Yaml> OfKind(string kind) => All.Where(o => o.Object["kind"].Text == kind).Select(o => o.Object);

    public static Yaml Named(string kind, string name) =>
        OfKind(kind).SingleOrDefault(o => o["metadata"]["name"].Text == name)
        ?? throw new Xunit.Sdk.XunitException($"no {kind} named {name} in deploy/kubernetes");

    public static string NameOf(Yaml o) => $"{o["kind"].Text} {o["metadata"]["name"].Text}";

    public static IEnumerable<Yaml> Deployments => OfKind("Deployment");

    /// <summary>Pod templates of the Deployments and the Job.</summary>
    public static IEnumerable<(string Owner, Yaml PodSpec)> PodSpecs =>
        OfKind("Deployment").Concat(OfKind("Job")).Select(o => (NameOf(o), o["spec"]["template"]["spec"]));

    public static IEnumerable<(string Owner, Yaml Container)> Containers =>
        PodSpecs.SelectMany(p => p.PodSpec["containers"].Items.Concat(p.PodSpec["initContainers"].Items)
            .Select(c => ($"{p.Owner} container {c["name"].Text}", c)));

    public static bool Selects(Yaml matchLabels, Yaml labels) =>
        matchLabels.Entries.Count > 0 && matchLabels.Entries.All(l => labels[l.Key].Text == l.Value.Text);
}
