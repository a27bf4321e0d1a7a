using Xunit;

namespace SupportCopilot.Testing;

/// <summary>
/// The real servers the integration tests use, named by environment variables that
/// <c>.ci/run</c> sets after starting them. Outside CI a missing server skips the test with the
/// variable's name; under CI=true it fails, so a broken server never passes as green.
/// </summary>
public static class TestServers
{
    public const string PostgresVariable = "SUPPORTCOPILOT_TEST_POSTGRES";
    public const string RabbitMqVariable = "SUPPORTCOPILOT_TEST_RABBITMQ";
    public const string ChromiumVariable = "SUPPORTCOPILOT_TEST_CHROMIUM";

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Admin connection string of the test PostgreSQL server; skips or fails when absent.</summary>
    public static string Postgres => Require(PostgresVariable, "PostgreSQL");

    /// <summary>amqp:// URI of the test RabbitMQ node; skips or fails when absent.</summary>
    public static string RabbitMq => Require(RabbitMqVariable, "RabbitMQ");

    /// <summary>A Chromium executable (Debian's by default); skips or fails when there is none.</summary>
    public static string Chromium
    {
        get
        {
            var path = Environment.GetEnvironmentVariable(ChromiumVariable);
            if (string.IsNullOrWhiteSpace(path) && File.Exists("/usr/bin/chromium"))
            {
                path = "/usr/bin/chromium";
            }

            if (!string.IsNullOrWhiteSpace(path) && File.Exists(path))
            {
                return path;
            }

            Unavailable($"Chromium is not installed: apt-get install chromium, or set {ChromiumVariable}.");
            return string.Empty;
        }
    }

    private static string Require(string variable, string server)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        Unavailable($"{server} is not configured: set {variable} (bash .ci/run starts a throwaway server and sets it).");
        return string.Empty;
    }

    private static void Unavailable(string message)
    {
        if (IsCi)
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
    }
}
