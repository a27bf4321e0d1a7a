using System.Buffers;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SupportCopilot.Hosting;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Webhooks;

/// <summary>A webhook request that passed the gate: its raw body, verified.</summary>
internal sealed record ReceivedWebhook(byte[] Body, ConnectorWebhookSettings Settings);

/// <summary>
/// What every connector's endpoint does before it looks at the payload, in this order: the
/// connector is enabled (else 404), the body fits the size limit (else 413), the signature over
/// the raw body bytes is right (else 401) and the body is JSON (else 400). Nothing is stored
/// unless all of it passed.
/// </summary>
internal sealed partial class WebhookGate(
    IOptionsMonitor<ConnectorWebhookSettings> settings, TimeProvider clock, ILogger<WebhookGate> logger)
{
    /// <summary>Room for a helpdesk's event with a long HTML message and its metadata.</summary>
    public const long DefaultMaxRequestBytes = 1024 * 1024;

    /// <summary>
    /// <see cref="ReceiveAsync"/>, then the body read as <typeparamref name="T"/>: the steps every
    /// JSON connector takes before its own rules. Either the payload or the answer to send.
    /// </summary>
    public async Task<(T? Payload, IResult? Rejection)> ReceiveJsonAsync<T>(
        HttpContext http, string connector, WebhookSignatureScheme scheme, JsonSerializerOptions json, CancellationToken cancellationToken)
        where T : class
    {
        var (webhook, rejection) = await ReceiveAsync(http, connector, scheme, DefaultMaxRequestBytes, cancellationToken);
        if (webhook is null)
        {
            return (null, rejection);
        }

        return WebhookPayloads.TryRead<T>(webhook.Body, json, out var payload, out var problem) ? (payload, null) : (null, problem);
    }

    public async Task<(ReceivedWebhook? Webhook, IResult? Rejection)> ReceiveAsync(
        HttpContext http, string connector, WebhookSignatureScheme scheme, long maxRequestBytes, CancellationToken cancellationToken)
    {
        var options = settings.Get(connector);
        if (!options.Enabled)
        {
            return (null, Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Connector not enabled.",
                detail: $"The {connector} connector is not enabled on this server."));
        }

        var request = http.Request;
        if (request.ContentLength > maxRequestBytes)
        {
            return (null, TooLarge(maxRequestBytes));
        }

        var body = await ReadAtMostAsync(request, maxRequestBytes, cancellationToken);
        if (body is null)
        {
            return (null, TooLarge(maxRequestBytes));
        }

        if (!scheme.IsPresent(request, options))
        {
            if (options.AllowUnsigned
                || (connector == WebhookConnectors.Generic && options.AllowUnsignedFromLoopback && IsFromLoopback(http)))
            {
                return (new ReceivedWebhook(body, options), null);
            }

            LogRejected(connector, "missing signature");
            return (null, Unauthorized($"The request carries no signature: {connector} webhooks must be signed ({scheme.Describes})."));
        }

        if (!options.HasSecret)
        {
            // Only reachable with AllowUnsigned (or the loopback opt-in): without a secret a signature cannot be checked.
            return options.AllowUnsigned || (options.AllowUnsignedFromLoopback && IsFromLoopback(http))
                ? (new ReceivedWebhook(body, options), null)
                : (null, Unauthorized("The signature cannot be checked: no secret is configured."));
        }

        var check = scheme.Verify(request, body, options, clock.GetUtcNow());
        if (check.Verdict != SignatureVerdict.Valid)
        {
            LogRejected(connector, check.Verdict == SignatureVerdict.Stale ? "stale timestamp" : "wrong signature");
            return (null, Unauthorized(check.Detail));
        }

        if (!request.HasJsonContentType())
        {
            return (null, ValidationProblems.ForRequest("contentType", "The request must be JSON: send Content-Type: application/json."));
        }

        return (new ReceivedWebhook(body, options), null);
    }

    /// <summary>
    /// A request is from loopback when its peer is a loopback address and no proxy header says it
    /// was forwarded (a reverse proxy on the same machine would otherwise make everyone local).
    /// </summary>
    private static bool IsFromLoopback(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } remote
        && IPAddress.IsLoopback(remote)
        && !http.Request.Headers.ContainsKey("X-Forwarded-For")
        && !http.Request.Headers.ContainsKey("Forwarded");

    /// <summary>
    /// The body, or null past <paramref name="maxBytes"/>. A body with a declared length (what
    /// helpdesks send; the caller refused one declared too large) is read into one array of that
    /// size: growing a buffer through a scratch chunk cost some 20 KB of garbage per webhook, about
    /// a sixth of what Intake allocated per ticket under load (docs/benchmarks.md).
    /// </summary>
    private static async Task<byte[]?> ReadAtMostAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared)
        {
            var exact = new byte[declared];
            await request.Body.ReadExactlyAsync(exact, cancellationToken);
            return exact;
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private static IResult TooLarge(long maxBytes) => Results.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The request is too large.",
        detail: $"Webhook bodies are limited to {maxBytes / 1024} KiB.");

    private static IResult Unauthorized(string detail) => Results.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "The webhook signature is missing or wrong.",
        detail: detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Connector} webhook: {Reason}")]
    private partial void LogRejected(string connector, string reason);
}
