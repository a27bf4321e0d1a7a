using SupportCopilot.Drafting.Calibration;
using SupportCopilot.Drafting.Knowledge;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class RankerFitterTests
{
    /// <summary>
    /// Questions whose gold section is BM25's second in 40 % of them, and always the candidate
    /// with the most of the ticket's word pairs: a ranker that learns the pairs fixes BM25's order.
    /// </summary>
    private static List<RankerQuestion> Questions(int count = 100)
    {
        var random = new Random(11);
        var questions = new List<RankerQuestion>();
        for (var q = 0; q < count; q++)
        {
            var goldAt = random.NextDouble() < 0.4 ? 1 : 0;
            var candidates = Enumerable.Range(0, 5).Select(i => new RankerCandidate(
                $"doc{q}.md#s{i}",
                new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    [SectionFeatures.Bm25] = 1 - (0.1 * i),
                    [SectionFeatures.Bigrams] = i == goldAt ? 0.6 + (0.4 * random.NextDouble()) : 0.4 * random.NextDouble(),
                },
                i == goldAt)).ToList();
            questions.Add(new RankerQuestion("q" + q, candidates));
        }

        return questions;
    }

    [Fact]
    public void The_fitted_ranker_puts_the_gold_section_first_in_and_out_of_sample()
    {
        var fit = RankerFitter.Fit(Questions(), "rank-test", [SectionFeatures.Bm25, SectionFeatures.Bigrams]);

        Assert.InRange(fit.Bm25.HitAt1, 0.5, 0.7);
        Assert.Equal(1.0, fit.InSample.HitAt1, 3);
        Assert.True(fit.CrossValidated.HitAt1 > 0.95, $"cross-validated hit@1 {fit.CrossValidated.HitAt1}");
        Assert.True(fit.Model.Weights[SectionFeatures.Bigrams] > 0);
        Assert.Equal(100, fit.CrossValidated.Questions);
    }

    [Fact]
    public void Scores_count_a_source_split_into_several_passages_once_and_skip_questions_without_gold()
    {
        static RankerCandidate C(string source, bool gold) => new(source, new Dictionary<string, double>(), gold);

        var score = RankerFitter.Score(
        [
            [C("a.md#x", false), C("a.md#x", false), C("a.md#gold", true)],
            [C("b.md#gold", true)],
            [C("c.md#none", false)],
        ]);

        Assert.Equal(2, score.Questions);
        Assert.Equal(0.5, score.HitAt1, 3);
        Assert.Equal(0.75, score.Mrr, 3);
    }

    [Fact]
    public void Candidates_of_only_one_kind_are_refused_with_a_reason()
    {
        var allWrong = Questions().Select(q => q with { Candidates = q.Candidates.Select(c => c with { Gold = false }).ToList() }).ToList();

        var error = Assert.Throws<InvalidOperationException>(() => RankerFitter.Fit(allWrong, "rank-test"));
        Assert.Contains("both kinds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_fitted_without_a_fold_never_saw_its_questions()
    {
        var questions = Questions();

        // Fold 0's gold sections are made the BM25 top with no word pairs: a model that saw them would learn less from pairs.
        var poisoned = questions.Select(q => CalibrationFitter.FoldOf(q.Id, 5) == 0
            ? q with { Candidates = q.Candidates.Select(c => c with { Gold = !c.Gold && c.Features[SectionFeatures.Bm25] < 0.65 }).ToList() }
            : q).ToList();

        var without = RankerFitter.FitWithout(poisoned, 0, 5, [SectionFeatures.Bm25, SectionFeatures.Bigrams]);
        var clean = RankerFitter.FitWithout(questions, 0, 5, [SectionFeatures.Bm25, SectionFeatures.Bigrams]);

        Assert.Equal(clean.Weights[SectionFeatures.Bigrams], without.Weights[SectionFeatures.Bigrams], 6);
        Assert.Equal(clean.Bias, without.Bias, 6);
    }
}
