using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace SupportCopilot.Drafting.Knowledge;

/// <summary>
/// A help-centre page as the Markdown the chunker reads: navigation, headers, footers, scripts
/// and forms dropped, the article's headings kept as <c>#</c> headings (so anchors are the same
/// slugs as for Markdown), paragraphs, list items, table rows and code blocks kept apart.
/// </summary>
internal static partial class HtmlToMarkdown
{
    private const string Chrome =
        "script, style, noscript, template, nav, header, footer, aside, form, iframe, svg, button, select, "
        + "[role=navigation], [role=banner], [role=contentinfo], [role=search], [aria-hidden=true], [hidden]";

    private static readonly HashSet<string> Blocks = new(StringComparer.Ordinal)
    {
        "p", "div", "section", "article", "main", "body", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot",
        "blockquote", "figure", "figcaption", "details", "summary", "address", "hr",
    };

    public static string Convert(string html, out string? title)
    {
        ArgumentNullException.ThrowIfNull(html);
        using var document = new HtmlParser().ParseDocument(html);
        foreach (var element in document.QuerySelectorAll(Chrome).ToList())
        {
            element.Remove();
        }

        var root = document.QuerySelector("main, article, [role=main]") ?? document.Body;
        title = Collapse(root?.QuerySelector("h1")?.TextContent ?? document.Title ?? string.Empty) is { Length: > 0 } t ? t : null;
        var output = new StringBuilder();
        if (root is not null)
        {
            var paragraph = new StringBuilder();
            Walk(root, paragraph, output);
            Flush(paragraph, output);
        }

        return output.ToString();
    }

    private static void Walk(INode node, StringBuilder paragraph, StringBuilder output)
    {
        if (node is IText text)
        {
            paragraph.Append(text.Data);
            return;
        }

        if (node is not IElement element)
        {
            return;
        }

        var tag = element.LocalName;
        if (tag.Length == 2 && tag[0] == 'h' && tag[1] is >= '1' and <= '6')
        {
            Flush(paragraph, output);
            var heading = Collapse(element.TextContent);
            if (heading.Length > 0)
            {
                output.Append('#', tag[1] - '0').Append(' ').Append(heading).Append("\n\n");
            }

            return;
        }

        switch (tag)
        {
            case "pre":
                Flush(paragraph, output);
                output.Append("```\n").Append(element.TextContent.Trim('\n')).Append("\n```\n\n");
                return;
            case "br":
                paragraph.Append(' ');
                return;
            case "li":
                Flush(paragraph, output);
                paragraph.Append("- ");
                WalkChildren(element, paragraph, output);
                Flush(paragraph, output);
                return;
            case "tr":
                Flush(paragraph, output);
                var cells = element.Children.Where(c => c.LocalName is "td" or "th").Select(c => Collapse(c.TextContent).Replace("|", "/", StringComparison.Ordinal));
                paragraph.Append("| ").AppendJoin(" | ", cells).Append(" |");
                Flush(paragraph, output);
                return;
        }

        if (Blocks.Contains(tag))
        {
            Flush(paragraph, output);
            WalkChildren(element, paragraph, output);
            Flush(paragraph, output);
            return;
        }

        WalkChildren(element, paragraph, output);
    }

    private static void WalkChildren(IElement element, StringBuilder paragraph, StringBuilder output)
    {
        foreach (var child in element.ChildNodes)
        {
            Walk(child, paragraph, output);
        }
    }

    private static void Flush(StringBuilder paragraph, StringBuilder output)
    {
        var text = Collapse(paragraph.ToString());
        paragraph.Clear();
        if (text.Length == 0 || text == "-")
        {
            return;
        }

        // A paragraph that happens to start with '#' or a fence must not become a heading or code.
        if (text[0] == '#' || text.StartsWith("```", StringComparison.Ordinal) || text.StartsWith("~~~", StringComparison.Ordinal))
        {
            text = "\\" + text;
        }

        output.Append(text).Append("\n\n");
    }

    private static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
