using SupportCopilot.Contracts.Prompts;
using SupportCopilot.Contracts;

namespace SupportCopilot.Review.Exports;

internal static class ChatRole
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
}

internal sealed record ChatMessage(string Role, string Content);

/// <summary>A correction after redaction, with its ticket and sources: what every format builds rows from.</summary>
internal sealed class PreparedCorrection
{
    public required CorrectionRecord Record { get; init; }

    public required string Subject { get; init; }

    public required string Body { get; init; }

    public required string DraftText { get; init; }

    public required string? FinalText { get; init; }

    public required string? Comment { get; init; }

    public required IReadOnlyList<Citation> Sources { get; init; }

    public required string Category { get; init; }

    /// <summary>
    /// The source sections of the user turn, from a worker's cache (a passage repeats across
    /// thousands of rows); null builds them on demand.
    /// </summary>
    public Func<Citation, SourceSection>? Sections { get; init; }
}

/// <summary>One row of a JSONL data set before it is written; the validator reads it, the writer serialises it.</summary>
internal sealed class ExportRow
{
    public required PreparedCorrection Correction { get; init; }

    /// <summary>sft: system, user, assistant. dpo: the input (system, user). eval: system, user.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; init; } = [];

    public string? Preferred { get; init; }

    public string? NonPreferred { get; init; }

    public string? ReferenceAnswer { get; init; }

    /// <summary>Length of the ticket section at the start of the user turn (<c>Messages[1]</c>), for counting it in parts.</summary>
    public int TicketLength { get; init; }

    public int Tokens { get; set; }
}

/// <summary>Why a correction did not become a row. The manifest counts each by its code.</summary>
internal static class SkipReasons
{
    public const string Duplicate = "duplicate_ticket";
    public const string BelowMinEditDistance = "below_min_edit_distance";
    public const string NotThisFormat = "decision_not_in_format";
    public const string NotAnAnswer = "not_an_answer";
    public const string NoFinalText = "no_final_text";
    public const string IdenticalOutputs = "identical_outputs";
    public const string EmptyContent = "empty_content";
    public const string RoleOrder = "invalid_role_order";
    public const string TooManyTokens = "too_many_tokens";
    public const string UnreadableSources = "unreadable_sources";
}

/// <summary>Builds each format's row from a prepared correction, or says why there is none.</summary>
internal static class ExportRowBuilder
{
    public static (ExportRow? Row, string? Skip) Build(ExportFormat format, PreparedCorrection correction)
    {
        ArgumentNullException.ThrowIfNull(correction);
        var decision = correction.Record.Decision;

        // A question asked back to the customer or an escalation is a decision about the ticket,
        // not an answer to it: no format that trains or grades answers takes it.
        if (format != ExportFormat.Csv && ReviewAction.IsNotAnAnswer(correction.Record.Action))
        {
            return (null, SkipReasons.NotAnAnswer);
        }

        switch (format)
        {
            case ExportFormat.Sft:
                // The target is what went to the customer: the draft as approved, or the agent's edit.
                if (decision is not (ReviewDecision.Approved or ReviewDecision.Edited))
                {
                    return (null, SkipReasons.NotThisFormat);
                }

                if (correction.FinalText is null)
                {
                    return (null, SkipReasons.NoFinalText);
                }

                var (system, user, ticketLength) = PromptOf(correction);
                return (new ExportRow { Correction = correction, Messages = [system, user, new(ChatRole.Assistant, correction.FinalText)], TicketLength = ticketLength }, null);

            case ExportFormat.Dpo:
                // A preference needs two different answers: the agent's (preferred) and the model's. Only
                // an edit or a rejection with the agent's own answer says the agent preferred another
                // answer; other outcomes (an escalation, a question back to the customer) do not.
                if (decision is not (ReviewDecision.Edited or ReviewDecision.Rejected))
                {
                    return (null, SkipReasons.NotThisFormat);
                }

                if (correction.FinalText is null)
                {
                    return (null, SkipReasons.NoFinalText);
                }

                if (Normalize(correction.FinalText) == Normalize(correction.DraftText))
                {
                    return (null, SkipReasons.IdenticalOutputs);
                }

                var input = PromptOf(correction);
                return (new ExportRow
                {
                    Correction = correction,
                    Messages = [input.System, input.User],
                    TicketLength = input.TicketLength,
                    Preferred = correction.FinalText,
                    NonPreferred = correction.DraftText,
                }, null);

            case ExportFormat.Eval:
                // The reference is an answer an agent stands behind, not a question asked back.
                if (!ReviewDecision.All.Contains(decision))
                {
                    return (null, SkipReasons.NotThisFormat);
                }

                if (correction.FinalText is null)
                {
                    return (null, SkipReasons.NoFinalText);
                }

                var prompt = PromptOf(correction);
                return (new ExportRow { Correction = correction, Messages = [prompt.System, prompt.User], TicketLength = prompt.TicketLength, ReferenceAnswer = correction.FinalText }, null);

            default:
                return (new ExportRow { Correction = correction }, null);
        }
    }

    private static readonly ChatMessage SystemMessage = new(ChatRole.System, DraftPrompt.SystemInstruction);

