using System.Text;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// GitHub-style heading anchors exactly as the evaluation sets define them: lower-case, every
/// character other than <c>a-z 0-9 space -</c> removed, runs of spaces turned into <c>-</c>; a
/// slug repeated in the same document gets <c>-1</c>, <c>-2</c>, ... in order. One instance per
/// document, because the duplicate counter is per document.
/// </summary>
internal sealed class Slugger
{
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    public string Next(string heading)
    {
        var slug = Slug(heading);
        if (_seen.TryGetValue(slug, out var count))
        {
            _seen[slug] = count + 1;
            return slug + "-" + count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        _seen[slug] = 1;
        return slug;
    }

    public static string Slug(string heading)
    {
        ArgumentNullException.ThrowIfNull(heading);
        var builder = new StringBuilder(heading.Length);
        var pendingSpace = false;
        foreach (var raw in heading.ToLowerInvariant())
        {
            if (raw == ' ')
            {
                pendingSpace = true;
                continue;
            }

            if (raw is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            {
                if (pendingSpace)
                {
                    builder.Append('-');
                    pendingSpace = false;
                }

                builder.Append(raw);
            }
        }

        if (pendingSpace)
        {
            builder.Append('-');
        }

        return builder.ToString();
    }
}
