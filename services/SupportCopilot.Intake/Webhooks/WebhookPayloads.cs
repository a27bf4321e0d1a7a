using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using SupportCopilot.Hosting;
using SupportCopilot.Intake.Tickets;

namespace SupportCopilot.Intake.Webhooks;

/// <summary>Reading a helpdesk's JSON, and the answers every connector gives.</summary>
internal static class WebhookPayloads
{
    /// <summary>The longest ticket text kept, as for the generic connector; longer messages are cut, not refused.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public const int MaxSubjectChars = 1_000;

    private const int DerivedSubjectChars = 120;

    public static JsonSerializerOptions SnakeCase { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new StringOrNumberConverter() },
    };

    public static JsonSerializerOptions CamelCase { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new StringOrNumberConverter() },
    };

    /// <summary>Deserialises the body; a malformed one is a 400 problem naming the JSON path.</summary>
    public static bool TryRead<T>(byte[] body, JsonSerializerOptions options, out T? payload, out IResult? problem)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(body);
        if (HasEscapedNul(body))
        {
            payload = null;
            problem = ValidationProblems.ForRequest("$", "The request body contains a NUL character (\\u0000), which ticket text cannot hold.");
            return false;
        }

        try
        {
            payload = JsonSerializer.Deserialize<T>(body, options);
            problem = payload is null ? ValidationProblems.ForRequest("$", "The request body must be a JSON object.") : null;
        }
        catch (JsonException ex)
        {
            payload = null;
            problem = ValidationProblems.ForRequest(ex.Path ?? "$", "The request body is not valid JSON for this webhook: " + FirstSentence(ex.Message));
        }

        return problem is null;
    }

    /// <summary>200 with the reason: the helpdesk sees success (and does not retry), nothing is stored.</summary>
    public static IResult Ignored(string reason) => Results.Ok(new WebhookIgnored(reason));

    /// <summary>Validates what the connector read (400 problem naming the fields), then stores the ticket it maps to.</summary>
    public static async Task<IResult> ValidateAndAcceptAsync<T>(
        IValidator<T> validator, T payload, Func<T, IncomingTicket> toTicket, TicketAcceptor acceptor, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(payload, cancellationToken);
        return validation.IsValid
            ? await AcceptAsync(acceptor, toTicket(payload), cancellationToken)
            : ValidationProblems.From(validation);
    }

    /// <summary>Stores the ticket; 202 with its id when new, 200 with the first one's id for a repeat.</summary>
    public static async Task<IResult> AcceptAsync(TicketAcceptor acceptor, IncomingTicket ticket, CancellationToken cancellationToken)
    {
        // A message of only an image or markup has no text: the subject is all there is to draft from.
        var complete = string.IsNullOrWhiteSpace(ticket.Body) ? ticket with { Body = ticket.Subject } : ticket;
        var accepted = await acceptor.AcceptAsync(complete, cancellationToken);
        var body = new WebhookAccepted(accepted.TicketId, !accepted.IsNew);
        return accepted.IsNew ? Results.Accepted($"/api/tickets/{accepted.TicketId}", body) : Results.Ok(body);
    }

    /// <summary>A subject for messages that have none (chats): the first line of the text, cut at a word.</summary>
    public static string SubjectOr(string? subject, string body)
    {
        if (!string.IsNullOrWhiteSpace(subject))
        {
            var trimmed = subject.Trim();
            return trimmed.Length <= MaxSubjectChars ? trimmed : trimmed[..MaxSubjectChars];
        }

        var firstLine = body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        if (firstLine.Length <= DerivedSubjectChars)
        {
            return firstLine;
        }

        var cut = firstLine.LastIndexOf(' ', DerivedSubjectChars);
        return firstLine[..(cut > DerivedSubjectChars / 2 ? cut : DerivedSubjectChars)] + "…";
    }

    /// <summary>Cuts text to <see cref="MaxBodyBytes"/> of UTF-8 at a character boundary.</summary>
    public static string Limit(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) <= MaxBodyBytes)
        {
            return text;
        }

        const string marker = "\n[…]";
        var bytes = Encoding.UTF8.GetBytes(text);
        var length = MaxBodyBytes - Encoding.UTF8.GetByteCount(marker);

        // Never end inside a UTF-8 sequence: step back over continuation bytes (10xxxxxx) to a lead byte.
        while (length > 0 && (bytes[length] & 0xC0) == 0x80)
        {
            length--;
        }

        return Encoding.UTF8.GetString(bytes, 0, length) + marker;
    }

    /// <summary>
    /// PostgreSQL text cannot hold U+0000, so a ticket carrying one failed its insert with a 500;
    /// JSON can only carry it escaped, as <c>\u0000</c> after an odd number of backslashes.
    /// </summary>
    private static bool HasEscapedNul(ReadOnlySpan<byte> body)
    {
        var offset = 0;
        while (body[offset..].IndexOf("u0000"u8) is var found and >= 0)
        {
            var at = offset + found;
            var backslashes = 0;
            while (at - backslashes - 1 >= 0 && body[at - backslashes - 1] == (byte)'\\')
            {
                backslashes++;
            }

            if (backslashes % 2 == 1)
            {
                return true;
            }

            offset = at + 1;
        }

        return false;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}

internal sealed record WebhookAccepted(Guid TicketId, bool Duplicate);

internal sealed record WebhookIgnored(string Ignored);

/// <summary>Helpdesks send ids as numbers or strings depending on the event: both read as a string.</summary>
internal sealed class StringOrNumberConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => throw new JsonException($"Expected a string or a number, found {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