    /// <summary>
    /// The system and user messages, the user turn built as <see cref="DraftPrompt.UserContent"/>
    /// builds it (the ticket section, then each source section) from the worker's cached sections,
    /// in one allocation.
    /// </summary>
    private static (ChatMessage System, ChatMessage User, int TicketLength) PromptOf(PreparedCorrection correction)
    {
        var ticket = DraftPrompt.TicketSection(correction.Subject, correction.Body);
        var sources = correction.Sources;
        string user;
        if (sources.Count == 0)
        {
            user = ticket;
        }
        else
        {
            var sections = correction.Sections ?? SourceSection.Of;
            var parts = new string[sources.Count + 1];
            parts[0] = ticket;
            for (var i = 0; i < sources.Count; i++)
            {
                parts[i + 1] = sections(sources[i]).Text;
            }

            user = string.Concat(parts);
        }

        return (SystemMessage, new ChatMessage(ChatRole.User, user), ticket.Length);
    }

    public static string Normalize(string text) => text.ReplaceLineEndings("\n").Trim();
}

/// <summary>
/// The format's rules, checked on every row before it is written (what Azure OpenAI's file
/// validation would otherwise reject after the upload): roles and their order, non-empty content,
/// the per-row token limit. Returns the reason a row is invalid, or null.
/// </summary>
internal static class ExportRowValidator
{
    public static string? Validate(ExportFormat format, ExportRow row, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (format == ExportFormat.Csv)
        {
            return string.IsNullOrWhiteSpace(row.Correction.Body) && string.IsNullOrWhiteSpace(row.Correction.Subject)
                ? SkipReasons.EmptyContent
                : null;
        }

        foreach (var message in row.Messages)
        {
            if (string.IsNullOrWhiteSpace(message.Content))
            {
                return SkipReasons.EmptyContent;
            }
        }

        var endsWith = format == ExportFormat.Sft ? ChatRole.Assistant : ChatRole.User;
        if (!RolesInOrder(row.Messages, endsWith))
        {
            return SkipReasons.RoleOrder;
        }

        switch (format)
        {
            case ExportFormat.Dpo when string.IsNullOrWhiteSpace(row.Preferred) || string.IsNullOrWhiteSpace(row.NonPreferred):
                return SkipReasons.EmptyContent;
            case ExportFormat.Dpo when ExportRowBuilder.Normalize(row.Preferred!) == ExportRowBuilder.Normalize(row.NonPreferred!):
                return SkipReasons.IdenticalOutputs;
            case ExportFormat.Eval when string.IsNullOrWhiteSpace(row.ReferenceAnswer):
                return SkipReasons.EmptyContent;
        }

        row.Tokens = CountTokens(format, row);
        return row.Tokens > maxTokens ? SkipReasons.TooManyTokens : null;
    }

    /// <summary>
    /// Optional system first, then user and assistant alternating, starting with user and ending
    /// with <paramref name="last"/>.
    /// </summary>
    public static bool RolesInOrder(IReadOnlyList<ChatMessage> messages, string last)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var i = 0;
        if (messages.Count > 0 && messages[0].Role == ChatRole.System)
        {
            i = 1;
        }

        if (i >= messages.Count)
        {
            return false;
        }

        var expected = ChatRole.User;
        for (; i < messages.Count; i++)
        {
            if (messages[i].Role != expected)
            {
                return false;
            }

            expected = expected == ChatRole.User ? ChatRole.Assistant : ChatRole.User;
        }

        return messages[^1].Role == last;
    }

    /// <summary>Tokens of the row as training sees it: a DPO row holds the input with each output.</summary>
    private static int CountTokens(ExportFormat format, ExportRow row)
    {
        // The system instruction and the knowledge-base passages repeat on most rows: their counts are
        // cached, and the user turn is counted as its sections (ExportTokens.UserContent).
        var input = 3;
        var correction = row.Correction;
        for (var i = 0; i < row.Messages.Count; i++)
        {
            var message = row.Messages[i];
            input += message.Role switch
            {
                ChatRole.System when ReferenceEquals(message.Content, DraftPrompt.SystemInstruction) => 3 + ExportTokens.SystemInstruction,
                ChatRole.User when i == 1 => 3 + (row.TicketLength > 0
                    ? ExportTokens.UserContent(message.Content, row.TicketLength, correction.Sources, correction.Sections ?? SourceSection.Of)
                    : ExportTokens.UserContent(correction.Subject, correction.Body, correction.Sources)),
                _ => ExportTokens.Message(message.Content),
            };
        }

        return format switch
        {
            ExportFormat.Dpo => input + ExportTokens.Message(row.Preferred!) + ExportTokens.Message(row.NonPreferred!),
            ExportFormat.Eval => input + ExportTokens.Message(row.ReferenceAnswer!),
            _ => input,
        };
    }
}

/// <summary>What an agent did beyond the three decisions (see ADR 0016).</summary>
internal static class ReviewAction
{
    public const string Escalated = "escalated";
    public const string ClarifyingQuestion = "clarifying_question";

    public static bool IsNotAnAnswer(string? action) => action is Escalated or ClarifyingQuestion;
}

/// <summary>The correction's decisions (the decided states of a review item).</summary>
internal static class ReviewDecision
{
    public const string Approved = "approved";
    public const string Edited = "edited";
    public const string Rejected = "rejected";

    public static readonly IReadOnlyList<string> All = [Approved, Edited, Rejected];
}
