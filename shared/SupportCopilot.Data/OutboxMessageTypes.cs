using System.Text.Json;
using SupportCopilot.Contracts;

namespace SupportCopilot.Data;

/// <summary>Maps outbox rows to contract types; only contracts may leave through the outbox.</summary>
internal static class OutboxMessageTypes
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static string NameOf(Type type)
    {
        if (type.Assembly != typeof(TicketReceived).Assembly)
        {
            throw new ArgumentException($"{type.Name} is not a message contract.", nameof(type));
        }

        return type.FullName!;
    }

    public static Type Resolve(string name) =>
        typeof(TicketReceived).Assembly.GetType(name, throwOnError: true)!;
}
