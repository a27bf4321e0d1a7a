namespace SupportCopilot.Contracts;

/// <summary>
/// An admin issued an API key. Only the key's SHA-256 travels, so a service in another process
/// can accept the key without reading Review's tables.
/// </summary>
public sealed record ApiKeyIssued(Guid KeyId, string Name, string KeyHash, string Role, DateTimeOffset IssuedAt);

/// <summary>An admin revoked an API key; it stops working everywhere that learned it.</summary>
public sealed record ApiKeyRevoked(Guid KeyId, DateTimeOffset RevokedAt);
