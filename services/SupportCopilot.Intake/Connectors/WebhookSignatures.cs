using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace SupportCopilot.Intake.Connectors;

internal enum SignatureVerdict
{
    Valid,
    Invalid,
    Stale,
}

internal readonly record struct SignatureCheck(SignatureVerdict Verdict, string Detail)
{
    public static SignatureCheck Valid { get; } = new(SignatureVerdict.Valid, string.Empty);

    public static SignatureCheck Invalid(string detail) => new(SignatureVerdict.Invalid, detail);

    public static SignatureCheck Stale(string detail) => new(SignatureVerdict.Stale, detail);
}

/// <summary>
/// How one helpdesk proves a webhook is its own. Every scheme is checked against the raw body
/// bytes, compares in constant time, and rejects a signed timestamp more than
/// <see cref="MaxAge"/> away from our clock where the scheme signs one.
/// </summary>
internal abstract class WebhookSignatureScheme
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>The header(s) the helpdesk names, for problem details.</summary>
    public abstract string Describes { get; }

    /// <summary>Whether the request carries this scheme's signature (or secret) at all.</summary>
    public abstract bool IsPresent(HttpRequest request, ConnectorWebhookSettings settings);

    public abstract SignatureCheck Verify(HttpRequest request, ReadOnlySpan<byte> body, ConnectorWebhookSettings settings, DateTimeOffset now);

    protected static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrWhiteSpace(values[0]) ? values[0]!.Trim() : null;

    /// <summary>Constant-time equality of two strings (hashed first, so that not even the length leaks).</summary>
    protected static bool FixedTimeEquals(string expected, string received) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)),
            SHA256.HashData(Encoding.UTF8.GetBytes(received)));

    protected static SignatureCheck? CheckAge(DateTimeOffset signedAt, DateTimeOffset now, string header) =>
        (now - signedAt).Duration() > MaxAge
            ? SignatureCheck.Stale($"The {header} timestamp is more than {MaxAge.TotalMinutes:0} minutes away from the server's clock.")
            : null;

    protected static byte[] Concat(string prefix, ReadOnlySpan<byte> body)
    {
        var signed = new byte[Encoding.UTF8.GetByteCount(prefix) + body.Length];
        var written = Encoding.UTF8.GetBytes(prefix, signed);
        body.CopyTo(signed.AsSpan(written));
        return signed;
    }

    protected static bool TryUnixSeconds(string? value, out DateTimeOffset at)
    {
        at = default;
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds is > 0 and < 253_402_300_799)
        {
            at = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        return false;
    }
}

/// <summary><c>X-SupportCopilot-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "." + body))</c>.</summary>
internal sealed class GenericSignatureScheme : WebhookSignatureScheme
{
    public static GenericSignatureScheme Instance { get; } = new();

    public override string Describes => $"{GenericSignature.SignatureHeader} and {GenericSignature.TimestampHeader}";

    public override bool IsPresent(HttpRequest request, ConnectorWebhookSettings settings) =>
        Header(request, GenericSignature.SignatureHeader) is not null;

    public override SignatureCheck Verify(HttpRequest request, ReadOnlySpan<byte> body, ConnectorWebhookSettings settings, DateTimeOffset now)
    {
        var timestamp = Header(request, GenericSignature.TimestampHeader);
        if (!TryUnixSeconds(timestamp, out var signedAt))
        {
            return SignatureCheck.Invalid($"{GenericSignature.TimestampHeader} must be the signing time in Unix seconds.");
        }

        if (CheckAge(signedAt, now, GenericSignature.TimestampHeader) is { } stale)
        {
            return stale;
        }

        var expected = GenericSignature.Compute(settings.WebhookSecret!, signedAt.ToUnixTimeSeconds(), body);
        var received = Header(request, GenericSignature.SignatureHeader)!;
        return FixedTimeEquals(expected, received.ToLowerInvariant())
            ? SignatureCheck.Valid
            : SignatureCheck.Invalid($"{GenericSignature.SignatureHeader} does not match the body.");
    }
}

/// <summary><c>X-Zendesk-Webhook-Signature: base64(HMAC-SHA256(secret, timestamp + body))</c>, no separator.</summary>
internal sealed class ZendeskSignatureScheme : WebhookSignatureScheme
{
    public const string SignatureHeader = "X-Zendesk-Webhook-Signature";
    public const string TimestampHeader = "X-Zendesk-Webhook-Signature-Timestamp";

    public static ZendeskSignatureScheme Instance { get; } = new();

    public override string Describes => $"{SignatureHeader} and {TimestampHeader}";

    /// <summary>The signature as Zendesk computes it; <paramref name="timestamp"/> is the header's text as sent.</summary>
    public static string Compute(string secret, string timestamp, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Concat(timestamp, body)));

    public override bool IsPresent(HttpRequest request, ConnectorWebhookSettings settings) => Header(request, SignatureHeader) is not null;

    public override SignatureCheck Verify(HttpRequest request, ReadOnlySpan<byte> body, ConnectorWebhookSettings settings, DateTimeOffset now)
    {
        // Zendesk sends ISO 8601 UTC (2025-01-08T10:12:07Z); Unix seconds are accepted too.
        var timestamp = Header(request, TimestampHeader);
        if (timestamp is null
            || !(DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt)
                 || TryUnixSeconds(timestamp, out signedAt)))
        {
            return SignatureCheck.Invalid($"{TimestampHeader} must be the signing time.");
        }

        if (CheckAge(signedAt, now, TimestampHeader) is { } stale)
        {
            return stale;
        }

        return FixedTimeEquals(Compute(settings.WebhookSecret!, timestamp, body), Header(request, SignatureHeader)!)
            ? SignatureCheck.Valid
            : SignatureCheck.Invalid($"{SignatureHeader} does not match the body.");
    }
}

