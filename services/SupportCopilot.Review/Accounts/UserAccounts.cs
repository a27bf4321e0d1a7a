using Dapper;
using Microsoft.AspNetCore.Identity;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Review.Accounts;

/// <summary>A local account as stored; the password only as ASP.NET Core Identity's hash.</summary>
internal sealed class UserAccount
{
    public Guid UserId { get; init; }

    public string Email { get; init; } = string.Empty;

    public string Role { get; init; } = SupportCopilotRoles.Agent;

    public string PasswordHash { get; init; } = string.Empty;

    public DateTimeOffset CreatedAt { get; init; }

    public string CreatedBy { get; init; } = string.Empty;
}

internal enum CreateUserOutcome
{
    Created,
    EmailTaken,
}

/// <summary>
/// Local accounts: created by an admin (or the standalone first run), signed in with a password
/// hashed by <see cref="PasswordHasher{TUser}"/> (PBKDF2, salted, versioned, rehashed when the
/// hasher's defaults grow).
/// </summary>
internal sealed class UserAccounts(ReviewDatabase database, TimeProvider time)
{
    private static readonly PasswordHasher<UserAccount> Hasher = new();

    private const string Columns = "user_id AS UserId, email AS Email, role AS Role, password_hash AS PasswordHash, created_at AS CreatedAt, created_by AS CreatedBy";

    private const string SelectByEmail = "SELECT " + Columns + " FROM users WHERE email = @Email";

    private const string SelectAll = "SELECT " + Columns + " FROM users ORDER BY email";

    private const string CountUsers = "SELECT COUNT(*) FROM users";

    private const string InsertUser = """
        INSERT INTO users (user_id, email, role, password_hash, created_at, created_by)
        VALUES (@UserId, @Email, @Role, @PasswordHash, @CreatedAt, @CreatedBy)
        ON CONFLICT (email) DO NOTHING
        """;

    private const string UpdateHash = "UPDATE users SET password_hash = @PasswordHash WHERE user_id = @UserId";

    /// <summary>Emails are compared as typed in lower case: <c>Ana@Example.com</c> and <c>ana@example.com</c> are one person.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public async Task<(CreateUserOutcome Outcome, UserAccount? User)> CreateAsync(
        string email, string role, string password, string createdBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var now = time.GetUtcNow();
        var user = new UserAccount
        {
            UserId = Guid.CreateVersion7(now),
            Email = NormalizeEmail(email),
            Role = role,
            CreatedAt = now,
            CreatedBy = createdBy,

            // Identity's default hasher does not read the user; the salt is random per hash.
            PasswordHash = Hasher.HashPassword(new UserAccount(), password),
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertUser, user, cancellationToken: cancellationToken));
        return inserted == 1 ? (CreateUserOutcome.Created, user) : (CreateUserOutcome.EmailTaken, null);
    }

    /// <summary>The account when the password matches; null for an unknown email or a wrong password alike.</summary>
    public async Task<UserAccount?> VerifyAsync(string email, string password, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<UserAccount>(
            new CommandDefinition(SelectByEmail, new { Email = NormalizeEmail(email) }, cancellationToken: cancellationToken));
        if (user is null)
        {
            // Hash anyway, so an unknown email takes as long as a wrong password.
            Hasher.VerifyHashedPassword(new UserAccount(), DummyHash.Value, password);
            return null;
        }

        var result = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                UpdateHash, new { user.UserId, PasswordHash = Hasher.HashPassword(user, password) }, cancellationToken: cancellationToken));
        }

        return user;
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<UserAccount>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountUsers, cancellationToken: cancellationToken));
    }

    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(new UserAccount(), Guid.NewGuid().ToString()));
}
