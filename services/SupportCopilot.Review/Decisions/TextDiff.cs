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

    /// <summary>
    /// Groups each run of changes, with the spaces inside it, into one removed and one added part,
    /// so a rewritten sentence reads as the old sentence struck out and the new one, not as
    /// alternating words.
    /// </summary>
    private static List<DiffPart> Merge(IReadOnlyList<DiffPart> parts)
    {
        var merged = new List<DiffPart>();
        var i = 0;
        while (i < parts.Count)
        {
            if (parts[i].Kind == DiffKind.Same)
            {
                Append(merged, parts[i++]);
                continue;
            }

            var removed = new System.Text.StringBuilder();
            var added = new System.Text.StringBuilder();
            var end = i;
            for (var j = i; j < parts.Count; j++)
            {
                var part = parts[j];
                var spaceBetweenChanges = part.Kind == DiffKind.Same && string.IsNullOrWhiteSpace(part.Text)
                    && j + 1 < parts.Count && parts[j + 1].Kind != DiffKind.Same;
                if (part.Kind == DiffKind.Same && !spaceBetweenChanges)
                {
                    break;
                }

                if (part.Kind != DiffKind.Added)
                {
                    removed.Append(part.Text);
                }

                if (part.Kind != DiffKind.Removed)
                {
                    added.Append(part.Text);
                }

                end = j + 1;
            }

            Append(merged, new DiffPart(DiffKind.Removed, removed.ToString()));
            Append(merged, new DiffPart(DiffKind.Added, added.ToString()));
            i = end;
        }

        return merged;
    }

    private static void Append(List<DiffPart> merged, DiffPart part)
    {
        if (part.Text.Length == 0)
        {
            return;
        }

        if (merged.Count > 0 && merged[^1].Kind == part.Kind)
        {
            merged[^1] = part with { Text = merged[^1].Text + part.Text };
        }
        else
        {
            merged.Add(part);
        }
    }

    [GeneratedRegex(@"\s+|[^\s]+")]
    private static partial Regex Tokens();
}
