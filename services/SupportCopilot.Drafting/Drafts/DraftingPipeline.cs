using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using SupportCopilot.Contracts;
using SupportCopilot.Drafting.Calibration;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Drafting.Llm;
using SupportCopilot.Drafting.Policy;

namespace SupportCopilot.Drafting.Drafts;

/// <summary>Everything the pipeline decided about one ticket, with the evidence for it.</summary>
internal sealed record PipelineResult(
    SearchResult Retrieval,
    DraftComposition Draft,
    ConfidenceSignals Signals,
    double Confidence,
    PolicyDecision Decision,
    IReadOnlyList<GuardrailFlag> Guardrails,
    string Drafter,
    DraftInsights Insights)
{
    public IReadOnlyList<string> ReasonCodes => Decision.Reasons.Select(r => r.Code).ToList();

    public IReadOnlyDictionary<string, double> Features => ConfidenceFeatures.Of(Signals);
}

/// <summary>
/// Retrieve, triage (model, when configured), draft (offline or model), verify (model), check the
/// guardrails, score confidence with the current policy, decide; a shadow policy, when one is
/// stored, scores the same draft beside it and decides nothing. The ticket consumer and
/// <c>copilot eval</c> both run exactly this, so the evaluation measures what production does.
/// </summary>
internal sealed partial class DraftingPipeline
{
    private readonly KnowledgeIndex _index;
    private readonly DraftingOptions _options;
    private readonly IPolicySource _policies;
    private readonly IDraftingModel? _model;
    private readonly ExtractiveDrafter _offline;
    private readonly Guardrails _guardrails;
    private readonly ConditionalWeakTable<KnowledgeChunk, List<IReadOnlySet<string>>> _sentenceTerms = new();

    public DraftingPipeline(KnowledgeIndex index, DraftingOptions options, IPolicySource? policies = null, IDraftingModel? model = null)
    {
        _index = index;
        _options = options;
        _policies = policies ?? new FixedPolicySource(ConfidencePolicy.FromOptions(options.Confidence, options.AutoSendThreshold));
        _model = model;
        _offline = new ExtractiveDrafter(index);
        _guardrails = new Guardrails(options.Guardrails);
    }

    public string DrafterName => _model?.Name ?? ExtractiveDrafter.Name;

    public async Task<PipelineResult> RunAsync(TicketContent ticket, CancellationToken cancellationToken = default)
    {
        await _index.WaitUntilReadyAsync(cancellationToken);
        return await RunAsync(ticket, null, cancellationToken);
    }

