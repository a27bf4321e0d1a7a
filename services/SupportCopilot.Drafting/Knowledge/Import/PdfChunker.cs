using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// A PDF, page by page (PdfPig): every chunk is anchored at its page (<c>page=N</c>, 1-based) and
/// knows it. A page starts with the last sentences of the page before it (up to
/// <see cref="OverlapChars"/>), so that a passage running over a page break is found whole; a
/// long page is split at sentence ends like any section.
/// </summary>
internal static class PdfChunker
{
    public const int OverlapChars = 300;

    public static ChunkedDocument Chunk(string documentId, byte[] content, int maxChunkChars)
    {
        ArgumentNullException.ThrowIfNull(content);
        var pages = new List<(int Number, string Text)>();
        string? documentTitle;
        try
        {
            using var pdf = PdfDocument.Open(content);
            documentTitle = pdf.Information.Title;
            foreach (var page in pdf.GetPages())
            {
                pages.Add((page.Number, Clean(ContentOrderTextExtractor.GetText(page))));
            }
        }
        catch (PdfDocumentEncryptedException ex)
        {
            throw new KnowledgeFormatException("The PDF is encrypted (password-protected); export an unprotected copy to import it.", ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not KnowledgeFormatException)
        {
            // PdfPig throws many types for damaged files; each means the same to the person importing.
            throw new KnowledgeFormatException($"The PDF is damaged or not a PDF and cannot be read ({ex.GetType().Name}: {ex.Message}).", ex);
        }

        if (pages.All(p => p.Text.Length == 0))
        {
            throw new KnowledgeFormatException("The PDF holds no extractable text (a scanned image needs OCR first).");
        }

        var title = string.IsNullOrWhiteSpace(documentTitle) ? Path.GetFileNameWithoutExtension(documentId) : documentTitle.Trim();
        var chunks = new List<KnowledgeChunk>();
        var previous = string.Empty;
        foreach (var (number, text) in pages)
        {
            if (text.Length == 0)
            {
                previous = string.Empty;
                continue;
            }

            var overlap = Tail(previous, OverlapChars);
            var pageText = overlap.Length > 0 ? overlap + "\n\n" + text : text;
            var anchor = "page=" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var piece in DocumentChunker.SplitLong(pageText, maxChunkChars))
            {
                chunks.Add(new KnowledgeChunk(
                    KnowledgeChunk.IdOf(documentId, chunks.Count), documentId, anchor, $"{title} > Page {number}", title, piece, chunks.Count, number));
            }

            previous = text;
        }

        return new ChunkedDocument(documentId, title, chunks);
    }

    /// <summary>The last whole sentences of <paramref name="text"/> that fit in <paramref name="maxChars"/>.</summary>
    private static string Tail(string text, int maxChars)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var sentences = SentenceSplitter.Split(text);
        var start = -1;
        for (var i = sentences.Count - 1; i >= 0; i--)
        {
            if (text.Length - sentences[i].Start > maxChars)
            {
                break;
            }

            start = sentences[i].Start;
        }

        return start < 0 ? string.Empty : text[start..].Trim();
    }

    private static string Clean(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd())).Trim();
}
