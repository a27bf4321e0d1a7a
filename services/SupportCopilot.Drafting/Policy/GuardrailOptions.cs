namespace SupportCopilot.Drafting.Policy;

/// <summary>
/// The categories a person must always handle, bound from <c>Drafting:Guardrails</c>. The built-in
/// categories (<see cref="Guardrails.BuiltIn"/>) are on unless a category says <c>Enabled: false</c>;
/// any category, built-in or new, may add regular expressions (<c>Patterns</c>) matched against the
/// ticket's subject and body, and its own sentence for the review item (<c>Reason</c>).
/// </summary>
internal sealed class GuardrailOptions
{
    public Dictionary<string, GuardrailCategoryOptions> Categories { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Below this share of the ticket's weight in the best passage the ticket is treated as outside
    /// the knowledge base (<c>out_of_scope</c>), whatever the confidence says.
    /// </summary>
    public double MinTopCoverage { get; set; } = 0.2;

    /// <summary>
    /// Above this share of the ticket's weight in words no passage contains ("Figma", "Jira", "SLA")
    /// the ticket asks about something the knowledge base does not know (<c>out_of_scope</c>).
    /// </summary>
    public double MaxOutOfVocabulary { get; set; } = 0.6;

    /// <summary>
    /// Below this probability, by the section re-ranker, that the best passage answers the ticket,
    /// the ticket is treated as outside the knowledge base (<c>out_of_scope</c>): even odds, the
    /// point where the best section is more likely wrong than right. 0 turns the rule off.
    /// </summary>
    public double MinSectionProbability { get; set; } = 0.5;

    /// <summary>
    /// A ticket with several questions is only partly answerable when one of its questions, searched
    /// on its own, finds no passage holding at least this share of that question's weight.
    /// </summary>
    public double MinQuestionCoverage { get; set; } = 0.45;

    /// <summary>Languages (ISO 639-1) the offline drafter answers in: the knowledge base's language.</summary>
    public List<string> OfflineLanguages { get; set; } = ["en"];
}

internal sealed class GuardrailCategoryOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Extra regular expressions (case-insensitive) that put a ticket in this category.</summary>
    public List<string> Patterns { get; set; } = [];

    /// <summary>What the review item says; the built-in sentence when empty.</summary>
    public string? Reason { get; set; }
}
