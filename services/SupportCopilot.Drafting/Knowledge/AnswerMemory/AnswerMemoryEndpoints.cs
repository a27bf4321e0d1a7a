using Dapper;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Hosting.Authentication;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>One remembered answer with its provenance.</summary>
internal sealed class RememberedAnswer
{
    public Guid DraftId { get; init; }

    public Guid TicketId { get; init; }

    public string DocumentId { get; init; } = "";

    public string Title { get; init; } = "";

    public string Agent { get; init; } = "";

    public bool Edited { get; init; }

    public DateTimeOffset ApprovedAt { get; init; }

    public string Text { get; init; } = "";
}

/// <summary>Lists and forgets remembered answers (the same queries serve the API and <c>copilot kb answers</c>).</summary>
internal static class AnswerMemoryQueries
{
    private const string SelectAnswers = """
        SELECT a.draft_id AS DraftId, a.ticket_id AS TicketId, a.document_id AS DocumentId, d.title AS Title,
               a.agent AS Agent, a.edited AS Edited, a.approved_at AS ApprovedAt, c.text AS Text
        FROM answer_memory a
        JOIN documents d ON d.document_id = a.document_id
        LEFT JOIN chunks c ON c.document_id = a.document_id AND c.ordinal = 0
        ORDER BY a.approved_at DESC, a.draft_id
        """;

    public static async Task<IReadOnlyList<RememberedAnswer>> ListAsync(DraftingDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<RememberedAnswer>(new CommandDefinition(SelectAnswers, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Forgets the answer remembered from <paramref name="draftId"/>; false when there is none.</summary>
    public static async Task<bool> ForgetAsync(KnowledgeImporter importer, Guid draftId, CancellationToken cancellationToken) =>
        (await importer.RemoveAsync([AnswerMemoryConsumer.DocumentIdOf(draftId)], cancellationToken)).Count > 0;
}

/// <summary><c>GET /api/drafting/knowledge/answers</c> (agents) and <c>DELETE .../answers/{draftId}</c> (ops).</summary>
internal static class AnswerMemoryEndpoints
{
    public static IEndpointRouteBuilder MapAnswerMemory(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/drafting/knowledge/answers", (DraftingDatabase database, CancellationToken cancellationToken) =>
                AnswerMemoryQueries.ListAsync(database, cancellationToken))
            .RequireAuthorization(AuthPolicies.Agent)
            .WithName("ListRememberedAnswers")
            .WithTags("Knowledge base")
            .WithSummary("Answers agents approved that the knowledge base remembers, with ticket, agent and date");
        app.MapDelete("/api/drafting/knowledge/answers/{draftId:guid}", async (Guid draftId, KnowledgeImporter importer, CancellationToken cancellationToken) =>
                await AnswerMemoryQueries.ForgetAsync(importer, draftId, cancellationToken)
                    ? Results.NoContent()
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such remembered answer.", detail: $"No answer is remembered from draft {draftId}."))
            .RequireAuthorization(AuthPolicies.Ops)
            .WithName("ForgetRememberedAnswer")
            .WithTags("Knowledge base")
            .WithSummary("Remove a remembered answer from the knowledge base")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
