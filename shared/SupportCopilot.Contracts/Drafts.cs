namespace SupportCopilot.Contracts;

/// <summary>A passage a draft relies on. <see cref="Source"/> is <c>document#anchor</c>.</summary>
public sealed record Citation(string Source, string Title, string Passage);

/// <summary>
/// Published by Drafting for every ticket it drafted. <see cref="AutoSend"/> is the policy's
/// verdict; when false, <see cref="Reasons"/> says why a person must look at it.
/// </summary>
public sealed record DraftReady(
    Guid DraftId,
    TicketContent Ticket,
    string Text,
    IReadOnlyList<Citation> Citations,
    double Confidence,
    bool AutoSend,
    IReadOnlyList<string> Reasons,
    string Drafter,
    DateTimeOffset DraftedAt,
    DraftInsights? Insights = null);

/// <summary>
/// What the drafting pipeline learned beyond the draft itself, for the agent and for metrics.
/// Null fields were not determined (no triage model, no verifier configured).
/// </summary>
/// <param name="Category">Triage category (e.g. <c>how-to</c>, <c>billing</c>); guards use it too.</param>
/// <param name="Language">The ticket's language as detected (BCP 47, e.g. <c>en</c>).</param>
/// <param name="Sentiment"><c>positive</c>, <c>neutral</c> or <c>negative</c>.</param>
/// <param name="PolicyVersion">Version of the confidence calibration and threshold that judged the draft.</param>
/// <param name="Verification">The verifier's verdict on the draft's claims, when a verifier ran.</param>
/// <param name="Usage">Model tokens spent on this ticket and their estimated cost.</param>
/// <param name="ClarifyingQuestion">A question to ask the customer when the ticket is ambiguous.</param>
/// <param name="Shadow">What a shadow policy or model would have decided; it decided nothing.</param>
/// <param name="ReasonTexts">
/// For each code in <see cref="DraftReady.Reasons"/>, the sentence that tells the agent why (what rule fired, on
/// which words, which threshold). Codes stay in <c>Reasons</c> for metrics; this is for people.
/// </param>
public sealed record DraftInsights(
    string? Category,
    string? Language,
    string? Sentiment,
    string PolicyVersion,
    DraftVerification? Verification = null,
    TokenUsage? Usage = null,
    string? ClarifyingQuestion = null,
    ShadowDecision? Shadow = null,
    IReadOnlyList<DraftReason>? ReasonTexts = null);

/// <summary>Why a draft waits for a person: the stable code and a sentence for the agent.</summary>
public sealed record DraftReason(string Code, string Text);

/// <summary>The verifier's verdict: <see cref="UnsupportedSentences"/> lists the draft's sentences no cited passage supports.</summary>
public sealed record DraftVerification(bool Supported, IReadOnlyList<string> UnsupportedSentences, string Verifier);

/// <summary>Tokens across every model call for one ticket (triage, draft, verify) and what they cost.</summary>
public sealed record TokenUsage(long InputTokens, long OutputTokens, decimal EstimatedCostUsd);

/// <summary>A shadow policy's verdict, recorded beside the live one for comparison.</summary>
public sealed record ShadowDecision(string PolicyVersion, double Confidence, bool WouldAutoSend);
