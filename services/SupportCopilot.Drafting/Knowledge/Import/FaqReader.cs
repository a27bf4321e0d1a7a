using System.Text;
using System.Text.Json;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// A FAQ table (one question and its answer per row) as Markdown: each question a <c>##</c>
/// heading (so its anchor is the question's slug), its answer the section under it. JSON: an array
/// of objects with <c>question</c> and <c>answer</c> (or an object holding one such array); CSV: a
/// header row naming the <c>question</c> and <c>answer</c> columns (RFC 4180 quoting).
/// </summary>
internal static class FaqReader
{
    public static string FromJson(string documentId, string json)
    {
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new KnowledgeFormatException($"The FAQ is not valid JSON: {ex.Message}", ex);
        }

        using (parsed)
        {
            var rows = parsed.RootElement.ValueKind switch
            {
                JsonValueKind.Array => parsed.RootElement,
                JsonValueKind.Object => parsed.RootElement.EnumerateObject().Select(p => p.Value).FirstOrDefault(v => v.ValueKind == JsonValueKind.Array),
                _ => default,
            };
            if (rows.ValueKind != JsonValueKind.Array)
            {
                throw new KnowledgeFormatException("The FAQ JSON must be an array of {\"question\", \"answer\"} objects.");
            }

            var pairs = new List<(string, string)>();
            var row = 0;
            foreach (var item in rows.EnumerateArray())
            {
                row++;
                var question = item.ValueKind == JsonValueKind.Object ? Property(item, "question", "q") : null;
                var answer = item.ValueKind == JsonValueKind.Object ? Property(item, "answer", "a") : null;
                if (string.IsNullOrWhiteSpace(question) || string.IsNullOrWhiteSpace(answer))
                {
                    throw new KnowledgeFormatException($"FAQ row {row} needs a non-empty \"question\" and \"answer\".");
                }

                pairs.Add((question, answer));
            }

            return Markdown(documentId, pairs);
        }
    }

    public static string FromCsv(string documentId, string csv)
    {
        var records = ParseCsv(csv);
        if (records.Count == 0)
        {
            throw new KnowledgeFormatException("The FAQ CSV is empty.");
        }

        var header = records[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        var questionColumn = header.FindIndex(h => h is "question" or "q");
        var answerColumn = header.FindIndex(h => h is "answer" or "a");
        if (questionColumn < 0 || answerColumn < 0)
        {
            throw new KnowledgeFormatException("The FAQ CSV needs a header row with \"question\" and \"answer\" columns.");
        }

        var pairs = new List<(string, string)>();
        for (var i = 1; i < records.Count; i++)
        {
            var record = records[i];
            if (record.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var question = record.ElementAtOrDefault(questionColumn);
            var answer = record.ElementAtOrDefault(answerColumn);
            if (string.IsNullOrWhiteSpace(question) || string.IsNullOrWhiteSpace(answer))
            {
                throw new KnowledgeFormatException($"FAQ CSV line {i + 1} needs a non-empty question and answer.");
            }

            pairs.Add((question, answer));
        }

        return Markdown(documentId, pairs);
    }

    private static string? Property(JsonElement item, params string[] names)
    {
        foreach (var property in item.EnumerateObject())
        {
            if (names.Any(n => string.Equals(n, property.Name, StringComparison.OrdinalIgnoreCase)) && property.Value.ValueKind == JsonValueKind.String)
            {
                return property.Value.GetString();
            }
        }

        return null;
    }

    private static string Markdown(string documentId, List<(string Question, string Answer)> pairs)
    {
        var builder = new StringBuilder();
        builder.Append("# ").Append(Path.GetFileNameWithoutExtension(documentId)).Append("\n\n");
        foreach (var (question, answer) in pairs)
        {
            builder.Append("## ").Append(question.ReplaceLineEndings(" ").Trim()).Append("\n\n");
            foreach (var line in answer.Trim().ReplaceLineEndings("\n").Split('\n'))
            {
                // An answer line must not open a heading of its own.
                builder.Append(line.TrimStart().StartsWith('#') ? "\\" + line.TrimStart() : line).Append('\n');
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>RFC 4180: fields separated by commas, quoted fields may hold commas, quotes ("") and line breaks.</summary>
    private static List<List<string>> ParseCsv(string csv)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    record.Add(field.ToString());
                    field.Clear();
                    records.Add(record);
                    record = [];
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }

        if (quoted)
        {
            throw new KnowledgeFormatException("The FAQ CSV ends inside a quoted field.");
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
