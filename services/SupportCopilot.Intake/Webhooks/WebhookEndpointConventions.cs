namespace SupportCopilot.Intake.Webhooks;

internal static class WebhookEndpointConventions
{
    /// <summary>
    /// The answers every connector's webhook can give, documented once: 202 stored, 400 malformed,
    /// 401 unsigned or badly signed, 404 connector not enabled, 413 too large.
    /// </summary>
    public static RouteHandlerBuilder ProducesWebhookResponses(this RouteHandlerBuilder builder) =>
        builder.WithTags("Webhooks")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
}
