using FluentValidation;
using Microsoft.Extensions.Options;
using SupportCopilot.Contracts;
using SupportCopilot.Hosting;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Queue;

namespace SupportCopilot.Review.Items;

/// <summary><c>GET /api/review/items</c> and <c>GET /api/review/items/{draftId}</c>.</summary>
internal static class ItemsEndpoints
{
    public static void MapItemsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/review/queue/version", VersionAsync)
            .WithName("GetReviewQueueVersion")
            .WithTags("Review")
            .WithSummary("A fingerprint of the queue that changes when an item arrives, is claimed or is decided (the page polls it)")
            .Produces<QueueVersion>()
            .RequireAuthorization(AuthPolicies.Agent);
        app.MapGet("/api/review/items", ListAsync)
            .WithName("ListReviewItems")
            .WithTags("Review")
            .WithSummary("Review items, oldest first, filtered by status")
            .Produces<ItemListResponse>()
            .ProducesValidationProblem()
            .RequireAuthorization(AuthPolicies.Agent);
        app.MapGet("/api/review/items/{draftId:guid}", GetAsync)
            .WithName("GetReviewItem")
            .WithTags("Review")
            .WithSummary("One review item with its ticket, draft and sources")
            .Produces<ItemResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(AuthPolicies.Agent);
    }

    private static async Task<IResult> VersionAsync(QueueQueries queue, CancellationToken cancellationToken) =>
        Results.Ok(await queue.VersionAsync(cancellationToken));

    private static async Task<IResult> ListAsync(
        string? status,
        int? limit,
        int? offset,
        ReviewItemQueries queries,
        IOptions<ReviewSettings> settings,
        CancellationToken cancellationToken)
    {
        var request = new ListItemsRequest(
            string.IsNullOrEmpty(status) ? null : status,
            limit ?? settings.Value.DefaultPageSize,
            offset ?? 0);
        var validation = await new ListItemsValidator(settings.Value.MaxPageSize).ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return ValidationProblems.From(validation);
        }

        var items = await queries.ListAsync(request.Status, request.Limit, request.Offset, cancellationToken);
        return Results.Ok(new ItemListResponse([.. items.Select(ItemResponse.From)], request.Limit, request.Offset));
    }

    private static async Task<IResult> GetAsync(Guid draftId, ReviewItemQueries queries, CancellationToken cancellationToken)
    {
        var item = await queries.FindAsync(draftId, cancellationToken);
        return item is null
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such review item.", detail: $"Draft {draftId} is not in the review queue.")
            : Results.Ok(ItemResponse.From(item));
    }
}

internal sealed record ListItemsRequest(string? Status, int Limit, int Offset);

internal sealed class ListItemsValidator : AbstractValidator<ListItemsRequest>
{
    public ListItemsValidator(int maxLimit)
    {
        RuleFor(r => r.Status)
            .Must(s => s is null || ReviewStatus.All.Contains(s))
            .WithMessage($"Status must be one of: {string.Join(", ", ReviewStatus.All)}.");
        RuleFor(r => r.Limit).InclusiveBetween(1, maxLimit);
        RuleFor(r => r.Offset).GreaterThanOrEqualTo(0);
    }
}

internal sealed record ItemListResponse(IReadOnlyList<ItemResponse> Items, int Limit, int Offset);

/// <summary>A review item as the JSON API shows it.</summary>
internal sealed record ItemResponse(
    Guid DraftId,
    Guid TicketId,
    string Status,
    string Connector,
    string ExternalId,
    string Subject,
    string Body,
    Customer Customer,
    string Language,
    DateTimeOffset ReceivedAt,
    string DraftText,
    IReadOnlyList<Citation> Citations,
    double Confidence,
    IReadOnlyList<string> Reasons,
    string Drafter,
    DateTimeOffset QueuedAt,
    DateTimeOffset? DecidedAt,
    string? DecidedBy)
{
    public static ItemResponse From(ReviewItem item) => new(
        item.DraftId,
        item.TicketId,
        item.Status,
        item.Connector,
        item.ExternalId,
        item.Subject,
        item.Body,
        new Customer(item.CustomerEmail, item.CustomerName),
        item.Language,
        item.ReceivedAt,
        item.DraftText,
        item.Citations,
        item.Confidence,
        item.Reasons,
        item.Drafter,
        item.QueuedAt,
        item.DecidedAt,
        item.DecidedBy);
}
