using System.Text.RegularExpressions;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// What of a ticket goes into a search: the subject, the body without the quoted earlier
/// conversation, greeting, sign-off and signature (they add names and pleasantries that match the
/// wrong passages), and each question the customer asked, so that several questions can be
/// retrieved separately.
/// </summary>
internal sealed partial record TicketQuery(string Subject, string Body, IReadOnlyList<string> Questions)
{
    private const int MaxQuestions = 4;

    /// <summary>Subject and body as one text (for an embedding).</summary>
    public string Text => Subject.Length == 0 ? Body : Subject + "\n" + Body;

    public static TicketQuery Build(string? subject, string? body)
    {
        var cleanSubject = ReplyPrefix().Replace(subject ?? string.Empty, string.Empty).Trim();
        var cleanBody = StripGreetingAndSignature(StripQuotedReply(body ?? string.Empty));
        return new TicketQuery(cleanSubject, cleanBody, QuestionsOf(cleanBody));
    }

    /// <summary>Cuts the earlier conversation a mail client quotes under the new text.</summary>
    public static string StripQuotedReply(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var kept = new List<string>(lines.Length);
        foreach (var line in lines)
        {
            var trimmed = line.Trim();
            if (QuoteHeader().IsMatch(trimmed))
            {
                break;
            }

            if (!trimmed.StartsWith('>'))
            {
                kept.Add(line);
            }
        }

        return string.Join('\n', kept).Trim();
    }

    /// <summary>Drops a greeting at the top and, near the bottom, the sign-off and everything under it.</summary>
    public static string StripGreetingAndSignature(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.ReplaceLineEndings("\n").Split('\n').ToList();
        for (var i = Math.Max(1, lines.Count - 10); i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line == "--" || line == "-- " || SignOff().IsMatch(line) || SentFrom().IsMatch(line))
            {
                lines.RemoveRange(i, lines.Count - i);
                break;
            }
        }

        var first = lines.FindIndex(l => l.Trim().Length > 0);
        if (first >= 0)
        {
            if (GreetingLine().IsMatch(lines[first].Trim()))
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

    /// <summary>The distinct questions (sentences ending in '?'), each with the sentence before it as context.</summary>
    public static IReadOnlyList<string> QuestionsOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sentences = SentenceSplitter.Split(text).Select(s => s.Of(text).Trim()).ToList();
        var questions = new List<string>();
        var asked = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < sentences.Count && questions.Count < MaxQuestions; i++)
        {
            if (!sentences[i].EndsWith('?') || !asked.Add(sentences[i]))
            {
                continue;
            }

            var context = i > 0 && !sentences[i - 1].EndsWith('?') ? sentences[i - 1] + " " : string.Empty;
            questions.Add(context + sentences[i]);
        }

        return questions;
    }

    [GeneratedRegex(@"^\s*((re|fw|fwd|aw|wg)\s*:\s*)+", RegexOptions.IgnoreCase)]
    private static partial Regex ReplyPrefix();

    [GeneratedRegex(@"^(on\s.{5,200}\swrote:|-{2,}\s*original message\s*-{2,}|_{5,}|from:\s.+\ssent:\s.+|begin forwarded message:?)$", RegexOptions.IgnoreCase)]
    private static partial Regex QuoteHeader();

    [GeneratedRegex(@"^(hi|hello|hey|heya|hiya|dear|greetings|good\s+(morning|afternoon|evening)|to\s+whom\s+it\s+may\s+concern)\b[^.?!]{0,40}[,:!.]?$", RegexOptions.IgnoreCase)]
    private static partial Regex GreetingLine();

    [GeneratedRegex(@"^\s*(hi|hello|hey|dear|greetings|good\s+(morning|afternoon|evening))(\s+(there|team|all|folks|support))?\s*[,:!\-–]+\s*", RegexOptions.IgnoreCase)]
    private static partial Regex GreetingPrefix();

    [GeneratedRegex(@"^(thanks|thank\s+you|many\s+thanks|thanks\s+in\s+advance|thanks\s+so\s+much|thx|ty|cheers|best|best\s+regards|kind\s+regards|warm\s+regards|regards|sincerely|yours\s+sincerely|all\s+the\s+best|br)\b[^.?!]{0,40}[,.!]?$", RegexOptions.IgnoreCase)]
    private static partial Regex SignOff();

    [GeneratedRegex(@"^sent\s+from\s+my\s+\w+", RegexOptions.IgnoreCase)]
    private static partial Regex SentFrom();
}
