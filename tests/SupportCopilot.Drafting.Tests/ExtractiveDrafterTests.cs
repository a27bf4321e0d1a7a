using SupportCopilot.Drafting.Drafts;
using SupportCopilot.Drafting.Knowledge;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class ExtractiveDrafterTests
{
    [Theory]
    [InlineData("Hi,\n\nHow do I reset my password? I forgot it and I've been locked out.\n\nThanks,\nPriya")]
    [InlineData("hey - what is the API rate limit? our nightly script started getting 429 errors")]
    [InlineData("How do I export all my pages at once? Ideally as Markdown.")]
    [InlineData("lost my phone with the authenticator app on it. how do i get back into my account??")]
    public void Every_sentence_of_the_body_appears_verbatim_in_a_cited_passage(string question)
    {
        using var index = SampleKnowledgeBase.Index();
        var ticket = SampleKnowledgeBase.Ticket(question);

        var draft = new ExtractiveDrafter(index).Draft(ticket, index.Search(string.Empty, question));

        Assert.NotEmpty(draft.Citations);
        Assert.InRange(draft.Citations.Count, 1, 2);
        Assert.StartsWith("Hi Priya,", draft.Text, StringComparison.Ordinal);
        Assert.EndsWith(ExtractiveDrafter.SignOff, draft.Text, StringComparison.Ordinal);
        Assert.NotEmpty(draft.Sentences);
        foreach (var sentence in draft.Sentences)
        {
            Assert.Contains(sentence, draft.Text, StringComparison.Ordinal);
            Assert.Contains(draft.Citations, c => c.Passage.Contains(sentence, StringComparison.Ordinal));
        }

        var body = draft.Text["Hi Priya,".Length..^ExtractiveDrafter.SignOff.Length].Trim();
        var quoted = body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(quoted, line => Assert.Contains(draft.Citations, c => c.Passage.Contains(line, StringComparison.Ordinal) || line.Split(". ").All(part => c.Passage.Contains(part.TrimEnd('.'), StringComparison.Ordinal))));
    }

    [Fact]
    public void The_citation_names_the_source_its_title_and_the_passage()
    {
        using var index = SampleKnowledgeBase.Index();
        const string question = "What is the API rate limit?";

        var draft = new ExtractiveDrafter(index).Draft(SampleKnowledgeBase.Ticket(question), index.Search(string.Empty, question));

        var citation = draft.Citations[0];
        Assert.Equal("integrations/api-tokens.md#rate-limits", citation.Source);
        Assert.Contains("Rate limits", citation.Title, StringComparison.Ordinal);
        Assert.Contains("429", citation.Passage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_quoted_section_s_opening_sentence_is_kept_even_when_the_customer_used_other_words()
    {
        using var index = SampleKnowledgeBase.Index();
        const string question = "hey - what is the API rate limit? our nightly script started getting 429 errors. do we need to upgrade?";

        var draft = new ExtractiveDrafter(index).Draft(SampleKnowledgeBase.Ticket(question), index.Search("API rate limit?", question));

        Assert.Equal("integrations/api-tokens.md#rate-limits", draft.Citations[0].Source);
        Assert.Contains("Each token can make up to 120 requests per minute.", draft.Text, StringComparison.Ordinal);
        Assert.True(
            draft.Text.IndexOf("120 requests", StringComparison.Ordinal) < draft.Text.IndexOf("429", StringComparison.Ordinal),
            "Sentences keep the order they have in the passage.");
    }

    [Fact]
    public void Nothing_useful_found_gives_a_holding_reply_with_no_citation()
    {
        using var index = SampleKnowledgeBase.Index();
        const string question = "zxqv blorft wibblewobble";

        var draft = new ExtractiveDrafter(index).Draft(SampleKnowledgeBase.Ticket(question, name: ""), index.Search(string.Empty, question));

        Assert.Empty(draft.Citations);
        Assert.Contains(ExtractiveDrafter.HoldingReply, draft.Text, StringComparison.Ordinal);
        Assert.StartsWith("Hi there,", draft.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_retrieval_gives_no_citation()
    {
        using var index = SampleKnowledgeBase.Index();

        var draft = new ExtractiveDrafter(index).Draft(SampleKnowledgeBase.Ticket("anything"), SearchResult.Empty);

        Assert.Empty(draft.Citations);
    }

    [Fact]
    public void Greetings_and_sign_offs_are_stripped_from_the_query()
    {
        var text = TicketText.StripGreetingAndSignOff("Hello Quillstack team,\n\nHow do I export my pages?\n\nBest,\nMarcus Bell\nOperations");

        Assert.Equal("How do I export my pages?", text);
        Assert.Equal("what is the rate limit?", TicketText.StripGreetingAndSignOff("hey - what is the rate limit?"));
    }
}
