using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCopilot.Contracts;
using SupportCopilot.Data;
using SupportCopilot.Drafting.Calibration;
using SupportCopilot.Drafting.Database;
using SupportCopilot.Drafting.Drafts;
using SupportCopilot.Drafting.Knowledge;
using SupportCopilot.Drafting.Llm;
using SupportCopilot.Drafting.Policy;

namespace SupportCopilot.Drafting.Evaluation;

/// <summary>
/// Runs an evaluation set through the production pipeline: the knowledge base is imported into a
/// throwaway SQLite folder (the same importer, chunker and index the service uses), then every
/// question becomes a ticket: the question text is the body, the subject is empty (the sets have
/// none), the customer has no name and the language tag is empty, so the policy's own language
/// guess decides, as for a helpdesk that sends no language.
/// </summary>
internal sealed class EvaluationRunner(DraftingOptions options)
{
    public async Task<(EvalReport Report, ImportResult Import)> RunAsync(
        string knowledgeBase,
        IReadOnlyList<EvalQuestion> questions,
        double threshold,
        Action<string>? onPhase = null,
        Action<EvalOutcome>? onQuestion = null,
        IPolicySource? policies = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var directory = Path.Combine(Path.GetTempPath(), "copilot-eval", Guid.NewGuid().ToString("N"));
        try
        {
            var database = new DraftingDatabase(new DatabaseSettings { Provider = DatabaseProvider.Sqlite, DataDirectory = directory });
            await Migrator.MigrateAsync(database, DraftingMigrations.All, NullLogger.Instance, cancellationToken);
            onPhase?.Invoke("import");
            var import = await new KnowledgeImporter(database, options).ImportFolderAsync(knowledgeBase, cancellationToken: cancellationToken);
            using var index = new KnowledgeIndex(options);
            await index.RebuildAsync(database, cancellationToken);
            // With Drafting__Llm__* set, the model drafts here as it does in the service (and costs the same).
            var model = options.Llm.Provider == LlmProvider.None ? null : LlmDrafting.Create(options.Llm, index);
            var pipeline = new DraftingPipeline(index, options, policies, model);

            // One warm-up so that JIT time does not count as the first question's latency.
            await pipeline.RunAsync(Ticket("warm up"), threshold, cancellationToken);

            onPhase?.Invoke("questions");
            var outcomes = new List<EvalOutcome>(questions.Count);
            foreach (var question in questions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                var result = await pipeline.RunAsync(Ticket(question.Question), threshold, cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var outcome = new EvalOutcome(
                    question.Id,
                    result.Retrieval.Hits.Select(h => h.Chunk.Source).Distinct(StringComparer.Ordinal).ToList(),
                    result.Draft.Citations.FirstOrDefault()?.Source,
                    result.Decision.AutoSend,
                    result.Confidence,
                    result.Decision.Reasons.All(r => r.Code == AutoSendPolicy.LowConfidence),
                    result.ReasonCodes,
                    elapsed,
                    result.Signals,
                    result.Features,
                    result.Insights.PolicyVersion);
                outcomes.Add(outcome);
                onQuestion?.Invoke(outcome);
            }

            return (EvaluationScorer.Score(questions, outcomes, threshold, pipeline.DrafterName), import);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temp folder; harmless.
            }
        }
    }

    /// <summary>
    /// Each answerable question's top <paramref name="depth"/> BM25 candidates (before re-ranking)
    /// with their re-ranker features and gold labels: what <c>copilot calibrate ranker</c> fits on.
    /// </summary>
    public async Task<IReadOnlyList<RankerQuestion>> CandidatesAsync(string knowledgeBase, IReadOnlyList<EvalQuestion> questions, int depth, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var directory = Path.Combine(Path.GetTempPath(), "copilot-eval", Guid.NewGuid().ToString("N"));
        try
        {
            var database = new DraftingDatabase(new DatabaseSettings { Provider = DatabaseProvider.Sqlite, DataDirectory = directory });
            await Migrator.MigrateAsync(database, DraftingMigrations.All, NullLogger.Instance, cancellationToken);
            await new KnowledgeImporter(database, options).ImportFolderAsync(knowledgeBase, cancellationToken: cancellationToken);
            using var index = new KnowledgeIndex(options);
            await index.RebuildAsync(database, cancellationToken);
            var features = index.Reranker ?? new SectionReranker(index, FittedReranker.Model);
            var result = new List<RankerQuestion>();
            foreach (var question in questions.Where(q => q.Answerable))
            {
                // The pipeline searches the ticket with its greeting and sign-off stripped; so does this.
                var body = TicketText.StripGreetingAndSignOff(question.Question);
                var candidates = index.Candidates(string.Empty, body, depth);
                var sequence = index.QuerySequence(string.Empty, body);
                var rows = features.Features(candidates.Hits, candidates.Terms, sequence);
                result.Add(new RankerQuestion(
                    question.Id,
                    candidates.Hits.Select((h, i) => new RankerCandidate(h.Chunk.Source, rows[i], EvaluationScorer.MatchesAny(h.Chunk.Source, question.Gold))).ToList()));
            }

            return result;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temp folder; harmless.
            }
        }
    }

    private static TicketContent Ticket(string question) => new(
        Guid.NewGuid(),
        "eval",
        "eval",
        string.Empty,
        question,
        new Customer(string.Empty, string.Empty),
        string.Empty,
        DateTimeOffset.UtcNow);
}
