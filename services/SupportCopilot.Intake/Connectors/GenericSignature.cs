using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SupportCopilot.Intake.Connectors;

/// <summary>
/// The generic connector's signature, used both ways: helpdesks sign what they post to us, and
/// we sign the replies we post to their callback. <c>sha256=</c> + hex HMAC-SHA256(secret,
/// timestamp + "." + raw body), the timestamp in Unix seconds in its own header.
/// </summary>
internal static class GenericSignature
{
    public const string SignatureHeader = "X-SupportCopilot-Signature";
    public const string TimestampHeader = "X-SupportCopilot-Timestamp";
    public const string Prefix = "sha256=";

    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var signed = new byte[Encoding.UTF8.GetByteCount(timestamp.ToString(CultureInfo.InvariantCulture)) + 1 + body.Length];
        var written = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture), signed);
        signed[written] = (byte)'.';
        body.CopyTo(signed.AsSpan(written + 1));
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>Constant-time comparison of a received signature with the expected one.</summary>
    public static bool Matches(string secret, long timestamp, ReadOnlySpan<byte> body, string? received) =>
        received is not null
        && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Compute(secret, timestamp, body)),
            Encoding.ASCII.GetBytes(received.Trim()));
}
