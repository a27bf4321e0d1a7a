using System.Globalization;
using SupportCopilot.Contracts;

namespace SupportCopilot.Drafting.Policy;

/// <summary>Why a draft waits for a person: a stable machine-friendly code and a sentence for people.</summary>
internal sealed record PolicyReason(string Code, string Text);

internal sealed record PolicyDecision(bool AutoSend, IReadOnlyList<PolicyReason> Reasons);

/// <summary>
/// Auto-send iff confidence ≥ threshold, at least one citation, no guardrail fired and nothing
/// else (the model asking for a person, a failed verification, a model error) holds it. Every
/// reason that applies is reported, not just the first, so agents and metrics see the whole picture.
/// </summary>
internal static class AutoSendPolicy
{
    public const string LowConfidence = "low_confidence";
    public const string NoCitation = "no_citation";

    private static readonly Guardrails DefaultGuardrails = new(new GuardrailOptions());

    /// <summary>The text rules only, with the default categories (no retrieval or triage evidence).</summary>
    public static PolicyDecision Decide(TicketContent ticket, double confidence, int citations, double threshold)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return Decide(confidence, citations, threshold, DefaultGuardrails.Check(ticket, GuardrailEvidence.TextOnly), []);
    }

    public static PolicyDecision Decide(
        double confidence, int citations, double threshold, IReadOnlyList<GuardrailFlag> flags, IReadOnlyList<PolicyReason> holds)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(holds);
        var reasons = new List<PolicyReason>();
        if (confidence < threshold)
        {
            reasons.Add(new(LowConfidence, string.Create(CultureInfo.InvariantCulture, $"Confidence {confidence:0.00} is below the auto-send threshold {threshold:0.00}.")));
        }

        if (citations == 0)
        {
            reasons.Add(new(NoCitation, "The draft cites no knowledge-base passage."));
        }

        reasons.AddRange(flags.Select(f => new PolicyReason(f.Code, f.Reason)));
        reasons.AddRange(holds);
        return new PolicyDecision(reasons.Count == 0, reasons);
    }
}
