using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SupportCopilot.Data;
using SupportCopilot.Hosting.Authentication;
using SupportCopilot.Review.Database;

namespace SupportCopilot.Review.Accounts;

/// <summary><c>Review:FirstRunAdmin</c>: who the standalone mode signs in first.</summary>
internal sealed class FirstRunAdminSettings
{
    public const string SectionName = "Review:FirstRunAdmin";

    /// <summary>The admin created when no account exists yet; empty creates none (the distributed default).</summary>
    public string? Email { get; set; }

    /// <summary>Where the generated password is also written, for whoever missed the console; empty writes no file.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>The address printed with the sign-in instructions.</summary>
    public string? SignInUrl { get; set; }
}

/// <summary>
/// On a first run with no account, creates an admin with a random password and prints how to sign
/// in. A password in a console is only acceptable because this runs for a local trial; a
/// distributed installation leaves <see cref="FirstRunAdminSettings.Email"/> empty and uses
/// <c>copilot users add</c>.
/// </summary>
internal sealed partial class FirstRunAdmin(
    IServiceScopeFactory scopes, SchemaGate<ReviewDatabase> schema, IOptions<FirstRunAdminSettings> settings, ILogger<FirstRunAdmin> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var email = settings.Value.Email;
        if (string.IsNullOrWhiteSpace(email))
        {
            return;
        }

        await schema.WaitAsync(stoppingToken);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        if (await users.CountAsync(stoppingToken) > 0)
        {
            return;
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
        var (outcome, _) = await users.CreateAsync(email, SupportCopilotRoles.Admin, password, "first-run", stoppingToken);
        if (outcome != CreateUserOutcome.Created)
        {
            return;
        }

        if (!string.IsNullOrWhiteSpace(settings.Value.PasswordFile))
        {
            var file = settings.Value.PasswordFile;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            await File.WriteAllTextAsync(file, $"{email}\n{password}\n", stoppingToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var url = settings.Value.SignInUrl ?? AuthenticationRegistration.SignInPath;
        Console.WriteLine();
        Console.WriteLine("  First run: an admin account was created.");
        Console.WriteLine($"  Sign in at {url}");
        Console.WriteLine($"    email:    {email}");
        Console.WriteLine($"    password: {password}");
        if (!string.IsNullOrWhiteSpace(settings.Value.PasswordFile))
        {
            Console.WriteLine($"  (also written to {settings.Value.PasswordFile}; add agents with `copilot users add <email> --role agent`)");
        }

        Console.WriteLine();
        LogCreated(email);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "First-run admin {Email} created")]
    private partial void LogCreated(string email);
}