    /// <summary>Runs on the index as it is (the caller knows it is built); <paramref name="threshold"/> overrides the policy's.</summary>
    public async Task<PipelineResult> RunAsync(TicketContent ticket, double? threshold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var subject = TicketText.StripGreetingAndSignOff(ticket.Subject ?? string.Empty);
        var body = TicketText.StripGreetingAndSignOff(ticket.Body ?? string.Empty);
        // Hybrid retrieval awaits the embedding deployment; BM25 alone answers at once.
        var retrieval = _index.IsHybrid
            ? await _index.SearchAsync(subject, body, cancellationToken: cancellationToken)
            : _index.Search(subject, body);
        var policies = await _policies.CurrentAsync(cancellationToken);

        ModelOutcome? modelOutcome = null;
        DraftComposition draft;
        if (_model is null)
        {
            draft = _offline.Draft(ticket, retrieval);
        }
        else
        {
            modelOutcome = await _model.RunAsync(ticket, retrieval, cancellationToken);
            draft = modelOutcome.Draft ?? _offline.Draft(ticket, retrieval);
        }

        var question = subject + "\n" + body;
        var topCoverage = retrieval.Hits.Count == 0 ? 0 : _index.Coverage(retrieval.Hits[0].Chunk, retrieval.Terms);
        var evidence = new GuardrailEvidence(
            topCoverage,
            KnowledgeIndex.OutOfVocabularyShare(retrieval.Terms),
            UncoveredQuestions(question),
            _model?.AnswerLanguages ?? _options.Guardrails.OfflineLanguages,
            modelOutcome?.Triage?.Category,
            modelOutcome?.Triage?.Answerable,
            retrieval.Reranked && retrieval.Hits.Count > 0 ? retrieval.Hits[0].Score : null);
        var flags = _guardrails.Check(ticket, evidence);
        var verifierFailed = modelOutcome?.Verification is { Supported: false };
        var signals = Signals(retrieval, draft, question, topCoverage) with { VerifierFailed = verifierFailed, GuardFlags = flags.Count };

        var holds = modelOutcome?.Holds ?? [];
        var confidence = policies.Live.Score(signals);
        var decision = AutoSendPolicy.Decide(confidence, draft.Citations.Count, threshold ?? policies.Live.Threshold, flags, holds);

        ShadowDecision? shadow = null;
        if (policies.Shadow is { } shadowPolicy)
        {
            var shadowConfidence = shadowPolicy.Score(signals);
            var shadowDecision = AutoSendPolicy.Decide(shadowConfidence, draft.Citations.Count, shadowPolicy.Threshold, flags, holds);
            shadow = new ShadowDecision(shadowPolicy.Version, Math.Round(shadowConfidence, 4), shadowDecision.AutoSend);
        }

        var language = modelOutcome?.Triage?.Language ?? LanguageGuess.Detect(ticket.Language, question) ?? "en";
        var insights = new DraftInsights(
            modelOutcome?.Triage?.Category ?? OfflineCategory(flags, draft),
            language,
            modelOutcome?.Triage?.Sentiment ?? OfflineSentiment(question, flags),
            policies.Live.Version,
            modelOutcome?.Verification,
            modelOutcome?.Usage,
            modelOutcome?.ClarifyingQuestion,
            shadow,
            decision.Reasons.Select(r => new DraftReason(r.Code, r.Text)).ToList());
        return new PipelineResult(retrieval, draft, signals, confidence, decision, flags, modelOutcome?.Draft is null ? ExtractiveDrafter.Name : DrafterName, insights);
    }

    /// <summary>
    /// The questions of a ticket asking several things that, searched on their own, find no
    /// passage holding enough of their words: a draft would answer only part of the ticket.
    /// </summary>
    private List<string> UncoveredQuestions(string text)
    {
        var questions = QuestionSentence().Matches(text)
            .SelectMany(m => QuestionJoint().Split(m.Value))
            .Select(q => q.Trim())
            .Where(q => _index.Analyze(q).Count >= 2)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (questions.Count < 2)
        {
            return [];
        }

        var uncovered = new List<string>();
        foreach (var question in questions)
        {
            var result = _index.Search(string.Empty, question, 3);
            var coverage = result.Hits.Count == 0 ? 0 : result.Hits.Max(h => _index.Coverage(h.Chunk, result.Terms));
            if (coverage < _options.Guardrails.MinQuestionCoverage || KnowledgeIndex.OutOfVocabularyShare(result.Terms) > _options.Guardrails.MaxOutOfVocabulary)
            {
                uncovered.Add(question);
            }
        }

        return uncovered;
    }

