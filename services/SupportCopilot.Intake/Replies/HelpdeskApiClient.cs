using Microsoft.Extensions.Options;
using SupportCopilot.Intake.Connectors;

namespace SupportCopilot.Intake.Replies;

/// <summary>
/// What every helpdesk API client shares: its connector name, whether it is configured, and
/// the refusal to pretend a reply went out when there is no API to post it to (the ticket came
/// from that helpdesk, so "recorded as sent" would lose the reply).
/// </summary>
internal abstract class HelpdeskApiClient<TSettings>(IOptions<TSettings> options) : IHelpdeskReplyClient
    where TSettings : HelpdeskApiSettings
{
    public abstract string Connector { get; }

    public bool IsConfigured => options.Value.IsConfigured;

    public Task PostAsync(HelpdeskReply reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var settings = options.Value;
        return settings.BaseUrl is { } baseUrl
            ? PostAsync(reply, settings, baseUrl, cancellationToken)
            : throw HelpdeskHttp.NotConfigured(reply, settings.Section);
    }

    protected abstract Task PostAsync(HelpdeskReply reply, TSettings settings, Uri baseUrl, CancellationToken cancellationToken);
}
