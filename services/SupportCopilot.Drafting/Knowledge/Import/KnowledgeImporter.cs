using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Drafting.Database;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>What one import did.</summary>
internal sealed record ImportResult(int DocumentsAdded, int DocumentsUpdated, int DocumentsUnchanged, int ChunksWritten, int Skipped)
{
    public int DocumentsSeen => DocumentsAdded + DocumentsUpdated + DocumentsUnchanged;

    public bool Changed => DocumentsAdded + DocumentsUpdated > 0;
}

/// <summary>
/// Imports a folder of Markdown and plain-text files (any depth) into <c>documents</c> and
/// <c>chunks</c>. Versioned by content hash: an unchanged file is a no-op, a changed file replaces
/// its chunks in one transaction. Files missing from the folder are left alone (an import of a
/// sub-folder must not delete the rest of the knowledge base). The caller rebuilds the index.
/// </summary>
internal sealed partial class KnowledgeImporter(DraftingDatabase database, DraftingOptions options, ILogger<KnowledgeImporter>? logger = null)
{
    private const string SelectHash = "SELECT content_hash FROM documents WHERE document_id = @DocumentId";

    private const string UpsertDocument = """
        INSERT INTO documents (document_id, title, content_hash, imported_at)
        VALUES (@DocumentId, @Title, @ContentHash, @ImportedAt)
        ON CONFLICT (document_id) DO UPDATE
        SET title = excluded.title, content_hash = excluded.content_hash, imported_at = excluded.imported_at
        """;

    private const string DeleteChunks = "DELETE FROM chunks WHERE document_id = @DocumentId";

    private const string InsertChunk = """
        INSERT INTO chunks (chunk_id, document_id, anchor, heading_path, title, text, ordinal)
        VALUES (@ChunkId, @DocumentId, @Anchor, @HeadingPath, @Title, @Text, @Ordinal)
        """;

    private readonly ILogger _logger = logger ?? NullLogger<KnowledgeImporter>.Instance;

    public async Task<ImportResult> ImportFolderAsync(string folder, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Knowledge base folder '{root}' does not exist.");
        }

        int added = 0, updated = 0, unchanged = 0, chunks = 0, skipped = 0;
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var documentId = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (!DocumentChunker.IsSupported(file))
            {
                skipped++;
                continue;
            }

            progress?.Report(documentId);
            var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
            var outcome = await ImportDocumentAsync(documentId, bytes, cancellationToken);
            switch (outcome.Outcome)
            {
                case DocumentOutcome.Added: added++; break;
                case DocumentOutcome.Updated: updated++; break;
                default: unchanged++; break;
            }

            chunks += outcome.Chunks;
        }

        var result = new ImportResult(added, updated, unchanged, chunks, skipped);
        LogImported(root, added, updated, unchanged, chunks, skipped);
        return result;
    }

    /// <summary>Imports one document's bytes (UTF-8) under <paramref name="documentId"/>.</summary>
    public async Task<(DocumentOutcome Outcome, int Chunks)> ImportDocumentAsync(string documentId, byte[] content, CancellationToken cancellationToken = default)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        await using var transaction = await database.BeginAsync(cancellationToken);
        var existing = await transaction.QuerySingleOrDefaultAsync<string>(SelectHash, new { DocumentId = documentId }, cancellationToken);
        if (existing == hash)
        {
            return (DocumentOutcome.Unchanged, 0);
        }

        var text = System.Text.Encoding.UTF8.GetString(content).TrimStart('\uFEFF');
        var document = DocumentChunker.Chunk(documentId, text, options.KnowledgeBase.MaxChunkChars);
        await transaction.ExecuteAsync(DeleteChunks, new { DocumentId = documentId }, cancellationToken);
        await transaction.ExecuteAsync(
            UpsertDocument,
            new { DocumentId = documentId, document.Title, ContentHash = hash, ImportedAt = DateTimeOffset.UtcNow },
            cancellationToken);
        if (document.Chunks.Count > 0)
        {
            await transaction.ExecuteAsync(InsertChunk, document.Chunks, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (existing is null ? DocumentOutcome.Added : DocumentOutcome.Updated, document.Chunks.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported {Folder}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Chunks} chunks written, {Skipped} files skipped")]
    private partial void LogImported(string folder, int added, int updated, int unchanged, int chunks, int skipped);
}

internal enum DocumentOutcome
{
    Unchanged,
    Added,
    Updated,
}

/// <summary>Reads the knowledge base back for the index.</summary>
internal static class KnowledgeChunks
{
    private const string SelectAll = """
        SELECT chunk_id AS ChunkId, document_id AS DocumentId, anchor AS Anchor, heading_path AS HeadingPath,
               title AS Title, text AS Text, ordinal AS Ordinal
        FROM chunks ORDER BY document_id, ordinal
        """;

    public static async Task<IReadOnlyList<KnowledgeChunk>> LoadAllAsync(DraftingDatabase database, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ChunkRow>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken));
        return rows.Select(r => new KnowledgeChunk(r.ChunkId, r.DocumentId, r.Anchor, r.HeadingPath, r.Title, r.Text, (int)r.Ordinal)).ToList();
    }

    /// <summary>Settable properties: SQLite hands integers back as Int64, PostgreSQL as Int32.</summary>
    private sealed class ChunkRow
    {
        public string ChunkId { get; set; } = "";

        public string DocumentId { get; set; } = "";

        public string? Anchor { get; set; }

        public string HeadingPath { get; set; } = "";

        public string Title { get; set; } = "";

        public string Text { get; set; } = "";

        public long Ordinal { get; set; }
    }
}
