using System.Text;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>A file the importer cannot turn into passages; the message is shown to the person importing.</summary>
internal sealed class KnowledgeFormatException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// Turns a file's bytes into chunks by its extension: Markdown, HTML, plain text, PDF, and FAQ
/// tables (JSON or CSV, one question and answer per row). Every reader ends in the same chunker,
/// so anchors follow one rule set whatever the format.
/// </summary>
internal static class DocumentFormats
{
    public const string Supported = ".md .markdown .txt .html .htm .pdf .json .csv";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsSupported(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".md" or ".markdown" or ".txt" or ".html" or ".htm" or ".pdf" or ".json" or ".csv";

    public static ChunkedDocument Read(string documentId, byte[] content, int maxChunkChars)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length == 0)
        {
            throw new KnowledgeFormatException("The file is empty.");
        }

        var extension = Path.GetExtension(documentId).ToLowerInvariant();
        var document = extension switch
        {
            ".pdf" => PdfChunker.Chunk(documentId, content, maxChunkChars),
            ".html" or ".htm" => DocumentChunker.ChunkMarkdown(documentId, HtmlToMarkdown.Convert(Text(content), out var title), maxChunkChars, title),
            ".json" => DocumentChunker.ChunkMarkdown(documentId, FaqReader.FromJson(documentId, Text(content)), maxChunkChars),
            ".csv" => DocumentChunker.ChunkMarkdown(documentId, FaqReader.FromCsv(documentId, Text(content)), maxChunkChars),
            _ => DocumentChunker.Chunk(documentId, Text(content), maxChunkChars),
        };

        return document.Chunks.Count > 0 ? document : throw new KnowledgeFormatException("The file holds no text.");
    }

    /// <summary>UTF-8 text, or a clear error for anything else (a binary file with a text name).</summary>
    public static string Text(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        string text;
        try
        {
            text = StrictUtf8.GetString(content).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException ex)
        {
            throw new KnowledgeFormatException($"The file is not UTF-8 text (invalid byte sequence at offset {ex.Index}); is it a binary file with a text extension?", ex);
        }

        var control = 0;
        foreach (var character in text)
        {
            if (character == '\0')
            {
                throw new KnowledgeFormatException("The file holds NUL bytes: it is binary data, not text.");
            }

            if (char.IsControl(character) && character is not ('\n' or '\r' or '\t' or '\f'))
            {
                control++;
            }
        }

        if (control > 0 && control > text.Length / 100)
        {
            throw new KnowledgeFormatException("The file is mostly control characters: it is binary data, not text.");
        }

        return string.IsNullOrWhiteSpace(text) ? throw new KnowledgeFormatException("The file is empty (white space only).") : text;
    }
}
