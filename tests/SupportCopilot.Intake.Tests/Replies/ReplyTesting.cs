using Microsoft.Extensions.DependencyInjection;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Intake.Connectors;
using SupportCopilot.Intake.Tickets;
using SupportCopilot.Testing;

namespace SupportCopilot.Intake.Tests.Replies;

/// <summary>Tickets of any connector, inserted the way a webhook would, and the settings that point a connector at a stand-in.</summary>
internal static class ReplyTesting
{
    public const string Text = "Hi Ana, open the sign-in page and choose Forgot password.";

    public static readonly ReplyAddress Address = new(AccountId: "7", ConversationId: "conv-55", CustomerId: "314");

    /// <summary>Configuration for <paramref name="connector"/> pointing at <paramref name="helpdesk"/>, with quick HTTP retries.</summary>
    public static Dictionary<string, string?> Settings(string connector, RecordingHttpServer helpdesk, string mode = "send")
    {
        var section = "Intake:Connectors:" + Section(connector);
        var settings = new Dictionary<string, string?>
        {
            [section + ":Mode"] = mode,
            [section + ":RetryDelay"] = "00:00:00.010",
            [section + ":AttemptTimeout"] = "00:00:01",
            [section + ":Timeout"] = "00:00:10",
        };
        if (connector == "generic")
        {
            settings[section + ":CallbackUrl"] = new Uri(helpdesk.BaseUrl, "/replies").ToString();
            settings[section + ":WebhookSecret"] = null; // unsigned unless a test sets one
            return settings;
        }

        settings[section + ":BaseUrl"] = helpdesk.BaseUrl.ToString();
        foreach (var (key, value) in Credentials(connector))
        {
            settings[section + ":" + key] = value;
        }

        return settings;
    }

    public static IEnumerable<(string Key, string Value)> Credentials(string connector) => connector switch
    {
        "zendesk" => [("Email", "agent@acme.example"), ("ApiToken", "zd-token")],
        "freshdesk" => [("ApiKey", "fd-key")],
        "intercom" => [("AccessToken", "ic-token"), ("AdminId", "991")],
        "helpscout" => [("AccessToken", "hs-token")],
        "chatwoot" => [("AccessToken", "cw-token")],
        _ => [],
    };

    public static string Section(string connector) => connector switch
    {
        "generic" => "Generic",
        "zendesk" => "Zendesk",
        "freshdesk" => "Freshdesk",
        "intercom" => "Intercom",
        "helpscout" => "HelpScout",
        "chatwoot" => "Chatwoot",
        _ => throw new ArgumentOutOfRangeException(nameof(connector), connector, null),
    };

    public static async Task<Guid> AcceptTicketAsync(IntakeHost host, string connector, string externalId = "4711", ReplyAddress? address = null)
    {
        var acceptor = host.Services.GetRequiredService<TicketAcceptor>();
        var accepted = await acceptor.AcceptAsync(
            new IncomingTicket(connector, externalId, "Cannot sign in", "How do I reset my password?", new Customer("ana@example.com", "Ana Lima"), "en", address ?? Address),
            CancellationToken.None);
        return accepted.TicketId;
    }

    /// <summary>Starts a host with <paramref name="connector"/> pointed at <paramref name="helpdesk"/>, plus any extra settings.</summary>
    public static Task<IntakeHost> StartAsync(
        string connector,
        RecordingHttpServer helpdesk,
        string mode = "send",
        DatabaseProvider provider = DatabaseProvider.Sqlite,
        IDictionary<string, string?>? extra = null,
        InMemoryLogs? logs = null)
    {
        var settings = Settings(connector, helpdesk, mode);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return StartHostAsync(provider, settings, logs);
    }

    /// <summary>
    /// A host whose generic webhook accepts unsigned requests (these tests never post webhooks; tickets
    /// are inserted directly), with <paramref name="settings"/> on top.
    /// </summary>
    public static Task<IntakeHost> StartHostAsync(DatabaseProvider provider, IDictionary<string, string?>? settings = null, InMemoryLogs? logs = null)
    {
        var all = new Dictionary<string, string?> { ["Intake:Connectors:Generic:AllowUnsigned"] = "true" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return IntakeHost.StartAsync(provider, settings: all, logs: logs);
    }

    public static Task<string> DeliveryStatusAsync(IntakeHost host, Guid draftId) =>
        host.ScalarAsync<string>("SELECT status FROM reply_deliveries WHERE draft_id = @DraftId", new { DraftId = draftId });

    public static Task WaitForDeliveryAsync(IntakeHost host, Guid draftId, string status, TimeSpan? timeout = null) =>
        Eventually.MatchesAsync(() => DeliveryStatusAsync(host, draftId), s => s == status, timeout, $"The delivery reaching {status}");
}
