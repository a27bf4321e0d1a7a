using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Database;

namespace SupportCopilot.Drafting.Knowledge;

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ImportOutcome>))]
internal enum ImportOutcome
{
    Unchanged,
    Added,
    Updated,
    Removed,
    Failed,
    Skipped,
}

/// <summary>What an import did with one file; <see cref="Error"/> says why it failed.</summary>
internal sealed record ImportedFile(string DocumentId, ImportOutcome Outcome, int Chunks = 0, string? Error = null);

/// <summary>What one import did, file by file.</summary>
internal sealed record ImportResult(IReadOnlyList<ImportedFile> Files)
{
    public int DocumentsAdded => Count(ImportOutcome.Added);

    public int DocumentsUpdated => Count(ImportOutcome.Updated);

    public int DocumentsUnchanged => Count(ImportOutcome.Unchanged);

    public int DocumentsRemoved => Count(ImportOutcome.Removed);

    public int Failed => Count(ImportOutcome.Failed);

    public int Skipped => Count(ImportOutcome.Skipped);

    public int ChunksWritten => Files.Sum(f => f.Chunks);

    public int DocumentsSeen => DocumentsAdded + DocumentsUpdated + DocumentsUnchanged;

    public bool Changed => DocumentsAdded + DocumentsUpdated + DocumentsRemoved > 0;

    public IEnumerable<ImportedFile> Errors => Files.Where(f => f.Outcome == ImportOutcome.Failed);

    private int Count(ImportOutcome outcome) => Files.Count(f => f.Outcome == outcome);
}

/// <summary>Where a running import is: <paramref name="Done"/> of <paramref name="Total"/> files.</summary>
internal readonly record struct ImportProgress(int Done, int Total, string DocumentId);

