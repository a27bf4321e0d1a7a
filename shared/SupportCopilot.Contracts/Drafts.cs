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
    DateTimeOffset DraftedAt);
