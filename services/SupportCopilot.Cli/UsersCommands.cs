using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Data;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Accounts;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Cli;

/// <summary>
/// <c>copilot users add &lt;email&gt; --role agent</c> and <c>copilot users list</c>;
/// <c>copilot keys issue &lt;name&gt; --role ops</c>, <c>copilot keys list</c>, <c>copilot keys revoke &lt;keyId&gt;</c>,
/// <c>copilot keys announce</c>.
/// They write Review's own tables directly, as an admin on a machine with database access would,
/// and record themselves in the audit log as <c>cli</c>.
/// </summary>
internal static class UsersCommands
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int InvalidConfiguration = 2;

    public static IEnumerable<Command> Create()
    {
        var email = new Argument<string>("email") { Description = "The person's email; they sign in with it." };
        var role = RoleOption();
        var password = new Option<string?>("--password") { Description = "Their first password (12+ characters); without it one is generated and printed." };
        var add = new Command("add", "Create a local account.") { email, role, password };
        var addDatabase = DatabaseOptions.AddTo(add);
        add.SetAction((parse, cancellationToken) => ReviewAsync(
            addDatabase, parse, cancellationToken,
            database => AddUserAsync(database, parse.GetValue(email)!, parse.GetValue(role)!, parse.GetValue(password), Console.Out, Console.Error, cancellationToken)));

        var list = new Command("list", "List local accounts and their roles.");
        var listDatabase = DatabaseOptions.AddTo(list);
        list.SetAction((parse, cancellationToken) => ReviewAsync(
            listDatabase, parse, cancellationToken,
            async database =>
            {
                foreach (var user in await new UserAccounts(database, TimeProvider.System).ListAsync(cancellationToken))
                {
                    await Console.Out.WriteLineAsync($"{user.Email}  {user.Role}  created {user.CreatedAt:u} by {user.CreatedBy}");
                }

                return Succeeded;
            }));

        var name = new Argument<string>("name") { Description = "What the key is for, e.g. 'nightly export'." };
        var keyRole = RoleOption();
        var issue = new Command("issue", "Issue an API key scoped to a role; the key is printed once.") { name, keyRole };
        var issueDatabase = DatabaseOptions.AddTo(issue);
        issue.SetAction((parse, cancellationToken) => ReviewAsync(
            issueDatabase, parse, cancellationToken,
            async database =>
            {
                var (key, secret) = await new IssuedApiKeys(database, TimeProvider.System).IssueAsync(parse.GetValue(name)!, parse.GetValue(keyRole)!, "cli", cancellationToken);
                await Audit(database).RecordAsync("api_key.issued", key.KeyId.ToString(), $"name={key.Name} role={key.Role}", cancellationToken, actor: "cli");
                await Console.Out.WriteLineAsync($"Issued key {key.KeyId} ({key.Role}). Send it as 'Authorization: Bearer {secret}'. It is not shown again.");
                return Succeeded;
            }));

        var keyId = new Argument<Guid>("keyId") { Description = "The key to revoke (see copilot keys list)." };
        var revoke = new Command("revoke", "Revoke an API key.") { keyId };
        var revokeDatabase = DatabaseOptions.AddTo(revoke);
        revoke.SetAction((parse, cancellationToken) => ReviewAsync(
            revokeDatabase, parse, cancellationToken,
            async database =>
            {
                if (await new IssuedApiKeys(database, TimeProvider.System).RevokeAsync(parse.GetValue(keyId), "cli", cancellationToken))
                {
                    await Audit(database).RecordAsync("api_key.revoked", parse.GetValue(keyId).ToString(), null, cancellationToken, actor: "cli");
                    await Console.Out.WriteLineAsync($"Revoked key {parse.GetValue(keyId)}.");
                    return Succeeded;
                }

                await Console.Error.WriteLineAsync($"No active key {parse.GetValue(keyId)}.");
                return Failed;
            }));

        var keys = new Command("list", "List issued API keys (never the keys themselves).");
        var keysDatabase = DatabaseOptions.AddTo(keys);
        keys.SetAction((parse, cancellationToken) => ReviewAsync(
            keysDatabase, parse, cancellationToken,
            async database =>
            {
                foreach (var key in await new IssuedApiKeys(database, TimeProvider.System).ListAsync(cancellationToken))
                {
                    await Console.Out.WriteLineAsync($"{key.KeyId}  {key.Role}  {key.Name}  {(key.RevokedAt is { } at ? $"revoked {at:u}" : "active")}");
                }

                return Succeeded;
            }));

        var announce = new Command("announce", "Publish every issued key again (and every revocation), so services started later learn them.");
        var announceDatabase = DatabaseOptions.AddTo(announce);
        announce.SetAction((parse, cancellationToken) => ReviewAsync(
            announceDatabase, parse, cancellationToken,
            database => AnnounceKeysAsync(database, Console.Out, cancellationToken)));

        yield return new Command("users", "Local accounts of the review UI.") { add, list };
        yield return new Command("keys", "API keys for the HTTP APIs.") { issue, keys, revoke, announce };
    }

    /// <summary>
    /// Writes the announcements to Review's outbox; Review's relay publishes them, so Review must be
    /// running (or start) for them to leave.
    /// </summary>
    public static async Task<int> AnnounceKeysAsync(ReviewDatabase database, TextWriter output, CancellationToken cancellationToken)
    {
        var (active, revoked) = await new IssuedApiKeys(database, TimeProvider.System).AnnounceAsync(cancellationToken);
        await Audit(database).RecordAsync("api_key.announced", "all", $"active={active} revoked={revoked}", cancellationToken, actor: "cli");
        await output.WriteLineAsync($"Announced {active} active and {revoked} revoked keys; Review's outbox relay publishes them to every service.");
        return Succeeded;
    }

    public static async Task<int> AddUserAsync(
        ReviewDatabase database, string email, string role, string? password, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var request = new CreateUserRequest(email, role, password ?? GeneratePassword());
        var validation = new CreateUserValidator().Validate(request);
        if (!validation.IsValid)
        {
            foreach (var failure in validation.Errors)
            {
                await error.WriteLineAsync($"{failure.PropertyName}: {failure.ErrorMessage}");
            }

            return InvalidConfiguration;
        }

        var (outcome, user) = await new UserAccounts(database, TimeProvider.System).CreateAsync(email, role, request.Password!, "cli", cancellationToken);
        if (outcome == CreateUserOutcome.EmailTaken)
        {
            await error.WriteLineAsync($"{UserAccounts.NormalizeEmail(email)} has an account already.");
            return Failed;
        }

        await Audit(database).RecordAsync("user.created", user!.Email, $"role={user.Role}", cancellationToken, actor: "cli");
        await output.WriteLineAsync($"Created {user.Email} ({user.Role}).");
        if (password is null)
        {
            await output.WriteLineAsync($"Password: {request.Password} (give it to them; it is not shown again)");
        }

        return Succeeded;
    }

    private static AuditLog Audit(ReviewDatabase database) => new(database, TimeProvider.System, new Microsoft.AspNetCore.Http.HttpContextAccessor());

    private static string GeneratePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');

    private static Option<string> RoleOption()
    {
        var role = new Option<string>("--role") { Description = "agent, ops or admin.", Required = true };
        role.AcceptOnlyFromAmong([.. SupportCopilotRoles.All]);
        return role;
    }

    private static Task<int> ReviewAsync(DatabaseOptions options, ParseResult parse, CancellationToken cancellationToken, Func<ReviewDatabase, Task<int>> run) =>
        options.RunAsync(parse, "review", settings => new ReviewDatabase(settings), async database =>
        {
            await Migrator.MigrateAsync(database, ReviewMigrations.All, NullLogger.Instance, cancellationToken);
            return await run(database);
        });
}
