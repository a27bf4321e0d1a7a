using FluentValidation;
using SupportCopilot.Hosting;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Accounts;

namespace SupportCopilot.Review.Decisions;

/// <summary>
/// <c>POST /api/review/items/{draftId}/approve|reject|escalate|clarify</c>. The decision is
/// recorded under the signed-in agent or API key; an <c>agent</c> field in the body is ignored.
/// </summary>
internal static class DecisionEndpoints
{
    public static void MapDecisionEndpoints(this IEndpointRouteBuilder app)
    {
        var items = app.MapGroup("/api/review/items/{draftId:guid}").WithTags("Review").RequireAuthorization(AuthPolicies.Agent);
        items.MapPost("/approve", ApproveAsync)
            .WithName("ApproveReviewItem")
            .WithSummary("Approve a draft as it is, or send an edited text")
            .DocumentsJsonBody<ApproveRequest>()
            .Produces<DecisionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        items.MapPost("/reject", RejectAsync)
            .WithName("RejectReviewItem")
            .WithSummary("Reject a draft with a reason (and optionally the answer the agent would give); nothing is sent")
            .DocumentsJsonBody<RejectRequest>()
            .Produces<DecisionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        items.MapPost("/escalate", EscalateAsync)
            .WithName("EscalateReviewItem")
            .WithSummary("Hand the ticket to someone outside the queue; nothing is sent")
            .DocumentsJsonBody<EscalateRequest>()
            .Produces<DecisionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        items.MapPost("/clarify", ClarifyAsync)
            .WithName("ClarifyReviewItem")
            .WithSummary("Send the customer a clarifying question instead of the draft")
            .DocumentsJsonBody<ClarifyRequest>()
            .Produces<DecisionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static Task<IResult> ApproveAsync(Guid draftId, HttpContext http, DecisionHandler handler, CancellationToken cancellationToken) =>
        DecideAsync<ApproveRequest>(
            http, body => body with { Agent = Agent(http) }, new ApproveRequestValidator(),
            request => handler.ApproveAsync(draftId, request, cancellationToken), cancellationToken);

    private static Task<IResult> RejectAsync(Guid draftId, HttpContext http, DecisionHandler handler, CancellationToken cancellationToken) =>
        DecideAsync<RejectRequest>(
            http, body => body with { Agent = Agent(http) }, new RejectRequestValidator(),
            request => handler.RejectAsync(draftId, request, cancellationToken), cancellationToken);

    private static Task<IResult> EscalateAsync(Guid draftId, HttpContext http, DecisionHandler handler, CancellationToken cancellationToken) =>
        DecideAsync<EscalateRequest>(
            http, body => body with { Agent = Agent(http) }, new EscalateRequestValidator(),
            request => handler.EscalateAsync(draftId, request, cancellationToken), cancellationToken);

    private static Task<IResult> ClarifyAsync(Guid draftId, HttpContext http, DecisionHandler handler, CancellationToken cancellationToken) =>
        DecideAsync<ClarifyRequest>(
            http, body => body with { Agent = Agent(http) }, new ClarifyRequestValidator(),
            request => handler.ClarifyAsync(draftId, request, cancellationToken), cancellationToken);

    private static async Task<IResult> DecideAsync<T>(
        HttpContext http, Func<T, T> signed, IValidator<T> validator, Func<T, Task<DecisionResult>> decide, CancellationToken cancellationToken)
        where T : class
    {
        var (body, problem) = await JsonBody.ReadAsync<T>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var request = signed(body!);
        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return ValidationProblems.From(validation);
        }

        return ToResult(await decide(request));
    }

    private static string Agent(HttpContext http) => http.User.Identity!.Name!;

    internal static IResult ToResult(DecisionResult result) => result.Outcome switch
    {
        DecisionOutcome.Decided => Results.Ok(new DecisionResponse(result.DraftId, result.Decision!, result.DecidedAt!.Value, result.DecidedBy!)),
        DecisionOutcome.NotFound => Results.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "No such review item.",
            detail: $"Draft {result.DraftId} is not in the review queue."),
        DecisionOutcome.HeldByOther => Results.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Another agent holds this item.",
            detail: $"{result.DecidedBy} is working on draft {result.DraftId} until {result.DecidedAt:u}.",
            extensions: new Dictionary<string, object?> { ["claimedBy"] = result.DecidedBy, ["claimExpiresAt"] = result.DecidedAt }),
        _ => Results.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The draft was already decided.",
            detail: $"Draft {result.DraftId} was already {result.Decision} by {result.DecidedBy}.",
            extensions: new Dictionary<string, object?> { ["decision"] = result.Decision, ["decidedBy"] = result.DecidedBy, ["decidedAt"] = result.DecidedAt }),
    };
}

internal sealed record DecisionResponse(Guid DraftId, string Decision, DateTimeOffset DecidedAt, string DecidedBy);
