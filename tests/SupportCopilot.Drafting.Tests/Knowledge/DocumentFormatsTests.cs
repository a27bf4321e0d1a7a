using System.Text;
using SupportCopilot.Drafting.Knowledge;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class DocumentFormatsTests
{
    private const string HelpCentrePage = """
        <!doctype html>
        <html><head><title>Quillstack Help Centre</title><script>trackVisit("reset")</script><style>h2{color:red}</style></head>
        <body>
          <header><a href="/">Home</a> <input type="search"></header>
          <nav><ul><li><a href="/billing">Billing and invoices</a></li><li><a href="/sso">Single sign-on</a></li></ul></nav>
          <main>
            <h1>Reset your password</h1>
            <p>You can reset it <em>yourself</em> in a minute.</p>
            <h2>From the sign-in page</h2>
            <p>Select <strong>Forgot password</strong> and enter your e-mail address.</p>
            <ul><li>The link is valid for 24 hours.</li><li>Check your spam folder.</li></ul>
            <h2>Expired links</h2>
            <pre>POST /api/v1/password-reset</pre>
            <table><tr><th>Plan</th><th>Links per day</th></tr><tr><td>Free</td><td>3</td></tr></table>
          </main>
          <aside>Related: Billing and invoices</aside>
          <footer>© Quillstack · Privacy</footer>
          <script>window.chat.open()</script>
        </body></html>
        """;

    [Fact]
    public void A_help_centre_page_keeps_its_headings_as_anchors_and_drops_navigation_and_scripts()
    {
        var document = Read("account/reset.html", HelpCentrePage);

        Assert.Equal("Reset your password", document.Title);
        Assert.Equal(
            ["account/reset.html#reset-your-password", "account/reset.html#from-the-sign-in-page", "account/reset.html#expired-links"],
            document.Chunks.Select(c => c.Source));
        Assert.Equal("Reset your password > From the sign-in page", document.Chunks[1].HeadingPath);
        Assert.Contains("Select Forgot password and enter your e-mail address.", document.Chunks[1].Text, StringComparison.Ordinal);
        Assert.Contains("- The link is valid for 24 hours.", document.Chunks[1].Text, StringComparison.Ordinal);
        Assert.Contains("| Free | 3 |", document.Chunks[2].Text, StringComparison.Ordinal);
        var all = string.Join("\n", document.Chunks.Select(c => c.Text));
        Assert.DoesNotContain("trackVisit", all, StringComparison.Ordinal);
        Assert.DoesNotContain("chat.open", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Billing", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Privacy", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Pdf_chunks_are_anchored_at_their_page_and_carry_the_end_of_the_page_before()
    {
        var pdf = TestPdfs.WithPages(
            ["Exporting a workspace takes a few minutes.", "The archive is e-mailed to the owner when it is ready."],
            ["Archives stay available for seven days.", "After that, start a new export."]);

        var document = DocumentFormats.Read("guides/export.pdf", pdf, 1500);

        Assert.Equal(["guides/export.pdf#page=1", "guides/export.pdf#page=2"], document.Chunks.Select(c => c.Source));
        Assert.Equal([1, 2], document.Chunks.Select(c => c.Page!.Value));
        Assert.StartsWith("Exporting a workspace", document.Chunks[0].Text, StringComparison.Ordinal);
        Assert.Contains("e-mailed to the owner", document.Chunks[1].Text, StringComparison.Ordinal);
        Assert.Contains("Archives stay available for seven days.", document.Chunks[1].Text, StringComparison.Ordinal);
        Assert.False(document.Chunks[1].IsLead);
    }

    [Fact]
    public void A_long_pdf_page_is_split_between_sentences_and_every_piece_keeps_the_page()
    {
        var sentences = Enumerable.Range(1, 30).Select(i => $"Sentence number {i} explains one more detail of the export.").ToArray();

        var document = DocumentFormats.Read("long.pdf", TestPdfs.WithPages(sentences), 300);

        Assert.True(document.Chunks.Count > 1);
        Assert.All(document.Chunks, c => Assert.Equal("long.pdf#page=1", c.Source));
        Assert.All(document.Chunks, c => Assert.EndsWith("export.", c.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void A_json_faq_becomes_one_section_per_question_anchored_at_the_question()
    {
        const string json = """
            [
              {"question": "Can I pay by invoice?", "answer": "Yes, on the Business plan.\n# not a heading"},
              {"Question": "How do I cancel?", "Answer": "Open Settings > Billing and choose Cancel."}
            ]
            """;

        var document = Read("faq/billing.json", json);

        Assert.Equal(["faq/billing.json#can-i-pay-by-invoice", "faq/billing.json#how-do-i-cancel"], document.Chunks.Select(c => c.Source));
        Assert.Equal("billing > How do I cancel?", document.Chunks[1].HeadingPath);
        Assert.Contains("not a heading", document.Chunks[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_csv_faq_reads_quoted_fields_with_commas_quotes_and_line_breaks()
    {
        const string csv = "id,question,answer\r\n1,\"Where are my invoices, exactly?\",\"Under Settings > Billing.\nEach one is a PDF called \"\"invoice\"\".\"\r\n2,Do you offer refunds?,Within 30 days.\r\n";

        var document = Read("faq.csv", csv);

        Assert.Equal(["faq.csv#where-are-my-invoices-exactly", "faq.csv#do-you-offer-refunds"], document.Chunks.Select(c => c.Source));
        Assert.Contains("called \"invoice\".", document.Chunks[0].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("faq.json", "{\"question\": \"no array\"}", "array")]
    [InlineData("faq.json", "[{\"question\": \"Only a question?\"}]", "row 1")]
    [InlineData("faq.json", "[{\"question\": ", "not valid JSON")]
    [InlineData("faq.csv", "q;a\nx;y\n", "header row")]
    [InlineData("faq.csv", "question,answer\n\"open quote,never closed\n", "quoted field")]
    public void A_malformed_faq_says_what_is_wrong(string name, string content, string expected)
    {
        var error = Assert.Throws<KnowledgeFormatException>(() => Read(name, content));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encrypted_pdf_is_refused_as_encrypted()
    {
        var error = Assert.Throws<KnowledgeFormatException>(() => DocumentFormats.Read("secret.pdf", TestPdfs.Encrypted(), 1500));

        Assert.Contains("encrypted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_pdf_is_refused_as_damaged()
    {
        var error = Assert.Throws<KnowledgeFormatException>(() => DocumentFormats.Read("broken.pdf", TestPdfs.Truncated(), 1500));

        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_junk_with_a_markdown_name_is_refused_as_binary()
    {
        var junk = new byte[4096];
        new Random(7).NextBytes(junk);

        var error = Assert.Throws<KnowledgeFormatException>(() => DocumentFormats.Read("notes.md", junk, 1500));

        Assert.Contains("not UTF-8 text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_utf8_with_nul_bytes_is_refused_as_binary()
    {
        var error = Assert.Throws<KnowledgeFormatException>(() => DocumentFormats.Read("image.md", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x1A], 1500));

        Assert.Contains("binary", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n\t\n")]
    public void An_empty_file_is_refused_as_empty(string content)
    {
        var error = Assert.Throws<KnowledgeFormatException>(() => Read("empty.md", content));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_of_only_navigation_holds_no_text()
    {
        var error = Assert.Throws<KnowledgeFormatException>(() => Read("nav.html", "<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>"));

        Assert.Contains("no text", error.Message, StringComparison.Ordinal);
    }

    private static ChunkedDocument Read(string documentId, string content) =>
        DocumentFormats.Read(documentId, Encoding.UTF8.GetBytes(content), 1500);
}
