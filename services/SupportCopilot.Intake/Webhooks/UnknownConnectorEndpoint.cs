using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Webhooks;

/// <summary><c>POST /api/webhooks/{connector}</c> for a name no connector has: 404 problem listing the ones there are.</summary>
internal static class UnknownConnectorEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/webhooks/{connector}", (string connector) => Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No such connector.",
                detail: $"There is no '{connector}' connector; the connectors are {string.Join(", ", WebhookConnectors.Sections.Keys)}."))
            .ExcludeFromDescription();
}