/// <summary>
/// Freshdesk does not sign webhooks: the automation sends the shared secret as it is, in a custom
/// header (<see cref="ConnectorWebhookSettings.SecretHeader"/>) or as the basic-auth password.
/// </summary>
internal sealed class FreshdeskSecretScheme : WebhookSignatureScheme
{
    public static FreshdeskSecretScheme Instance { get; } = new();

    public override string Describes => "the secret header or basic auth";

    public override bool IsPresent(HttpRequest request, ConnectorWebhookSettings settings) =>
        Header(request, settings.SecretHeader) is not null || BasicPassword(request) is not null;

    public override SignatureCheck Verify(HttpRequest request, ReadOnlySpan<byte> body, ConnectorWebhookSettings settings, DateTimeOffset now)
    {
        var secret = settings.WebhookSecret!;
        var fromHeader = Header(request, settings.SecretHeader);
        var fromBasic = BasicPassword(request);

        // Both are compared, whichever is present, so the time taken does not say which matched.
        var headerMatches = fromHeader is not null && FixedTimeEquals(secret, fromHeader);
        var basicMatches = fromBasic is not null && FixedTimeEquals(secret, fromBasic);
        return headerMatches || basicMatches
            ? SignatureCheck.Valid
            : SignatureCheck.Invalid($"The secret in {settings.SecretHeader} or the basic-auth password is wrong.");
    }

    private static string? BasicPassword(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(Header(request, "Authorization"), out var auth)
            || !string.Equals(auth.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || auth.Parameter is null)
        {
            return null;
        }

        Span<byte> decoded = stackalloc byte[auth.Parameter.Length];
        if (!Convert.TryFromBase64String(auth.Parameter, decoded, out var length))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(decoded[..length]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : text[(colon + 1)..];
    }
}

/// <summary><c>X-Hub-Signature: sha1=hex(HMAC-SHA1(client secret, body))</c>; Intercom signs no timestamp.</summary>
internal sealed class IntercomSignatureScheme : WebhookSignatureScheme
{
    public const string SignatureHeader = "X-Hub-Signature";

    public static IntercomSignatureScheme Instance { get; } = new();

    public override string Describes => SignatureHeader;

#pragma warning disable CA5350 // Intercom's scheme is HMAC-SHA1; the helpdesk chooses it, not us.
    public static string Compute(string secret, ReadOnlySpan<byte> body) =>
        "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), body));
#pragma warning restore CA5350

    public override bool IsPresent(HttpRequest request, ConnectorWebhookSettings settings) => Header(request, SignatureHeader) is not null;

    public override SignatureCheck Verify(HttpRequest request, ReadOnlySpan<byte> body, ConnectorWebhookSettings settings, DateTimeOffset now) =>
        FixedTimeEquals(Compute(settings.WebhookSecret!, body), Header(request, SignatureHeader)!.ToLowerInvariant())
            ? SignatureCheck.Valid
            : SignatureCheck.Invalid($"{SignatureHeader} does not match the body.");
}

/// <summary><c>X-HelpScout-Signature: base64(HMAC-SHA1(secret, body))</c>; Help Scout signs no timestamp.</summary>
internal sealed class HelpScoutSignatureScheme : WebhookSignatureScheme
{
    public const string SignatureHeader = "X-HelpScout-Signature";

    public static HelpScoutSignatureScheme Instance { get; } = new();

    public override string Describes => SignatureHeader;

#pragma warning disable CA5350 // Help Scout's scheme is HMAC-SHA1; the helpdesk chooses it, not us.
    public static string Compute(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), body));
#pragma warning restore CA5350

    public override bool IsPresent(HttpRequest request, ConnectorWebhookSettings settings) => Header(request, SignatureHeader) is not null;

    public override SignatureCheck Verify(HttpRequest request, ReadOnlySpan<byte> body, ConnectorWebhookSettings settings, DateTimeOffset now) =>
        FixedTimeEquals(Compute(settings.WebhookSecret!, body), Header(request, SignatureHeader)!)
            ? SignatureCheck.Valid
            : SignatureCheck.Invalid($"{SignatureHeader} does not match the body.");
}

/// <summary><c>X-Chatwoot-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "." + body))</c> with <c>X-Chatwoot-Timestamp</c>.</summary>
internal sealed class ChatwootSignatureScheme : WebhookSignatureScheme
{
    public const string SignatureHeader = "X-Chatwoot-Signature";
    public const string TimestampHeader = "X-Chatwoot-Timestamp";
    public const string DeliveryHeader = "X-Chatwoot-Delivery";

    public static ChatwootSignatureScheme Instance { get; } = new();

    public override string Describes => $"{SignatureHeader} and {TimestampHeader}";

    public static string Compute(string secret, string timestamp, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Concat(timestamp + ".", body)));

    public override bool IsPresent(HttpRequest request, ConnectorWebhookSettings settings) => Header(request, SignatureHeader) is not null;

    public override SignatureCheck Verify(HttpRequest request, ReadOnlySpan<byte> body, ConnectorWebhookSettings settings, DateTimeOffset now)
    {
        var timestamp = Header(request, TimestampHeader);
        if (!TryUnixSeconds(timestamp, out var signedAt))
        {
            return SignatureCheck.Invalid($"{TimestampHeader} must be the signing time in Unix seconds.");
        }

        if (CheckAge(signedAt, now, TimestampHeader) is { } stale)
        {
            return stale;
        }

        return FixedTimeEquals(Compute(settings.WebhookSecret!, timestamp!, body), Header(request, SignatureHeader)!.ToLowerInvariant())
            ? SignatureCheck.Valid
            : SignatureCheck.Invalid($"{SignatureHeader} does not match the body.");
    }
}
