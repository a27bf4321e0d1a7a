using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// A reply that can never be delivered as things stand: the connector is not configured, the
/// ticket lacks what the helpdesk needs, or the helpdesk refused it with a 4xx. Retrying cannot
/// help, so the delivery is marked <c>failed</c> at once (an operator fixes the cause and runs
/// <c>copilot replies retry</c>).
/// </summary>
internal sealed class ReplyUndeliverableException(string message, HttpStatusCode? statusCode = null) : Exception(message)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;
}

/// <summary>What every reply client does the same way: JSON bodies, the idempotency key, reading failures.</summary>
internal static class HelpdeskHttp
{
    public const string IdempotencyHeader = "Idempotency-Key";

    // Payloads are anonymous objects whose member names are the helpdesk's own (message_type, admin_id, ...).
    private static readonly JsonSerializerOptions Json = new();

    /// <summary>A JSON request with the draft id as <c>Idempotency-Key</c>.</summary>
    public static HttpRequestMessage JsonRequest(HttpMethod method, Uri url, object body, HelpdeskReply reply) =>
        Request(method, url, JsonSerializer.SerializeToUtf8Bytes(body, Json), reply);

    public static HttpRequestMessage Request(HttpMethod method, Uri url, byte[] body, HelpdeskReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add(IdempotencyHeader, reply.DraftId.ToString());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    /// <summary>
    /// Sends the request (through the connector's resilience pipeline) and throws unless the helpdesk
    /// took it: <see cref="ReplyUndeliverableException"/> for a 4xx other than 408 and 429, an
    /// <see cref="HttpRequestException"/> (retried by the bus) otherwise.
    /// </summary>
    public static async Task SendAsync(HttpClient http, HttpRequestMessage request, HelpdeskReply reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var message = $"{reply.Connector} answered {(int)response.StatusCode} {response.ReasonPhrase} to the reply for draft {reply.DraftId}"
            + await DetailAsync(response, cancellationToken);
        var status = (int)response.StatusCode;
        if (status is >= 400 and < 500 and not 408 and not 429)
        {
            throw new ReplyUndeliverableException(message, response.StatusCode);
        }

        throw new HttpRequestException(message, inner: null, response.StatusCode);
    }

    /// <summary><paramref name="relative"/> under the base URL, keeping any path the base URL has.</summary>
    public static Uri Url(Uri baseUrl, string relative)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + relative);
    }

    /// <summary>An id as one escaped path segment.</summary>
    public static string Segment(string id) => Uri.EscapeDataString(id);

    /// <summary>Plain text as the HTML body some helpdesks expect: escaped, line breaks kept.</summary>
    public static string Html(string text) => WebUtility.HtmlEncode(text).ReplaceLineEndings("<br>");

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    public static ReplyUndeliverableException NotConfigured(HelpdeskReply reply, string section) => new(
        $"The {reply.Connector} connector is not configured ({section}:BaseUrl is not set), so the reply for draft "
        + $"{reply.DraftId} to {reply.Connector} ticket {reply.ExternalId} cannot be posted; configure it, then retry the reply.");

    public static ReplyUndeliverableException MissingAddress(HelpdeskReply reply, string what) => new(
        $"The {reply.Connector} ticket {reply.ExternalId} has no {what} (its webhook did not carry one), so the reply for draft {reply.DraftId} cannot be addressed.");

    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            return body.Length == 0 ? "." : ": " + (body.Length > 300 ? body[..300] + "…" : body);
        }
        catch (HttpRequestException)
        {
            return ".";
        }
    }
}
