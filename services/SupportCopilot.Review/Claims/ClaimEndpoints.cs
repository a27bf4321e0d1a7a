using SupportCopilot.Hosting.Authentication;

namespace SupportCopilot.Review.Claims;

/// <summary>
/// <c>POST /api/review/items/{draftId}/claim</c> takes or renews the lease (the detail page calls
/// it while open); <c>DELETE</c> gives it back.
/// </summary>
internal static class ClaimEndpoints
{
    public static void MapClaimEndpoints(this IEndpointRouteBuilder app)
    {
        var claim = app.MapGroup("/api/review/items/{draftId:guid}/claim").WithTags("Review").RequireAuthorization(AuthPolicies.Agent);
        claim.MapPost("/", ClaimAsync)
            .WithName("ClaimReviewItem")
            .WithSummary("Claim a pending item for the signed-in agent, or renew the claim")
            .Produces<ClaimResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        claim.MapDelete("/", ReleaseAsync)
            .WithName("ReleaseReviewItem")
            .WithSummary("Give a claimed item back to the queue")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> ClaimAsync(Guid draftId, HttpContext http, ClaimHandler claims, CancellationToken cancellationToken)
    {
        var result = await claims.ClaimAsync(draftId, http.User.Identity!.Name!, cancellationToken);
        return result.Outcome switch
        {
            ClaimOutcome.Held => Results.Ok(new ClaimResponse(draftId, result.Holder!, result.ExpiresAt!.Value)),
            ClaimOutcome.NotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such review item."),
            ClaimOutcome.NotPending => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The draft was already decided."),
            _ => Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Another agent holds this item.",
                detail: $"{result.Holder} is working on it until {result.ExpiresAt:u}.",
                extensions: new Dictionary<string, object?> { ["claimedBy"] = result.Holder, ["claimExpiresAt"] = result.ExpiresAt }),
        };
    }

    private static async Task<IResult> ReleaseAsync(Guid draftId, HttpContext http, ClaimHandler claims, CancellationToken cancellationToken) =>
        await claims.ReleaseAsync(draftId, http.User.Identity!.Name!, cancellationToken)
            ? Results.NoContent()
            : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "You do not hold a claim on this item.");
}

internal sealed record ClaimResponse(Guid DraftId, string ClaimedBy, DateTimeOffset ExpiresAt);
