using System.Text.RegularExpressions;

namespace SupportCopilot.Review.Decisions;

internal enum DiffKind
{
    Same,
    Removed,
    Added,
}

internal sealed record DiffPart(DiffKind Kind, string Text);

/// <summary>
/// A word-level diff between the draft and the agent's edit, shown before an edited reply goes
/// out. Longest common subsequence over words and the whitespace between them; past
/// <see cref="MaxCells"/> comparisons it shows the whole text replaced rather than spend the time.
/// </summary>
internal static partial class TextDiff
{
    public const long MaxCells = 4_000_000;

    public static IReadOnlyList<DiffPart> Words(string before, string after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var a = Tokens().Matches(before).Select(m => m.Value).ToArray();
        var b = Tokens().Matches(after).Select(m => m.Value).ToArray();
        if ((long)a.Length * b.Length > MaxCells)
        {
            return Merge([new(DiffKind.Removed, before), new(DiffKind.Added, after)]);
        }

        // lengths[i, j] = LCS length of a[i..] and b[j..]
        var lengths = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lengths[i, j] = a[i] == b[j] ? lengths[i + 1, j + 1] + 1 : Math.Max(lengths[i + 1, j], lengths[i, j + 1]);
            }
        }

        var parts = new List<DiffPart>();
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y])
            {
                parts.Add(new(DiffKind.Same, a[x++]));
                y++;
            }
            else if (lengths[x + 1, y] >= lengths[x, y + 1])
            {
                parts.Add(new(DiffKind.Removed, a[x++]));
            }
            else
            {
                parts.Add(new(DiffKind.Added, b[y++]));
            }
        }

        parts.AddRange(a[x..].Select(t => new DiffPart(DiffKind.Removed, t)));
        parts.AddRange(b[y..].Select(t => new DiffPart(DiffKind.Added, t)));
        return Merge(parts);
    }

    private static List<DiffPart> Merge(IEnumerable<DiffPart> parts)
    {
        var merged = new List<DiffPart>();
        foreach (var part in parts.Where(p => p.Text.Length > 0))
        {
            if (merged.Count > 0 && merged[^1].Kind == part.Kind)
            {
                merged[^1] = part with { Text = merged[^1].Text + part.Text };
            }
            else
            {
                merged.Add(part);
            }
        }

        return merged;
    }

    [GeneratedRegex(@"\s+|[^\s]+")]
    private static partial Regex Tokens();
}
