using System.Text.Json;
using FluentValidation;
using SupportCopilot.Hosting;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Review.Decisions;

/// <summary><c>POST /api/review/items/{draftId}/approve</c> and <c>.../reject</c>.</summary>
internal static class DecisionEndpoints
{
    public static void MapDecisionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/review/items/{draftId:guid}/approve", ApproveAsync)
            .WithName("ApproveReviewItem")
            .WithTags("Review")
            .WithSummary("Approve a draft as it is, or send an edited text")
            .DocumentsJsonBody<ApproveRequest>()
            .Produces<DecisionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        app.MapPost("/api/review/items/{draftId:guid}/reject", RejectAsync)
            .WithName("RejectReviewItem")
            .WithTags("Review")
            .WithSummary("Reject a draft with a reason; nothing is sent to the customer")
            .DocumentsJsonBody<RejectRequest>()
            .Produces<DecisionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> ApproveAsync(
        Guid draftId, HttpRequest request, DecisionHandler handler, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadBodyAsync<ApproveRequest>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var validation = await new ApproveRequestValidator().ValidateAsync(body!, cancellationToken);
        if (!validation.IsValid)
        {
            return ValidationProblems.From(validation);
        }

        return ToResult(await handler.ApproveAsync(draftId, body!, cancellationToken));
    }

    private static async Task<IResult> RejectAsync(
        Guid draftId, HttpRequest request, DecisionHandler handler, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadBodyAsync<RejectRequest>(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var validation = await new RejectRequestValidator().ValidateAsync(body!, cancellationToken);
        if (!validation.IsValid)
        {
            return ValidationProblems.From(validation);
        }

        return ToResult(await handler.RejectAsync(draftId, body!, cancellationToken));
    }

    internal static IResult ToResult(DecisionResult result) => result.Outcome switch
    {
        DecisionOutcome.Decided => Results.Ok(new DecisionResponse(result.DraftId, result.Decision!, result.DecidedAt!.Value, result.DecidedBy!)),
        DecisionOutcome.NotFound => Results.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "No such review item.",
            detail: $"Draft {result.DraftId} is not in the review queue."),
        _ => Results.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The draft was already decided.",
            detail: $"Draft {result.DraftId} was already {result.Decision} by {result.DecidedBy}.",
            extensions: new Dictionary<string, object?> { ["decision"] = result.Decision, ["decidedBy"] = result.DecidedBy, ["decidedAt"] = result.DecidedAt }),
    };

    /// <summary>Reads the JSON body here rather than by binding, so a bad body is a problem in our own words.</summary>
    private static async Task<(T? Body, IResult? Problem)> ReadBodyAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, ValidationProblems.ForRequest("body", "Send the decision as application/json."));
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, ReviewJson.Options, cancellationToken);
            return body is null
                ? (null, ValidationProblems.ForRequest("body", "The body must be a JSON object."))
                : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, ValidationProblems.ForRequest("body", $"The body is not valid JSON (at {ex.Path ?? "$"}, line {ex.LineNumber + 1})."));
        }
    }
}

internal sealed record DecisionResponse(Guid DraftId, string Decision, DateTimeOffset DecidedAt, string DecidedBy);
