using SupportCopilot.Drafting.Knowledge;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class SectionRerankerTests
{
    private static readonly RerankerModel PairsOnly = new("pairs", -2, new Dictionary<string, double>(StringComparer.Ordinal) { [SectionFeatures.Bigrams] = 4 });

    private static IReadOnlyList<KnowledgeChunk> Article() => DocumentChunker.ChunkMarkdown("api.md", """
        # API

        ## Keys

        Every key is listed with its usage. Each one has a limit, and usage above it is slowed; see the rate for your plan.

        ## Rate limit

        The rate limit is 120 requests per minute.
        """, 1500).Chunks;

    [Fact]
    public void A_section_holding_the_tickets_word_pairs_outranks_one_holding_the_same_words_apart()
    {
        using var index = new KnowledgeIndex(new DraftingOptions { Retrieval = { RerankDepth = 0 } });
        index.Build(Article());
        var bm25 = index.Search(string.Empty, "what is the rate limit of a key");
        index.Reranker = new SectionReranker(index, PairsOnly);

        var reranked = index.Search(string.Empty, "what is the rate limit of a key");

        Assert.Null(bm25.LexicalTop);
        Assert.Equal("api.md#keys", bm25.Hits[0].Chunk.Source);
        Assert.Equal("api.md#rate-limit", reranked.Hits[0].Chunk.Source);
        Assert.Equal("api.md#keys", reranked.LexicalTop);
        Assert.True(reranked.Reranked);
        Assert.Equal(bm25.Hits[0].Score, reranked.Hits.Single(h => h.Chunk.Source == "api.md#keys").LexicalScore, 6);
    }

    [Fact]
    public async Task The_pipeline_reads_the_new_signals_on_probabilities_and_the_old_margins_on_bm25_scores()
    {
        var options = new DraftingOptions { Retrieval = { RerankDepth = 0 } };
        using var index = new KnowledgeIndex(options);
        index.Build(Article());
        index.Reranker = new SectionReranker(index, PairsOnly);
        var pipeline = new Drafts.DraftingPipeline(index, options);

        var result = await pipeline.RunAsync(SampleKnowledgeBase.Ticket("what is the rate limit of a key"), TestContext.Current.CancellationToken);

        var top = result.Retrieval.Hits[0];
        Assert.Equal("api.md#rate-limit", top.Chunk.Source);
        Assert.Equal(top.Score, result.Signals.SectionProbability, 6);
        Assert.Equal(top.Score / result.Retrieval.Hits.Sum(h => h.Score), result.Signals.SectionShare, 6);
        Assert.Equal(0, result.Signals.RetrieverAgreement);

        // BM25 preferred the other section: measured on BM25 scores the re-ranked top has no margin.
        Assert.True(result.Signals.Margin < 0, $"margin {result.Signals.Margin}");
    }

    [Fact]
    public void Re_ranked_hits_carry_the_models_probability_best_first_and_are_numbered_again()
    {
        using var index = SampleKnowledgeBase.Index();

        var result = index.Search(string.Empty, "How do I reset my password? I forgot it.");

        Assert.True(result.Reranked);
        Assert.All(result.Hits, h => Assert.InRange(h.Score, 0, 1));
        Assert.Equal(result.Hits.OrderByDescending(h => h.Score).Select(h => h.Chunk.ChunkId), result.Hits.Select(h => h.Chunk.ChunkId));
        Assert.Equal(Enumerable.Range(1, result.Hits.Count), result.Hits.Select(h => h.Rank));
    }

    [Fact]
    public void Below_the_re_ranked_depth_bm25s_order_stays_with_scores_under_the_lowest_probability()
    {
        using var index = SampleKnowledgeBase.Index(new DraftingOptions { Retrieval = { RerankDepth = 3 } });
        using var bm25Index = SampleKnowledgeBase.Index(new DraftingOptions { Retrieval = { RerankDepth = 0 } });

        var result = index.Search(string.Empty, "How do I reset my password? I forgot it.", 10);
        var bm25 = bm25Index.Search(string.Empty, "How do I reset my password? I forgot it.", 10);

        var head = result.Hits.Take(3).ToList();
        var tail = result.Hits.Skip(3).ToList();
        Assert.Equal(bm25.Hits.Take(3).Select(h => h.Chunk.ChunkId).Order(), head.Select(h => h.Chunk.ChunkId).Order());
        Assert.Equal(bm25.Hits.Skip(3).Select(h => h.Chunk.ChunkId), tail.Select(h => h.Chunk.ChunkId));
        Assert.All(tail, h => Assert.True(h.Score < head.Min(x => x.Score)));
        Assert.Equal(result.Hits.Select(h => h.Score).OrderDescending(), result.Hits.Select(h => h.Score));
    }

    [Fact]
    public void A_single_candidate_is_scored_as_a_probability_too()
    {
        using var index = new KnowledgeIndex(new DraftingOptions());
        index.Build(DocumentChunker.Chunk("a.md", "# Passwords\n\nReset your password from the sign-in page.", 1500).Chunks);

        var hit = Assert.Single(index.Search(string.Empty, "reset password").Hits);

        Assert.InRange(hit.Score, 0, 1);
        Assert.NotNull(hit.Lexical);
    }

    [Fact]
    public void A_depth_of_zero_leaves_bm25s_order_and_scores()
    {
        using var index = SampleKnowledgeBase.Index(new DraftingOptions { Retrieval = { RerankDepth = 0 } });

        var result = index.Search(string.Empty, "How do I reset my password? I forgot it.");

        Assert.Null(index.Reranker);
        Assert.False(result.Reranked);
        Assert.Contains(result.Hits, h => h.Score > 1);
    }

    [Fact]
    public void A_model_file_replaces_the_built_in_model_and_a_missing_one_fails_loudly()
    {
        var file = Path.Combine(Path.GetTempPath(), $"ranker-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, System.Text.Json.JsonSerializer.Serialize(PairsOnly));
        try
        {
            using var index = new KnowledgeIndex(new DraftingOptions { Retrieval = { RerankerFile = file } });

            Assert.Equal("pairs", index.Reranker!.Model.Version);
            Assert.Equal(FittedReranker.Model.Version, FittedReranker.Load(null).Version);
            Assert.ThrowsAny<IOException>(() => FittedReranker.Load(file + ".missing"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("Select Settings, then Account, and choose a new password.", 0.0)]
    [InlineData("```python\nimport anthropic\nclient = anthropic.Anthropic()\n```", 1.0)]
    [InlineData("Call it like this:\nresult = vo.embed(texts, model=\"voyage-2\", input_type=\"document\")", 0.5)]
    public void Code_share_counts_fenced_lines_and_lines_dense_in_code_punctuation(string text, double expected) =>
        Assert.Equal(expected, SectionReranker.CodeLineShare(text), 3);

    [Fact]
    public void Features_are_measured_against_the_ticket_for_every_candidate()
    {
        using var index = new KnowledgeIndex(new DraftingOptions { Retrieval = { RerankDepth = 0 } });
        index.Build(Article());
        var result = index.Search(string.Empty, "what is the rate limit of a key");
        var reranker = new SectionReranker(index, PairsOnly);

        var features = reranker.Features(result.Hits, result.Terms, index.QuerySequence(string.Empty, "what is the rate limit of a key"));

        var rateLimit = features[result.Hits.ToList().FindIndex(h => h.Chunk.Source == "api.md#rate-limit")];
        var keys = features[result.Hits.ToList().FindIndex(h => h.Chunk.Source == "api.md#keys")];
        Assert.Equal(1.0, rateLimit[SectionFeatures.HeadingInQuery], 3);
        Assert.True(rateLimit[SectionFeatures.HeadingBigrams] > 0);
        Assert.True(rateLimit[SectionFeatures.Bigrams] > keys[SectionFeatures.Bigrams]);
        Assert.Equal(1.0, keys[SectionFeatures.Bm25], 3);
        Assert.Equal(1.0, rateLimit[SectionFeatures.DocumentShare], 3);
        Assert.Equal(SectionFeatures.Names.Order(), rateLimit.Keys.Order());
    }

    [Fact]
    public void Re_ranking_computes_only_the_weighed_features_and_scores_as_the_full_set_would()
    {
        using var index = new KnowledgeIndex(new DraftingOptions { Retrieval = { RerankDepth = 0 } });
        index.Build(Article());
        var result = index.Search(string.Empty, "what is the rate limit of a key");
        var sequence = index.QuerySequence(string.Empty, "what is the rate limit of a key");
        var reranker = new SectionReranker(index, PairsOnly);

        var only = reranker.Features(result.Hits, result.Terms, sequence, PairsOnly.Weights.Keys.ToHashSet());
        var reranked = reranker.Rerank(result.Hits, result.Terms, sequence);
        var full = reranker.Features(result.Hits, result.Terms, sequence);

        Assert.All(only, row => Assert.Equal(PairsOnly.Weights.Keys.Order(), row.Keys.Order()));
        foreach (var hit in reranked)
        {
            var i = result.Hits.ToList().FindIndex(h => h.Chunk.Source == hit.Chunk.Source);
            Assert.Equal(PairsOnly.Score(full[i]), hit.Score, 9);
        }
    }
}
