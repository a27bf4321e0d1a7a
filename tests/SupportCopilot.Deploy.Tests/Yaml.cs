using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SupportCopilot.Deploy.Tests;

/// <summary>
/// A YAML node as the tests read it: <c>node["spec"]["replicas"].Text</c>. A missing key gives an
/// empty node (<see cref="Exists"/> false) instead of throwing, so an assertion can say what is
/// missing. Merge keys (<c>&lt;&lt;: *anchor</c>) are applied, as Docker Compose does.
/// </summary>
internal sealed class Yaml
{
    private static readonly Yaml Missing = new(null);
    private readonly object? value;

    private Yaml(object? value) => this.value = value;

    public bool Exists => value is not null;

    public string? Text => value as string;

    public bool IsMapping => value is Dictionary<string, Yaml>;

    public IReadOnlyList<Yaml> Items => value as List<Yaml> ?? [];

    public IReadOnlyDictionary<string, Yaml> Entries => value as Dictionary<string, Yaml> ?? [];

    public Yaml this[string key] =>
        value is Dictionary<string, Yaml> map && map.TryGetValue(key, out var child) ? child : Missing;

    public int? Integer => int.TryParse(Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Every document of a file (empty documents skipped).</summary>
    public static IReadOnlyList<Yaml> LoadAll(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(d => From(d.RootNode)).Where(d => d.Exists).ToList();
    }

    public static Yaml Load(string path) => LoadAll(path).Single();

    public override string ToString() => Text ?? (IsMapping ? "{" + string.Join(", ", Entries.Keys) + "}" : $"[{Items.Count} items]");

    private static Yaml From(YamlNode node) => node switch
    {
        YamlScalarNode scalar => new Yaml(IsNull(scalar) ? null : scalar.Value),
        YamlSequenceNode sequence => new Yaml(sequence.Children.Select(From).ToList()),
        YamlMappingNode mapping => new Yaml(FromMapping(mapping)),
        _ => Missing,
    };

    private static Dictionary<string, Yaml> FromMapping(YamlMappingNode mapping)
    {
        var result = new Dictionary<string, Yaml>(StringComparer.Ordinal);
        foreach (var (key, child) in mapping.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            if (name == "<<")
            {
                var sources = child is YamlSequenceNode many ? many.Children : [child];
                foreach (var (mergedKey, mergedValue) in sources.SelectMany(s => From(s).Entries))
                {
                    result.TryAdd(mergedKey, mergedValue);
                }

                continue;
            }

            result[name] = From(child);
        }

        return result;
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null";
}