    private ConfidenceSignals Signals(SearchResult retrieval, DraftComposition draft, string question, double topCoverage)
    {
        var questions = TicketText.CountQuestions(question);
        if (retrieval.Hits.Count == 0)
        {
            return new ConfidenceSignals(0, 0, 0, 0, questions, false, OutOfVocabulary: KnowledgeIndex.OutOfVocabularyShare(retrieval.Terms));
        }

        var top = retrieval.Hits[0];
        var runnerUp = retrieval.Hits.FirstOrDefault(h => h.Chunk.Source != top.Chunk.Source);
        var margin = runnerUp is null || top.LexicalScore <= 0 ? 1.0 : (top.LexicalScore - runnerUp.LexicalScore) / top.LexicalScore;
        var topFive = retrieval.Hits.Take(5).ToList();
        var agreement = topFive.Count(h => h.Chunk.DocumentId == top.Chunk.DocumentId) / (double)topFive.Count;
        var runnerUpCoverage = runnerUp is null ? 0 : _index.Coverage(runnerUp.Chunk, retrieval.Terms);
        var headingTerms = _index.Analyze(top.Chunk.HeadingPath).ToHashSet(StringComparer.Ordinal);
        var sources = retrieval.Hits.GroupBy(h => h.Chunk.Source, StringComparer.Ordinal).Select(g => g.Max(h => h.LexicalScore)).Take(5).ToList();
        var probabilities = retrieval.Hits.GroupBy(h => h.Chunk.Source, StringComparer.Ordinal).Select(g => g.Max(h => h.Score)).Take(5).ToList();
        var scoreSum = sources.Sum();
        var sibling = retrieval.Hits.FirstOrDefault(h => h.Chunk.DocumentId == top.Chunk.DocumentId && h.Chunk.Source != top.Chunk.Source);
        var bestSentences = retrieval.Hits
            .GroupBy(h => h.Chunk.Source, StringComparer.Ordinal)
            .Take(5)
            .Select(g => (Source: g.Key, Coverage: BestSentenceCoverage(g.First().Chunk, retrieval.Terms)))
            .ToList();
        var topSentence = bestSentences[0].Coverage;
        return new ConfidenceSignals(
            topCoverage,
            draft.DraftCoverage,
            margin,
            agreement,
            questions,
            draft.Citations.Count > 0,
            HeadingCoverage: KnowledgeIndex.Coverage(headingTerms, retrieval.Terms),
            CoverageMargin: topCoverage - runnerUpCoverage,
            ScoreShare: scoreSum <= 0 ? 0 : top.LexicalScore / scoreSum,
            OutOfVocabulary: KnowledgeIndex.OutOfVocabularyShare(retrieval.Terms),
            SentenceAgreement: bestSentences.Skip(1).All(b => b.Coverage <= topSentence) ? 1 : 0,
            BestSentenceCoverage: topSentence,
            SiblingMargin: sibling is null || top.LexicalScore <= 0 ? 1.0 : (top.LexicalScore - sibling.LexicalScore) / top.LexicalScore,
            SectionProbability: retrieval.Reranked ? top.Score : 0,
            SectionShare: retrieval.Reranked && probabilities.Sum() > 0 ? top.Score / probabilities.Sum() : 0,
            RetrieverAgreement: retrieval.Reranked && retrieval.LexicalTop == top.Chunk.Source ? 1 : 0);
    }

    /// <summary>Share of the query's weight held by the passage's single best sentence.</summary>
    private double BestSentenceCoverage(KnowledgeChunk chunk, IReadOnlyList<QueryTerm> terms)
    {
        // Analysing a passage's sentences is most of this signal's cost; chunks are immutable and
        // the table forgets them with the index build that made them.
        var sentences = _sentenceTerms.GetValue(chunk, c =>
            SentenceSplitter.Split(c.Text).Select(s => (IReadOnlySet<string>)_index.Analyze(s.Of(c.Text)).ToHashSet(StringComparer.Ordinal)).ToList());
        return sentences.Count == 0 ? 0 : sentences.Max(present => KnowledgeIndex.Coverage(present, terms));
    }

    private static string OfflineCategory(IReadOnlyList<GuardrailFlag> flags, DraftComposition draft) =>
        flags.FirstOrDefault()?.Category ?? (draft.Citations.Count > 0 ? "how-to" : "general");

    private static string OfflineSentiment(string text, IReadOnlyList<GuardrailFlag> flags)
    {
        if (flags.Any(f => f.Category is Guardrails.Hostile or Guardrails.Legal))
        {
            return "negative";
        }

        return Positive().IsMatch(text) ? "positive" : "neutral";
    }

    [GeneratedRegex(@"[^.?!\n]*\?")]
    private static partial Regex QuestionSentence();

    /// <summary>Where one sentence asks a second thing: "..., and can you also ...", "... and is it true ...".</summary>
    [GeneratedRegex(@",?\s+(?:and|also|plus)\s+(?:also\s+)?(?=(?:can|could|would|will|do|does|did|is|are|was|why|when|what|how|where|who)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex QuestionJoint();

    [GeneratedRegex(@"\b(love|great|awesome|amazing|fantastic|excellent|brilliant|thank\s+you\s+so\s+much|really\s+appreciate)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Positive();
}
