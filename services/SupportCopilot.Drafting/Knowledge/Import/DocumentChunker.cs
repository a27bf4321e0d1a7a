using System.Text.RegularExpressions;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// Cuts a document into passages (<see cref="DocumentFormats"/> brings other formats to these). Markdown: one section per ATX heading (<c>#</c> to
/// <c>######</c>; a <c>#</c> line inside a fenced code block is code, not a heading), anchored at the
/// heading's slug, with the heading path kept as context. Plain text: no anchors. A section longer
/// than <c>maxChunkChars</c> is split at sentence boundaries, never inside a sentence, and every
/// piece keeps the section's anchor.
/// </summary>
internal static partial class DocumentChunker
{
    public const string HeadingSeparator = " > ";

    public static ChunkedDocument Chunk(string documentId, string content, int maxChunkChars)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(content);
        return Path.GetExtension(documentId).ToLowerInvariant() is ".md" or ".markdown"
            ? ChunkMarkdown(documentId, content, maxChunkChars)
            : ChunkPlainText(documentId, content, maxChunkChars);
    }

    /// <param name="title">The document's title when the caller knows it better than the first <c>#</c> heading (an HTML page's).</param>
    public static ChunkedDocument ChunkMarkdown(string documentId, string content, int maxChunkChars, string? title = null)
    {
        var text = Normalize(content);
        var sections = new List<(string? Anchor, string HeadingPath, string Body)>();
        var slugger = new Slugger();
        var headingStack = new List<(int Level, string Text)>();
        string? anchor = null;
        var headingPath = string.Empty;
        var body = new System.Text.StringBuilder();
        string? fence = null;
        var lines = text.Split('\n');
        var titleSeen = false;

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (fence is not null)
            {
                if (trimmed.StartsWith(fence, StringComparison.Ordinal))
                {
                    fence = null;
                }

                body.Append(line).Append('\n');
                continue;
            }

            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                fence = trimmed[..3];
                body.Append(line).Append('\n');
                continue;
            }

            var heading = Heading().Match(line);
            if (!heading.Success || IsStrayComment(heading, lines, i, titleSeen))
            {
                body.Append(line).Append('\n');
                continue;
            }

            titleSeen |= heading.Groups["level"].Value.Length == 1;

            sections.Add((anchor, headingPath, body.ToString()));
            body.Clear();

            var level = heading.Groups["level"].Value.Length;
            var headingText = PlainHeading(heading.Groups["text"].Value);
            if (level == 1 && title is null && headingText.Length > 0)
            {
                title = headingText;
            }

            headingStack.RemoveAll(h => h.Level >= level);
            headingStack.Add((level, headingText));
            headingPath = string.Join(HeadingSeparator, headingStack.Select(h => h.Text).Where(t => t.Length > 0));
            anchor = slugger.Next(headingText);
        }

        sections.Add((anchor, headingPath, body.ToString()));
        title ??= Path.GetFileNameWithoutExtension(documentId);

        var chunks = new List<KnowledgeChunk>();
        foreach (var (sectionAnchor, sectionPath, sectionBody) in sections)
        {
            foreach (var piece in SplitLong(sectionBody.Trim(), maxChunkChars))
            {
                chunks.Add(new KnowledgeChunk(
                    KnowledgeChunk.IdOf(documentId, chunks.Count),
                    documentId,
                    sectionAnchor,
                    sectionPath.Length > 0 ? sectionPath : title,
                    title,
                    piece,
                    chunks.Count));
            }
        }

        return new ChunkedDocument(documentId, title, chunks);
    }

    public static ChunkedDocument ChunkPlainText(string documentId, string content, int maxChunkChars)
    {
        var text = Normalize(content).Trim();
        var title = Path.GetFileNameWithoutExtension(documentId);
        var chunks = new List<KnowledgeChunk>();
        foreach (var piece in SplitLong(text, maxChunkChars))
        {
            chunks.Add(new KnowledgeChunk(KnowledgeChunk.IdOf(documentId, chunks.Count), documentId, null, title, title, piece, chunks.Count));
        }

        return new ChunkedDocument(documentId, title, chunks);
    }

    /// <summary>Splits text into pieces of at most <paramref name="maxChars"/> at sentence ends (a longer sentence stays whole).</summary>
    public static IReadOnlyList<string> SplitLong(string text, int maxChars)
    {
        if (text.Length == 0)
        {
            return [];
        }

        if (text.Length <= maxChars)
        {
            return [text];
        }

        var sentences = SentenceSplitter.Split(text);
        if (sentences.Count == 0)
        {
            return [];
        }

        var pieces = new List<string>();
        var first = 0;
        for (var i = 1; i <= sentences.Count; i++)
        {
            if (i == sentences.Count || sentences[i].End - sentences[first].Start > maxChars)
            {
                pieces.Add(text[sentences[first].Start..sentences[i - 1].End]);
                first = i;
            }
        }

        return pieces;
    }

    /// <summary>
    /// A second level-1 line glued to the text around it (no blank line before or after) is a
    /// code comment (<c># Embed the query</c>) whose fence a scraper lost, not a new top-level
    /// section: taken as a heading it would cut the real section in two and give its code its own
    /// anchor. A level-1 heading set off by blank lines stays a heading.
    /// </summary>
    private static bool IsStrayComment(Match heading, string[] lines, int index, bool titleSeen)
    {
        if (!titleSeen || heading.Groups["level"].Value.Length != 1)
        {
            return false;
        }

        var before = index > 0 && lines[index - 1].Trim().Length > 0;
        var after = index + 1 < lines.Length && lines[index + 1].Trim().Length > 0;
        return before || after;
    }

    private static string Normalize(string content) => content.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    /// <summary>Heading text as rendered: links become their text, inline code and emphasis markers stay for the slug rule to drop.</summary>
    private static string PlainHeading(string raw) => Link().Replace(raw, "$1").Trim();

    [GeneratedRegex(@"^ {0,3}(?<level>#{1,6})(?:[ \t]+(?<text>.*?))?(?:[ \t]+#+)?[ \t]*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex Link();
}
