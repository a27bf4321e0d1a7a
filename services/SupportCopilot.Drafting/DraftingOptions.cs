using SupportCopilot.Drafting.Drafts;
using SupportCopilot.Drafting.Llm;
using SupportCopilot.Drafting.Policy;
using SupportCopilot.Hosting;

namespace SupportCopilot.Drafting;

/// <summary>
/// Settings of the Drafting service, bound from the configuration section <c>Drafting</c>.
/// Every default lives here in code: the project has no appsettings.json because the standalone
/// host references it.
/// </summary>
internal sealed class DraftingOptions
{
    public const string SectionName = "Drafting";

    /// <summary>A draft is sent on its own only at or above this confidence (and with a citation, and not guarded).</summary>
    public double AutoSendThreshold { get; set; } = 0.8;

    public KnowledgeBaseOptions KnowledgeBase { get; set; } = new();

    public RetrievalOptions Retrieval { get; set; } = new();

    public Knowledge.EmbeddingOptions Embeddings { get; set; } = new();

    public ConfidenceOptions Confidence { get; set; } = new();

    public GuardrailOptions Guardrails { get; set; } = new();

    public LlmOptions Llm { get; set; } = new();

    public static OptionsRules<DraftingOptions> Rules { get; } = new(
        (o => o.AutoSendThreshold is < 0 or > 1 || double.IsNaN(o.AutoSendThreshold), "Drafting:AutoSendThreshold must be between 0 and 1."),
        (o => o.KnowledgeBase.MaxChunkChars is < 200 or > 100_000, "Drafting:KnowledgeBase:MaxChunkChars must be between 200 and 100000."),
        (o => o.KnowledgeBase.MaxFileBytes < 1, "Drafting:KnowledgeBase:MaxFileBytes must be positive."),
        (o => o.Retrieval.RrfK < 1 || o.Retrieval.HybridCandidates is < 1 or > 1000 || o.Retrieval.QuestionWeight < 0 || o.Retrieval.QuestionMaxTermShare is <= 0 or > 1,
            "Drafting:Retrieval:RrfK must be positive, HybridCandidates between 1 and 1000, QuestionWeight not negative, QuestionMaxTermShare above 0 and at most 1."),
        (o => o.Embeddings.Validate() is not null, "Drafting:Embeddings: Endpoint (an absolute URL) and Deployment are required together, Provider must be AzureOpenAI or OpenAI."),
        (o => o.Retrieval.TopPassages is < 1 or > 100, "Drafting:Retrieval:TopPassages must be between 1 and 100."),
        (o => o.Retrieval.TitleBoost <= 0 || o.Retrieval.HeadingsBoost <= 0 || o.Retrieval.BodyBoost <= 0 || o.Retrieval.SubjectWeight <= 0,
            "Drafting:Retrieval:TitleBoost, HeadingsBoost, BodyBoost and SubjectWeight must be positive."),
        (o => o.Retrieval.LeadSectionWeight is <= 0 or > 1, "Drafting:Retrieval:LeadSectionWeight must be above 0 and at most 1."),
        (o => o.Retrieval.RerankDepth is < 0 or > 100, "Drafting:Retrieval:RerankDepth must be between 0 and 100."),
        (o => !string.IsNullOrWhiteSpace(o.Retrieval.RerankerFile) && !File.Exists(o.Retrieval.RerankerFile), "Drafting:Retrieval:RerankerFile must name an existing file."),
        (o => o.Guardrails.MinSectionProbability is < 0 or > 1, "Drafting:Guardrails:MinSectionProbability must be between 0 and 1."),
        (o => o.Guardrails.MinTopCoverage is < 0 or > 1 || o.Guardrails.MinQuestionCoverage is < 0 or > 1 || o.Guardrails.MaxOutOfVocabulary is < 0 or > 1,
            "Drafting:Guardrails:MinTopCoverage, MinQuestionCoverage and MaxOutOfVocabulary must be between 0 and 1."),
        (o => !GuardrailPatternsCompile(o.Guardrails), "Drafting:Guardrails:Categories:*:Patterns must be valid regular expressions."),
        (o => o.Llm.Provider != LlmProvider.None && (o.Llm.Endpoint is null || string.IsNullOrWhiteSpace(o.Llm.Deployments.Draft)),
            "Drafting:Llm:Endpoint and Drafting:Llm:Deployments:Draft are required when Drafting:Llm:Provider is set."),
        (o => o.Llm.TimeoutSeconds is < 1 or > 600 || o.Llm.MaxRetries is < 0 or > 10 || o.Llm.Passages is < 1 or > 20,
            "Drafting:Llm:TimeoutSeconds must be 1-600, MaxRetries 0-10 and Passages 1-20."));

