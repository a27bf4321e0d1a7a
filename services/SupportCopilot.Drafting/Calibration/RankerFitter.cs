using SupportCopilot.Drafting.Knowledge;

namespace SupportCopilot.Drafting.Calibration;

/// <summary>One candidate section for one question: its features and whether it is a gold source.</summary>
internal sealed record RankerCandidate(string Source, IReadOnlyDictionary<string, double> Features, bool Gold);

/// <summary>A question's BM25 candidates, best first.</summary>
internal sealed record RankerQuestion(string Id, IReadOnlyList<RankerCandidate> Candidates);

/// <summary>Source hit@1, hit@5 and MRR of a ranking over the questions that have a gold candidate at all.</summary>
internal sealed record RankingScore(int Questions, double HitAt1, double HitAt5, double Mrr);

/// <summary>What a ranker fit produced: the model, and BM25 / in-sample / cross-validated rankings side by side.</summary>
internal sealed record RankerFit(RerankerModel Model, RankingScore Bm25, RankingScore InSample, RankingScore CrossValidated);

/// <summary>
/// Fits the section re-ranker: pointwise logistic regression (ML.NET L-BFGS) on every question's
/// top candidates, labelled by whether the candidate is a gold source; candidates are then ordered
/// by the fitted probability. The honest figure is the cross-validated one: folds by question, each
/// fold ranked by a model fitted without it.
/// </summary>
internal static class RankerFitter
{
    public static RankerFit Fit(IReadOnlyList<RankerQuestion> questions, string version, IReadOnlyList<string>? features = null, int folds = 5, float l2 = 0.1f)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var names = features ?? SectionFeatures.Names;
        var rows = Rows(questions);
        if (rows.Count < 10 || rows.All(r => r.Label) || rows.All(r => !r.Label))
        {
            throw new InvalidOperationException($"Fitting a ranker needs candidates of both kinds; got {rows.Count} ({rows.Count(r => r.Label)} gold).");
        }

        var (bias, weights) = CalibrationFitter.TrainLogistic(names, rows, l2);
        var model = new RerankerModel(version, bias, weights);

        var crossValidated = new List<IReadOnlyList<RankerCandidate>>();
        for (var fold = 0; fold < folds; fold++)
        {
            var train = questions.Where(q => CalibrationFitter.FoldOf(q.Id, folds) != fold).ToList();
            var test = questions.Where(q => CalibrationFitter.FoldOf(q.Id, folds) == fold).ToList();
            var trainRows = Rows(train);
            if (test.Count == 0 || trainRows.All(r => r.Label) || trainRows.All(r => !r.Label))
            {
                continue;
            }

            var (foldBias, foldWeights) = CalibrationFitter.TrainLogistic(names, trainRows, l2);
            var foldModel = new RerankerModel(version, foldBias, foldWeights);
            crossValidated.AddRange(test.Select(q => Order(q, foldModel)));
        }

        return new RankerFit(
            model,
            Score(questions.Select(q => q.Candidates).ToList()),
            Score(questions.Select(q => Order(q, model)).ToList()),
            Score(crossValidated));
    }

    /// <summary>The model fitted on every question outside <paramref name="fold"/> (for cross-validating what is built on the ranking).</summary>
    public static RerankerModel FitWithout(IReadOnlyList<RankerQuestion> questions, int fold, int folds, IReadOnlyList<string> features, float l2 = 0.1f)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var (bias, weights) = CalibrationFitter.TrainLogistic(features, Rows(questions.Where(q => CalibrationFitter.FoldOf(q.Id, folds) != fold)), l2);
        return new RerankerModel($"fold-{fold}", bias, weights);
    }

    public static IReadOnlyList<RankerCandidate> Order(RankerQuestion question, RerankerModel model)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(model);
        return question.Candidates
            .Select((c, i) => (Candidate: c, P: model.Score(c.Features), Rank: i))
            .OrderByDescending(x => x.P)
            .ThenBy(x => x.Rank)
            .Select(x => x.Candidate)
            .ToList();
    }

    /// <summary>hit@k and MRR over the distinct sources of each ranking (a source split into several passages counts once).</summary>
    public static RankingScore Score(IReadOnlyList<IReadOnlyList<RankerCandidate>> rankings)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        var withGold = rankings.Where(r => r.Any(c => c.Gold)).ToList();
        if (withGold.Count == 0)
        {
            return new RankingScore(0, 0, 0, 0);
        }

        double hit1 = 0, hit5 = 0, mrr = 0;
        foreach (var ranking in withGold)
        {
            var sources = ranking.DistinctBy(c => c.Source, StringComparer.Ordinal).ToList();
            var rank = sources.FindIndex(c => c.Gold) + 1;
            hit1 += rank == 1 ? 1 : 0;
            hit5 += rank is >= 1 and <= 5 ? 1 : 0;
            mrr += 1.0 / rank;
        }

        return new RankingScore(withGold.Count, hit1 / withGold.Count, hit5 / withGold.Count, mrr / withGold.Count);
    }

    private static List<(IReadOnlyDictionary<string, double> Features, bool Label)> Rows(IEnumerable<RankerQuestion> questions) =>
        questions.SelectMany(q => q.Candidates.Select(c => (c.Features, c.Gold))).ToList();
}