/// <summary>
/// Imports a folder (any depth) of Markdown, HTML, plain text, PDF and FAQ (JSON/CSV) files into
/// <c>documents</c> and <c>chunks</c>. Versioned by content hash: an unchanged file is a no-op, a
/// changed file replaces its chunks in one transaction, and that transaction also queues
/// <see cref="KnowledgeChanged"/> so that every Drafting instance updates its index. A file that
/// cannot be read is reported and skipped; its previous version (if any) stays as it was. Files
/// missing from the folder are removed only with <c>prune</c> (an import of a sub-folder must not
/// delete the rest of the knowledge base).
/// </summary>
internal sealed partial class KnowledgeImporter(
    DraftingDatabase database,
    DraftingOptions options,
    ILogger<KnowledgeImporter>? logger = null,
    ChunkEmbedder? embedder = null)
{
    private const string SelectHash = "SELECT content_hash FROM documents WHERE document_id = @DocumentId";

    private const string UpsertDocument = """
        INSERT INTO documents (document_id, title, content_hash, imported_at, kind)
        VALUES (@DocumentId, @Title, @ContentHash, @ImportedAt, @Kind)
        ON CONFLICT (document_id) DO UPDATE
        SET title = excluded.title, content_hash = excluded.content_hash, imported_at = excluded.imported_at, kind = excluded.kind
        """;

    private const string DeleteChunks = "DELETE FROM chunks WHERE document_id = @DocumentId";

    private const string InsertChunk = """
        INSERT INTO chunks (chunk_id, document_id, anchor, heading_path, title, text, ordinal, page, embedding)
        VALUES (@ChunkId, @DocumentId, @Anchor, @HeadingPath, @Title, @Text, @Ordinal, @Page, @Embedding)
        """;

    private const string SelectImportedDocuments = "SELECT document_id FROM documents WHERE kind = 'document'";

    private const string DeleteDocument = "DELETE FROM documents WHERE document_id = @DocumentId";

    private readonly ILogger _logger = logger ?? NullLogger<KnowledgeImporter>.Instance;

    public Task<ImportResult> ImportFolderAsync(string folder, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ImportFolderAsync(folder, prune: false, progress, cancellationToken);

    /// <param name="prune">Also remove documents imported earlier whose file is no longer in the folder.</param>
    public async Task<ImportResult> ImportFolderAsync(string folder, bool prune, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Knowledge base folder '{root}' does not exist.");
        }

        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => (Path: path, DocumentId: Path.GetRelativePath(root, path).Replace('\\', '/')))
            .OrderBy(f => f.DocumentId, StringComparer.Ordinal)
            .ToList();
        var results = new List<ImportedFile>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (path, documentId) = files[i];
            progress?.Report(new ImportProgress(i, files.Count, documentId));
            results.Add(DocumentFormats.IsSupported(path)
                ? await ImportFileAsync(path, documentId, cancellationToken)
                : new ImportedFile(documentId, ImportOutcome.Skipped));
        }

        progress?.Report(new ImportProgress(files.Count, files.Count, string.Empty));
        if (prune)
        {
            // A file that failed to read is still there: its previous version stays.
            var present = files.Where(f => DocumentFormats.IsSupported(f.Path)).Select(f => f.DocumentId).ToHashSet(StringComparer.Ordinal);
            results.AddRange(await RemoveMissingAsync(present, cancellationToken));
        }

        var result = new ImportResult(results);
        LogImported(root, result.DocumentsAdded, result.DocumentsUpdated, result.DocumentsUnchanged, result.DocumentsRemoved, result.Failed, result.ChunksWritten, result.Skipped);
        foreach (var error in result.Errors)
        {
            LogFileFailed(error.DocumentId, error.Error!);
        }

        return result;
    }

    /// <summary>Imports one file; a file that cannot be read comes back <see cref="ImportOutcome.Failed"/> with the reason.</summary>
    public async Task<ImportedFile> ImportFileAsync(string path, string documentId, CancellationToken cancellationToken = default)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > options.KnowledgeBase.MaxFileBytes)
            {
                return Failed(documentId, $"The file is {Megabytes(length)}, over the limit of {Megabytes(options.KnowledgeBase.MaxFileBytes)} (Drafting:KnowledgeBase:MaxFileBytes).");
            }

            return await ImportDocumentAsync(documentId, await File.ReadAllBytesAsync(path, cancellationToken), cancellationToken);
        }
        catch (IOException ex)
        {
            return Failed(documentId, "The file cannot be read: " + ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            return Failed(documentId, "The file cannot be read: " + ex.Message);
        }
    }

    /// <summary>
    /// Imports one document's bytes under <paramref name="documentId"/> (its extension says the
    /// format). Unreadable content fails with the reason and changes nothing.
    /// </summary>
    public async Task<ImportedFile> ImportDocumentAsync(string documentId, byte[] content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!DocumentFormats.IsSupported(documentId))
        {
            return Failed(documentId, $"Unsupported file type '{Path.GetExtension(documentId)}'; supported: {DocumentFormats.Supported}.");
        }

        if (content.Length > options.KnowledgeBase.MaxFileBytes)
        {
            return Failed(documentId, $"The file is {Megabytes(content.Length)}, over the limit of {Megabytes(options.KnowledgeBase.MaxFileBytes)} (Drafting:KnowledgeBase:MaxFileBytes).");
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        if (await CurrentHashAsync(documentId, cancellationToken) == hash)
        {
            return new ImportedFile(documentId, ImportOutcome.Unchanged);
        }

        ChunkedDocument document;
        try
        {
            document = DocumentFormats.Read(documentId, content, options.KnowledgeBase.MaxChunkChars);
        }
        catch (KnowledgeFormatException ex)
        {
            return Failed(documentId, ex.Message);
        }

        IReadOnlyList<float[]?>? embeddings = null;
        try
        {
            embeddings = embedder is null ? null : await embedder.EmbedAsync(document.Chunks, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing is stored, so the next import tries this file again.
            return Failed(documentId, "The embedding deployment failed: " + ex.Message);
        }

        var outcome = await ReplaceAsync(document, hash, DocumentKinds.Document, KnowledgeChange.Imported, embeddings, cancellationToken);
        return new ImportedFile(documentId, outcome, outcome == ImportOutcome.Unchanged ? 0 : document.Chunks.Count);
    }

    /// <summary>Vectors for <paramref name="chunks"/>, or null without an embedding deployment.</summary>
    public async Task<IReadOnlyList<float[]?>?> EmbedAsync(IReadOnlyList<KnowledgeChunk> chunks, CancellationToken cancellationToken) =>
        embedder is null ? null : await embedder.EmbedAsync(chunks, cancellationToken);

    /// <summary>
    /// Replaces a document's chunks with <paramref name="document"/>'s in one transaction that also
    /// queues <see cref="KnowledgeChanged"/>. <paramref name="afterWrite"/> adds rows of its own to the
    /// same transaction (answer memory's provenance).
    /// </summary>
    public async Task<ImportOutcome> ReplaceAsync(
        ChunkedDocument document,
        string hash,
        string kind,
        string change,
        IReadOnlyList<float[]?>? embeddings,
        CancellationToken cancellationToken,
        Func<ServiceTransaction, Task>? afterWrite = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        await using var transaction = await database.BeginAsync(cancellationToken);
        var existing = await transaction.QuerySingleOrDefaultAsync<string>(SelectHash, new { document.DocumentId }, cancellationToken);
        if (existing == hash)
        {
            return ImportOutcome.Unchanged;
        }

        await transaction.ExecuteAsync(DeleteChunks, new { document.DocumentId }, cancellationToken);
        await transaction.ExecuteAsync(
            UpsertDocument,
            new { document.DocumentId, document.Title, ContentHash = hash, ImportedAt = DateTimeOffset.UtcNow, Kind = kind },
            cancellationToken);
        if (document.Chunks.Count > 0)
        {
            await transaction.ExecuteAsync(
                InsertChunk,
                document.Chunks.Select((c, i) => new
                {
                    c.ChunkId,
                    c.DocumentId,
                    c.Anchor,
                    c.HeadingPath,
                    c.Title,
                    c.Text,
                    c.Ordinal,
                    c.Page,
                    Embedding = embeddings?[i] is { } vector ? VectorBytes.From(vector) : null,
                }).ToList(),
                cancellationToken);
        }

        if (afterWrite is not null)
        {
            await afterWrite(transaction);
        }

        await transaction.PublishAsync(new KnowledgeChanged([document.DocumentId], change, DateTimeOffset.UtcNow), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return existing is null ? ImportOutcome.Added : ImportOutcome.Updated;
    }

    /// <summary>Removes documents (and their chunks); false when none of them existed.</summary>
    public async Task<IReadOnlyList<string>> RemoveAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        var removed = new List<string>();
        await using var transaction = await database.BeginAsync(cancellationToken);
        foreach (var documentId in documentIds)
        {
            if (await transaction.ExecuteAsync(DeleteDocument, new { DocumentId = documentId }, cancellationToken) > 0)
            {
                removed.Add(documentId);
            }
        }

        if (removed.Count > 0)
        {
            await transaction.PublishAsync(new KnowledgeChanged(removed, KnowledgeChange.Removed, DateTimeOffset.UtcNow), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return removed;
    }

    private async Task<IEnumerable<ImportedFile>> RemoveMissingAsync(HashSet<string> present, CancellationToken cancellationToken)
    {
        IEnumerable<string> stored;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            stored = await connection.QueryAsync<string>(new CommandDefinition(SelectImportedDocuments, cancellationToken: cancellationToken));
        }

        var missing = stored.Where(id => !present.Contains(id)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return [];
        }

        var removed = await RemoveAsync(missing, cancellationToken);
        return removed.Select(id => new ImportedFile(id, ImportOutcome.Removed));
    }

    private async Task<string?> CurrentHashAsync(string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectHash, new { DocumentId = documentId }, cancellationToken: cancellationToken));
    }

    private static ImportedFile Failed(string documentId, string error) => new(documentId, ImportOutcome.Failed, 0, error);

    private static string Megabytes(long bytes) =>
        (bytes / 1024.0 / 1024.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " MB";

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported {Folder}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Removed} removed, {Failed} failed, {Chunks} chunks written, {Skipped} files skipped")]
    private partial void LogImported(string folder, int added, int updated, int unchanged, int removed, int failed, int chunks, int skipped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Knowledge base file {DocumentId} was not imported: {Error}")]
    private partial void LogFileFailed(string documentId, string error);
}

