using System.Text;
using System.Text.Json;
using Xunit;

namespace SupportCopilot.Review.Tests.Exports;

/// <summary>
/// Small schema checks of each format, line by line, written from the Azure OpenAI / OpenAI
/// format descriptions rather than from the exporter's code, so they catch the exporter drifting.
/// </summary>
internal static class ExportSchemas
{
    private static readonly string[] Roles = ["system", "user", "assistant"];

    /// <summary>Checks the bytes of a JSONL file and returns its rows parsed.</summary>
    public static IReadOnlyList<JsonElement> ReadJsonl(byte[] bytes, string format)
    {
        Assert.False(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF, "The file starts with a byte-order mark.");
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        Assert.DoesNotContain('\r', text);
        if (text.Length == 0)
        {
            return [];
        }

        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var rows = new List<JsonElement>();
        var lineNumber = 0;
        foreach (var line in text[..^1].Split('\n'))
        {
            lineNumber++;
            using var document = JsonDocument.Parse(line);
            var row = document.RootElement.Clone();
            try
            {
                Check(format, row);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"{format} line {lineNumber} breaks the schema: {ex.Message}\n{line}");
            }

            rows.Add(row);
        }

        return rows;
    }

    public static void Check(string format, JsonElement row)
    {
        Assert.Equal(JsonValueKind.Object, row.ValueKind);
        switch (format)
        {
            case "sft":
                Keys(row, ["messages"]);
                Conversation(row.GetProperty("messages"), last: "assistant");
                break;
            case "dpo":
                Keys(row, ["input", "preferred_output", "non_preferred_output"]);
                Keys(row.GetProperty("input"), ["messages"]);
                Conversation(row.GetProperty("input").GetProperty("messages"), last: "user");
                var preferred = SingleAssistant(row.GetProperty("preferred_output"));
                var nonPreferred = SingleAssistant(row.GetProperty("non_preferred_output"));
                Assert.NotEqual(preferred.Trim(), nonPreferred.Trim());
                break;
            case "eval":
                Keys(row, ["messages", "reference_answer", "sources", "decision", "category", "correction_id"]);
                Conversation(row.GetProperty("messages"), last: "user");
                Assert.False(string.IsNullOrWhiteSpace(row.GetProperty("reference_answer").GetString()));
                Assert.All(row.GetProperty("sources").EnumerateArray(), s => Assert.Matches("^[^#\\s]+(#[^\\s]*)?$", s.GetString()!));
                Assert.Contains(row.GetProperty("decision").GetString(), new[] { "approved", "edited", "rejected" });
                Assert.False(string.IsNullOrWhiteSpace(row.GetProperty("category").GetString()));
                Assert.True(Guid.TryParse(row.GetProperty("correction_id").GetString(), out _));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    /// <summary>The user turn holds the tagged prompt layout: one ticket section, then sources.</summary>
    public static void PromptLayout(string userContent)
    {
        Assert.StartsWith("<ticket>\n<subject>", userContent, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(userContent, "<ticket>"));
        Assert.Contains("</body>\n</ticket>", userContent, StringComparison.Ordinal);
    }

    private static void Keys(JsonElement element, string[] allowed)
    {
        var keys = element.EnumerateObject().Select(p => p.Name).ToList();
        Assert.All(keys, k => Assert.Contains(k, allowed));
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(allowed, k => Assert.Contains(k, keys));
    }

    private static void Conversation(JsonElement messages, string last)
    {
        Assert.Equal(JsonValueKind.Array, messages.ValueKind);
        var list = messages.EnumerateArray().ToList();
        Assert.NotEmpty(list);
        foreach (var message in list)
        {
            Keys(message, ["role", "content"]);
            Assert.Contains(message.GetProperty("role").GetString(), Roles);
            Assert.False(string.IsNullOrWhiteSpace(message.GetProperty("content").GetString()), "A message has empty content.");
        }

        var roles = list.Select(m => m.GetProperty("role").GetString()).ToList();
        var start = roles[0] == "system" ? 1 : 0;
        Assert.True(roles.Count > start, "Only a system message.");
        for (var i = start; i < roles.Count; i++)
        {
            Assert.Equal((i - start) % 2 == 0 ? "user" : "assistant", roles[i]);
        }

        Assert.Equal(last, roles[^1]);
        PromptLayout(list[start].GetProperty("content").GetString()!);
    }

    private static string SingleAssistant(JsonElement output)
    {
        var message = Assert.Single(output.EnumerateArray().ToList());
        Keys(message, ["role", "content"]);
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        var content = message.GetProperty("content").GetString();
        Assert.False(string.IsNullOrWhiteSpace(content));
        return content!;
    }
}
