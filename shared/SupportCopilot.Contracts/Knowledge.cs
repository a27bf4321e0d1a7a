namespace SupportCopilot.Contracts;

/// <summary>What happened to the documents a <see cref="KnowledgeChanged"/> names.</summary>
public static class KnowledgeChange
{
    public const string Imported = "imported";
    public const string Removed = "removed";
    public const string AnswerRemembered = "answer-remembered";
    public const string Embedded = "embedded";
}

/// <summary>
/// Published by Drafting (through its outbox, in the transaction that changed the chunks) whenever
/// the knowledge base changes. Every Drafting instance receives it on a queue of its own and brings
/// its search index in step with the database.
/// </summary>
public sealed record KnowledgeChanged(IReadOnlyList<string> DocumentIds, string Change, DateTimeOffset ChangedAt);
