using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// Help Scout: <c>POST /v2/conversations/{id}/reply</c> to the webhook's customer, with
/// <c>"draft":true</c> in suggest mode (a draft reply an agent sends). Bearer token: the configured
/// <c>AccessToken</c>, else one from the OAuth2 client-credentials flow, cached until shortly before
/// it expires and fetched again after a 401.
/// </summary>
internal sealed class HelpScoutReplyClient(
    HttpClient http, IOptions<HelpScoutReplySettings> options, HelpScoutTokenCache tokens) : HelpdeskApiClient<HelpScoutReplySettings>(options)
{
    public const string ConnectorName = "helpscout";

    public override string Connector => ConnectorName;

    protected override async Task PostAsync(HelpdeskReply reply, HelpScoutReplySettings settings, Uri baseUrl, CancellationToken cancellationToken)
    {
        var customer = reply.Address.CustomerId ?? throw HelpdeskHttp.MissingAddress(reply, "customer id");
        object customerId = long.TryParse(customer, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : customer;
        var conversation = reply.Address.ConversationId ?? reply.ExternalId;
        var url = HelpdeskHttp.Url(baseUrl, $"/v2/conversations/{HelpdeskHttp.Segment(conversation)}/reply");
        object body = settings.IsPublic(reply.Origin)
            ? new { customer = new { id = customerId }, text = HelpdeskHttp.Html(reply.Text) }
            : new { customer = new { id = customerId }, text = HelpdeskHttp.Html(reply.Text), draft = true };

        try
        {
            await SendAsync(url, body, reply, settings, cancellationToken);
        }
        catch (ReplyUndeliverableException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized && settings.AccessToken is null)
        {
            // The cached token was revoked or expired early: fetch a new one and try once more.
            tokens.Forget();
            await SendAsync(url, body, reply, settings, cancellationToken);
        }
    }

    private async Task SendAsync(Uri url, object body, HelpdeskReply reply, HelpScoutReplySettings settings, CancellationToken cancellationToken)
    {
        var token = settings.AccessToken ?? await tokens.GetAsync(http, settings, cancellationToken);
        using var request = HelpdeskHttp.JsonRequest(HttpMethod.Post, url, body, reply);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await HelpdeskHttp.SendAsync(http, request, reply, cancellationToken);
    }
}

/// <summary>The Help Scout OAuth2 token of the client-credentials flow, shared by all deliveries of the process.</summary>
internal sealed class HelpScoutTokenCache(TimeProvider clock)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile CachedToken? _current;

    public async Task<string> GetAsync(HttpClient http, HelpScoutReplySettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(settings);
        if (_current is { } cached && clock.GetUtcNow() < cached.RenewAt)
        {
            return cached.Value;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } fresh && clock.GetUtcNow() < fresh.RenewAt)
            {
                return fresh.Value;
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, HelpdeskHttp.Url(settings.BaseUrl!, "/v2/oauth2/token"))
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = settings.ClientId!,
                    ["client_secret"] = settings.ClientSecret!,
                }),
            };
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var message = $"Help Scout answered {(int)response.StatusCode} {response.ReasonPhrase} to the token request "
                    + $"(check {settings.Section}:ClientId and {settings.Section}:ClientSecret).";
                if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
                {
                    throw new ReplyUndeliverableException(message, response.StatusCode);
                }

                throw new HttpRequestException(message, inner: null, response.StatusCode);
            }

            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new HttpRequestException("Help Scout answered the token request with an empty body.");
            var lifetime = TimeSpan.FromSeconds(Math.Max(token.expires_in, 0));
            var renewAt = clock.GetUtcNow() + lifetime - TimeSpan.FromMinutes(Math.Min(5, lifetime.TotalMinutes / 2));
            _current = new CachedToken(token.access_token, renewAt);
            return token.access_token;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Forget() => _current = null;

    private sealed record CachedToken(string Value, DateTimeOffset RenewAt);

#pragma warning disable CA1707, IDE1006 // The names are Help Scout's.
    private sealed class TokenResponse
    {
        public required string access_token { get; init; }

        public long expires_in { get; init; }
    }
#pragma warning restore CA1707, IDE1006
}
