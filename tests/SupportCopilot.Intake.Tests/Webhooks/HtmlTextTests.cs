using SupportCopilot.Intake.Connectors;
using Xunit;

namespace SupportCopilot.Intake.Tests.Webhooks;

public sealed class HtmlTextTests
{
    [Fact]
    public void Scripts_and_styles_are_removed_and_paragraphs_are_kept_apart()
    {
        var text = HtmlText.FromHtml(
            "<html><head><title>t</title><style>p{color:red}</style></head><body><p>First  paragraph,\n wrapped.</p>"
            + "<script>alert('x')</script><p>Second&nbsp;one &amp; more.</p></body></html>");

        Assert.Equal("First paragraph, wrapped.\n\nSecond one & more.", text);
    }

    [Fact]
    public void Line_breaks_divs_and_list_items_become_lines()
    {
        var text = HtmlText.FromHtml("<div>Hello<br>world</div><ul><li>one</li><li>two</li></ul><div>Bye</div>");

        Assert.Equal("Hello\nworld\n\n- one\n- two\n\nBye", text);
    }

    [Fact]
    public void Markup_looking_text_is_not_executed_or_kept_as_markup()
    {
        var text = HtmlText.FromHtml("<p>Use &lt;b&gt; tags</p><img src=x onerror=alert(1) alt=\"logo\"><iframe src=\"https://evil\"></iframe>");

        Assert.Equal("Use <b> tags\n\n[logo]", text);
    }

    [Fact]
    public void Plain_text_keeps_its_line_breaks()
    {
        Assert.Equal("Line one\nLine two", HtmlText.FromHtmlOrText("Line one\r\nLine two\n"));
    }

    [Fact]
    public void Text_with_markup_is_converted()
    {
        Assert.Equal("Hi\n\nthere", HtmlText.FromHtmlOrText("<p>Hi</p><p>there</p>"));
    }
}
