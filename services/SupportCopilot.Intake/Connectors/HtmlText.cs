using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace SupportCopilot.Intake.Connectors;

/// <summary>
/// Turns a helpdesk's HTML message into the plain text drafting reads, with AngleSharp's HTML5
/// parser (never regular expressions): scripts, styles and other non-content elements are dropped,
/// block elements and <c>&lt;br&gt;</c> become line breaks, paragraphs stay separated by a blank
/// line, list items get a dash, and entities are decoded. Only text is stored, so nothing of the
/// markup can reach the review UI (which escapes what it shows anyway).
/// </summary>
internal static class HtmlText
{
    private static readonly HtmlParser Parser = new(new HtmlParserOptions { IsScripting = false });

    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "head", "template", "noscript", "iframe", "object", "svg", "title", "meta", "link", "button", "select",
    };

    private static readonly HashSet<string> Paragraphs = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl", "hr",
    };

    private static readonly HashSet<string> Lines = new(StringComparer.OrdinalIgnoreCase)
    {
        "div", "section", "article", "header", "footer", "aside", "nav", "main", "li", "tr", "dt", "dd", "figure", "figcaption", "address",
    };

    /// <summary>Text of an HTML fragment or document.</summary>
    public static string FromHtml(string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return string.Empty;
        }

        var document = Parser.ParseDocument(html);
        var writer = new TextWriter();
        writer.Walk(document.Body ?? (INode)document.DocumentElement);
        return writer.ToString();
    }

    /// <summary>
    /// For fields a helpdesk fills with HTML or plain text depending on the channel: text with no
    /// markup at all keeps its line breaks, anything the parser finds elements in is converted.
    /// </summary>
    public static string FromHtmlOrText(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return string.Empty;
        }

        var document = Parser.ParseDocument(value);
        var hasMarkup = document.Body is { } body && body.Descendants<IElement>().Any();
        return hasMarkup ? FromHtml(value) : NormaliseText(document.Body?.TextContent ?? value);
    }

    private static string NormaliseText(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd());
        return string.Join('\n', lines).Trim();
    }

    private sealed class TextWriter
    {
        private readonly StringBuilder _text = new();
        private int _pendingBreaks;
        private bool _pendingSpace;

        public void Walk(INode node)
        {
            foreach (var child in node.ChildNodes)
            {
                switch (child)
                {
                    case IText text:
                        AppendText(text.Data, child.ParentElement?.Closest("pre") is not null);
                        break;
                    case IElement element when Dropped.Contains(element.LocalName):
                        break;
                    case IElement { LocalName: "br" }:
                        Break(1);
                        break;
                    case IElement element:
                        var breaks = Paragraphs.Contains(element.LocalName) ? 2 : Lines.Contains(element.LocalName) ? 1 : 0;
                        Break(breaks);
                        if (element.LocalName == "li")
                        {
                            AppendText("- ", preformatted: true);
                        }
                        else if (element.LocalName is "td" or "th" && element.PreviousElementSibling is not null)
                        {
                            AppendText(" | ", preformatted: true);
                        }
                        else if (element.LocalName == "img" && element.GetAttribute("alt") is { Length: > 0 } alt)
                        {
                            AppendText("[" + alt + "]", preformatted: false);
                        }

                        Walk(element);
                        Break(breaks);
                        break;
                }
            }
        }

        private void Break(int count)
        {
            if (count > 0 && _text.Length > 0)
            {
                _pendingBreaks = Math.Max(_pendingBreaks, count);
                _pendingSpace = false;
            }
        }

        private void AppendText(string data, bool preformatted)
        {
            foreach (var c in data)
            {
                if (!preformatted && char.IsWhiteSpace(c))
                {
                    _pendingSpace = _text.Length > 0 && _pendingBreaks == 0;
                    continue;
                }

                if (preformatted && c == '\n')
                {
                    Break(1);
                    continue;
                }

                if (_pendingBreaks > 0)
                {
                    _text.Append('\n', _pendingBreaks);
                    _pendingBreaks = 0;
                }
                else if (_pendingSpace)
                {
                    _text.Append(' ');
                }

                _pendingSpace = false;
                _text.Append(c == '\u00A0' ? ' ' : c);
            }
        }

        public override string ToString() => _text.ToString().Trim();
    }
}
