using System.Buffers;
using SupportCopilot.Contracts.Prompts;
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
/// Writes the lines of one file: copies each serialised row into a reused buffer, hands the bytes
/// to the stream in blocks (asynchronously, so it can be an HTTP response) and hashes them on the
/// way, so the SHA-256 in the manifest is of exactly the bytes written, without reading the file
/// back. UTF-8, no byte-order mark, one JSON object per line ending in <c>\n</c>.
/// </summary>
internal sealed class ExportPartWriter : IDisposable
{
    /// <summary>An HTTP response gets the body in 64 KiB blocks, so a client sees it arrive as it is made.</summary>
    public const int HttpBlockBytes = 64 * 1024;

    /// <summary>A file gets 1 MiB writes: a sixteenth of the system calls of 64 KiB blocks, for the same bytes.</summary>
    public const int FileBlockBytes = 1024 * 1024;

    private readonly Stream _stream;
    private readonly int _blockBytes;
    private readonly ArrayBufferWriter<byte> _buffer;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public ExportPartWriter(ExportFormat format, ExportPart part, string name, Stream stream, int blockBytes = HttpBlockBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockBytes);
        Part = part;
        Name = name;
        _stream = stream;
        _blockBytes = blockBytes;
        _buffer = new ArrayBufferWriter<byte>(blockBytes * 2);
        if (format == ExportFormat.Csv)
        {
            _buffer.Write(ExportRowSerializer.CsvHeader);
        }
    }

    public ExportPart Part { get; }

    public string Name { get; }

    public long Rows { get; private set; }

    public long Bytes { get; private set; }

    public long Tokens { get; private set; }

    /// <summary>Adds one serialised row (its line, <c>\n</c> included); true when a block is ready for <see cref="FlushAsync"/>.</summary>
    public bool Append(ReadOnlySpan<byte> line, int tokens)
    {
        _buffer.Write(line);
        Rows++;
        Tokens += tokens;
        return _buffer.WrittenCount >= _blockBytes;
    }

    /// <summary>Writes what is buffered and returns the SHA-256 (lower-case hex) of everything written.</summary>
    public async Task<string> CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public void Dispose() => _hash.Dispose();

    /// <summary>Hashes and writes what is buffered.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
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
}

/// <summary>
/// Serialises rows into their lines, in a worker: a JSON object and <c>\n</c> (sft, dpo, eval) or
/// an RFC 4180 record (csv). One per worker; it reuses its JSON writer and CSV builder.
/// </summary>
internal sealed class ExportRowSerializer : IDisposable
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // A data file, not HTML: keep non-ASCII text and <, >, & as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    // Names and fixed values escaped once, with the writer's own encoder, instead of on every row.
    private static readonly JsonEncodedText RoleName = Encoded("role");
    private static readonly JsonEncodedText ContentName = Encoded("content");
    private static readonly JsonEncodedText MessagesName = Encoded("messages");
    private static readonly JsonEncodedText SystemInstruction = Encoded(DraftPrompt.SystemInstruction);

    private static readonly string[] CsvColumns =
    [
        "correction_id", "draft_id", "ticket_id", "connector", "language", "decision", "reason", "comment", "agent",
        "decided_at", "review_seconds", "confidence", "drafter", "category", "split", "subject", "body", "draft_text",
        "final_text", "sources", "action", "brand", "policy_version",
    ];

    private readonly ExportFormat _format;
    private readonly Utf8JsonWriter _json;
    private readonly StringBuilder _csv = new();
    private ExportPart _part;

    public ExportRowSerializer(ExportFormat format)
    {
        _format = format;
        _json = new Utf8JsonWriter(Stream.Null, JsonOptions);
    }

    /// <summary>The first line of a CSV file.</summary>
    public static byte[] CsvHeader { get; } = Encoding.UTF8.GetBytes(string.Join(',', CsvColumns) + "\n");

    /// <summary>Appends <paramref name="row"/>'s line, for the file of <paramref name="part"/>, to <paramref name="output"/>.</summary>
    public void Write(ExportRow row, ExportPart part, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(output);
        if (_format == ExportFormat.Csv)
        {
            _part = part;
            WriteCsv(row, output);
            return;
        }

        _json.Reset(output);
        WriteJson(row);
        _json.Flush();
        output.Write("\n"u8);
    }

    public void Dispose() => _json.Dispose();

    private static JsonEncodedText Encoded(string text) => JsonEncodedText.Encode(text, JsonOptions.Encoder);

    private void WriteJson(ExportRow row)
    {
        var json = _json;
        json.WriteStartObject();
        switch (_format)
        {
            case ExportFormat.Sft:
                WriteMessages(json, MessagesName, row.Messages);
                break;
            case ExportFormat.Dpo:
                json.WriteStartObject("input");
                WriteMessages(json, MessagesName, row.Messages);
                json.WriteEndObject();
                json.WriteStartArray("preferred_output");
                WriteMessage(json, ChatRole.Assistant, row.Preferred!);
                json.WriteEndArray();
                json.WriteStartArray("non_preferred_output");
                WriteMessage(json, ChatRole.Assistant, row.NonPreferred!);
                json.WriteEndArray();
                break;
            case ExportFormat.Eval:
                var correction = row.Correction;
                WriteMessages(json, MessagesName, row.Messages);
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

    private static void WriteMessages(Utf8JsonWriter json, JsonEncodedText property, IReadOnlyList<ChatMessage> messages)
    {
        json.WriteStartArray(property);
        foreach (var message in messages)
        {
            WriteMessage(json, message.Role, message.Content);
        }

        json.WriteEndArray();
    }

    private static void WriteMessage(Utf8JsonWriter json, string role, string content)
    {
        json.WriteStartObject();
        json.WriteString(RoleName, role);
        if (ReferenceEquals(content, DraftPrompt.SystemInstruction))
        {
            json.WriteString(ContentName, SystemInstruction);
        }
        else
        {
            json.WriteString(ContentName, content);
        }

        json.WriteEndObject();
    }

    private void WriteCsv(ExportRow row, IBufferWriter<byte> output)
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
        Field(_part == ExportPart.All ? string.Empty : _part == ExportPart.Train ? "train" : "validation");
        Field(c.Subject);
        Field(c.Body);
        Field(c.DraftText);
        Field(c.FinalText);
        Field(string.Join(' ', c.Sources.Select(s => s.Source)));
        Field(r.Action);
        Field(r.Brand);
        Field(r.PolicyVersion, last: true);
        AppendCsvLine(output);
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

    private void AppendCsvLine(IBufferWriter<byte> output)
    {
        // One string per line, encoded whole, so a surrogate pair is never cut between chunks.
        var line = _csv.ToString();
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length));
        output.Advance(Encoding.UTF8.GetBytes(line, span));
        _csv.Clear();
    }
}