    private static bool GuardrailPatternsCompile(GuardrailOptions guardrails)
    {
        try
        {
            _ = new Guardrails(guardrails);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

internal sealed class KnowledgeBaseOptions
{
    /// <summary>When set, this folder is imported at start (after migrations); unchanged files are skipped.</summary>
    public string? ImportFolder { get; set; }

    /// <summary>Sections longer than this are split at sentence boundaries.</summary>
    public int MaxChunkChars { get; set; } = 1500;

    /// <summary>A larger file is not imported (reported in the import summary); the default is 50 MiB.</summary>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Index replies agents approved (or edited and sent) as knowledge entries (answer memory).</summary>
    public bool RememberApprovedAnswers { get; set; } = true;
}

internal sealed class RetrievalOptions
{
    /// <summary>How many passages a search returns (the drafter and confidence look at these).</summary>
    public int TopPassages { get; set; } = 10;

    /// <summary>Query-time boost of the document title field.</summary>
    public float TitleBoost { get; set; } = 1.0f;

    /// <summary>
    /// Query-time boost of the heading path field. 1.0 (each field scored by BM25 on its own and
    /// summed) measured best on both evaluation sets; higher boosts over-rank sections whose heading
    /// shares a word with the ticket (docs/evaluation.md).
    /// </summary>
    public float HeadingsBoost { get; set; } = 1.0f;

    /// <summary>Query-time boost of the passage body.</summary>
    public float BodyBoost { get; set; } = 1.0f;

    /// <summary>
    /// Score multiplier for an article's lead (the text under the title, before the first
    /// sub-heading). Leads are overviews that mention every topic of the article and so win on
    /// word overlap, while the answer sits in a section below. 1.0 turns it off.
    /// </summary>
    public double LeadSectionWeight { get; set; } = 0.8;

    /// <summary>Weight of the ticket subject's terms relative to the body's (1.0).</summary>
    public float SubjectWeight { get; set; } = 2.0f;

    /// <summary>
    /// Weight of each question's own ranking, beside the whole ticket's (1.0), when a ticket asks
    /// several questions (reciprocal rank fusion). 0 searches the whole ticket only.
    /// </summary>
    public double QuestionWeight { get; set; } = 0.5;

    /// <summary>
    /// A question's own search leaves out terms held by more than this share of passages: BM25
    /// gives them little weight, and their long posting lists are most of the search's cost. 1.0
    /// keeps every term.
    /// </summary>
    public double QuestionMaxTermShare { get; set; } = 1.0;

    /// <summary>The k of reciprocal rank fusion: higher flattens the difference between ranks.</summary>
    public int RrfK { get; set; } = 60;

    /// <summary>How many passages each of BM25 and the vector search hand to the fusion (hybrid search).</summary>
    public int HybridCandidates { get; set; } = 50;

    /// <summary>
    /// How many of the whole ticket's top BM25 passages the section re-ranker re-orders
    /// (Knowledge/Search/SectionReranker, docs/retrieval.md); 0 or 1 turns it off.
    /// </summary>
    public int RerankDepth { get; set; } = 10;

    /// <summary>
    /// A re-ranker model written by <c>copilot calibrate ranker --out</c> (JSON) to use instead of
    /// the built-in one, e.g. fitted on this knowledge base's own questions. Empty: the built-in one.
    /// </summary>
    public string? RerankerFile { get; set; }
}
