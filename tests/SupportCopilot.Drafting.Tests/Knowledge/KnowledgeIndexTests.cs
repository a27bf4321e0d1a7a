using SupportCopilot.Drafting.Knowledge;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class KnowledgeIndexTests
{
    [Theory]
    [InlineData("How do I reset my password? I forgot it.", "account/reset-password.md")]
    [InlineData("What is the API rate limit? Our script gets 429 errors.", "integrations/api-tokens.md#rate-limits")]
    [InlineData("How do I export all my pages as Markdown?", "integrations/export-your-workspace.md")]
    [InlineData("I lost my phone with the authenticator app on it", "account/two-factor-authentication.md#lost-or-replaced-phone")]
    public void Bm25_ranks_the_section_that_answers_the_question_first(string question, string expected)
    {
        using var index = SampleKnowledgeBase.Index();

        var result = index.Search(string.Empty, question);

        Assert.StartsWith(expected, result.Hits[0].Chunk.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_syntax_in_a_ticket_is_just_words()
    {
        using var index = SampleKnowledgeBase.Index();

        var result = index.Search("title:(\"reset", "password* AND OR NOT ~2 ^10 [a TO z] \\ { } /regex/");

        Assert.NotEmpty(result.Hits);
    }

    [Fact]
    public void Subject_terms_weigh_more_than_body_terms()
    {
        using var index = SampleKnowledgeBase.Index();

        var result = index.Search("Slack notifications", "also something about exporting");

        Assert.StartsWith("integrations/slack.md", result.Hits[0].Chunk.Source, StringComparison.Ordinal);
        Assert.True(result.Terms.Single(t => t.Term == "slack").Weight > result.Terms.Single(t => t.Term == "export").Weight);
    }

    [Fact]
    public void A_ticket_with_no_known_word_finds_nothing()
    {
        using var index = SampleKnowledgeBase.Index();

        Assert.Empty(index.Search(string.Empty, "zxqv blorft wibblewobble").Hits);
    }

    [Fact]
    public void The_index_is_not_ready_until_built_and_a_rebuild_swaps_in_the_new_passages()
    {
        using var index = new KnowledgeIndex(new DraftingOptions());
        Assert.False(index.IsReady);
        Assert.Empty(index.Search(string.Empty, "password").Hits);

        index.Build(DocumentChunker.Chunk("a.md", "# Passwords\n\nReset your password from the sign-in page.", 1500).Chunks);
        Assert.True(index.IsReady);
        Assert.Equal("a.md#passwords", index.Search(string.Empty, "password").Hits[0].Chunk.Source);

        index.Build(DocumentChunker.Chunk("b.md", "# Exports\n\nExport your workspace as Markdown.", 1500).Chunks);
        Assert.Empty(index.Search(string.Empty, "password").Hits);
        Assert.Equal("b.md#exports", index.Search(string.Empty, "export").Hits[0].Chunk.Source);
    }

    [Fact]
    public async Task Searches_run_concurrently_with_rebuilds()
    {
        using var index = SampleKnowledgeBase.Index();
        var chunks = SampleKnowledgeBase.Chunks();

        var searches = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                Assert.NotEmpty(index.Search(string.Empty, "reset password").Hits);
            }
        }));
        var rebuilds = Task.Run(() =>
        {
            for (var i = 0; i < 5; i++)
            {
                index.Build(chunks);
            }
        });

        await Task.WhenAll(searches.Append(rebuilds));
    }
}
