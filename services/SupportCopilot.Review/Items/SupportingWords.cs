using System.Text.RegularExpressions;

namespace SupportCopilot.Review.Items;

/// <summary>A run of a cited passage, marked when the draft uses the same word.</summary>
internal sealed record PassagePart(string Text, bool Supporting);

/// <summary>
/// Marks the words of a cited passage that the draft also uses, so an agent sees at a glance
/// which part of the source the answer rests on. Short and common words are never marked: they
/// match everything and so say nothing.
/// </summary>
internal static partial class SupportingWords
{
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "that", "this", "with", "from", "your", "have", "will", "they", "them", "then", "than", "there", "their",
        "what", "when", "which", "while", "where", "about", "into", "also", "only", "more", "most", "some", "such",
        "been", "were", "does", "just", "like", "here", "each", "after", "before", "other", "these", "those", "would",
        "could", "should", "thanks", "hello",
    };

    public static IReadOnlyList<PassagePart> Mark(string passage, string draft)
    {
        ArgumentNullException.ThrowIfNull(passage);
        ArgumentNullException.ThrowIfNull(draft);
        var used = Words().Matches(draft).Select(m => m.Value).Where(Meaningful).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var parts = new List<PassagePart>();
        var at = 0;
        foreach (Match word in Words().Matches(passage))
        {
            if (!Meaningful(word.Value) || !used.Contains(word.Value))
            {
                continue;
            }

            if (word.Index > at)
            {
                parts.Add(new(passage[at..word.Index], false));
            }

            // Neighbouring marked words with only spaces between them read as one phrase.
            if (parts.Count > 0 && parts[^1].Supporting && at == word.Index)
            {
                parts[^1] = parts[^1] with { Text = parts[^1].Text + word.Value };
            }
            else if (parts.Count > 1 && parts[^2].Supporting && !parts[^1].Supporting && string.IsNullOrWhiteSpace(parts[^1].Text))
            {
                var space = parts[^1].Text;
                parts.RemoveAt(parts.Count - 1);
                parts[^1] = parts[^1] with { Text = parts[^1].Text + space + word.Value };
            }
            else
            {
                parts.Add(new(word.Value, true));
            }

            at = word.Index + word.Length;
        }

        if (at < passage.Length)
        {
            parts.Add(new(passage[at..], false));
        }

        return parts;
    }

    private static bool Meaningful(string word) => word.Length >= 4 && !Common.Contains(word);

    [GeneratedRegex(@"[\p{L}\p{N}][\p{L}\p{N}'’-]*")]
    private static partial Regex Words();
}
