namespace SupportCopilot.Deploy.Tests;

/// <summary>deploy/docker/Dockerfile as instructions: continuation lines joined, comments dropped.</summary>
internal static class Dockerfile
{
    public static IReadOnlyList<(string Instruction, string Arguments)> Instructions { get; } = Parse(File.ReadAllLines(Repository.Dockerfile));

    /// <summary>The instructions of each stage, by stage name (an unnamed stage by its index).</summary>
    public static IReadOnlyList<(string Name, string From, List<(string Instruction, string Arguments)> Body)> Stages
    {
        get
        {
            var stages = new List<(string, string, List<(string, string)>)>();
            foreach (var (instruction, arguments) in Instructions)
            {
                if (instruction == "FROM")
                {
                    var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var name = parts.Length >= 3 && parts[^2].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[^1] : stages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    stages.Add((name, parts[0], []));
                }
                else if (stages.Count > 0)
                {
                    stages[^1].Item3.Add((instruction, arguments));
                }
            }

            return stages;
        }
    }

    private static List<(string, string)> Parse(string[] lines)
    {
        var result = new List<(string, string)>();
        var current = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            var space = current.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                result.Add((current[..space].ToUpperInvariant(), current[(space + 1)..].Trim()));
            }

            current = "";
        }

        return result;
    }
}
