using Spectre.Console;

namespace SupportCopilot.Cli;

/// <summary>An option naming some of a known set (signals, features) as a comma-separated list.</summary>
internal static class NamedChoices
{
    /// <summary>The names in <paramref name="list"/>, or all of <paramref name="known"/> when it is empty; null (after saying which) when one is unknown.</summary>
    public static string[]? Parse(string? list, IReadOnlyList<string> known, string kind)
    {
        string[] names = list is { Length: > 0 }
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [.. known];
        var unknown = names.Where(n => !known.Contains(n, StringComparer.Ordinal)).ToList();
        if (unknown.Count == 0)
        {
            return names;
        }

        AnsiConsole.MarkupLineInterpolated($"[red]Unknown {kind}(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", known)}.[/]");
        return null;
    }
}