/// <summary>What a row of <c>documents</c> holds: an imported file, or an answer an agent approved.</summary>
internal static class DocumentKinds
{
    public const string Document = "document";
    public const string Answer = "answer";
}

/// <summary>Reads the knowledge base back for the index.</summary>
internal static class KnowledgeChunks
{
    private const string SelectAll = """
        SELECT chunk_id AS ChunkId, document_id AS DocumentId, anchor AS Anchor, heading_path AS HeadingPath,
               title AS Title, text AS Text, ordinal AS Ordinal, page AS Page, embedding AS Embedding
        FROM chunks ORDER BY document_id, ordinal
        """;

    public static async Task<IReadOnlyList<KnowledgeChunk>> LoadAllAsync(DraftingDatabase database, CancellationToken cancellationToken = default) =>
        (await LoadWithEmbeddingsAsync(database, cancellationToken)).Chunks;

    /// <summary>Every chunk, and its stored vector (null where none was computed).</summary>
    public static async Task<(IReadOnlyList<KnowledgeChunk> Chunks, IReadOnlyList<float[]?> Embeddings)> LoadWithEmbeddingsAsync(
        DraftingDatabase database, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ChunkRow>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken))).ToList();
        return (
            rows.Select(r => new KnowledgeChunk(r.ChunkId, r.DocumentId, r.Anchor, r.HeadingPath, r.Title, r.Text, (int)r.Ordinal, r.Page is null ? null : (int)r.Page.Value)).ToList(),
            rows.Select(r => r.Embedding is null ? null : VectorBytes.To(r.Embedding)).ToList());
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

        public long? Page { get; set; }

        public byte[]? Embedding { get; set; }
    }
}

/// <summary>Vectors stored as little-endian float32 bytes (BLOB in SQLite, bytea in PostgreSQL).</summary>
internal static class VectorBytes
{
    public static byte[] From(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var bytes = new byte[vector.Length * sizeof(float)];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).CopyTo(bytes);
        return bytes;
    }

    public static float[] To(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
