using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportCopilot.Intake.Webhooks.HelpScout;

/// <summary>
/// The conversation Help Scout posts for <c>convo.created</c> (the event is in the
/// <c>X-HelpScout-Event</c> header; camelCase JSON). Both of Help Scout's conversation shapes
/// are read: threads as an array (<c>threads</c>, Mailbox API 1 style) or embedded
/// (<c>_embedded.threads</c>, API 2 style, where <c>threads</c> is a count); the customer as
/// <c>primaryCustomer</c> or <c>customer</c>, named <c>first</c>/<c>last</c> or
/// <c>firstName</c>/<c>lastName</c>. Thread bodies are HTML.
/// </summary>
internal sealed record HelpScoutConversation(
    string? Id,
    string? Number,
    string? Subject,
    string? Type,
    HelpScoutPerson? CreatedBy,
    HelpScoutPerson? PrimaryCustomer,
    HelpScoutPerson? Customer,
    JsonElement? Threads,
    [property: JsonPropertyName("_embedded")] HelpScoutEmbedded? Embedded)
{
    public HelpScoutPerson? TheCustomer => PrimaryCustomer ?? Customer;

    /// <summary>The threads in either shape; an unreadable <c>threads</c> value counts as none.</summary>
    public IReadOnlyList<HelpScoutThread> AllThreads()
    {
        if (Embedded?.Threads is { Count: > 0 } embedded)
        {
            return embedded;
        }

        if (Threads is { ValueKind: JsonValueKind.Array } array)
        {
            return array.Deserialize<List<HelpScoutThread>>(Webhooks.WebhookPayloads.CamelCase) ?? [];
        }

        return [];
    }
}

internal sealed record HelpScoutEmbedded(List<HelpScoutThread>? Threads);

internal sealed record HelpScoutThread(string? Id, string? Type, string? Body, HelpScoutPerson? CreatedBy);

internal sealed record HelpScoutPerson(string? Id, string? Type, string? Email, string? First, string? Last, string? FirstName, string? LastName)
{
    public string Name => string.Join(' ', new[] { First ?? FirstName, Last ?? LastName }.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!.Trim()));
}
