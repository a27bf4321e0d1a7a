using SupportCopilot.Contracts;
using SupportCopilot.Drafting.Drafts;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Drafting.Policy;

namespace SupportCopilot.Drafting.Llm;

/// <summary>What the triage role found.</summary>
internal sealed record TriageResult(string? Category, string? Language, string? Sentiment, bool? Answerable, string? Reason);

/// <summary>
/// What the model roles produced for one ticket. <see cref="Draft"/> is null when the model gave no
/// usable draft (refusal, error, invalid output): the pipeline then falls back to the offline draft
/// and <see cref="Holds"/> says why a person must look at it. Nothing here ever lets a ticket go.
/// </summary>
internal sealed record ModelOutcome(
    DraftComposition? Draft,
    TriageResult? Triage,
    DraftVerification? Verification,
    TokenUsage? Usage,
    string? ClarifyingQuestion,
    IReadOnlyList<PolicyReason> Holds);

/// <summary>A drafter backed by a language model (triage, draft, verify), in place of the offline one.</summary>
internal interface IDraftingModel
{
    string Name { get; }

    /// <summary>Languages it answers in; empty: any (the prompt asks for the ticket's language).</summary>
    IReadOnlyList<string> AnswerLanguages { get; }

    Task<ModelOutcome> RunAsync(TicketContent ticket, SearchResult retrieval, CancellationToken cancellationToken);
}
