using SupportCopilot.Hosting.Authentication;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// <c>GET /api/replies/failed</c>: replies the helpdesk never accepted and the bus gave up on.
/// <c>POST /api/replies/{draftId}/retry</c>: deliver one of them again (at most once still holds).
/// </summary>
internal static class FailedRepliesEndpoints
{
    private const int ListLimit = 500;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/replies/failed", ListAsync)
            .WithName("ListFailedReplies")
            .WithTags("Replies")
            .WithSummary("Replies whose delivery failed, oldest first (at most 500)")
            .Produces<IReadOnlyList<FailedReply>>()
            .RequireAuthorization(AuthPolicies.Agent);
        app.MapPost("/api/replies/{draftId:guid}/retry", RetryAsync)
            .WithName("RetryFailedReply")
            .WithTags("Replies")
            .WithSummary("Deliver a failed reply again")
            .Produces<RetryAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(AuthPolicies.Agent);
    }

    internal sealed record RetryAccepted(Guid DraftId, string Status);

    private static async Task<IResult> ListAsync(IntakeDatabase database, CancellationToken cancellationToken) =>
        Results.Ok(await FailedReplies.ListAsync(database, ListLimit, cancellationToken));

    private static async Task<IResult> RetryAsync(Guid draftId, IntakeDatabase database, CancellationToken cancellationToken) =>
        await FailedReplies.RetryAsync(database, draftId, cancellationToken) switch
        {
            RetryOutcome.Queued => Results.Accepted($"/api/replies/failed", new RetryAccepted(draftId, "pending")),
            RetryOutcome.NotFound => Results.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "No such reply.", detail: $"No reply delivery exists for draft {draftId}."),
            _ => Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The reply has not failed.",
                detail: $"The reply for draft {draftId} is pending, being sent or delivered; only a failed reply can be retried."),
        };
}
