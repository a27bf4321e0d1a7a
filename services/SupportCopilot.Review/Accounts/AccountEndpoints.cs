using System.Text.Json;
using FluentValidation;
using SupportCopilot.Hosting;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Items;

namespace SupportCopilot.Review.Accounts;

/// <summary>
/// Admin-only: local accounts (<c>/api/admin/users</c>), API keys (<c>/api/admin/api-keys</c>)
/// and the audit log (<c>/api/admin/audit</c>).
/// </summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AuthPolicies.Admin);
        admin.MapGet("/users", ListUsersAsync)
            .WithName("ListUsers")
            .WithSummary("Local accounts and their roles")
            .Produces<IReadOnlyList<UserResponse>>();
        admin.MapPost("/users", CreateUserAsync)
            .WithName("CreateUser")
            .WithSummary("Create a local account with a role (agent, ops, admin)")
            .DocumentsJsonBody<CreateUserRequest>()
            .Produces<UserResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapGet("/api-keys", ListKeysAsync)
            .WithName("ListApiKeys")
            .WithSummary("Issued API keys (never the keys themselves)")
            .Produces<IReadOnlyList<ApiKeyResponse>>();
        admin.MapPost("/api-keys", IssueKeyAsync)
            .WithName("IssueApiKey")
            .WithSummary("Issue an API key scoped to a role; the key is in this response only")
            .DocumentsJsonBody<IssueApiKeyRequest>()
            .Produces<IssuedApiKeyResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
        admin.MapDelete("/api-keys/{keyId:guid}", RevokeKeyAsync)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke an API key")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/audit", ListAuditAsync)
            .WithName("ListAuditLog")
            .WithSummary("The latest audit entries, newest first (at most 500)")
            .Produces<IReadOnlyList<AuditEntry>>();
    }

    private static async Task<IResult> ListUsersAsync(UserAccounts users, CancellationToken cancellationToken) =>
        Results.Ok((await users.ListAsync(cancellationToken)).Select(UserResponse.From).ToList());

    private static async Task<IResult> CreateUserAsync(HttpContext http, UserAccounts users, AuditLog audit, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<CreateUserRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var validation = await new CreateUserValidator().ValidateAsync(body!, cancellationToken);
        if (!validation.IsValid)
        {
            return ValidationProblems.From(validation);
        }

        var (outcome, user) = await users.CreateAsync(body!.Email!, body.Role!, body.Password!, AuditLog.ActorOf(http.User), cancellationToken);
        if (outcome == CreateUserOutcome.EmailTaken)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "That email has an account already.");
        }

        await audit.RecordAsync("user.created", user!.Email, $"role={user.Role}", cancellationToken);
        return Results.Created($"/api/admin/users/{user.UserId}", UserResponse.From(user));
    }

    private static async Task<IResult> ListKeysAsync(IssuedApiKeys keys, CancellationToken cancellationToken) =>
        Results.Ok((await keys.ListAsync(cancellationToken)).Select(ApiKeyResponse.From).ToList());

    private static async Task<IResult> IssueKeyAsync(HttpContext http, IssuedApiKeys keys, AuditLog audit, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<IssueApiKeyRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var validation = await new IssueApiKeyValidator().ValidateAsync(body!, cancellationToken);
        if (!validation.IsValid)
        {
            return ValidationProblems.From(validation);
        }

        var (key, secret) = await keys.IssueAsync(body!.Name!, body.Role!, AuditLog.ActorOf(http.User), cancellationToken);
        await audit.RecordAsync("api_key.issued", key.KeyId.ToString(), $"name={key.Name} role={key.Role}", cancellationToken);
        return Results.Created($"/api/admin/api-keys/{key.KeyId}", new IssuedApiKeyResponse(key.KeyId, key.Name, key.Role, secret));
    }

    private static async Task<IResult> RevokeKeyAsync(Guid keyId, HttpContext http, IssuedApiKeys keys, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!await keys.RevokeAsync(keyId, AuditLog.ActorOf(http.User), cancellationToken))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such active API key.");
        }

        await audit.RecordAsync("api_key.revoked", keyId.ToString(), null, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> ListAuditAsync(AuditLog audit, CancellationToken cancellationToken) =>
        Results.Ok(await audit.RecentAsync(AuditLog.ListLimit, cancellationToken));
}

internal sealed record CreateUserRequest(string? Email, string? Role, string? Password);

internal sealed record IssueApiKeyRequest(string? Name, string? Role);

internal sealed record UserResponse(Guid UserId, string Email, string Role, DateTimeOffset CreatedAt, string CreatedBy)
{
    public static UserResponse From(UserAccount user) => new(user.UserId, user.Email, user.Role, user.CreatedAt, user.CreatedBy);
}

internal sealed record ApiKeyResponse(Guid KeyId, string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(IssuedApiKey key) => new(key.KeyId, key.Name, key.Role, key.CreatedAt, key.CreatedBy, key.RevokedAt);
}

/// <summary>The one response that carries the key in clear.</summary>
internal sealed record IssuedApiKeyResponse(Guid KeyId, string Name, string Role, string Key);

internal static class AccountLimits
{
    public const int EmailLength = 254;
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 200;
    public const int KeyNameLength = 100;
}

internal sealed class CreateUserValidator : AbstractValidator<CreateUserRequest>
{
    public CreateUserValidator()
    {
        RuleFor(r => r.Email).NotEmpty().MaximumLength(AccountLimits.EmailLength).EmailAddress();
        RuleFor(r => r.Role).Must(SupportCopilotRoles.IsKnown).WithMessage($"Role must be one of: {string.Join(", ", SupportCopilotRoles.All)}.");
        RuleFor(r => r.Password).NotEmpty().Length(AccountLimits.MinPasswordLength, AccountLimits.MaxPasswordLength);
    }
}

internal sealed class IssueApiKeyValidator : AbstractValidator<IssueApiKeyRequest>
{
    public IssueApiKeyValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(AccountLimits.KeyNameLength);
        RuleFor(r => r.Role).Must(SupportCopilotRoles.IsKnown).WithMessage($"Role must be one of: {string.Join(", ", SupportCopilotRoles.All)}.");
    }
}

/// <summary>Reads a JSON body here rather than by binding, so a bad body is a problem in our own words.</summary>
internal static class JsonBody
{
    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, ValidationProblems.ForRequest("body", "Send the request as application/json."));
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, ReviewJson.Options, cancellationToken);
            return body is null
                ? (null, ValidationProblems.ForRequest("body", "The body must be a JSON object."))
                : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, ValidationProblems.ForRequest("body", $"The body is not valid JSON (at {ex.Path ?? "$"}, line {ex.LineNumber + 1})."));
        }
    }
}
