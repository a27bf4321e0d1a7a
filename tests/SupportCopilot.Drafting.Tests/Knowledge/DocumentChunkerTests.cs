using SupportCopilot.Drafting.Knowledge;
using Xunit;

namespace SupportCopilot.Drafting.Tests;

public sealed class DocumentChunkerTests
{
    private const string Article = """
        Text before any heading.

        # Reset your password

        Lead paragraph.

        ## From the sign-in page

        Select **Forgot password?** and follow the link.

        ```bash
        # not a heading
        curl https://example.com
        ```

        ### Expired links

        Request a new one.

        ## From the sign-in page

        Second section with the same heading.
        """;

    [Fact]
    public void Each_heading_starts_a_section_anchored_at_its_slug()
    {
        var document = DocumentChunker.ChunkMarkdown("account/reset.md", Article, 1500);

        Assert.Equal(
            ["(none)", "reset-your-password", "from-the-sign-in-page", "expired-links", "from-the-sign-in-page-1"],
            document.Chunks.Select(c => c.Anchor ?? "(none)").ToArray());
        Assert.Equal("account/reset.md#from-the-sign-in-page", document.Chunks[2].Source);
        Assert.Equal("account/reset.md", document.Chunks[0].Source);
    }

    [Fact]
    public void A_hash_line_inside_a_fenced_code_block_is_not_a_heading()
    {
        var document = DocumentChunker.ChunkMarkdown("account/reset.md", Article, 1500);

        var section = document.Chunks.Single(c => c.Anchor == "from-the-sign-in-page");
        Assert.Contains("# not a heading", section.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(document.Chunks, c => c.Anchor == "not-a-heading");
    }

    [Fact]
    public void A_later_h1_glued_to_code_is_a_comment_whose_fence_was_lost_and_stays_in_its_section()
    {
        const string scraped = """
            # Embeddings

            ## Voyage Python package

            Create a client object:
            vo = voyageai.Client()
            # Alternatively, you can use vo = voyageai.Client(api_key="<your secret key>")
            result = vo.embed(texts, input_type="document")

            ## Voyage HTTP API

            Call the endpoint.
            """;

        var document = DocumentChunker.ChunkMarkdown("embeddings.md", scraped, 1500);

        Assert.Equal(["voyage-python-package", "voyage-http-api"], document.Chunks.Select(c => c.Anchor ?? "(none)").ToArray());
        Assert.Contains("input_type=\"document\"", document.Chunks[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_later_h1_set_off_by_blank_lines_is_still_a_section()
    {
        var document = DocumentChunker.ChunkMarkdown("guide.md", "# Part one\n\nIntro.\n\n## Setup\n\nInstall it.\n\n# Part two\n\nMore.", 1500);

        Assert.Equal(["part-one", "setup", "part-two"], document.Chunks.Select(c => c.Anchor ?? "(none)").ToArray());
        Assert.Equal("Part one", document.Title);
    }

    [Fact]
    public void The_title_is_the_first_h1_and_the_heading_path_gives_context()
    {
        var document = DocumentChunker.ChunkMarkdown("account/reset.md", Article, 1500);

        Assert.Equal("Reset your password", document.Title);
        Assert.Equal("Reset your password > From the sign-in page > Expired links", document.Chunks.Single(c => c.Anchor == "expired-links").HeadingPath);
    }

    [Fact]
    public void A_document_without_an_h1_is_titled_by_its_file_name()
    {
        var document = DocumentChunker.ChunkMarkdown("guides/getting-started.md", "## Install\n\nRun the installer.", 1500);

        Assert.Equal("getting-started", document.Title);
        Assert.Equal("install", Assert.Single(document.Chunks).Anchor);
    }

    [Fact]
    public void A_long_section_is_split_at_sentence_ends_and_every_piece_keeps_the_anchor()
    {
        var sentences = Enumerable.Range(1, 40).Select(i => $"Sentence number {i} explains one more detail of syncing.").ToList();
        var markdown = "# Sync\n\n## Offline mode\n\n" + string.Join(" ", sentences);

        var document = DocumentChunker.ChunkMarkdown("sync.md", markdown, 400);

        var pieces = document.Chunks.Where(c => c.Anchor == "offline-mode").ToList();
        Assert.True(pieces.Count > 1);
        Assert.All(pieces, p => Assert.True(p.Text.Length <= 400));
        Assert.All(pieces, p => Assert.EndsWith("syncing.", p.Text, StringComparison.Ordinal));
        Assert.Equal(string.Join(" ", sentences), string.Join(" ", pieces.Select(p => p.Text)));
    }

    [Fact]
    public void Plain_text_has_no_anchor_and_is_titled_by_its_file_name()
    {
        var document = DocumentChunker.Chunk("notes/faq.txt", "Our office is open on weekdays.", 1500);

        var chunk = Assert.Single(document.Chunks);
        Assert.Null(chunk.Anchor);
        Assert.Equal("notes/faq.txt", chunk.Source);
        Assert.Equal("faq", document.Title);
    }

    [Fact]
    public void Sentences_split_at_end_punctuation_but_not_after_abbreviations_and_list_items_stand_alone()
    {
        const string text = "Open the app, e.g. on your phone. Then sign in!\n\n- First item.\n- Second item.";

        var sentences = SentenceSplitter.Split(text).Select(s => s.Of(text)).ToList();

        Assert.Equal(["Open the app, e.g. on your phone.", "Then sign in!", "- First item.", "- Second item."], sentences);
    }
}
