using System.Reflection;
using System.Text.Json;

namespace SupportCopilot.Cli.Bench;

/// <summary>A ticket as a customer would write it.</summary>
internal sealed record TicketText(string Subject, string Body);

/// <summary>
/// The sample help centre's 30 evaluation questions (answerable ones, out-of-scope ones, guarded
/// ones such as refunds), so a load run drafts, retrieves and applies the policy as real tickets do.
/// </summary>
internal static class TicketTexts
{
    private static readonly Lazy<IReadOnlyList<TicketText>> Loaded = new(Load);

    public static IReadOnlyList<TicketText> All => Loaded.Value;

    private static IReadOnlyList<TicketText> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SupportCopilot.Cli.Bench.questions.jsonl")
            ?? throw new InvalidOperationException("The sample questions are not embedded in the CLI.");
        using var reader = new StreamReader(stream);
        var texts = new List<TicketText>();
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var question = JsonDocument.Parse(line).RootElement.GetProperty("question").GetString()!;
            var firstLine = question.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
            texts.Add(new TicketText(firstLine.Length <= 80 ? firstLine : firstLine[..80], question));
        }

        return texts;
    }
}
