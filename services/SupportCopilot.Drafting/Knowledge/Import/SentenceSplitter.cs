using System.Text.RegularExpressions;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>A sentence as a span of the text it came from, so that it can be quoted verbatim.</summary>
internal readonly record struct Sentence(int Start, int Length, bool StartsLine)
{
    public int End => Start + Length;

    public string Of(string text) => text.Substring(Start, Length);
}

/// <summary>
/// Splits passage text into sentences: paragraphs and list items are separate, a fenced code
/// block is one unit (never split), and inside a paragraph a sentence ends at <c>. ! ?</c>
/// followed by white space and a capital, digit, quote or Markdown emphasis. Common
/// abbreviations (e.g., i.e., etc.) do not end a sentence.
/// </summary>
internal static partial class SentenceSplitter
{
    private static readonly string[] Abbreviations = ["e.g.", "i.e.", "etc.", "vs.", "approx.", "Mr.", "Mrs.", "Ms.", "Dr.", "No.", "St.", "U.S."];

    public static IReadOnlyList<Sentence> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<Sentence>();
        var blockStart = -1;
        var blockEnd = -1;
        var position = 0;
        var inFence = false;
        string? fence = null;

        while (position < text.Length)
        {
            var lineEnd = text.IndexOf('\n', position);
            if (lineEnd < 0)
            {
                lineEnd = text.Length;
            }

            var line = text[position..lineEnd];
            var trimmed = line.Trim();
            var fenceMarker = FenceMarker(trimmed);

            if (inFence)
            {
                blockEnd = lineEnd;
                if (fenceMarker is not null && trimmed.StartsWith(fence!, StringComparison.Ordinal))
                {
                    AddWhole(result, text, blockStart, blockEnd);
                    blockStart = -1;
                    inFence = false;
                }
            }
            else if (fenceMarker is not null)
            {
                Flush(result, text, blockStart, blockEnd);
                inFence = true;
                fence = fenceMarker;
                blockStart = position + (line.Length - line.TrimStart().Length);
                blockEnd = lineEnd;
            }
            else if (trimmed.Length == 0)
            {
                Flush(result, text, blockStart, blockEnd);
                blockStart = -1;
            }
            else if (StartsOwnLine(trimmed))
            {
                Flush(result, text, blockStart, blockEnd);
                blockStart = position + (line.Length - line.TrimStart().Length);
                blockEnd = position + line.TrimEnd().Length;
            }
            else
            {
                if (blockStart < 0)
                {
                    blockStart = position + (line.Length - line.TrimStart().Length);
                }

                blockEnd = position + line.TrimEnd().Length;
            }

            position = lineEnd + 1;
        }

        if (inFence)
        {
            AddWhole(result, text, blockStart, blockEnd);
        }
        else
        {
            Flush(result, text, blockStart, blockEnd);
        }

        return result;
    }

    private static string? FenceMarker(string trimmed) =>
        trimmed.StartsWith("```", StringComparison.Ordinal) ? "```"
        : trimmed.StartsWith("~~~", StringComparison.Ordinal) ? "~~~"
        : null;

    /// <summary>List items, table rows, block quotes and headings start a new unit.</summary>
    private static bool StartsOwnLine(string trimmed) => ListItem().IsMatch(trimmed) || trimmed[0] is '|' or '>' or '#';

    private static void AddWhole(List<Sentence> result, string text, int start, int end)
    {
        var trimmedEnd = end;
        while (trimmedEnd > start && char.IsWhiteSpace(text[trimmedEnd - 1]))
        {
            trimmedEnd--;
        }

        if (trimmedEnd > start)
        {
            result.Add(new Sentence(start, trimmedEnd - start, true));
        }
    }

    private static void Flush(List<Sentence> result, string text, int start, int end)
    {
        if (start < 0 || end <= start)
        {
            return;
        }

        var block = text[start..end];
        var sentenceStart = 0;
        foreach (Match boundary in Boundary().Matches(block))
        {
            var candidateEnd = boundary.Index;
            if (EndsWithAbbreviation(block, sentenceStart, candidateEnd))
            {
                continue;
            }

            AddTrimmed(result, text, start + sentenceStart, start + candidateEnd, sentenceStart == 0);
            sentenceStart = boundary.Index + boundary.Length;
        }

        AddTrimmed(result, text, start + sentenceStart, end, sentenceStart == 0);
    }

    private static bool EndsWithAbbreviation(string block, int sentenceStart, int candidateEnd)
    {
        var sentence = block.AsSpan(sentenceStart, candidateEnd - sentenceStart);
        foreach (var abbreviation in Abbreviations)
        {
            if (sentence.EndsWith(abbreviation, StringComparison.OrdinalIgnoreCase)
                && (sentence.Length == abbreviation.Length || !char.IsLetter(sentence[^(abbreviation.Length + 1)])))
            {
                return true;
            }
        }

        return false;
    }

    private static void AddTrimmed(List<Sentence> result, string text, int start, int end, bool startsLine)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end > start)
        {
            result.Add(new Sentence(start, end - start, startsLine));
        }
    }

    [GeneratedRegex(@"^([-*+]|\d{1,3}[.)])\s")]
    private static partial Regex ListItem();

    /// <summary>The white space after a sentence's end punctuation (and closing quotes/emphasis/brackets).</summary>
    [GeneratedRegex(@"(?<=[.!?][""')\]*_]*)\s+(?=[\p{Lu}\d""'(\[*_`])")]
    private static partial Regex Boundary();
}
