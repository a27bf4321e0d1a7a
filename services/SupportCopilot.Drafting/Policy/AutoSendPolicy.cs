using SupportCopilot.Contracts;

namespace SupportCopilot.Drafting.Policy;

/// <summary>Why a draft waits for a person: a stable machine-friendly code and a sentence for people.</summary>
internal sealed record PolicyReason(string Code, string Text);

internal sealed record PolicyDecision(bool AutoSend, IReadOnlyList<PolicyReason> Reasons);

/// <summary>
/// Auto-send iff confidence ≥ threshold, at least one citation, the ticket is in no guarded
/// category and it is written in a language the drafter answers in (English). Every reason that
/// applies is reported, not just the first, so agents and metrics see the whole picture.
/// </summary>
internal static class AutoSendPolicy
{
    public const string LowConfidence = "low_confidence";
    public const string NoCitation = "no_citation";

    public static PolicyDecision Decide(TicketContent ticket, double confidence, int citations, double threshold)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var reasons = new List<PolicyReason>();
        if (confidence < threshold)
        {
            reasons.Add(new(LowConfidence, $"Confidence {confidence:0.00} is below the auto-send threshold {threshold:0.00}."));
        }

        if (citations == 0)
        {
            reasons.Add(new(NoCitation, "The draft cites no knowledge-base passage."));
        }

        var text = ticket.Subject + "\n" + ticket.Body;
        foreach (var topic in GuardedTopics.Detect(text))
        {
            reasons.Add(new("guarded:" + topic.Code, topic.Text));
        }

        var language = LanguageGuess.UnsupportedLanguage(ticket.Language, text);
        if (language is not null)
        {
            reasons.Add(new("unsupported_language:" + language, $"The ticket is in '{language}'; the drafter answers in English only."));
        }

        return new PolicyDecision(reasons.Count == 0, reasons);
    }
}
