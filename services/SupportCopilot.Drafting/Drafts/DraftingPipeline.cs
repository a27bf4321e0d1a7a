using SupportCopilot.Contracts;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Drafting.Policy;

namespace SupportCopilot.Drafting.Drafts;

/// <summary>Everything the pipeline decided about one ticket, with the evidence for it.</summary>
internal sealed record PipelineResult(
    SearchResult Retrieval,
    DraftComposition Draft,
    ConfidenceSignals Signals,
    double Confidence,
    PolicyDecision Decision)
{
    public IReadOnlyList<string> ReasonCodes => Decision.Reasons.Select(r => r.Code).ToList();
}

/// <summary>
/// Retrieve, draft, score confidence, apply the policy. The ticket consumer and
/// <c>copilot eval</c> both run exactly this, so the evaluation measures what production does.
/// </summary>
internal sealed class DraftingPipeline(KnowledgeIndex index, DraftingOptions options)
{
    private readonly ExtractiveDrafter _drafter = new(index);

    public string DrafterName => ExtractiveDrafter.Name;

    public async Task<PipelineResult> RunAsync(TicketContent ticket, CancellationToken cancellationToken = default)
    {
        await index.WaitUntilReadyAsync(cancellationToken);

        // Hybrid retrieval awaits the embedding deployment; BM25 alone runs inside Run.
        var retrieval = index.IsHybrid
            ? await index.SearchAsync(TicketText.StripGreetingAndSignOff(ticket.Subject ?? string.Empty), TicketText.StripGreetingAndSignOff(ticket.Body ?? string.Empty), cancellationToken: cancellationToken)
            : null;
        return Run(ticket, retrieval: retrieval);
    }

    /// <summary>Runs on the index as it is (the caller knows it is built).</summary>
    public PipelineResult Run(TicketContent ticket, double? threshold = null, SearchResult? retrieval = null)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var subject = TicketText.StripGreetingAndSignOff(ticket.Subject ?? string.Empty);
        var body = TicketText.StripGreetingAndSignOff(ticket.Body ?? string.Empty);
        retrieval ??= index.Search(subject, body);
        var draft = _drafter.Draft(ticket, retrieval);
        var signals = Signals(retrieval, draft, subject + "\n" + body);
        var confidence = ConfidenceScorer.Score(signals, options.Confidence);
        var decision = AutoSendPolicy.Decide(ticket, confidence, draft.Citations.Count, threshold ?? options.AutoSendThreshold);
        return new PipelineResult(retrieval, draft, signals, confidence, decision);
    }

    private ConfidenceSignals Signals(SearchResult retrieval, DraftComposition draft, string question)
    {
        var questions = TicketText.CountQuestions(question);
        if (retrieval.Hits.Count == 0)
        {
            return new ConfidenceSignals(0, 0, 0, 0, questions, false);
        }

        var top = retrieval.Hits[0];
        var runnerUp = retrieval.Hits.FirstOrDefault(h => h.Chunk.Source != top.Chunk.Source);
        var margin = runnerUp is null || top.Score <= 0 ? 1.0 : (top.Score - runnerUp.Score) / top.Score;
        var topFive = retrieval.Hits.Take(5).ToList();
        var agreement = topFive.Count(h => h.Chunk.DocumentId == top.Chunk.DocumentId) / (double)topFive.Count;
        return new ConfidenceSignals(
            index.Coverage(top.Chunk, retrieval.Terms),
            draft.DraftCoverage,
            margin,
            agreement,
            questions,
            draft.Citations.Count > 0);
    }
}
