using System.Text.RegularExpressions;

namespace SupportCopilot.Drafting.Drafts;

/// <summary>
/// Light clean-up of what a customer wrote before it becomes a query: a greeting line at the top
/// and a sign-off (with the signature under it) at the bottom carry no meaning for retrieval and
/// add names and titles that match the wrong passages.
/// </summary>
internal static partial class TicketText
{
    public static string StripGreetingAndSignOff(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();

        // Drop from the sign-off on, when it sits in the last few lines.
        for (var i = lines.Count - 1; i >= Math.Max(1, lines.Count - 8); i--)
        {
            if (SignOff().IsMatch(lines[i].Trim()))
            {
                lines.RemoveRange(i, lines.Count - i);
                break;
            }
        }

        var first = lines.FindIndex(l => l.Trim().Length > 0);
        if (first >= 0)
        {
            var line = lines[first].Trim();
            if (GreetingLine().IsMatch(line))
            {
                lines.RemoveAt(first);
            }
            else
            {
                lines[first] = GreetingPrefix().Replace(lines[first], string.Empty, 1);
            }
        }

        return string.Join('\n', lines).Trim();
    }

    /// <summary>How many questions the ticket asks (at least 1): sentences ending in '?' not repeated.</summary>
    public static int CountQuestions(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = QuestionMarks().Matches(text).Count;
        return Math.Max(1, count);
    }

    /// <summary>The customer's first name for the greeting, or null when there is no usable name.</summary>
    public static string? FirstName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }

        var first = name.Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
        return first.Length > 40 ? null : first;
    }

    [GeneratedRegex(@"^(hi|hello|hey|heya|hiya|dear|greetings|good\s+(morning|afternoon|evening)|to\s+whom\s+it\s+may\s+concern)\b[^.?!]{0,40}[,:!.]?$", RegexOptions.IgnoreCase)]
    private static partial Regex GreetingLine();

    [GeneratedRegex(@"^\s*(hi|hello|hey|dear|greetings|good\s+(morning|afternoon|evening))(\s+(there|team|all|folks|support))?\s*[,:!\-–]+\s*", RegexOptions.IgnoreCase)]
    private static partial Regex GreetingPrefix();

    [GeneratedRegex(@"^(thanks|thank\s+you|many\s+thanks|thanks\s+in\s+advance|thx|ty|cheers|best|best\s+regards|kind\s+regards|warm\s+regards|regards|sincerely|yours\s+sincerely|all\s+the\s+best|br)\b[^.?!]{0,40}[,.!]?$", RegexOptions.IgnoreCase)]
    private static partial Regex SignOff();

    /// <summary>A question mark ending a question (runs like '??' count once).</summary>
    [GeneratedRegex(@"\?+")]
    private static partial Regex QuestionMarks();
}
