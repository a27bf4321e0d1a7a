using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SupportCopilot.Review.Accounts;

namespace SupportCopilot.Review.Pages.Review.Admin;

/// <summary>Admins: accounts, API keys and the latest audit entries, with the same rules as the admin API.</summary>
internal sealed class IndexModel(UserAccounts users, IssuedApiKeys keys, AuditLog audit, IOptions<ReviewSettings> settings, TimeProvider time)
    : ReviewPageModel(settings, time)
{
    public const int AuditShown = 50;

    public IReadOnlyList<UserAccount> Users { get; private set; } = [];

    public IReadOnlyList<IssuedApiKey> Keys { get; private set; } = [];

    public IReadOnlyList<AuditEntry> Audit { get; private set; } = [];

    /// <summary>A key just issued: shown on this response only, never stored in clear.</summary>
    public string? NewKey { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostUserAsync(string? email, string? role, string? password, CancellationToken cancellationToken)
    {
        var request = new CreateUserRequest(email?.Trim(), role, password);
        var validation = await new CreateUserValidator().ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            foreach (var error in validation.Errors)
            {
                ModelState.AddModelError("user." + error.PropertyName, error.ErrorMessage);
            }

            await LoadAsync(cancellationToken);
            return Page();
        }

        var (outcome, user) = await users.CreateAsync(request.Email!, request.Role!, request.Password!, AgentName, cancellationToken);
        if (outcome == CreateUserOutcome.EmailTaken)
        {
            Flash($"{UserAccounts.NormalizeEmail(request.Email!)} has an account already.", "warning");
        }
        else
        {
            await audit.RecordAsync("user.created", user!.Email, $"role={user.Role}", cancellationToken);
            Flash($"Created {user.Email} ({user.Role}).");
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostKeyAsync(string? name, string? role, CancellationToken cancellationToken)
    {
        var request = new IssueApiKeyRequest(name, role);
        var validation = await new IssueApiKeyValidator().ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            foreach (var error in validation.Errors)
            {
                ModelState.AddModelError("key." + error.PropertyName, error.ErrorMessage);
            }

            await LoadAsync(cancellationToken);
            return Page();
        }

        var (key, secret) = await keys.IssueAsync(request.Name!, request.Role!, AgentName, cancellationToken);
        await audit.RecordAsync("api_key.issued", key.KeyId.ToString(), $"name={key.Name} role={key.Role}", cancellationToken);
        NewKey = secret;

        // No caching of the one response that carries a key.
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid keyId, CancellationToken cancellationToken)
    {
        if (await keys.RevokeAsync(keyId, AgentName, cancellationToken))
        {
            await audit.RecordAsync("api_key.revoked", keyId.ToString(), null, cancellationToken);
            Flash("Key revoked.");
        }
        else
        {
            Flash("That key was not active.", "warning");
        }

        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        ViewData["Title"] = "Admin";
        Users = await users.ListAsync(cancellationToken);
        Keys = await keys.ListAsync(cancellationToken);
        Audit = await audit.RecentAsync(AuditShown, cancellationToken);
    }
}
