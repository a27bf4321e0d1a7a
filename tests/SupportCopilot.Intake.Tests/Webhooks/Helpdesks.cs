using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SupportCopilot.Data;

namespace SupportCopilot.Intake.Tests.Webhooks;

/// <summary>
/// One helpdesk as a test sees it: its fixture, and how it signs a request, computed here from
/// the helpdesk's documented scheme (not with the service's verifier code).
/// </summary>
internal sealed record Helpdesk(string Connector, string Section, string Fixture, Action<HttpRequestMessage, byte[], string, DateTimeOffset> Sign)
{
    public const string Secret = "whsec-test-0123456789";

    public static readonly Helpdesk Generic = new("generic", "Generic", "", (request, body, secret, at) =>
    {
        var timestamp = Seconds(at);
        request.Headers.Add("X-SupportCopilot-Timestamp", timestamp);
        request.Headers.Add("X-SupportCopilot-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Key(secret), Bytes(timestamp + ".", body))));
    });

    public static readonly Helpdesk Zendesk = new("zendesk", "Zendesk", "zendesk-ticket-created.json", (request, body, secret, at) =>
    {
        var timestamp = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        request.Headers.Add("X-Zendesk-Webhook-Signature-Timestamp", timestamp);
        request.Headers.Add("X-Zendesk-Webhook-Signature", Convert.ToBase64String(HMACSHA256.HashData(Key(secret), Bytes(timestamp, body))));
    });

    public static readonly Helpdesk ZendeskTrigger = Zendesk with { Fixture = "zendesk-trigger.json" };

    public static readonly Helpdesk Freshdesk = new("freshdesk", "Freshdesk", "freshdesk-ticket.json", (request, _, secret, _) =>
        request.Headers.Add("X-SupportCopilot-Secret", secret));

    public static readonly Helpdesk FreshdeskBasicAuth = Freshdesk with
    {
        Sign = (request, _, secret, _) =>
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("freshdesk:" + secret))),
    };

#pragma warning disable CA5350 // The helpdesks' own schemes.
    public static readonly Helpdesk Intercom = new("intercom", "Intercom", "intercom-conversation-user-created.json", (request, body, secret, _) =>
        request.Headers.Add("X-Hub-Signature", "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(Key(secret), body))));

    public static readonly Helpdesk HelpScout = new("helpscout", "HelpScout", "helpscout-convo-created.json", (request, body, secret, _) =>
    {
        request.Headers.Add("X-HelpScout-Event", "convo.created");
        request.Headers.Add("X-HelpScout-Signature", Convert.ToBase64String(HMACSHA1.HashData(Key(secret), body)));
    });
#pragma warning restore CA5350

    public static readonly Helpdesk Chatwoot = new("chatwoot", "Chatwoot", "chatwoot-message-created.json", (request, body, secret, at) =>
    {
        var timestamp = Seconds(at);
        request.Headers.Add("X-Chatwoot-Timestamp", timestamp);
        request.Headers.Add("X-Chatwoot-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Key(secret), Bytes(timestamp + ".", body))));
    });

    public static readonly Helpdesk ChatwootConversation = Chatwoot with { Fixture = "chatwoot-conversation-created.json" };

    public static IReadOnlyList<Helpdesk> Vendors { get; } = [Zendesk, Freshdesk, Intercom, HelpScout, Chatwoot];

    public static Helpdesk Named(string connector) => connector switch
    {
        "generic" => Generic,
        "zendesk" => Zendesk,
        "zendesk-trigger" => ZendeskTrigger,
        "freshdesk" => Freshdesk,
        "freshdesk-basic" => FreshdeskBasicAuth,
        "intercom" => Intercom,
        "helpscout" => HelpScout,
        "chatwoot" => Chatwoot,
        "chatwoot-conversation" => ChatwootConversation,
        _ => throw new ArgumentOutOfRangeException(nameof(connector)),
    };

    public string Path => "/api/webhooks/" + Connector;

    /// <summary>Every connector enabled with <see cref="Secret"/>.</summary>
    public static Dictionary<string, string?> AllEnabled()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var section in new[] { "Generic", "Zendesk", "Freshdesk", "Intercom", "HelpScout", "Chatwoot" })
        {
            settings[$"Intake:Connectors:{section}:Enabled"] = "true";
            settings[$"Intake:Connectors:{section}:WebhookSecret"] = Secret;
        }

        return settings;
    }

    public static Task<IntakeHost> StartAsync(DatabaseProvider provider = DatabaseProvider.Sqlite, IDictionary<string, string?>? extra = null)
    {
        var settings = AllEnabled();
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return IntakeHost.StartAsync(provider, settings: settings);
    }

    public JsonNode Payload() => JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(FixtureFolder, Fixture)))!;

    /// <summary>A request carrying <paramref name="body"/>, signed with <paramref name="secret"/> (none: unsigned) at <paramref name="at"/>.</summary>
    public HttpRequestMessage Request(byte[] body, string? secret = Secret, DateTimeOffset? at = null, byte[]? sendInstead = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(sendInstead ?? body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (secret is not null)
        {
            Sign(request, body, secret, at ?? DateTimeOffset.UtcNow);
        }
        else if (Connector == "helpscout")
        {
            request.Headers.Add("X-HelpScout-Event", "convo.created");
        }

        return request;
    }

    public HttpRequestMessage Request(JsonNode payload, string? secret = Secret, DateTimeOffset? at = null) =>
        Request(Encoding.UTF8.GetBytes(payload.ToJsonString()), secret, at);

    private static string FixtureFolder { get; } = FindFixtures();

    private static string FindFixtures()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "SupportCopilot.sln")))
        {
            directory = directory.Parent;
        }

        return System.IO.Path.Combine(
            directory?.FullName ?? throw new InvalidOperationException("SupportCopilot.sln not found above the test folder."),
            "tests", "SupportCopilot.Intake.Tests", "Webhooks", "Fixtures");
    }

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static byte[] Key(string secret) => Encoding.UTF8.GetBytes(secret);

    private static byte[] Bytes(string prefix, byte[] body) => [.. Encoding.UTF8.GetBytes(prefix), .. body];
}
