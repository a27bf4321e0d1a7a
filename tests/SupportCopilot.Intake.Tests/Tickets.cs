namespace SupportCopilot.Intake.Tests;

internal static class Tickets
{
    public static object Valid(string externalId = "ZD-1001", string body = "I forgot my password. How do I reset it?") => new
    {
        externalId,
        subject = "Cannot sign in",
        body,
        customer = new { email = "ana@example.com", name = "Ana Lima" },
        language = "en",
    };
}
