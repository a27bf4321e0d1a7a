using SupportCopilot.Drafting.Knowledge;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class TicketQueryTests
{
    [Fact]
    public void A_quoted_earlier_conversation_is_not_part_of_the_query()
    {
        const string body = """
            Still broken: the export button does nothing.

            On Tue, 3 Mar 2026 at 10:02, Quillstack Support <help@quillstack.example> wrote:
            > Have you tried turning two-factor authentication off?
            > Best, Sam
            """;

        var query = TicketQuery.Build("Re: RE: Fwd: export", body);

        Assert.Equal("export", query.Subject);
        Assert.Equal("Still broken: the export button does nothing.", query.Body);
    }

    [Fact]
    public void Greeting_sign_off_signature_and_mobile_footer_are_dropped()
    {
        const string body = """
            Hello team,

            How do I change the e-mail address on my account?

            Kind regards,
            Priya Raman
            Head of Operations, Example Ltd
            +44 20 7946 0000
            """;

        var query = TicketQuery.Build(string.Empty, body);

        Assert.Equal("How do I change the e-mail address on my account?", query.Body);
        Assert.Equal("Where is the invoice?", TicketQuery.Build(string.Empty, "Where is the invoice?\n\nSent from my iPhone").Body);
        Assert.Equal("Line one.\nLine two.", TicketQuery.Build(string.Empty, "Line one.\nLine two.\n--\nJane, ACME").Body);
    }

    [Fact]
    public void Each_question_is_kept_with_the_sentence_before_it_and_repeats_count_once()
    {
        const string body = "We moved to the Business plan last week. Can I get an invoice for it? Also, our Slack alerts stopped. How do I reconnect Slack? Can I get an invoice for it?";

        var questions = TicketQuery.QuestionsOf(body);

        Assert.Equal(
            ["We moved to the Business plan last week. Can I get an invoice for it?", "Also, our Slack alerts stopped. How do I reconnect Slack?"],
            questions);
    }

    [Fact]
    public void A_ticket_without_a_question_mark_has_no_separate_questions()
    {
        Assert.Empty(TicketQuery.Build("help", "the export does not work").Questions);
    }

    [Fact]
    public void Two_questions_in_one_ticket_each_find_their_passage_in_the_top_five()
    {
        using var index = SampleKnowledgeBase.Index();
        const string body = """
            Hi there,

            Our sync script that copies pages from the API into our wiki has been failing all morning with 429 errors, and our API token
            seems fine, we regenerated the API token twice and the script uses the API token in the header like the docs say, the API calls
            worked yesterday. What is the API rate limit for tokens? Separately, I lost my phone, how do I get back into my account?

            Thanks so much,
            Dana
            """;

        var hits = index.Search(string.Empty, body).Hits.Take(5).Select(h => h.Chunk.Source).ToList();

        Assert.Equal("integrations/api-tokens.md#rate-limits", hits[0]);
        Assert.Contains("account/two-factor-authentication.md#lost-or-replaced-phone", hits);
    }
}
