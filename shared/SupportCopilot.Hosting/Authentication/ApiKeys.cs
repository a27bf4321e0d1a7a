using System.Security.Cryptography;
using System.Text;

namespace SupportCopilot.Hosting.Authentication;

/// <summary>Who an API key belongs to, as a store knows it.</summary>
public sealed record ApiKeyOwner(string KeyId, string Name, string Role);

/// <summary>
/// Looks up issued API keys by the SHA-256 of the key. Services register one when they keep
/// issued keys; without any, only the bootstrap key (<see cref="AuthSettings.AdminApiKey"/>) works.
/// </summary>
public interface IApiKeyStore
{
    ValueTask<ApiKeyOwner?> FindAsync(string keyHash, CancellationToken cancellationToken);
}

/// <summary>
/// The store of the service that issues keys (Review). Where it runs in the same process, the
/// authentication handler trusts it alone and skips copies learned from its events.
/// </summary>
public interface IApiKeyIssuer : IApiKeyStore;

/// <summary>A store that learned its keys from <c>ApiKeyIssued</c> and <c>ApiKeyRevoked</c>, so it may lag behind the issuer.</summary>
internal interface ILearnedApiKeyStore : IApiKeyStore;

/// <summary>Key generation and hashing: keys are random, only their hashes are stored.</summary>
public static class ApiKeys
{
    public const string Prefix = "sc_";

    /// <summary>A new key: the prefix and 32 random bytes, URL-safe.</summary>
    public static string Generate() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Lower-case hex SHA-256 of the key's UTF-8 bytes. A key has enough entropy that no salt is needed.</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
