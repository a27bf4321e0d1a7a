namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// A passage of the knowledge base, as stored in <c>chunks</c> and indexed. <see cref="Anchor"/>
/// is the slug of the nearest heading above it (null for plain text and for text before the first
/// heading), or <c>page=N</c> for a PDF page; long sections become several chunks with the same
/// anchor. <see cref="Page"/> is the 1-based PDF page the passage belongs to.
/// </summary>
internal sealed record KnowledgeChunk(
    string ChunkId,
    string DocumentId,
    string? Anchor,
    string HeadingPath,
    string Title,
    string Text,
    int Ordinal,
    int? Page = null)
{
    /// <summary><c>document#anchor</c>, or just the document id when there is no anchor.</summary>
    public string Source => Anchor is null ? DocumentId : DocumentId + "#" + Anchor;

    /// <summary>The lead of an article: the text under its title heading, before the first sub-heading.</summary>
    public bool IsLead => Anchor is not null && Page is null && string.Equals(HeadingPath, Title, StringComparison.Ordinal);

    public static string IdOf(string documentId, int ordinal) =>
        documentId + ":" + ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A document cut into chunks, before it is stored.</summary>
internal sealed record ChunkedDocument(string DocumentId, string Title, IReadOnlyList<KnowledgeChunk> Chunks);
