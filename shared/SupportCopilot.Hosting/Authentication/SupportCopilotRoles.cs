namespace SupportCopilot.Hosting.Authentication;

/// <summary>
/// The three roles. Each includes the ones before it: an admin may do what ops may, ops what an
/// agent may, so a policy names the least role it needs.
/// </summary>
public static class SupportCopilotRoles
{
    public const string Agent = "agent";
    public const string Ops = "ops";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Agent, Ops, Admin];

    public static bool IsKnown(string? role) => role is Agent or Ops or Admin;

    /// <summary>The roles that satisfy <paramref name="least"/>.</summary>
    public static string[] AtLeast(string least) => least switch
    {
        Agent => [Agent, Ops, Admin],
        Ops => [Ops, Admin],
        Admin => [Admin],
        _ => throw new ArgumentOutOfRangeException(nameof(least), least, "Unknown role."),
    };
}

/// <summary>Authorization policy names, one per role; endpoints say <c>.RequireAuthorization(AuthPolicies.Ops)</c>.</summary>
public static class AuthPolicies
{
    public const string Agent = "role:agent";
    public const string Ops = "role:ops";
    public const string Admin = "role:admin";
}
