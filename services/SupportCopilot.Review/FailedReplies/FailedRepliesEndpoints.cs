using System.Text.Json;
using FluentValidation;
using SupportCopilot.Hosting;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Decisions;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Review.FailedReplies;

/// <summary>
/// <c>GET /api/review/failed-replies</c>: replies Intake could not deliver, newest first.
/// <c>POST /api/review/failed-replies/{draftId}/retry</c>: ask Intake to deliver one again.
/// </summary>
internal static class FailedRepliesEndpoints
{
    public static void MapFailedRepliesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/review/failed-replies", ListAsync)
            .WithName("ListReviewFailedReplies")
            .WithTags("Review")
            .WithSummary("Replies Intake could not deliver and those being retried, newest failure first (at most 500)")
            .Produces<IReadOnlyList<FailedReplyResponse>>()
            .RequireAuthorization(AuthPolicies.Agent);
        app.MapPost("/api/review/failed-replies/{draftId:guid}/retry", RetryAsync)
            .WithName("RetryReviewFailedReply")
            .WithTags("Review")
            .WithSummary("Ask Intake to deliver a failed reply again; the signed-in agent or API key is recorded as who asked")
            .Produces<RetryResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(AuthPolicies.Agent);
    }

    private static async Task<IResult> ListAsync(FailedReplyQueries queries, CancellationToken cancellationToken)
    {
        var replies = await queries.ListOpenAsync(FailedReplyQueries.ListLimit, cancellationToken);
        return Results.Ok(replies.Select(FailedReplyResponse.From).ToList());
    }

    private static async Task<IResult> RetryAsync(
        Guid draftId, HttpRequest request, RetryFailedReplyHandler handler, CancellationToken cancellationToken)
    {
        var agent = request.HttpContext.User.Identity!.Name!;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            if (!request.HasJsonContentType())
            {
                return ValidationProblems.ForRequest("body", "Send the request as application/json, or send no body.");
            }

            RetryRequest? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<RetryRequest>(request.Body, ReviewJson.Options, cancellationToken);
            }
            catch (JsonException ex)
            {
                return ValidationProblems.ForRequest("body", $"The body is not valid JSON (at {ex.Path ?? "$"}, line {ex.LineNumber + 1}).");
            }

            if (body is not null)
            {
                var validation = await new RetryRequestValidator().ValidateAsync(body, cancellationToken);
                if (!validation.IsValid)
                {
                    return ValidationProblems.From(validation);
                }

            }
        }

        return ToResult(await handler.RetryAsync(draftId, agent, cancellationToken));
    }

    private static IResult ToResult(RetryResult result) => result.Outcome switch
    {
        RetryOutcome.Requested => Results.Accepted(
            "/api/review/failed-replies", new RetryResponse(result.DraftId, result.Status!, result.RequestedBy!, result.RequestedAt!.Value)),
        RetryOutcome.NotFound => Results.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "No such failed reply.",
            detail: $"No failed reply is known for draft {result.DraftId}."),
        _ => Results.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The reply has not failed.",
            detail: $"The reply for draft {result.DraftId} is {result.Status}; only a failed reply can be retried.",
            extensions: new Dictionary<string, object?>
            {
                ["status"] = result.Status,
                ["retryRequestedBy"] = result.RequestedBy,
                ["retryRequestedAt"] = result.RequestedAt,
            }),
    };
}

/// <summary>An older body shape, still accepted and validated; who asked is whoever is signed in.</summary>
internal sealed record RetryRequest(string? Agent);

internal sealed class RetryRequestValidator : AbstractValidator<RetryRequest>
{
    public RetryRequestValidator() =>
        RuleFor(r => r.Agent).MaximumLength(DecisionLimits.AgentLength);
}

internal sealed record RetryResponse(Guid DraftId, string Status, string RequestedBy, DateTimeOffset RequestedAt);

/// <summary>A failed reply as the JSON API shows it; <see cref="Subject"/> is null for a draft that never was in the review queue.</summary>
internal sealed record FailedReplyResponse(
    Guid DraftId,
    Guid TicketId,
    string Connector,
    string Error,
    DateTimeOffset FailedAt,
    string Status,
    string? Subject,
    string? RetryRequestedBy,
    DateTimeOffset? RetryRequestedAt)
{
    public static FailedReplyResponse From(FailedReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return new(
            reply.DraftId, reply.TicketId, reply.Connector, reply.Error, reply.FailedAt, reply.Status, reply.Subject,
            reply.RetryRequestedBy, reply.RetryRequestedAt);
    }
}
