using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.Features;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Hosting;
using SupportCopilot.Hosting.Authentication;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>A document as <c>copilot kb list</c> and <c>GET /api/drafting/knowledge/documents</c> show it.</summary>
internal sealed class KnowledgeDocument
{
    public string DocumentId { get; init; } = "";

    public string Title { get; init; } = "";

    public string Kind { get; init; } = "";

    public long Chunks { get; init; }

    public string ContentHash { get; init; } = "";

    public DateTimeOffset ImportedAt { get; init; }
}

internal static class KnowledgeDocuments
{
    private const string SelectDocuments = """
        SELECT d.document_id AS DocumentId, d.title AS Title, d.kind AS Kind, d.content_hash AS ContentHash,
               d.imported_at AS ImportedAt, (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.document_id) AS Chunks
        FROM documents d
        ORDER BY d.document_id
        """;

    public static async Task<IReadOnlyList<KnowledgeDocument>> ListAsync(DraftingDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<KnowledgeDocument>(new CommandDefinition(SelectDocuments, cancellationToken: cancellationToken))).ToList();
    }
}

/// <summary>A folder on the Drafting host to import, as <c>copilot kb import</c> does.</summary>
internal sealed record ImportFolderRequest(string? Folder, bool Prune = false);

internal sealed class ImportFolderRequestValidator : AbstractValidator<ImportFolderRequest>
{
    public ImportFolderRequestValidator()
    {
        RuleFor(r => r.Folder).NotEmpty().WithMessage("Give the folder to import (a path on the Drafting host).")
            .Must(Directory.Exists).When(r => !string.IsNullOrWhiteSpace(r.Folder)).WithMessage("The folder does not exist on the Drafting host.");
    }
}

/// <summary>
/// The knowledge base over HTTP: list (agents), upload one document, remove one, import a folder
/// on the host (ops). Every change goes through the importer, so it queues the same
/// <c>KnowledgeChanged</c> the CLI does and every instance's index follows.
/// </summary>
internal static class KnowledgeDocumentEndpoints
{
    public static IEndpointRouteBuilder MapKnowledgeDocuments(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/drafting/knowledge/documents", (DraftingDatabase database, CancellationToken cancellationToken) =>
                KnowledgeDocuments.ListAsync(database, cancellationToken))
            .RequireAuthorization(AuthPolicies.Agent)
            .WithName("ListKnowledgeDocuments")
            .WithTags("Knowledge base")
            .WithSummary("Every document and remembered answer, with its chunk count and content hash");

        app.MapPut("/api/drafting/knowledge/documents/{**documentId}", PutAsync)
            .RequireAuthorization(AuthPolicies.Ops)
            .WithName("PutKnowledgeDocument")
            .WithTags("Knowledge base")
            .WithSummary("Add or replace one document: the body is the file (its extension in the id says the format)")
            .Produces<ImportedFile>()
            .ProducesValidationProblem();

        app.MapDelete("/api/drafting/knowledge/documents/{**documentId}", async (string documentId, KnowledgeImporter importer, CancellationToken cancellationToken) =>
                (await importer.RemoveAsync([documentId], cancellationToken)).Count > 0
                    ? Results.NoContent()
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such document.", detail: $"The knowledge base holds no document '{documentId}'."))
            .RequireAuthorization(AuthPolicies.Ops)
            .WithName("RemoveKnowledgeDocument")
            .WithTags("Knowledge base")
            .WithSummary("Remove a document and its passages")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapPost("/api/drafting/knowledge/imports", ImportAsync)
            .RequireAuthorization(AuthPolicies.Ops)
            .WithName("ImportKnowledgeFolder")
            .WithTags("Knowledge base")
            .WithSummary("Import a folder on the Drafting host (prune: also remove documents whose file is gone)")
            .DocumentsJsonBody<ImportFolderRequest>()
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> PutAsync(
        string documentId, HttpContext context, KnowledgeImporter importer, DraftingOptions options, CancellationToken cancellationToken)
    {
        if (!IsValidDocumentId(documentId))
        {
            return ValidationProblems.ForRequest("documentId", "Give a relative path with '/' separators and no '..' segment, ending in " + DocumentFormats.Supported + ".");
        }

        var limit = options.KnowledgeBase.MaxFileBytes;
        if (context.Request.ContentLength > limit)
        {
            return ValidationProblems.ForRequest("body", $"The document is over the limit of {limit} bytes (Drafting:KnowledgeBase:MaxFileBytes).");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + 1;
        }

        using var buffer = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(buffer, cancellationToken);
        }
        catch (BadHttpRequestException)
        {
            return ValidationProblems.ForRequest("body", $"The document is over the limit of {limit} bytes (Drafting:KnowledgeBase:MaxFileBytes).");
        }

        var result = await importer.ImportDocumentAsync(documentId, buffer.ToArray(), cancellationToken);
        return result.Outcome switch
        {
            ImportOutcome.Failed => ValidationProblems.ForRequest("body", result.Error!),
            ImportOutcome.Added => Results.Created($"/api/drafting/knowledge/documents/{documentId}", result),
            _ => Results.Ok(result),
        };
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, KnowledgeImporter importer, CancellationToken cancellationToken)
    {
        ImportFolderRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<ImportFolderRequest>(cancellationToken);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return ValidationProblems.ForRequest(ex.Path ?? "$", "Malformed JSON.");
        }

        body ??= new ImportFolderRequest(null);
        var validation = await new ImportFolderRequestValidator().ValidateAsync(body, cancellationToken);
        if (!validation.IsValid)
        {
            return ValidationProblems.From(validation);
        }

        var result = await importer.ImportFolderAsync(body.Folder!, body.Prune, cancellationToken: cancellationToken);
        return Results.Ok(new
        {
            result.DocumentsAdded,
            result.DocumentsUpdated,
            result.DocumentsUnchanged,
            result.DocumentsRemoved,
            result.Failed,
            result.Skipped,
            result.ChunksWritten,
            Errors = result.Errors.Select(e => new { e.DocumentId, e.Error }),
        });
    }

    internal static bool IsValidDocumentId(string documentId) =>
        !string.IsNullOrWhiteSpace(documentId)
        && documentId.Length <= 500
        && !documentId.StartsWith('/')
        && !documentId.Contains('\\', StringComparison.Ordinal)
        && !documentId.Split('/').Any(part => part is "" or "." or "..")
        && !documentId.StartsWith(AnswerMemoryConsumer.DocumentPrefix, StringComparison.Ordinal)
        && DocumentFormats.IsSupported(documentId);
}
