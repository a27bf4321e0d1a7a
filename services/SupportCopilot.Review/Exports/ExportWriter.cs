using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SupportCopilot.Review.Exports;

/// <summary>Which file of an export a row goes to: the single file, or one side of the split.</summary>
internal enum ExportPart
{
    All,
    Train,
    Validation,
}

/// <summary>
/// Writes the rows of one file: serialises each into a reused buffer, hands the bytes to the
/// stream in 64 KiB blocks (asynchronously, so it can be an HTTP response) and hashes them on the
/// way, so the SHA-256 in the manifest is of exactly the bytes written, without reading the file
/// back. UTF-8, no byte-order mark, one JSON object per line ending in <c>\n</c>.
/// </summary>
internal sealed class ExportPartWriter : IDisposable
{
    private const int FlushAt = 64 * 1024;

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // A data file, not HTML: keep non-ASCII text and <, >, & as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private static readonly string[] CsvColumns =
    [
        "correction_id", "draft_id", "ticket_id", "connector", "language", "decision", "reason", "comment", "agent",
        "decided_at", "review_seconds", "confidence", "drafter", "category", "split", "subject", "body", "draft_text",
        "final_text", "sources", "action", "brand", "policy_version",
    ];

    private readonly ExportFormat _format;
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushAt * 2);
    private readonly Utf8JsonWriter _json;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly StringBuilder _csv = new();

    public ExportPartWriter(ExportFormat format, ExportPart part, string name, Stream stream)
    {
        _format = format;
        Part = part;
        Name = name;
        _stream = stream;
        _json = new Utf8JsonWriter(_buffer, JsonOptions);
        if (format == ExportFormat.Csv)
        {
            _csv.AppendJoin(',', CsvColumns).Append('\n');
            AppendCsvLine();
        }
    }

    public ExportPart Part { get; }

    public string Name { get; }

    public long Rows { get; private set; }

    public long Bytes { get; private set; }

    public long Tokens { get; private set; }

    public async ValueTask WriteAsync(ExportRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (_format == ExportFormat.Csv)
        {
            WriteCsv(row);
        }
        else
        {
            WriteJson(row);
            _json.Flush();
            _json.Reset();
            _buffer.Write("\n"u8);
        }

        Rows++;
        Tokens += row.Tokens;
        if (_buffer.WrittenCount >= FlushAt)
        {
            await FlushAsync(cancellationToken);
        }
    }

    /// <summary>Writes what is buffered and returns the SHA-256 (lower-case hex) of everything written.</summary>
    public async Task<string> CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public void Dispose()
    {
        _json.Dispose();
        _hash.Dispose();
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.WrittenCount == 0)
        {
            return;
        }

        _hash.AppendData(_buffer.WrittenSpan);
        Bytes += _buffer.WrittenCount;
        await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken);
        _buffer.ResetWrittenCount();
    }

    private void WriteJson(ExportRow row)
    {
        var json = _json;
        json.WriteStartObject();
        switch (_format)
        {
            case ExportFormat.Sft:
                WriteMessages(json, "messages", row.Messages);
                break;
            case ExportFormat.Dpo:
                json.WriteStartObject("input");
                WriteMessages(json, "messages", row.Messages);
                json.WriteEndObject();
                WriteMessages(json, "preferred_output", [new(ChatRole.Assistant, row.Preferred!)]);
                WriteMessages(json, "non_preferred_output", [new(ChatRole.Assistant, row.NonPreferred!)]);
                break;
            case ExportFormat.Eval:
                var correction = row.Correction;
                WriteMessages(json, "messages", row.Messages);
                json.WriteString("reference_answer", row.ReferenceAnswer);
                json.WriteStartArray("sources");
                foreach (var source in correction.Sources)
                {
                    json.WriteStringValue(source.Source);
                }

                json.WriteEndArray();
                json.WriteString("decision", correction.Record.Decision);
                json.WriteString("category", correction.Category);
                json.WriteString("correction_id", correction.Record.CorrectionId);
                break;
        }

        json.WriteEndObject();
    }

    private static void WriteMessages(Utf8JsonWriter json, string property, IReadOnlyList<ChatMessage> messages)
    {
        json.WriteStartArray(property);
        foreach (var message in messages)
        {
            json.WriteStartObject();
            json.WriteString("role", message.Role);
            json.WriteString("content", message.Content);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private void WriteCsv(ExportRow row)
    {
        var c = row.Correction;
        var r = c.Record;
        _csv.Clear();
        Field(r.CorrectionId.ToString("D"));
        Field(r.DraftId.ToString("D"));
        Field(r.TicketId.ToString("D"));
        Field(r.Connector);
        Field(r.Language);
        Field(r.Decision);
        Field(r.Reason);
        Field(c.Comment);
        Field(r.Agent);
        Field(r.DecidedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        Field(r.ReviewSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        Field(r.Confidence.ToString("0.####", CultureInfo.InvariantCulture));
        Field(r.Drafter);
        Field(c.Category);
        Field(Part == ExportPart.All ? string.Empty : Part == ExportPart.Train ? "train" : "validation");
        Field(c.Subject);
        Field(c.Body);
        Field(c.DraftText);
        Field(c.FinalText);
        Field(string.Join(' ', c.Sources.Select(s => s.Source)));
        Field(r.Action);
        Field(r.Brand);
        Field(r.PolicyVersion, last: true);
        AppendCsvLine();
    }

    /// <summary>
    /// RFC 4180 quoting; a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first)
    /// is prefixed with an apostrophe, since ticket text is written by strangers.
    /// </summary>
    private void Field(string? value, bool last = false)
    {
        value ??= string.Empty;
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
        {
            _csv.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            _csv.Append(value);
        }

        _csv.Append(last ? '\n' : ',');
    }

    private void AppendCsvLine()
    {
        // One string per line, encoded whole, so a surrogate pair is never cut between chunks.
        var line = _csv.ToString();
        var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length));
        _buffer.Advance(Encoding.UTF8.GetBytes(line, span));
        _csv.Clear();
    }
}
